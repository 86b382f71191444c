from django.urls import path

from auzolan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("moi/", views.dashboard, name="dashboard"),
    path("moi/profil/", views.profile, name="profile"),
    path("moi/donnees/", views.export, name="export"),
    path("moi/donnees/<uuid:job_id>/telecharger/", views.export_download, name="export_download"),
    path("moi/jetons-api/", views.api_tokens, name="api_tokens"),
    path("moi/jetons-api/<int:pk>/revoquer/", views.revoke_api_token, name="api_token_revoke"),
    path("moi/supprimer/", views.delete, name="delete"),
]
