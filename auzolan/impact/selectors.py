"""Reads of impact: experiments for each audience, participation counts, and the pupils' scores per competence.

A pupil's score for a competence at a wave is the mean of their answers to the items of that competence (a
reverse-scored item counts as min + max − value); the overall score is the mean of their competence scores. Scores are
keyed by code only: nothing else identifies a pupil.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from auzolan.core.rules import is_operator
from auzolan.impact.models import Answer, Cohort, Decision, Experiment, Item, PupilCode, Response, Wave
from auzolan.impact.rules import managed_organisations

OVERALL = "overall"


def experiments_managed(*, user) -> QuerySet[Experiment]:
    queryset = Experiment.objects.select_related("organisation", "framework").order_by("-created_at")
    if is_operator(user):
        return queryset
    return queryset.filter(organisation__in=managed_organisations(user))


def cohorts_taught(*, user) -> QuerySet[Cohort]:
    if not (user and user.is_authenticated):
        return Cohort.objects.none()
    return Cohort.objects.filter(teacher=user).select_related("experiment").order_by("experiment__title", "name")


def experiments_public() -> QuerySet[Experiment]:
    return (
        Experiment.objects.filter(results_public=True)
        .select_related("organisation", "framework")
        .order_by("-created_at")
    )


def experiment_detail_queryset() -> QuerySet[Experiment]:
    return Experiment.objects.select_related("organisation", "framework", "instrument")


def cohorts_with_counts(*, experiment: Experiment) -> list[Cohort]:
    """The cohorts, each with `codes_count` and `answered` ({wave pk: number of codes that answered it})."""
    cohorts = list(experiment.cohorts.select_related("teacher").annotate(codes_count=Count("codes")))
    counts = (
        Response.objects.filter(code__cohort__experiment=experiment)
        .values("code__cohort_id", "wave_id")
        .annotate(n=Count("pk"))
    )
    answered: dict[int, dict[int, int]] = defaultdict(dict)
    for row in counts:
        answered[row["code__cohort_id"]][row["wave_id"]] = row["n"]
    for cohort in cohorts:
        cohort.answered = answered.get(cohort.pk, {})
    return cohorts


def waves(*, experiment: Experiment) -> list[Wave]:
    return list(experiment.waves.annotate(responses_count=Count("responses")))


def items(*, experiment: Experiment) -> list[Item]:
    return list(Item.objects.filter(instrument__experiment=experiment).select_related("competence__area"))


def cohort_answered(*, cohort: Cohort) -> bool:
    """Has any code of this cohort answered any wave?"""
    return Response.objects.filter(code__cohort=cohort).exists()


def instrument_answered(*, experiment: Experiment) -> bool:
    """Has any pupil answered the experiment's questionnaire (at any wave)?"""
    return Response.objects.filter(wave__experiment=experiment).exists()


def cohort_codes(*, cohort: Cohort) -> QuerySet[PupilCode]:
    return cohort.codes.annotate(answered=Count("responses")).order_by("pk")


def code_for_answer(*, code: str) -> PupilCode | None:
    return PupilCode.objects.select_related("cohort__experiment__instrument").filter(code=code).first()


def open_wave(*, experiment: Experiment) -> Wave | None:
    return experiment.waves.filter(is_open=True).order_by("opens_on").first()


def decisions(*, experiment: Experiment) -> QuerySet[Decision]:
    return experiment.decisions.select_related("decided_by")


@dataclass
class Scores:
    """scores[outcome][wave kind][cohort pk][code pk] = the pupil's score; labels[outcome] = its label."""

    scores: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(dict))))
    labels: dict = field(default_factory=dict)
    scale: tuple[int, int] = (1, 5)


def scores(*, experiment: Experiment) -> Scores:
    instrument = getattr(experiment, "instrument", None)
    result = Scores()
    if instrument is None:
        return result
    result.scale = (instrument.scale_min, instrument.scale_max)
    low, high = result.scale
    item_list = items(experiment=experiment)
    reverse = {item.pk: item.reverse_scored for item in item_list}
    competence_of = {item.pk: item.competence for item in item_list}
    per_competence: dict = defaultdict(list)  # (wave kind, cohort, code, competence pk) -> values
    rows = Answer.objects.filter(response__wave__experiment=experiment).values_list(
        "item_id", "value", "response__wave__kind", "response__code__cohort_id", "response__code_id"
    )
    for item_id, value, wave_kind, cohort_id, code_id in rows:
        if item_id not in competence_of:
            continue
        scored = low + high - value if reverse[item_id] else value
        per_competence[(wave_kind, cohort_id, code_id, competence_of[item_id].pk)].append(scored)
    overall: dict = defaultdict(list)
    for (wave_kind, cohort_id, code_id, competence_pk), values in per_competence.items():
        score = math.fsum(values) / len(values)
        result.scores[competence_pk][wave_kind][cohort_id][code_id] = score
        overall[(wave_kind, cohort_id, code_id)].append(score)
    for (wave_kind, cohort_id, code_id), values in overall.items():
        result.scores[OVERALL][wave_kind][cohort_id][code_id] = math.fsum(values) / len(values)
    seen = set()
    for item in item_list:
        if item.competence.pk not in seen:
            seen.add(item.competence.pk)
            result.labels[item.competence.pk] = (item.competence.code, item.competence.title)
    return result


def cohort_participation(*, cohort: Cohort) -> list[tuple[Wave, int]]:
    """How many of the cohort's codes answered each wave (counts only: never which code answered what)."""
    counts = dict(
        Response.objects.filter(code__cohort=cohort)
        .values("wave_id")
        .annotate(n=Count("pk"))
        .values_list("wave_id", "n")
    )
    return [(wave, counts.get(wave.pk, 0)) for wave in cohort.experiment.waves.order_by("opens_on")]
