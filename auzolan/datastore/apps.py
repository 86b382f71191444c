from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "auzolan.datastore"
    label = "datastore"
    verbose_name = _("Entrepôt de données tabulaires")

    def ready(self) -> None:
        from auzolan.catalog.models import Dataset
        from auzolan.catalog.quality import register_schema_conformance
        from auzolan.catalog.signals import dataset_changed, resource_version_added
        from auzolan.core.registry import register_page_section
        from auzolan.datastore import conformance, loading, preview, receivers
        from auzolan.datastore.views import conformance as conformance_views

        resource_version_added.connect(receivers.start_ingestion, dispatch_uid="datastore.start_ingestion")
        resource_version_added.connect(receivers.start_validation, dispatch_uid="datastore.start_validation")
        dataset_changed.connect(
            receivers.revalidate_on_schema_change, sender=Dataset, dispatch_uid="datastore.revalidate"
        )
        register_schema_conformance(conformance.schema_conformance)
        register_page_section(
            "dataset_resource", "datastore/validation/_resource_conformance.html", conformance_views.resource_section
        )
        register_page_section(
            "dataset_resource", "datastore/preview/_resource_preview.html", preview.resource_section, order=60
        )
        # The publisher's resource page: the loading of the uploaded file, then the table's figures.
        register_page_section("publish_resource", loading.TEMPLATE, loading.resource_section)
