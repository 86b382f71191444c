"""The youth pages, under /jeunesse/. Each views module declares its own `urlpatterns`."""

from auzolan.youth.views import manage, public

app_name = "youth"

urlpatterns = [*public.urlpatterns, *manage.urlpatterns]
