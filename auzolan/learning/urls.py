"""The learning pages. Each views module declares its own `urlpatterns`."""

from auzolan.learning.views import (
    attestations,
    catalogue,
    editors,
    organisation,
    player,
    self_assessment,
    territory,
)

app_name = "learning"

urlpatterns = [
    *territory.urlpatterns,  # before the editors' /formation/gestion/<module>/
    *catalogue.urlpatterns,
    *player.urlpatterns,
    *editors.urlpatterns,
    *attestations.urlpatterns,
    *self_assessment.urlpatterns,
    *organisation.urlpatterns,
]
