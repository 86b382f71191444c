"""The datastore's pages. Each views module declares its own `urlpatterns`."""

from auzolan.datastore.views import conformance, exports, ingestion, loading, preview, validation

app_name = "datastore"

urlpatterns = [
    *validation.urlpatterns,
    *ingestion.urlpatterns,
    *loading.urlpatterns,
    *conformance.urlpatterns,
    *preview.urlpatterns,
    *exports.urlpatterns,
]
