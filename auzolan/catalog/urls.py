"""The catalogue's pages. Each views module declares its own `urlpatterns`."""

from auzolan.catalog.views import dataset, publish, reuses, schemas, search

app_name = "catalog"

urlpatterns = [
    *search.urlpatterns,
    *schemas.urlpatterns,
    *publish.urlpatterns,
    *reuses.urlpatterns,
    *dataset.urlpatterns,
]
