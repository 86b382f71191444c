from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "auzolan.datastore"
    label = "datastore"
    verbose_name = _("Entrepôt de données tabulaires")

    def ready(self) -> None:
        from auzolan.catalog.signals import resource_version_added
        from auzolan.datastore.receivers import start_ingestion

        resource_version_added.connect(start_ingestion, dispatch_uid="datastore.start_ingestion")
