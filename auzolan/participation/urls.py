"""Participation pages, one module of views per area (each defines its own urlpatterns)."""

from auzolan.participation.views import (
    budgets,
    comments,
    followup,
    guides,
    moderation,
    processes,
    proposals,
    surveys,
    verification,
)

app_name = "participation"

urlpatterns = [
    *processes.urlpatterns,
    *proposals.urlpatterns,
    *comments.urlpatterns,
    *moderation.urlpatterns,
    *surveys.urlpatterns,
    *budgets.urlpatterns,
    *verification.urlpatterns,
    *followup.urlpatterns,
    *guides.urlpatterns,
]
