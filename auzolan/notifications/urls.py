from django.urls import path

from auzolan.notifications import views

app_name = "notifications"

urlpatterns = [
    path("moi/notifications/", views.notification_list, name="list"),
    path("moi/notifications/<int:pk>/lue/", views.notification_read, name="read"),
    path("moi/notifications/tout-lu/", views.notification_read_all, name="read_all"),
    path("moi/notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
