"""Reads of surveys: lists, a survey with its questions, aggregated results, export rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.participation.models import Answer, Choice, Process, Question, Survey, SurveyResponse
from auzolan.participation.models.surveys import participant_key
from auzolan.participation.small_counts import SMALL_COUNT, is_small, protect_small_counts

Kind = Question.Kind


def process_surveys(*, process: Process, include_unpublished: bool = False) -> QuerySet[Survey]:
    surveys = Survey.objects.filter(process=process).annotate(responses_count=Count("responses"))
    if not include_unpublished:
        surveys = surveys.filter(published_at__isnull=False)
    return surveys.order_by("created_at", "pk")


def answered_survey_ids(*, user, process: Process) -> set[int]:
    """The surveys of `process` the person has answered (one query; empty for a visitor)."""
    if not (user and user.is_authenticated):
        return set()
    key = participant_key(process=process, user_id=user.pk)
    return set(
        SurveyResponse.objects.filter(survey__process=process, participant_key=key).values_list("survey_id", flat=True)
    )


def surveys_with_public_results(*, audience: str) -> QuerySet[Survey]:
    """Surveys of one audience whose results anyone may read (the rule `participation.view_survey_results` for a
    visitor: a public process, a published survey, public results), newest first, with their process, organisation
    and number of responses. Read by other apps (youth: "Ce que disent les jeunes")."""
    return (
        Survey.objects.filter(
            audience=audience,
            published_at__isnull=False,
            results_public=True,
            process__state__in=("published", "closed", "archived"),
        )
        .select_related("process__organisation")
        .annotate(responses_count=Count("responses"))
        .order_by("-published_at", "-pk")
    )


def survey_queryset() -> QuerySet[Survey]:
    return Survey.objects.select_related("process__organisation")


def survey_questions(*, survey: Survey) -> list[Question]:
    """The questions in order, with their choices and their condition's choice and question (3 queries)."""
    return list(
        Question.objects.filter(survey=survey)
        .select_related("condition_choice__question")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")))
        .order_by("position", "pk")
    )


def question_numbers(questions: list[Question]) -> dict[int, str]:
    """How each question is numbered for people: the questions everyone sees 1, 2, 3…; a conditional question takes
    the number of the question it depends on and a letter (2a, 2b), so that the numbers a person sees never jump
    when a conditional question stays hidden."""
    numbers: dict[int, str] = {}
    sub_counts: dict[int, int] = {}
    main = 0
    for question in questions:
        parent_id = question.condition_choice.question_id if question.condition_choice_id else None
        if parent_id in numbers:
            sub_counts[parent_id] = sub_counts.get(parent_id, 0) + 1
            numbers[question.pk] = (
                f"{numbers[parent_id]}{'abcdefghijklmnopqrstuvwxyz'[(sub_counts[parent_id] - 1) % 26]}"
            )
        else:
            main += 1
            numbers[question.pk] = str(main)
    return numbers


def condition_choices(*, survey: Survey, before: Question | None = None) -> list[Choice]:
    """Choices a question may depend on: those of single/multiple choice questions placed before it."""
    choices = Choice.objects.filter(
        question__survey=survey, question__kind__in=(Kind.SINGLE, Kind.MULTIPLE)
    ).select_related("question")
    if before is not None:
        choices = choices.filter(question__position__lt=before.position) | choices.filter(
            question__position=before.position, question__pk__lt=before.pk
        )
    return list(choices.order_by("question__position", "question__pk", "position", "pk"))


# --- Results -----------------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def survey_results(*, survey: Survey, questions: list[Question] | None = None, for_organisation: bool = False) -> dict:
    """Aggregated results of every question (a fixed number of queries whatever the number of responses).

    Choice questions: count and share of the respondents of the question per choice (multiple choice: shares add
    up to more than 100 %). Scale: distribution and mean. Ranking: mean rank and Borda score (a choice ranked r
    among n gets n - r points). Free texts: for the organisation all of them; for the public, only those the
    organisation approved, and only if the survey publishes free texts.
    """
    questions = questions if questions is not None else survey_questions(survey=survey)
    total = SurveyResponse.objects.filter(survey=survey).count()
    answered = dict(
        Answer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    choice_counts: dict[tuple[int, int], int] = {}
    rank_sums: dict[tuple[int, int], tuple[int, int]] = {}
    for row in (
        Answer.objects.filter(question__survey=survey, choice__isnull=False)
        .values("question_id", "choice_id", "rank")
        .annotate(n=Count("pk"))
    ):
        key = (row["question_id"], row["choice_id"])
        choice_counts[key] = choice_counts.get(key, 0) + row["n"]
        if row["rank"] is not None:
            count, total_rank = rank_sums.get(key, (0, 0))
            rank_sums[key] = (count + row["n"], total_rank + row["rank"] * row["n"])
    numbers: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, number, n in (
        Answer.objects.filter(question__survey=survey, question__kind=Kind.SCALE, number__isnull=False)
        .values("question_id", "number")
        .annotate(n=Count("pk"))
        .values_list("question_id", "number", "n")
    ):
        numbers[question_id][number] = n
    texts: dict[int, list[Answer]] = defaultdict(list)
    text_answers = Answer.objects.filter(question__survey=survey, question__kind=Kind.TEXT).exclude(text="")
    if not for_organisation:
        text_answers = text_answers.filter(text_published=True) if survey.free_texts_public else text_answers.none()
    for answer in text_answers.order_by("response__created_at", "pk").only(
        "pk", "question_id", "text", "text_published"
    ):
        texts[answer.question_id].append(answer)

    results = []
    shown_numbers = question_numbers(questions)
    for question in questions:
        respondents = answered.get(question.pk, 0)
        item = {
            "question": question,
            "number": shown_numbers[question.pk],
            "respondents": respondents,
            "respondents_percent": _percent(respondents, total),
            "rows": [],
            "mean": None,
            "texts": [],
            "texts_count": 0,
        }
        choices = list(question.choices.all())
        if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
            for choice in choices:
                count = choice_counts.get((question.pk, choice.pk), 0)
                item["rows"].append({"label": choice.label, "count": count, "percent": _percent(count, respondents)})
        elif question.kind == Kind.SCALE:
            distribution = numbers.get(question.pk, {})
            total_value = sum(value * n for value, n in distribution.items())
            count = sum(distribution.values())
            item["mean"] = round(total_value / count, 2) if count else None
            for value in range(question.scale_min, question.scale_max + 1):
                label = str(value)
                if value == question.scale_min and question.scale_min_label:
                    label = f"{value} ({question.scale_min_label})"
                elif value == question.scale_max and question.scale_max_label:
                    label = f"{value} ({question.scale_max_label})"
                n = distribution.get(value, 0)
                item["rows"].append({"label": label, "count": n, "percent": _percent(n, count)})
        elif question.kind == Kind.RANKING:
            size = len(choices)
            rows = []
            for choice in choices:
                count, rank_total = rank_sums.get((question.pk, choice.pk), (0, 0))
                rows.append(
                    {
                        "label": choice.label,
                        "count": count,
                        "mean_rank": round(rank_total / count, 2) if count else None,
                        "borda": size * count - rank_total,
                    }
                )
            rows.sort(key=lambda row: (-row["borda"], row["mean_rank"] or 0, row["label"]))
            item["rows"] = rows
        elif question.kind == Kind.TEXT:
            item["texts"] = texts.get(question.pk, [])
            item["texts_count"] = respondents
        _mark_small_counts(item, public=not for_organisation)
        results.append(item)
    return {"total": total, "questions": results, "threshold": SMALL_COUNT, "public": not for_organisation}


def _mark_small_counts(item: dict, *, public: bool) -> None:
    """The small-count rule (participation.small_counts) on one question's figures. For the public, figures under
    the threshold become None; a question answered by fewer people than the threshold shows no distribution at all
    (`masked`). The organisation keeps exact figures, with `hidden_from_public` telling what the public does not see.
    """
    rows = item["rows"]
    masked = is_small(item["respondents"])
    if masked:
        for row in rows:
            row["hidden"] = {"count"}
    else:
        protect_small_counts(rows, ("count",))
    item["masked"] = masked
    for row in rows:
        row["hidden_from_public"] = bool(row["hidden"])
    if not public:
        return
    if masked:
        item["respondents"] = None
        item["respondents_percent"] = None
        item["mean"] = None
    for row in rows:
        if row["hidden_from_public"]:
            row.update(count=None, percent=None, mean_rank=None, borda=None)


# --- CSV export --------------------------------------------------------------------------------------------


def export_header(*, survey: Survey, questions: list[Question]) -> list[str]:
    head = [_("réponse"), _("date")]
    if not survey.is_anonymous:
        head += [_("nom"), _("adresse électronique")]
    return head + [question.label for question in questions]


def export_rows(*, survey: Survey, questions: list[Question]) -> Iterator[list]:
    """One row per response, one column per question. Anonymous surveys: a row number and the day only (no time,
    no account), so that a row cannot be matched with a person — and the rows in the order of their keyed
    participant hashes, not in the order of answering (which would give the time back)."""
    choice_labels = {choice.pk: choice.label for question in questions for choice in question.choices.all()}
    order = ("participant_key", "pk") if survey.is_anonymous else ("created_at", "pk")
    responses = (
        SurveyResponse.objects.filter(survey=survey)
        .order_by(*order)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("rank", "pk")))
    )
    if not survey.is_anonymous:
        responses = responses.select_related("user")
    for number, response in enumerate(responses.iterator(chunk_size=500), start=1):
        by_question: dict[int, list[Answer]] = defaultdict(list)
        for answer in response.answers.all():
            by_question[answer.question_id].append(answer)
        when = timezone.localtime(response.created_at)
        row: list = [number, when.date().isoformat() if survey.is_anonymous else when.isoformat(timespec="seconds")]
        if not survey.is_anonymous:
            user = response.user
            row += [getattr(user, "full_name", "") if user else _("Compte supprimé"), user.email if user else ""]
        for question in questions:
            answers = by_question.get(question.pk, [])
            if not answers:
                row.append("")
            elif question.kind == Kind.SCALE:
                row.append(answers[0].number)
            elif question.kind == Kind.TEXT:
                row.append(answers[0].text)
            elif question.kind == Kind.RANKING:
                row.append(" ; ".join(f"{a.rank}. {choice_labels.get(a.choice_id, '')}" for a in answers))
            else:
                row.append(" ; ".join(choice_labels.get(a.choice_id, "") for a in answers))
        yield row


def personal_data_survey_responses(user) -> list[dict]:
    """RGPD export: the person's responses to signed surveys. Anonymous responses are not linked to the account, so
    they are not part of it (the platform does not look them up)."""
    responses = (
        SurveyResponse.objects.filter(user=user)
        .select_related("survey__process")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question", "choice")))
        .order_by("created_at", "pk")
    )
    return [
        {
            "process": response.survey.process.title,
            "survey": response.survey.title,
            "answered_at": response.created_at.isoformat(),
            "answers": [
                {
                    "question": answer.question.label,
                    "choice": answer.choice.label if answer.choice else None,
                    "rank": answer.rank,
                    "number": answer.number,
                    "text": answer.text or None,
                }
                for answer in response.answers.all()
            ],
        }
        for response in responses
    ]
