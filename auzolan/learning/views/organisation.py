"""The organisation view: an organisation's admins see which of its members followed what — only the members who
agreed to share (`LearnerProfile.share_progress_with_organisation`), a count of the others — and the open data
roadmap's "referents trained" step."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from auzolan.core.permissions import get_object_for
from auzolan.learning import selectors
from auzolan.opendata_programme import selectors as programme_selectors
from auzolan.organisations.models import Organisation


@require_safe
@login_required
def organisation_training(request, organisation_slug: str):
    organisation = get_object_for(
        request.user, "learning.view_organisation_training", Organisation.objects.all(), slug=organisation_slug
    )
    referent_ids = sorted(
        {
            pk
            for member in programme_selectors.membership_in_groups(organisation)
            for pk in (member.elected_referent_id, member.agent_referent_id)
            if pk
        }
    )
    return render(
        request,
        "learning/organisation_training.html",
        {
            "organisation": organisation,
            "training": selectors.organisation_training(organisation, referent_ids=referent_ids),
        },
    )


urlpatterns = [
    path(
        "formation/organisations/<slug:organisation_slug>/",
        organisation_training,
        name="organisation_training",
    ),
]
