"""Participation pages, one module of views per area (each defines its own urlpatterns)."""

from auzolan.participation.views import (
    budget_management,
    budget_votes,
    comments,
    followup,
    guides,
    moderation,
    processes,
    proposals,
    surveys,
    verification,
    voting_codes,
)

app_name = "participation"

urlpatterns = [
    *processes.urlpatterns,
    *proposals.urlpatterns,
    *comments.urlpatterns,
    *moderation.urlpatterns,
    *surveys.urlpatterns,
    *budget_votes.urlpatterns,
    *budget_management.urlpatterns,
    *voting_codes.urlpatterns,
    *verification.urlpatterns,
    *followup.urlpatterns,
    *guides.urlpatterns,
]
