from django.urls import path

from auzolan.organisations import views

app_name = "organisations"

urlpatterns = [
    path("territoire/", views.territory, name="territory"),
    path("organisations/", views.organisation_list, name="list"),
    # Before <slug>/: "agir-pour" is not an organisation.
    path("organisations/agir-pour/", views.switch, name="switch"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="detail"),
    path("organisations/<slug:slug>/modifier/", views.organisation_edit, name="edit"),
    path("organisations/<slug:slug>/rejoindre/", views.membership_request, name="request"),
    path("organisations/<slug:slug>/quitter/", views.leave, name="leave"),
    path("organisations/<slug:slug>/membres/", views.organisation_members, name="members"),
    path("organisations/<slug:slug>/membres/<int:pk>/role/", views.member_role, name="member_role"),
    path("organisations/<slug:slug>/membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path("organisations/<slug:slug>/membres/<int:pk>/decision/", views.member_decide, name="member_decide"),
]
