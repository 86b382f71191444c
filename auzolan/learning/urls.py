"""The learning pages. Each views module declares its own `urlpatterns`."""

from auzolan.learning.views import attestations, catalogue, editors, organisation, player, self_assessment

app_name = "learning"

urlpatterns = [
    *catalogue.urlpatterns,
    *player.urlpatterns,
    *editors.urlpatterns,
    *attestations.urlpatterns,
    *self_assessment.urlpatterns,
    *organisation.urlpatterns,
]
