"""Reads of youth: the partners directory, a partner's page, "Ce que disent les jeunes" and the programme block.

Survey results, follow-up and events sessions are read through participation's and events' selectors: nothing they
compute (counts, percentages, the small-count rule) is computed again here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from auzolan.events import selectors as events_selectors
from auzolan.organisations.models import Membership, OrganisationKind
from auzolan.participation.models import Survey
from auzolan.participation.selectors import followup as followup_selectors
from auzolan.participation.selectors import surveys as survey_selectors
from auzolan.youth.models import Action, Collaboration, DirectoryOpenData, Partnership


def _partnerships() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("organisation").prefetch_related(
        Prefetch("collaborations", queryset=Collaboration.objects.order_by("kind"))
    )


@dataclass(frozen=True)
class DirectoryFilters:
    kind: str = ""
    collaboration: str = ""


def public_partnerships(filters: DirectoryFilters = DirectoryFilters()) -> QuerySet[Partnership]:
    """Public partnerships, by organisation name, with their organisation and collaborations (two queries)."""
    partnerships = _partnerships().filter(is_public=True)
    if filters.kind:
        partnerships = partnerships.filter(organisation__kind=filters.kind)
    if filters.collaboration:
        partnerships = partnerships.filter(collaborations__kind=filters.collaboration)
    return partnerships.order_by("organisation__name", "pk")


def directory_rows() -> QuerySet[Partnership]:
    """The public partnerships as the open data file lists them: with their organisation's communes too."""
    return public_partnerships().prefetch_related("organisation__communes")


def directory_open_data() -> DirectoryOpenData | None:
    """Where the directory was last published as open data (staff's page links to the dataset), if ever."""
    return DirectoryOpenData.objects.select_related("dataset").filter(dataset__isnull=False).first()


def directory_kinds() -> list[tuple[str, str]]:
    """The organisation kinds that have at least one public partner (the directory's type filter)."""
    present = set(Partnership.objects.filter(is_public=True).values_list("organisation__kind", flat=True))
    return [(value, label) for value, label in OrganisationKind.choices if value in present]


def partnership_queryset() -> QuerySet[Partnership]:
    return _partnerships()


def partner_sessions(partnership: Partnership) -> list:
    """Sessions of public events the partner organises or hosts (events' own selector)."""
    return events_selectors.public_sessions_of_organisation(partnership.organisation)


def partnerships_of_admin(user) -> QuerySet[Partnership]:
    """The partnerships of the organisations `user` administers (an active admin membership), by organisation name:
    the ones they may edit (`youth.edit_own_partnership`)."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    return (
        Partnership.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__role=Membership.Role.ADMIN,
            organisation__memberships__state=Membership.State.ACTIVE,
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def managed_partnerships() -> QuerySet[Partnership]:
    return _partnerships().order_by("organisation__name", "pk")


def managed_actions() -> QuerySet[Action]:
    return Action.objects.select_related("survey__process").order_by("-decided_on", "-pk")


def youth_surveys() -> QuerySet[Survey]:
    """Every youth survey (whatever its state), for staff choosing the survey an action follows."""
    return Survey.objects.filter(audience=Survey.Audience.YOUTH).select_related("process").order_by("-created_at")


# --- "Ce que disent les jeunes" -------------------------------------------------------------------------------


def youth_voice() -> list[dict]:
    """Per youth survey whose results are public, newest first: its public aggregated results (participation's
    selector, small counts hidden), the public actions that followed (newest decision first) and the process's
    follow-up summary (participation's)."""
    surveys = list(survey_selectors.surveys_with_public_results(audience=Survey.Audience.YOUTH))
    actions: dict[int, list[Action]] = {survey.pk: [] for survey in surveys}
    for action in Action.objects.filter(survey__in=surveys, is_public=True).order_by("-decided_on", "-pk"):
        actions[action.survey_id].append(action)
    return [
        {
            "survey": survey,
            "results": survey_selectors.survey_results(survey=survey),
            "actions": actions[survey.pk],
            "followup": followup_selectors.followup_summary(process=survey.process),
        }
        for survey in surveys
    ]


def programme_figures() -> dict:
    """For the block of the programme page: the number of public partners and the latest youth survey."""
    return {
        "partners": Partnership.objects.filter(is_public=True).count(),
        "latest_survey": survey_selectors.surveys_with_public_results(audience=Survey.Audience.YOUTH).first(),
    }
