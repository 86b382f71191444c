from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "auzolan.datastore"
    label = "datastore"
    verbose_name = _("Entrepôt de données tabulaires")

    def ready(self) -> None:
        # Imported here: hooks imports models, which Django's app registry must load first.
        from auzolan.datastore import hooks

        hooks.register()
