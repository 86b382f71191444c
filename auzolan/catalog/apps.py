from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "auzolan.catalog"
    label = "catalog"
    verbose_name = _("Catalogue de données")

    def ready(self) -> None:
        from auzolan.catalog import receivers  # noqa: F401  (connects the signal receivers)

        # Dataset page area: what the catalogue adds to the organisation, territory and home pages.
        from auzolan.catalog.views import dataset as dataset_views
        from auzolan.core.registry import register_home_figures, register_page_section

        register_page_section(
            "organisation_detail", "catalog/_organisation_datasets.html", dataset_views.organisation_section
        )
        register_page_section("territory", "catalog/_territory_publishing.html", dataset_views.territory_section)
        register_home_figures(dataset_views.home_figures)

        from auzolan.catalog.views import sections
        from auzolan.core.registry import register_dashboard_section

        register_page_section("programme_opendata", "catalog/_programme_opendata.html", sections.programme_section)
        register_dashboard_section("catalog/_dashboard_publishing.html", sections.dashboard_section, order=20)
