"""Writes of impact: experiments, cohorts, the instrument and its items, waves, pupils' codes, answers, decisions and
the publication of results. Keyword-only, atomic, permission-checked, audited (never a code in the audit log)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, NotFound, ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.impact import codes, lifecycle, opendata, report, selectors
from auzolan.impact.models import (
    Answer,
    Cohort,
    Decision,
    Experiment,
    Instrument,
    Item,
    PupilCode,
    Response,
    Wave,
)
from auzolan.impact.rules import managed_organisations
from auzolan.learning.models import Competence, Framework

MAX_CODES_PER_COHORT = 60


def _audit(actor, action: str, experiment: Experiment, obj=None, data: dict | None = None) -> None:
    audit_log(actor=actor, action=action, obj=obj or experiment, organisation=experiment.organisation, data=data or {})


def _require_manager(actor, experiment: Experiment) -> None:
    require(actor, "impact.change_experiment", experiment, hide=False)


@transaction.atomic
def experiment_create(
    *, actor, organisation, title: str, hypothesis: str, intervention: str, framework: Framework, slug: str = ""
) -> Experiment:
    require(actor, "impact.add_experiment", hide=False)
    if not actor.is_staff and organisation.pk not in managed_organisations(actor):
        raise ValidationError(_("Vous ne gérez pas cette organisation."), field="organisation")
    base = slugify(slug or title)[:90] or "experimentation"
    candidate, index = base, 1
    while Experiment.objects.filter(slug=candidate).exists():
        index += 1
        candidate = f"{base}-{index}"
    experiment = Experiment(
        organisation=organisation,
        slug=candidate,
        title=title,
        hypothesis=hypothesis,
        intervention=intervention,
        framework=framework,
        created_by=actor,
    )
    full_clean_or_raise(experiment)
    experiment.save()
    Instrument.objects.create(experiment=experiment, title=_("Questionnaire de %(title)s") % {"title": title})
    _audit(actor, "impact.experiment.created", experiment)
    return experiment


@transaction.atomic
def experiment_transition(*, actor, experiment: Experiment, name: str) -> Experiment:
    """Move an experiment along its lifecycle (`lifecycle.EXPERIMENT_TRANSITIONS`); closing it closes its waves."""
    transition = next((t for t in lifecycle.EXPERIMENT_TRANSITIONS if t.name == name), None)
    if transition is None:
        raise NotFound(_("Action inconnue."))
    require(actor, transition.permission, experiment, hide=False)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.state not in transition.sources:
        raise Conflict(_("Cette action n'est pas possible dans l'état actuel de l'expérimentation."))
    experiment.state = transition.target
    experiment.save(update_fields=["state", "updated_at"])
    if experiment.state == Experiment.State.CLOSED:
        experiment.waves.update(is_open=False)
    _audit(actor, f"impact.experiment.{transition.audit_verb}", experiment)
    return experiment


def _cohort_save(cohort: Cohort) -> None:
    """Validate and save; a name already used in the experiment is a Conflict on `name` (the unique constraint holds
    under concurrency)."""
    taken = _("Un groupe porte déjà ce nom dans cette expérimentation.")
    if Cohort.objects.filter(experiment_id=cohort.experiment_id, name=cohort.name).exclude(pk=cohort.pk).exists():
        raise Conflict(taken, field="name")
    full_clean_or_raise(cohort, validate_unique=False)
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError:
        raise Conflict(taken, field="name") from None


@transaction.atomic
def cohort_add(*, actor, experiment: Experiment, name: str, kind: str, teacher=None) -> Cohort:
    _require_manager(actor, experiment)
    cohort = Cohort(experiment=experiment, name=name.strip(), kind=kind, teacher=teacher)
    _cohort_save(cohort)
    _audit(actor, "impact.cohort.added", experiment, cohort, {"name": cohort.name, "kind": kind})
    return cohort


def structure_refusal(*, experiment: Experiment) -> str:
    """Why the experiment's cohorts, items and waves cannot be edited or removed now, or "" when they can."""
    if lifecycle.structure_editable(experiment):
        return ""
    return _(
        "L'expérimentation est terminée : ses groupes, les items de son questionnaire et ses temps de mesure ne "
        "peuvent plus être modifiés ni supprimés. Reprenez-la pour les corriger."
    )


def _editable_experiment(actor, experiment: Experiment) -> Experiment:
    """Check the manager, then lock the experiment's row (against a concurrent close) and refuse when it is closed."""
    _require_manager(actor, experiment)
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    refusal = structure_refusal(experiment=experiment)
    if refusal:
        raise Conflict(refusal)
    return experiment


def _locked(queryset, pk: int):
    try:
        return queryset.select_for_update().get(pk=pk)
    except queryset.model.DoesNotExist:
        raise NotFound(_("Cet élément n'existe plus : il vient sans doute d'être supprimé.")) from None


def _lock_cohort(experiment: Experiment, cohort: Cohort) -> Cohort:
    """Lock the cohort and its codes: no code is added or answers (a response locks its code) until the commit."""
    cohort = _locked(Cohort.objects.filter(experiment=experiment), cohort.pk)
    list(cohort.codes.select_for_update().values_list("pk", flat=True))
    return cohort


def cohort_deletion_refusal(*, cohort: Cohort) -> str:
    """Why this cohort cannot be removed, or "" when it can (no code of it has answered any wave)."""
    refusal = structure_refusal(experiment=cohort.experiment)
    if refusal:
        return refusal
    if selectors.cohort_answered(cohort=cohort):
        return _(
            "Des élèves de ce groupe ont déjà répondu : le supprimer retirerait leurs réponses des résultats. "
            "Le groupe reste dans l'expérimentation."
        )
    return ""


@transaction.atomic
def cohort_update(*, actor, cohort: Cohort, name: str, kind: str, teacher=None) -> Cohort:
    """Correct a cohort's name, role and referent teacher; once a code of it has answered, its role is fixed."""
    experiment = _editable_experiment(actor, cohort.experiment)
    cohort = _lock_cohort(experiment, cohort)
    name = name.strip()
    if kind != cohort.kind and selectors.cohort_answered(cohort=cohort):
        raise Conflict(
            _(
                "Des élèves de ce groupe ont déjà répondu : changer son rôle (groupe expérimental ou de comparaison) "
                "réécrirait les résultats. Seuls son nom et son enseignant référent peuvent encore changer."
            ),
            field="kind",
        )
    before = {"name": cohort.name, "kind": cohort.kind, "teacher": cohort.teacher_id}
    after = {"name": name, "kind": kind, "teacher": teacher.pk if teacher else None}
    cohort.name, cohort.kind, cohort.teacher = name, kind, teacher
    _cohort_save(cohort)
    changed = [field for field in after if after[field] != before[field]]
    _audit(actor, "impact.cohort.updated", experiment, cohort, {"name": cohort.name, "kind": kind, "changed": changed})
    return cohort


@transaction.atomic
def cohort_delete(*, actor, cohort: Cohort) -> None:
    """Remove a cohort added by mistake, with its unused codes; refused once one of its codes has answered."""
    experiment = _editable_experiment(actor, cohort.experiment)
    cohort = _lock_cohort(experiment, cohort)
    refusal = cohort_deletion_refusal(cohort=cohort)
    if refusal:
        raise Conflict(refusal)
    data = {"name": cohort.name, "kind": cohort.kind, "labels_deleted": cohort.codes.count()}
    _audit(actor, "impact.cohort.deleted", experiment, cohort, data)
    cohort.delete()


@transaction.atomic
def instrument_update(*, actor, experiment: Experiment, title: str, scale: str, scale_min: int, scale_max: int):
    _require_manager(actor, experiment)
    instrument = experiment.instrument
    if Answer.objects.filter(item__instrument=instrument).exists() and (scale_min, scale_max) != (
        instrument.scale_min,
        instrument.scale_max,
    ):
        raise Conflict(_("Des élèves ont déjà répondu : l'échelle ne peut plus changer."), field="scale_max")
    instrument.title, instrument.scale = title, scale
    instrument.scale_min, instrument.scale_max = scale_min, scale_max
    full_clean_or_raise(instrument)
    instrument.save()
    _audit(actor, "impact.instrument.updated", experiment, instrument)
    return instrument


@transaction.atomic
def item_add(*, actor, experiment: Experiment, competence: Competence, text: str, reverse_scored: bool = False) -> Item:
    _require_manager(actor, experiment)
    _check_competence(experiment, competence)
    instrument = experiment.instrument
    item = Item(
        instrument=instrument,
        competence=competence,
        text=text.strip(),
        reverse_scored=reverse_scored,
        position=instrument.items.count() + 1,
    )
    full_clean_or_raise(item)
    item.save()
    _audit(actor, "impact.item.added", experiment, item, {"competence": competence.code})
    return item


def _check_competence(experiment: Experiment, competence: Competence) -> None:
    if competence.framework_id != experiment.framework_id:
        raise ValidationError(_("Cette compétence n'est pas du référentiel de l'expérimentation."), field="competence")


def item_change_refusal(*, experiment: Experiment) -> str:
    """Why the items cannot be edited or removed, or "" when they can (nobody has answered the questionnaire)."""
    refusal = structure_refusal(experiment=experiment)
    if refusal:
        return refusal
    if selectors.instrument_answered(experiment=experiment):
        return _(
            "Des élèves ont déjà répondu au questionnaire : ses items ne changent plus, sinon les réponses données "
            "porteraient sur un autre énoncé. Pour poser une autre question, ajoutez un nouvel item."
        )
    return ""


def _lock_items(experiment: Experiment, item: Item) -> Item:
    """Lock the waves (a new response references one: it waits for the commit), then the item."""
    list(experiment.waves.select_for_update().values_list("pk", flat=True))
    item = _locked(Item.objects.filter(instrument_id=experiment.instrument.pk), item.pk)
    refusal = item_change_refusal(experiment=experiment)
    if refusal:
        raise Conflict(refusal)
    return item


@transaction.atomic
def item_update(*, actor, item: Item, competence: Competence, text: str, reverse_scored: bool = False) -> Item:
    """Correct an item's wording, competence and reverse scoring, as long as nobody has answered the questionnaire."""
    experiment = _editable_experiment(actor, item.instrument.experiment)
    item = _lock_items(experiment, item)
    _check_competence(experiment, competence)
    changed = [
        field
        for field, value in (("text", text.strip()), ("competence", competence), ("reverse_scored", reverse_scored))
        if getattr(item, field) != value
    ]
    item.competence, item.text, item.reverse_scored = competence, text.strip(), reverse_scored
    full_clean_or_raise(item)
    item.save()
    _audit(actor, "impact.item.updated", experiment, item, {"competence": competence.code, "changed": changed})
    return item


@transaction.atomic
def item_delete(*, actor, item: Item) -> None:
    """Remove an item nobody has answered; the others keep their order, numbered 1, 2, 3… again."""
    experiment = _editable_experiment(actor, item.instrument.experiment)
    item = _lock_items(experiment, item)
    _audit(actor, "impact.item.deleted", experiment, item, {"competence": item.competence.code})
    item.delete()
    remaining = Item.objects.filter(instrument_id=item.instrument_id).select_for_update().order_by("position", "pk")
    for position, other in enumerate(remaining, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@transaction.atomic
def wave_add(*, actor, experiment: Experiment, kind: str, opens_on: dt.date, closes_on: dt.date) -> Wave:
    _require_manager(actor, experiment)
    wave = Wave(experiment=experiment, kind=kind, opens_on=opens_on, closes_on=closes_on)
    _wave_save(wave)
    _audit(actor, "impact.wave.added", experiment, wave, {"kind": kind})
    return wave


def _wave_save(wave: Wave) -> None:
    """Validate and save: closing on or after the opening day, one wave of each kind per experiment (the unique
    constraint holds under concurrency)."""
    if wave.opens_on and wave.closes_on and wave.closes_on < wave.opens_on:
        raise ValidationError(_("La fermeture doit être le jour de l'ouverture ou après."), field="closes_on")
    full_clean_or_raise(wave, validate_unique=False)
    try:
        with transaction.atomic():
            wave.save()
    except IntegrityError:
        raise Conflict(_("Ce temps de mesure existe déjà pour cette expérimentation."), field="kind") from None


def wave_deletion_refusal(*, wave: Wave) -> str:
    """Why this wave cannot be removed, or "" when it can (no response and not open)."""
    refusal = structure_refusal(experiment=wave.experiment)
    if refusal:
        return refusal
    if wave.responses.exists():
        return _(
            "Des élèves ont déjà répondu à ce temps de mesure : le supprimer effacerait leurs réponses. "
            "Il reste dans l'expérimentation (ses dates peuvent être corrigées)."
        )
    if wave.is_open:
        return _("Ce temps de mesure est ouvert aux élèves : fermez-le avant de le supprimer.")
    return ""


@transaction.atomic
def wave_update(*, actor, wave: Wave, kind: str, opens_on: dt.date, closes_on: dt.date) -> Wave:
    """Correct a wave's kind and dates; once answered, its kind (before, after, follow-up) is fixed."""
    experiment = _editable_experiment(actor, wave.experiment)
    # Locked: a new response (which references this row) waits for the commit.
    wave = _locked(Wave.objects.filter(experiment=experiment), wave.pk)
    if kind != wave.kind and wave.responses.exists():
        raise Conflict(
            _(
                "Des élèves ont déjà répondu à ce temps de mesure : il reste « %(kind)s » (le changer réécrirait "
                "les résultats). Seules ses dates peuvent encore être corrigées."
            )
            % {"kind": wave.get_kind_display()},
            field="kind",
        )
    if kind != wave.kind and Wave.objects.filter(experiment=experiment, kind=kind).exists():
        raise Conflict(_("Ce temps de mesure existe déjà pour cette expérimentation."), field="kind")
    before = {"kind": wave.kind, "opens_on": wave.opens_on, "closes_on": wave.closes_on}
    after = {"kind": kind, "opens_on": opens_on, "closes_on": closes_on}
    wave.kind, wave.opens_on, wave.closes_on = kind, opens_on, closes_on
    _wave_save(wave)
    changed = [field for field in after if after[field] != before[field]]
    data = {"kind": kind, "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(), "changed": changed}
    _audit(actor, "impact.wave.updated", experiment, wave, data)
    if experiment.results_public and changed:  # the report orders the waves by their dates
        transaction.on_commit(opendata.results_publish)
    return wave


@transaction.atomic
def wave_delete(*, actor, wave: Wave) -> None:
    """Remove a wave added by mistake: refused once answered or while open to pupils."""
    experiment = _editable_experiment(actor, wave.experiment)
    wave = _locked(Wave.objects.filter(experiment=experiment), wave.pk)
    refusal = wave_deletion_refusal(wave=wave)
    if refusal:
        raise Conflict(refusal)
    _audit(actor, "impact.wave.deleted", experiment, wave, {"kind": wave.kind})
    wave.delete()


@transaction.atomic
def wave_set_open(*, actor, wave: Wave, is_open: bool) -> Wave:
    experiment = wave.experiment
    _require_manager(actor, experiment)
    if is_open and not experiment.instrument.items.exists():
        raise ValidationError(_("Ajoutez d'abord les items du questionnaire."))
    if is_open and experiment.state == Experiment.State.CLOSED:
        raise Conflict(_("L'expérimentation est terminée : reprenez-la pour ouvrir un questionnaire."))
    if is_open:
        experiment.waves.exclude(pk=wave.pk).update(is_open=False)
    wave.is_open = is_open
    wave.save(update_fields=["is_open"])
    _audit(actor, "impact.wave.opened" if is_open else "impact.wave.closed", experiment, wave)
    if not is_open and experiment.results_public:
        transaction.on_commit(opendata.results_publish)
    return wave


@transaction.atomic
def codes_generate(*, actor, cohort: Cohort, count: int) -> list[str]:
    """Add `count` one-time codes to a cohort (one per pupil); returns them (they stay printable by the teacher)."""
    experiment = cohort.experiment
    _require_manager(actor, experiment)
    existing = cohort.codes.count()
    if not 1 <= count <= MAX_CODES_PER_COHORT - existing:
        raise ValidationError(
            _("Indiquez un nombre entre 1 et %(max)s (un code par élève, %(limit)s au plus par groupe).")
            % {"max": max(MAX_CODES_PER_COHORT - existing, 0), "limit": MAX_CODES_PER_COHORT},
            field="count",
        )
    created: list[str] = []
    while len(created) < count:
        code = codes.new_code()
        try:
            with transaction.atomic():
                PupilCode.objects.create(cohort=cohort, code=code)
        except IntegrityError:  # the same random code twice: draw another
            continue
        created.append(code)
    _audit(actor, "impact.codes.generated", experiment, cohort, {"count": count})
    return created


def code_check(*, code: str) -> tuple[PupilCode, Wave]:
    """The code a pupil typed and the wave they may answer now; NotFound/Conflict with a message for the pupil."""
    pupil_code = selectors.code_for_answer(code=codes.clean(code))
    if pupil_code is None:
        raise NotFound(_("Ce code n'existe pas. Vérifiez-le sur votre papier (les lettres O, I et L n'y sont jamais)."))
    wave = selectors.open_wave(experiment=pupil_code.cohort.experiment)
    if wave is None:
        raise Conflict(_("Le questionnaire n'est pas ouvert en ce moment. Votre enseignant vous dira quand."))
    if Response.objects.filter(code=pupil_code, wave=wave).exists():
        raise Conflict(_("Ce code a déjà répondu à ce questionnaire. Merci !"))
    return pupil_code, wave


@transaction.atomic
def response_submit(*, code: str, answers: dict[int, int]) -> Response:
    """A pupil's answers to the open wave, once per code and wave (the code's row is locked; the unique constraint
    holds even so). Every item must be answered with a value of the scale."""
    pupil_code, wave = code_check(code=code)
    pupil_code = PupilCode.objects.select_for_update().get(pk=pupil_code.pk)
    instrument = wave.experiment.instrument
    items = list(instrument.items.all())
    missing = [item for item in items if item.pk not in answers]
    if missing:
        raise ValidationError(
            _("Répondez à toutes les questions (il en manque %(n)s).") % {"n": len(missing)},
            field=f"item_{missing[0].pk}",
        )
    for item in items:
        value = answers[item.pk]
        if not instrument.scale_min <= value <= instrument.scale_max:
            raise ValidationError(_("Réponse hors de l'échelle."), field=f"item_{item.pk}")
    try:
        with transaction.atomic():
            response = Response.objects.create(code=pupil_code, wave=wave)
    except IntegrityError:
        raise Conflict(_("Ce code a déjà répondu à ce questionnaire. Merci !")) from None
    Answer.objects.bulk_create([Answer(response=response, item=item, value=answers[item.pk]) for item in items])
    # No audit entry: the audit log would tie a time to a code; the response's own timestamp is enough.
    return response


@transaction.atomic
def decision_record(
    *, actor, experiment: Experiment, outcome: str, rationale: str, decided_on: dt.date | None = None
) -> Decision:
    """Record generalise / adapt / stop with the report of that day as its evidence (kept as it was)."""
    require(actor, "impact.decide", experiment, hide=False)
    decision = Decision(
        experiment=experiment,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_on=decided_on or timezone.localdate(),
        decided_by=actor,
        decided_by_name=actor.get_full_name() or actor.get_username(),
        report=report.experiment_report(experiment=experiment),
    )
    full_clean_or_raise(decision)
    decision.save()
    _audit(actor, "impact.decision.recorded", experiment, decision, {"outcome": outcome})
    return decision


@transaction.atomic
def results_set_public(*, actor, experiment: Experiment, public: bool) -> Experiment:
    _require_manager(actor, experiment)
    experiment.results_public = public
    experiment.save(update_fields=["results_public", "updated_at"])
    _audit(actor, "impact.results.published" if public else "impact.results.withdrawn", experiment)
    transaction.on_commit(opendata.results_publish)
    return experiment


def personal_data(user) -> dict:
    """A person's impact data (RGPD article 20): the cohorts they teach and the decisions they recorded. Pupils have
    no account and no personal data here."""
    return {
        "cohorts_taught": [
            {"experiment": cohort.experiment.title, "cohort": cohort.name}
            for cohort in Cohort.objects.filter(teacher=user).select_related("experiment").order_by("pk")
        ],
        "decisions": [
            {"experiment": d.experiment.title, "outcome": d.outcome, "decided_on": d.decided_on.isoformat()}
            for d in Decision.objects.filter(decided_by=user).select_related("experiment").order_by("pk")
        ],
    }


@transaction.atomic
def deletion_cleanup(user) -> None:
    """The decisions stay (they are the organisation's record), without the deleted person's name."""
    Decision.objects.filter(decided_by=user).update(decided_by_name=_("Compte supprimé"), decided_by=None)
    Cohort.objects.filter(teacher=user).update(teacher=None)
