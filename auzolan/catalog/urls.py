"""The catalogue's pages. Each views module declares its own `urlpatterns`."""

from auzolan.catalog.dcat import views as dcat
from auzolan.catalog.views import dataset, links, publish, reuses, schemas, search

app_name = "catalog"

urlpatterns = [
    *search.urlpatterns,
    *schemas.urlpatterns,
    *links.urlpatterns,  # before publish: /publier/<slug>/liens/
    *publish.urlpatterns,
    *reuses.urlpatterns,
    *dataset.urlpatterns,
    *dcat.urlpatterns,
]
