"""Statistics of participation: per process (with figures by district, protected against small counts) and for
the home page.

Participants are distinct people who did anything in the process: proposed, supported, commented, answered a
survey (signed or anonymous) or voted (with an account or a one-time code). Anonymous survey responses carry no
account, only the keyed participant hash; the same hash is computed for the other participants, so a person who
proposed and answered anonymously counts once — without anything linking back to the account being stored.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from auzolan.participation.models import (
    Ballot,
    Budget,
    Comment,
    District,
    Process,
    Proposal,
    Support,
    SurveyResponse,
)
from auzolan.participation.models.surveys import ProcessOpenData, participant_key
from auzolan.participation.small_counts import SMALL_COUNT, protect_small_counts

HOME_CACHE_SECONDS = 300


def _participant_keys(process: Process) -> tuple[set[str], int]:
    user_ids: set[int] = set()
    user_ids.update(
        Proposal.objects.filter(process=process, author__isnull=False).values_list("author_id", flat=True).distinct()
    )
    user_ids.update(Support.objects.filter(proposal__process=process).values_list("user_id", flat=True).distinct())
    user_ids.update(
        Comment.objects.filter(process=process, author__isnull=False).values_list("author_id", flat=True).distinct()
    )
    user_ids.update(
        Ballot.objects.filter(budget__process=process, user__isnull=False).values_list("user_id", flat=True).distinct()
    )
    keys = {participant_key(process=process, user_id=user_id) for user_id in user_ids}
    keys.update(
        SurveyResponse.objects.filter(survey__process=process).values_list("participant_key", flat=True).distinct()
    )
    code_ballots = Ballot.objects.filter(budget__process=process, user__isnull=True, access_code__isnull=False).count()
    return keys, code_ballots


def _by_district(process: Process) -> dict[int, dict[str, int]]:
    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for district_id, n in (
        Proposal.objects.filter(process=process, is_hidden=False, district__isnull=False)
        .values("district_id")
        .annotate(n=Count("pk"))
        .values_list("district_id", "n")
    ):
        figures[district_id]["proposals"] = n
    for district_id, n in (
        Support.objects.filter(proposal__process=process, proposal__district__isnull=False)
        .values("proposal__district_id")
        .annotate(n=Count("pk"))
        .values_list("proposal__district_id", "n")
    ):
        figures[district_id]["supports"] = n
    for district_id, n in (
        Comment.objects.filter(process=process, is_hidden=False, proposal__district__isnull=False)
        .values("proposal__district_id")
        .annotate(n=Count("pk"))
        .values_list("proposal__district_id", "n")
    ):
        figures[district_id]["comments"] = n
    for district_id, n in (
        Ballot.objects.filter(budget__process=process, budget__district__isnull=False)
        .values("budget__district_id")
        .annotate(n=Count("pk"))
        .values_list("budget__district_id", "n")
    ):
        figures[district_id]["ballots"] = n
    people: dict[int, set] = defaultdict(set)
    for source in (
        Proposal.objects.filter(process=process, district__isnull=False, author__isnull=False).values_list(
            "district_id", "author_id"
        ),
        Support.objects.filter(proposal__process=process, proposal__district__isnull=False).values_list(
            "proposal__district_id", "user_id"
        ),
        Comment.objects.filter(process=process, proposal__district__isnull=False, author__isnull=False).values_list(
            "proposal__district_id", "author_id"
        ),
        Ballot.objects.filter(budget__process=process, budget__district__isnull=False, user__isnull=False).values_list(
            "budget__district_id", "user_id"
        ),
    ):
        for district_id, user_id in source.distinct():
            people[district_id].add(("user", user_id))
    for district_id, ballot_id in Ballot.objects.filter(
        budget__process=process, budget__district__isnull=False, user__isnull=True
    ).values_list("budget__district_id", "pk"):
        people[district_id].add(("code", ballot_id))
    for district_id, members in people.items():
        figures[district_id]["participants"] = len(members)
    return figures


DISTRICT_COLUMNS = ("participants", "proposals", "supports", "comments", "ballots")


def process_statistics(*, process: Process) -> dict:
    keys, code_ballots = _participant_keys(process)
    proposals = Proposal.objects.filter(process=process, is_hidden=False).count()
    supports = Support.objects.filter(proposal__process=process).count()
    comments = Comment.objects.filter(process=process, is_hidden=False).count()
    responses = SurveyResponse.objects.filter(survey__process=process).count()
    ballots = Ballot.objects.filter(budget__process=process).count()
    paper = Budget.objects.filter(process=process).aggregate(n=Sum("paper_ballots"))["n"] or 0
    figures = _by_district(process)
    district_ids = set(figures) | set(process.districts.values_list("pk", flat=True))
    districts = District.objects.filter(pk__in=district_ids).order_by("name")
    rows = [
        {"district": district, **{column: figures.get(district.pk, {}).get(column, 0) for column in DISTRICT_COLUMNS}}
        for district in districts
    ]
    return {
        "participants": len(keys) + code_ballots,
        "proposals": proposals,
        "supports": supports,
        "comments": comments,
        "survey_responses": responses,
        "ballots": ballots,
        "paper_ballots": paper,
        "districts": protect_small_counts(rows, DISTRICT_COLUMNS),
        "threshold": SMALL_COUNT,
    }


def district_column_labels() -> list[str]:
    return [_("Participants"), _("Propositions"), _("Soutiens"), _("Commentaires"), _("Bulletins en ligne")]


def open_data_link(*, process: Process) -> ProcessOpenData | None:
    return ProcessOpenData.objects.filter(process=process, dataset__isnull=False).select_related("dataset").first()


# --- Home page -----------------------------------------------------------------------------------------------


def home_figures_values() -> dict[str, int]:
    """Processes open to participation and distinct accounts that took part (cached a few minutes).

    Anonymous survey responses are not counted here (they carry no account, and their keyed hashes differ from
    one process to another); they are in each process's figures.
    """
    cached = cache.get("participation:home_figures")
    if cached is not None:
        return cached
    public = Process.objects.filter(state__in=[Process.State.PUBLISHED, Process.State.CLOSED, Process.State.ARCHIVED])
    running = Process.objects.filter(state=Process.State.PUBLISHED).count()
    users = (
        Proposal.objects.filter(process__in=public, author__isnull=False)
        .order_by()
        .values_list("author_id", flat=True)
        .union(
            Support.objects.filter(proposal__process__in=public).order_by().values_list("user_id", flat=True),
            Comment.objects.filter(process__in=public, author__isnull=False)
            .order_by()
            .values_list("author_id", flat=True),
            Ballot.objects.filter(budget__process__in=public, user__isnull=False)
            .order_by()
            .values_list("user_id", flat=True),
            SurveyResponse.objects.filter(survey__process__in=public, user__isnull=False)
            .order_by()
            .values_list("user_id", flat=True),
        )
    )
    values = {"running": running, "participants": users.count()}
    cache.set("participation:home_figures", values, HOME_CACHE_SECONDS)
    return values
