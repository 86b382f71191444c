"""The learning pages. Each views module declares its own `urlpatterns`."""

from auzolan.learning.views import (
    attestations,
    catalogue,
    editors,
    organisation,
    path_editors,
    player,
    self_assessment,
    territory,
)

app_name = "learning"

urlpatterns = [
    *territory.urlpatterns,  # before the editors' /formation/gestion/<module>/
    *catalogue.urlpatterns,
    *player.urlpatterns,
    *path_editors.urlpatterns,  # before the editors' /formation/gestion/<module>/
    *editors.urlpatterns,
    *attestations.urlpatterns,
    *self_assessment.urlpatterns,
    *organisation.urlpatterns,
]
