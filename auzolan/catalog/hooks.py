"""Everything the catalogue adds to the rest of the platform, in one place: the blocks it puts on other apps' pages
(organisation, territory, programme, home figures, "Mon espace") and the receivers of its signals.

Called once from `CatalogConfig.ready`.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from auzolan.catalog import receivers
from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.signals import dataset_changed
from auzolan.catalog.views import sections
from auzolan.core.registry import register_dashboard_section, register_home_figures, register_page_section


def register() -> None:
    # --- Blocks on other pages ------------------------------------------------------------------------------
    register_page_section("organisation_detail", "catalog/_organisation_datasets.html", sections.organisation_section)
    register_page_section("territory", "catalog/_territory_publishing.html", sections.territory_section)
    register_page_section("programme_opendata", "catalog/_programme_opendata.html", sections.programme_section)
    register_home_figures(sections.home_figures)
    register_dashboard_section("catalog/_dashboard_publishing.html", sections.dashboard_section, order=20)

    # --- Signal receivers -----------------------------------------------------------------------------------
    dataset_changed.connect(receivers.search_index_dataset, sender=Dataset, dispatch_uid="catalog.search.index")
    post_delete.connect(receivers.search_remove_dataset, sender=Dataset, dispatch_uid="catalog.search.remove")
    dataset_changed.connect(receivers.quality_refresh_dataset, sender=Dataset, dispatch_uid="catalog.quality.refresh")
    post_save.connect(
        receivers.formats_refresh_resource, sender=Resource, dispatch_uid="catalog.formats.resource_saved"
    )
    post_delete.connect(
        receivers.formats_refresh_resource, sender=Resource, dispatch_uid="catalog.formats.resource_deleted"
    )
    post_save.connect(
        receivers.availability_reset_resource, sender=Resource, dispatch_uid="catalog.linkcheck.address_changed"
    )
