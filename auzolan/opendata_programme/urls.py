"""The programme's pages. Each views module declares its own `urlpatterns`."""

from auzolan.opendata_programme.views import inventory, programme, roadmap, support

app_name = "opendata_programme"

urlpatterns = [*programme.urlpatterns, *roadmap.urlpatterns, *inventory.urlpatterns, *support.urlpatterns]
