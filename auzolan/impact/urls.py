"""The impact pages. Each views module declares its own `urlpatterns`."""

from auzolan.impact.views import manage, public

app_name = "impact"

urlpatterns = [*manage.urlpatterns, *public.urlpatterns]
