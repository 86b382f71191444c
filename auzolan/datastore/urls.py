"""The datastore's pages. Each views module declares its own `urlpatterns`."""

from auzolan.datastore.views import conformance, exports, ingestion, preview, validation

app_name = "datastore"

urlpatterns = [
    *validation.urlpatterns,
    *ingestion.urlpatterns,
    *conformance.urlpatterns,
    *preview.urlpatterns,
    *exports.urlpatterns,
]
