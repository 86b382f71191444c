"""The harvest pages. Each views module declares its own `urlpatterns`."""

from auzolan.harvest.views import sources

app_name = "harvest"

urlpatterns = [*sources.urlpatterns]
