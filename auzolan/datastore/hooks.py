"""Everything the datastore adds to the rest of the platform, in one place: its reactions to the catalogue's signals
(a version uploaded, a dataset changed), the lines it adds to the catalogue's pages (page sections), the "schema"
criterion of the quality score and its part of the CKAN Action API.

Called once from `DatastoreConfig.ready`.
"""

from __future__ import annotations

from auzolan.catalog.ckan.actions import register_action
from auzolan.catalog.ckan.dictize import register_resource_extras
from auzolan.catalog.models import Dataset
from auzolan.catalog.quality import register_schema_conformance
from auzolan.catalog.signals import dataset_changed, resource_version_added
from auzolan.core.registry import register_page_section
from auzolan.datastore import ckan, conformance, preview, receivers
from auzolan.datastore.views import conformance as conformance_views
from auzolan.datastore.views import loading as loading_views


def register() -> None:
    # --- Signals: an upload is loaded and validated; a change of schema validates the current versions again ------
    resource_version_added.connect(receivers.start_ingestion, dispatch_uid="datastore.start_ingestion")
    resource_version_added.connect(receivers.start_validation, dispatch_uid="datastore.start_validation")
    dataset_changed.connect(receivers.revalidate_on_schema_change, sender=Dataset, dispatch_uid="datastore.revalidate")

    # --- The CKAN Action API: datastore_search, and datastore_active in resource dictionaries -------------------
    register_action("datastore_search", ckan.datastore_search)
    register_resource_extras(ckan.datastore_active)

    # --- The quality score's "schema" criterion -------------------------------------------------------------------
    register_schema_conformance(conformance.schema_conformance)

    # --- Page sections: each resource of the dataset page (conformance, preview), the publisher's resource page ----
    register_page_section(
        "dataset_resource", "datastore/validation/_resource_conformance.html", conformance_views.resource_section
    )
    register_page_section(
        "dataset_resource", "datastore/preview/_resource_preview.html", preview.resource_section, order=60
    )
    # The publisher's resource page: the loading of the uploaded file, then the table's figures.
    register_page_section("publish_resource", loading_views.TEMPLATE, loading_views.status)
