"""The events pages. Each views module declares its own `urlpatterns`; the organisers' paths come first, so that
`/evenements/gestion/` is never read as an event's slug."""

from auzolan.events.views import checkin, manage, personal, public

app_name = "events"

urlpatterns = [*manage.urlpatterns, *checkin.urlpatterns, *public.urlpatterns, *personal.urlpatterns]
