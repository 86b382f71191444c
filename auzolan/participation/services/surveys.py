"""Writes of surveys: building a survey (questions, choices, conditions, order), publishing it, answering it,
moderating free-text answers.

A survey is locked (no structural change: questions, choices, conditions, order, anonymity) once it has a response,
so that every response answered the same questions. One response per person is a database constraint on
(survey, participant_key), where the key is a keyed hash of the person: anonymous responses keep no link to the
account, yet nobody answers twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.permissions import can, require
from auzolan.participation.eligibility import eligibility
from auzolan.participation.models import Answer, Choice, Process, Question, Survey, SurveyResponse
from auzolan.participation.models.surveys import participant_key

Kind = Question.Kind
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING)
#: A condition can only be "this choice was picked" in a single or multiple choice question.
CONDITION_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
MAX_CHOICES = 30
MAX_QUESTIONS = 100
SCALE_BOUNDS = (-10, 100)
SCALE_MAX_STEPS = 11
TEXT_MAX = 5000


# --- Helpers -----------------------------------------------------------------------------------------------


def _clean_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _require_manager(actor, survey_or_process) -> None:
    require(actor, "participation.change_process", survey_or_process)


def is_locked(survey: Survey) -> bool:
    return SurveyResponse.objects.filter(survey=survey).exists()


def _ensure_unlocked(survey: Survey) -> None:
    if is_locked(survey):
        raise Conflict(
            _(
                "Ce questionnaire a déjà reçu des réponses : ses questions ne peuvent plus changer (toutes les "
                "réponses doivent porter sur les mêmes questions). Créez un nouveau questionnaire si besoin."
            ),
            code="survey-locked",
        )


def _audit(actor, action: str, survey: Survey, **data) -> None:
    audit_log(
        actor=actor,
        action=f"participation.{action}",
        obj=survey,
        organisation=survey.process.organisation,
        data={"survey": survey.pk, **data},
    )


# --- Surveys -----------------------------------------------------------------------------------------------


def _clean_survey_fields(title: str, introduction: str) -> tuple[str, str]:
    title = _clean_line(title)
    if not title:
        raise ValidationError(_("Donnez un titre au questionnaire."), field="title")
    if len(title) > 200:
        raise ValidationError(_("Le titre ne doit pas dépasser 200 caractères."), field="title")
    introduction = (introduction or "").strip()
    if len(introduction) > 5000:
        raise ValidationError(_("L'introduction ne doit pas dépasser 5 000 caractères."), field="introduction")
    return title, introduction


def _clean_audience(audience: str) -> str:
    if audience not in Survey.Audience.values:
        raise ValidationError(_("Public visé inconnu."), code="survey-audience", field="audience")
    return audience


@transaction.atomic
def survey_create(
    *,
    actor,
    process: Process,
    title: str,
    introduction: str = "",
    is_anonymous: bool = True,
    results_public: bool = True,
    free_texts_public: bool = False,
    audience: str | None = None,
) -> Survey:
    """A new survey of `process`, unpublished (participants see it once published)."""
    _require_manager(actor, process)
    title, introduction = _clean_survey_fields(title, introduction)
    survey = Survey.objects.create(
        process=process,
        title=title,
        introduction=introduction,
        is_anonymous=bool(is_anonymous),
        results_public=bool(results_public),
        free_texts_public=bool(free_texts_public),
        audience=_clean_audience(audience or Survey.Audience.GENERAL),
    )
    _audit(actor, "survey.created", survey, title=title, anonymous=survey.is_anonymous)
    return survey


@transaction.atomic
def survey_update(
    *,
    actor,
    survey: Survey,
    title: str,
    introduction: str = "",
    is_anonymous: bool | None = None,
    results_public: bool | None = None,
    free_texts_public: bool | None = None,
    audience: str | None = None,
) -> Survey:
    """Change the survey's texts and publication choices; anonymity cannot change once there are responses."""
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    title, introduction = _clean_survey_fields(title, introduction)
    changed: dict[str, Any] = {}
    if is_anonymous is not None and bool(is_anonymous) != survey.is_anonymous:
        if is_locked(survey):
            raise Conflict(
                _(
                    "Ce questionnaire a déjà reçu des réponses : on ne peut plus changer le fait qu'elles soient "
                    "anonymes ou signées (les personnes ont répondu en le sachant)."
                ),
                code="survey-locked",
                field="is_anonymous",
            )
        changed["is_anonymous"] = bool(is_anonymous)
    for name, value in (
        ("title", title),
        ("introduction", introduction),
        ("results_public", results_public),
        ("free_texts_public", free_texts_public),
        ("audience", None if audience is None else _clean_audience(audience)),
    ):
        if value is not None and getattr(survey, name) != value:
            changed[name] = value
    if not changed:
        return survey
    for name, value in changed.items():
        setattr(survey, name, value)
    survey.save(update_fields=[*changed, "updated_at"])
    _audit(actor, "survey.updated", survey, changed=sorted(changed))
    return survey


@transaction.atomic
def survey_publish(*, actor, survey: Survey) -> Survey:
    """Open the survey to participants (answers are accepted while the process's phase allows answering)."""
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    if survey.published_at is not None:
        return survey
    if not Question.objects.filter(survey=survey).exists():
        raise ValidationError(_("Ajoutez au moins une question avant de publier le questionnaire."))
    survey.published_at = timezone.now()
    survey.save(update_fields=["published_at", "updated_at"])
    _audit(actor, "survey.published", survey)
    return survey


@transaction.atomic
def survey_unpublish(*, actor, survey: Survey) -> Survey:
    """Hide the survey from participants again (responses already given are kept)."""
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    if survey.published_at is None:
        return survey
    survey.published_at = None
    survey.save(update_fields=["published_at", "updated_at"])
    _audit(actor, "survey.unpublished", survey)
    return survey


@transaction.atomic
def survey_delete(*, actor, survey: Survey) -> None:
    """Delete a survey that has no response yet (responses are never thrown away)."""
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    _ensure_unlocked(survey)
    _audit(actor, "survey.deleted", survey, title=survey.title)
    survey.delete()


# --- Questions ---------------------------------------------------------------------------------------------


def _clean_choices(kind: str, choices: Iterable[str] | None) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned = []
    seen = set()
    for raw in choices or ():
        label = _clean_line(raw)
        if not label:
            continue
        if len(label) > 300:
            raise ValidationError(_("Un choix ne doit pas dépasser 300 caractères."), field="choices")
        if label.casefold() in seen:
            raise ValidationError(_("Le choix « %(label)s » est en double.") % {"label": label}, field="choices")
        seen.add(label.casefold())
        cleaned.append(label)
    if len(cleaned) < 2:
        raise ValidationError(_("Proposez au moins deux choix, un par ligne."), field="choices")
    if len(cleaned) > MAX_CHOICES:
        raise ValidationError(_("Pas plus de %(max)d choix par question.") % {"max": MAX_CHOICES}, field="choices")
    return cleaned


def _clean_question(
    *,
    survey: Survey,
    question: Question | None,
    kind: str,
    label: str,
    help_text: str,
    choices: list[str],
    max_choices: int | None,
    scale_min: int | None,
    scale_max: int | None,
    scale_min_label: str,
    scale_max_label: str,
    condition_choice: Choice | None,
) -> dict:
    if kind not in Kind.values:
        raise ValidationError(_("Type de question inconnu."), field="kind")
    label = _clean_line(label)
    if not label:
        raise ValidationError(_("Écrivez la question."), field="label")
    if len(label) > 500:
        raise ValidationError(_("La question ne doit pas dépasser 500 caractères."), field="label")
    help_text = _clean_line(help_text)
    if len(help_text) > 500:
        raise ValidationError(_("L'aide ne doit pas dépasser 500 caractères."), field="help_text")
    values: dict[str, Any] = {
        "kind": kind,
        "label": label,
        "help_text": help_text,
        "max_choices": None,
        "scale_min": 1,
        "scale_max": 5,
        "scale_min_label": "",
        "scale_max_label": "",
        "condition_choice": None,
    }
    if kind == Kind.MULTIPLE and max_choices:
        if max_choices < 1:
            raise ValidationError(_("Le nombre maximal de choix doit être positif."), field="max_choices")
        if max_choices > len(choices):
            raise ValidationError(
                _("Le nombre maximal de choix (%(max)d) dépasse le nombre de choix proposés (%(n)d).")
                % {"max": max_choices, "n": len(choices)},
                field="max_choices",
            )
        values["max_choices"] = max_choices
    if kind == Kind.SCALE:
        low = 1 if scale_min is None else scale_min
        high = 5 if scale_max is None else scale_max
        if not (SCALE_BOUNDS[0] <= low <= SCALE_BOUNDS[1] and SCALE_BOUNDS[0] <= high <= SCALE_BOUNDS[1]):
            raise ValidationError(
                _("Les bornes de l'échelle doivent être comprises entre %(low)d et %(high)d.")
                % {"low": SCALE_BOUNDS[0], "high": SCALE_BOUNDS[1]},
                field="scale_min",
            )
        if high <= low:
            raise ValidationError(_("Le maximum de l'échelle doit dépasser son minimum."), field="scale_max")
        if high - low + 1 > SCALE_MAX_STEPS:
            raise ValidationError(_("Une échelle a au plus %(n)d valeurs.") % {"n": SCALE_MAX_STEPS}, field="scale_max")
        values.update(
            scale_min=low,
            scale_max=high,
            scale_min_label=_clean_line(scale_min_label)[:100],
            scale_max_label=_clean_line(scale_max_label)[:100],
        )
    if condition_choice is not None:
        condition_question = condition_choice.question
        if condition_question.survey_id != survey.pk:
            raise ValidationError(_("Ce choix n'appartient pas à ce questionnaire."), field="condition_choice")
        if condition_question.kind not in CONDITION_KINDS:
            raise ValidationError(
                _("Une condition porte sur une question à choix unique ou multiple."), field="condition_choice"
            )
        if question is not None and condition_question.pk == question.pk:
            raise ValidationError(_("Une question ne peut pas dépendre d'elle-même."), field="condition_choice")
        if question is not None and (condition_question.position, condition_question.pk) > (
            question.position,
            question.pk,
        ):
            raise ValidationError(
                _("Une question ne peut dépendre que d'une question placée avant elle."), field="condition_choice"
            )
        values["condition_choice"] = condition_choice
    return values


@transaction.atomic
def question_add(
    *,
    actor,
    survey: Survey,
    kind: str,
    label: str,
    help_text: str = "",
    required: bool = False,
    choices: Iterable[str] = (),
    max_choices: int | None = None,
    scale_min: int | None = None,
    scale_max: int | None = None,
    scale_min_label: str = "",
    scale_max_label: str = "",
    condition_choice: Choice | None = None,
) -> Question:
    """Add a question at the end of the survey (with its choices for choice and ranking questions)."""
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    _ensure_unlocked(survey)
    if Question.objects.filter(survey=survey).count() >= MAX_QUESTIONS:
        raise ValidationError(_("Un questionnaire a au plus %(n)d questions.") % {"n": MAX_QUESTIONS})
    labels = _clean_choices(kind, choices)
    values = _clean_question(
        survey=survey,
        question=None,
        kind=kind,
        label=label,
        help_text=help_text,
        choices=labels,
        max_choices=max_choices,
        scale_min=scale_min,
        scale_max=scale_max,
        scale_min_label=scale_min_label,
        scale_max_label=scale_max_label,
        condition_choice=condition_choice,
    )
    last = Question.objects.filter(survey=survey).aggregate(n=Max("position"))["n"]
    question = Question.objects.create(
        survey=survey, position=0 if last is None else last + 1, required=bool(required), **values
    )
    Choice.objects.bulk_create(
        [Choice(question=question, label=text, position=index) for index, text in enumerate(labels)]
    )
    _audit(actor, "survey_question.added", survey, question=question.pk, kind=kind)
    return question


@transaction.atomic
def question_update(
    *,
    actor,
    question: Question,
    kind: str,
    label: str,
    help_text: str = "",
    required: bool = False,
    choices: Iterable[str] = (),
    max_choices: int | None = None,
    scale_min: int | None = None,
    scale_max: int | None = None,
    scale_min_label: str = "",
    scale_max_label: str = "",
    condition_choice: Choice | None = None,
) -> Question:
    """Change a question. Its choices are matched by label: kept ones keep their identity (and the questions that
    depend on them), new ones are added, removed ones are deleted (with the conditions that pointed at them)."""
    survey = question.survey
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    _ensure_unlocked(survey)
    question = Question.objects.get(pk=question.pk, survey=survey)
    labels = _clean_choices(kind, choices)
    values = _clean_question(
        survey=survey,
        question=question,
        kind=kind,
        label=label,
        help_text=help_text,
        choices=labels,
        max_choices=max_choices,
        scale_min=scale_min,
        scale_max=scale_max,
        scale_min_label=scale_min_label,
        scale_max_label=scale_max_label,
        condition_choice=condition_choice,
    )
    if kind not in CONDITION_KINDS and Question.objects.filter(condition_choice__question=question).exists():
        raise ValidationError(
            _("D'autres questions dépendent des choix de celle-ci : retirez d'abord leur condition."), field="kind"
        )
    for name, value in values.items():
        setattr(question, name, value)
    question.required = bool(required)
    question.save()
    existing = {choice.label.casefold(): choice for choice in Choice.objects.filter(question=question)}
    keep = []
    for index, text in enumerate(labels):
        choice = existing.pop(text.casefold(), None)
        if choice is None:
            choice = Choice.objects.create(question=question, label=text, position=index)
        elif choice.position != index or choice.label != text:
            choice.position, choice.label = index, text
            choice.save(update_fields=["position", "label"])
        keep.append(choice.pk)
    removed = list(existing.values())
    if removed:
        Question.objects.filter(condition_choice__in=removed).update(condition_choice=None)
        Choice.objects.filter(pk__in=[c.pk for c in removed]).delete()
    _audit(actor, "survey_question.updated", survey, question=question.pk, kind=kind)
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    survey = question.survey
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    _ensure_unlocked(survey)
    if Question.objects.filter(condition_choice__question_id=question.pk).exists():
        raise ValidationError(
            _("D'autres questions s'affichent selon la réponse à celle-ci : retirez d'abord leur condition.")
        )
    _audit(actor, "survey_question.deleted", survey, question=question.pk, label=question.label)
    Question.objects.filter(pk=question.pk, survey=survey).delete()
    if not Question.objects.filter(survey=survey).exists() and survey.published_at is not None:
        survey.published_at = None
        survey.save(update_fields=["published_at", "updated_at"])


@transaction.atomic
def question_move(*, actor, question: Question, direction: str) -> Question:
    """Move a question one place up or down; a question stays after the question its condition refers to."""
    survey = question.survey
    _require_manager(actor, survey)
    survey = Survey.objects.select_for_update().select_related("process__organisation").get(pk=survey.pk)
    _ensure_unlocked(survey)
    if direction not in ("up", "down"):
        raise ValidationError(_("Sens de déplacement inconnu."), field="direction")
    ordered = list(Question.objects.filter(survey=survey).select_related("condition_choice").order_by("position", "pk"))
    index = next((i for i, q in enumerate(ordered) if q.pk == question.pk), None)
    if index is None:
        raise ValidationError(_("Cette question n'appartient pas à ce questionnaire."))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return ordered[index]
    first, second = sorted((index, other))
    earlier, later = ordered[first], ordered[second]
    if later.condition_choice is not None and later.condition_choice.question_id == earlier.pk:
        raise ValidationError(
            _("« %(later)s » s'affiche selon la réponse à « %(earlier)s » : elle doit rester après.")
            % {"later": later.label, "earlier": earlier.label}
        )
    ordered[first], ordered[second] = later, earlier
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            Question.objects.filter(pk=item.pk).update(position=position)
    _audit(actor, "survey_question.moved", survey, question=question.pk, direction=direction)
    return ordered[other]


# --- Answering ---------------------------------------------------------------------------------------------


def visible_questions(questions: list[Question], answers: Mapping[int, Any]) -> list[Question]:
    """The questions shown given `answers`: a conditional question is shown only when its condition's question is
    itself shown and its answer includes the condition's choice."""
    shown: list[Question] = []
    shown_ids: set[int] = set()
    picked: dict[int, set[int]] = {}
    owner = {choice.pk: question.pk for question in questions for choice in question.choices.all()}
    for question in questions:
        condition = question.condition_choice_id
        if condition is not None:
            parent_id = owner.get(condition)
            if parent_id not in shown_ids or condition not in picked.get(parent_id, set()):
                continue
        shown_ids.add(question.pk)
        shown.append(question)
        value = answers.get(question.pk)
        if question.kind == Kind.SINGLE and value not in (None, ""):
            picked[question.pk] = {value}
        elif question.kind == Kind.MULTIPLE and value:
            picked[question.pk] = set(value)
    return shown


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _validate_answer(question: Question, value) -> tuple[Any, str]:
    """(clean value or None when unanswered, error message or "")."""
    choice_ids = {c.pk for c in question.choices.all()}
    if question.kind == Kind.SINGLE:
        if value in (None, "", []):
            return None, ""
        number = _as_int(value)
        if number not in choice_ids:
            return None, _("Choisissez une des réponses proposées.")
        return number, ""
    if question.kind == Kind.MULTIPLE:
        values = value if isinstance(value, list | tuple | set) else ([] if value in (None, "") else [value])
        numbers = [_as_int(v) for v in values]
        if any(n not in choice_ids for n in numbers):
            return None, _("Choisissez parmi les réponses proposées.")
        numbers = list(dict.fromkeys(numbers))
        if not numbers:
            return None, ""
        if question.max_choices and len(numbers) > question.max_choices:
            return None, _("Choisissez au plus %(n)d réponses (vous en avez coché %(m)d).") % {
                "n": question.max_choices,
                "m": len(numbers),
            }
        return numbers, ""
    if question.kind == Kind.SCALE:
        if value in (None, ""):
            return None, ""
        number = _as_int(value)
        if number is None or not question.scale_min <= number <= question.scale_max:
            return None, _("Choisissez une valeur entre %(low)d et %(high)d.") % {
                "low": question.scale_min,
                "high": question.scale_max,
            }
        return number, ""
    if question.kind == Kind.TEXT:
        text = str(value or "").replace("\x00", "").strip()
        if not text:
            return None, ""
        if len(text) > TEXT_MAX:
            return None, _("Votre réponse dépasse %(n)d caractères (elle en compte %(m)d).") % {
                "n": TEXT_MAX,
                "m": len(text),
            }
        return text, ""
    if question.kind == Kind.RANKING:
        ranks = value if isinstance(value, Mapping) else {}
        given = {}
        for key, rank in ranks.items():
            choice_id, number = _as_int(key), _as_int(rank) if rank not in (None, "") else None
            if choice_id not in choice_ids:
                return None, _("Classez les réponses proposées.")
            if rank not in (None, "") and number is None:
                return None, _("Un rang doit être un nombre.")
            if number is not None:
                given[choice_id] = number
        if not given:
            return None, ""
        count = len(choice_ids)
        if len(given) != count:
            return None, _("Classez tous les choix (de 1 à %(n)d), ou aucun.") % {"n": count}
        if sorted(given.values()) != list(range(1, count + 1)):
            return None, _("Donnez à chaque choix un rang différent, de 1 à %(n)d.") % {"n": count}
        return given, ""
    return None, _("Type de question inconnu.")


def validate_answers(survey_questions: list[Question], answers: Mapping[int, Any]) -> tuple[dict, dict]:
    """(clean answers of the visible questions, {question id: error}). Answers to hidden questions are ignored."""
    clean: dict[int, Any] = {}
    errors: dict[int, str] = {}
    # Validate first so that a bad value does not reveal a question; then compute what is visible.
    validated = {}
    for question in survey_questions:
        value, error = _validate_answer(question, answers.get(question.pk))
        validated[question.pk] = (value, error)
    shown = visible_questions(survey_questions, {pk: v for pk, (v, _e) in validated.items()})
    for question in shown:
        value, error = validated[question.pk]
        if error:
            errors[question.pk] = error
        elif value is None and question.required:
            errors[question.pk] = _("Cette question demande une réponse.")
        elif value is not None:
            clean[question.pk] = value
    return clean, errors


def _survey_for_answer(survey: Survey) -> Survey:
    return Survey.objects.select_related("process__organisation").get(pk=survey.pk)


@transaction.atomic
def survey_answer(*, actor, survey: Survey, answers: Mapping[int, Any]) -> SurveyResponse:
    """Record `actor`'s response. `answers` maps question ids to: a choice id (single), a list of choice ids
    (multiple), a number (scale), a text (text), {choice id: rank} (ranking). Answers to questions hidden by a
    condition are ignored. One response per person: a second one (another tab, a replay) is a Conflict."""
    survey = _survey_for_answer(survey)
    process = survey.process
    if survey.published_at is None:
        raise ValidationError(_("Ce questionnaire n'est pas ouvert."), code="survey-closed")
    if not can(actor, "participation.answer", process):
        reason = eligibility(actor, process, "answer")
        raise ValidationError(
            reason.message or _("Vous ne pouvez pas répondre à ce questionnaire."), code="not-eligible"
        )
    questions = list(Question.objects.filter(survey=survey).prefetch_related("choices").order_by("position", "pk"))
    clean, errors = validate_answers(questions, answers)
    if errors:
        count = len(errors)
        message = (
            _("Votre réponse n'a pas été enregistrée : %(n)d question demande une correction.")
            if count == 1
            else _("Votre réponse n'a pas été enregistrée : %(n)d questions demandent une correction.")
        )
        raise ValidationError(message % {"n": count}, extra={f"q{pk}": [text] for pk, text in errors.items()})
    key = participant_key(process=process, user_id=actor.pk)
    already = _(
        "Vous avez déjà répondu à ce questionnaire : votre première réponse est enregistrée, une seule est comptée."
    )
    try:  # the unique constraint decides, also between two requests at the same moment (two tabs, a replay)
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, participant_key=key, user=None if survey.is_anonymous else actor
            )
    except IntegrityError:
        raise Conflict(already, code="already-answered") from None
    rows = []
    by_pk = {q.pk: q for q in questions}
    for pk, value in clean.items():
        question = by_pk[pk]
        if question.kind == Kind.SINGLE:
            rows.append(Answer(response=response, question=question, choice_id=value))
        elif question.kind == Kind.MULTIPLE:
            rows.extend(Answer(response=response, question=question, choice_id=choice) for choice in value)
        elif question.kind == Kind.SCALE:
            rows.append(Answer(response=response, question=question, number=value))
        elif question.kind == Kind.TEXT:
            rows.append(Answer(response=response, question=question, text=value))
        elif question.kind == Kind.RANKING:
            rows.extend(
                Answer(response=response, question=question, choice_id=choice, rank=rank)
                for choice, rank in sorted(value.items(), key=lambda item: item[1])
            )
    Answer.objects.bulk_create(rows)
    # The audit log records that a response came, never who gave an anonymous one.
    audit_log(
        actor=None if survey.is_anonymous else actor,
        action="participation.survey_response.created",
        obj=survey,
        organisation=process.organisation,
        data={"survey": survey.pk, "answers": len(clean)},
    )
    return response


def has_answered(*, user, survey: Survey) -> bool:
    if not (user and user.is_authenticated):
        return False
    key = participant_key(process=survey.process, user_id=user.pk)
    return SurveyResponse.objects.filter(survey=survey, participant_key=key).exists()


# --- Moderation of free texts ------------------------------------------------------------------------------


@transaction.atomic
def answer_text_moderate(*, actor, answer: Answer, published: bool) -> Answer:
    """Approve (or withdraw) a free-text answer for publication; shown only if the survey publishes free texts."""
    answer = Answer.objects.select_related("question__survey__process__organisation").get(pk=answer.pk)
    survey = answer.question.survey
    require(actor, "participation.moderate", survey)
    if answer.question.kind != Kind.TEXT:
        raise ValidationError(_("Seules les réponses libres se modèrent."))
    if answer.text_published != bool(published):
        answer.text_published = bool(published)
        answer.save(update_fields=["text_published"])
        _audit(
            actor,
            "survey_answer.approved" if published else "survey_answer.withdrawn",
            survey,
            answer=answer.pk,
        )
    return answer
