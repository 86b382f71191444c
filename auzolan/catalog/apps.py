from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "auzolan.catalog"
    label = "catalog"
    verbose_name = _("Catalogue de données")

    def ready(self) -> None:
        from auzolan.catalog import hooks

        hooks.register()
