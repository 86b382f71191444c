"""The CKAN Action API's addresses: `/api/3/action/<name>` and `/api/action/<name>` (ckanapi's default)."""

from django.urls import path

from auzolan.catalog.ckan import views

app_name = "ckan"

urlpatterns = [
    path("api/3/action/<str:name>", views.action, name="action"),
    path("api/action/<str:name>", views.action, name="action_unversioned"),
]
