"""Writes of learning: modules and their pieces (editors), the lifecycle, learners' progress and quizzes, feedback,
the learner profile, the authorisation of partner editors, and the content loader.

Progress is keyed by piece `key`: editing a piece keeps learners' completions, deleting a piece drops that piece's
completion only. Editing a published module (or one of its pieces) bumps its revision."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path as FilePath

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset
from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.core.spreadsheets import csv_bytes
from auzolan.learning import attestation_document, lifecycle, selectors
from auzolan.learning.models import (
    Answer,
    Area,
    Attestation,
    Audience,
    AuthorisedEditor,
    Competence,
    Feedback,
    Framework,
    LearnerProfile,
    Level,
    Module,
    Path,
    PathItem,
    Piece,
    PieceCompletion,
    Progress,
    Question,
    QuizAttempt,
    SelfAssessment,
    SelfAssessmentAnswer,
    Topic,
    TrainingDataset,
)
from auzolan.learning.translation import eu_fields
from auzolan.organisations.selectors import agency_organisation
from auzolan.participation.small_counts import is_small

#: The most a single page view of the player adds to a person's time spent (someone who leaves the tab open).
PIECE_SECONDS_CAP = 10 * 60
DEFAULT_FRAMEWORK = ("digcomp", "2.2")
#: The starter content shipped with the platform (written by the agency, loaded by `learning_load_content` and the
#: demo).
CONTENT_DIR = FilePath(__file__).resolve().parent / "content"
MODULE_FIELDS = ("topic", "title", "summary", "level", "minutes", "audiences", "objectives", *eu_fields(Module))
PIECE_FIELDS = (
    *eu_fields(Piece),
    "title",
    "body",
    "description",
    "url",
    "file",
    "transcript",
    "captions",
    "starts_at",
    "place",
    "pass_mark",
    "max_attempts",
    "quiz_role",
)


# --- Editors: modules -------------------------------------------------------------------------------------------------
def _bump(module: Module) -> None:
    if module.state == Module.State.PUBLISHED:
        module.revision += 1
        module.save(update_fields=["revision", "updated_at"])


def _check_audiences(audiences) -> list[str]:
    allowed = set(Audience.values)
    audiences = list(audiences or [])
    unknown = [a for a in audiences if a not in allowed]
    if unknown:
        raise ValidationError(_("Public inconnu : %(value)s.") % {"value": ", ".join(unknown)}, field="audiences")
    return audiences


@transaction.atomic
def module_create(*, actor, slug: str = "", organisation=None, competences=(), **fields) -> Module:
    require(actor, "learning.add_module", hide=False)
    if organisation is None and not actor.is_staff:
        raise ValidationError(_("Choisissez l'organisation autrice du module."), field="organisation")
    if (
        organisation is not None
        and not actor.is_staff
        and organisation.pk not in {o.pk for o in selectors.editor_organisations(actor)}
    ):
        raise ValidationError(_("Vous ne pouvez pas rédiger pour cette organisation."), field="organisation")
    slug = slug or slugify(fields.get("title", ""))[:90]
    if not slug:
        raise ValidationError(_("Donnez un titre au module."), field="title")
    if Module.objects.filter(slug=slug).exists():
        raise Conflict(_("Un module porte déjà cet identifiant : choisissez-en un autre."), field="slug")
    fields["audiences"] = _check_audiences(fields.get("audiences"))
    module = Module(slug=slug, organisation=organisation, **fields)
    full_clean_or_raise(module)
    module.save()
    module.competences.set(competences)
    audit_log(actor=actor, action="learning.module.created", obj=module, organisation=organisation)
    return module


@transaction.atomic
def module_update(*, actor, module: Module, competences=None, **fields) -> Module:
    require(actor, "learning.change_module", module)
    module = Module.objects.select_for_update().get(pk=module.pk)
    if "audiences" in fields:
        fields["audiences"] = _check_audiences(fields["audiences"])
    changed = [name for name, value in fields.items() if getattr(module, name) != value]
    for name, value in fields.items():
        setattr(module, name, value)
    full_clean_or_raise(module)
    module.save()
    if competences is not None and set(module.competences.all()) != set(competences):
        module.competences.set(competences)
        changed.append("competences")
    if changed:
        _bump(module)
        audit_log(
            actor=actor,
            action="learning.module.updated",
            obj=module,
            organisation=module.organisation,
            data={"fields": changed, "revision": module.revision},
        )
    return module


@transaction.atomic
def module_transition(*, actor, module: Module, name: str) -> Module:
    move = lifecycle.transition(name)
    require(actor, "learning.view_module", module)
    if move is None or module.state not in move.sources:
        raise Conflict(_("Cette action n'est pas possible dans l'état actuel du module."))
    require(actor, move.permission, module, hide=False)
    if move.name == "publish" and not module.pieces.exists():
        raise ValidationError(_("Ajoutez au moins une étape avant de publier le module."))
    module.state = move.target
    if move.target == Module.State.PUBLISHED and module.published_at is None:
        module.published_at = timezone.now()
    module.save(update_fields=["state", "published_at", "updated_at"])
    audit_log(actor=actor, action=f"learning.module.{move.audit_verb}", obj=module, organisation=module.organisation)
    return module


# --- Editors: pieces and questions ------------------------------------------------------------------------------------
def _unique_key(module: Module, wanted: str) -> str:
    base = slugify(wanted)[:70] or "etape"
    key, n = base, 2
    while module.pieces.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def piece_create(*, actor, module: Module, kind: str, key: str = "", **fields) -> Piece:
    require(actor, "learning.change_module", module)
    if key and module.pieces.filter(key=key).exists():
        raise Conflict(_("Une étape de ce module porte déjà cette clé."), field="key")
    last = module.pieces.order_by("-position").values_list("position", flat=True).first()
    piece = Piece(module=module, kind=kind, key=key or _unique_key(module, fields.get("title", "")), **fields)
    piece.position = (last or 0) + 1
    full_clean_or_raise(piece)
    piece.save()
    _bump(module)
    audit_log(actor=actor, action="learning.piece.created", obj=piece, organisation=module.organisation)
    return piece


@transaction.atomic
def piece_update(*, actor, piece: Piece, **fields) -> Piece:
    """Edit a piece; its key never changes, so learners keep their completion."""
    require(actor, "learning.change_module", piece.module)
    for name, value in fields.items():
        if name not in PIECE_FIELDS:
            raise ValidationError(_("Champ inconnu."), field=name)
        setattr(piece, name, value)
    full_clean_or_raise(piece)
    piece.save()
    _bump(piece.module)
    audit_log(actor=actor, action="learning.piece.updated", obj=piece, organisation=piece.module.organisation)
    return piece


def _drop_piece(piece: Piece) -> None:
    PieceCompletion.objects.filter(progress__module_id=piece.module_id, piece_key=piece.key).delete()
    piece.delete()


@transaction.atomic
def piece_delete(*, actor, piece: Piece) -> None:
    """Remove a piece: learners lose that piece's completion only (and its quiz attempts)."""
    module = piece.module
    require(actor, "learning.change_module", module)
    audit_log(actor=actor, action="learning.piece.deleted", obj=piece, organisation=module.organisation)
    _drop_piece(piece)
    _bump(module)


@transaction.atomic
def piece_move(*, actor, piece: Piece, direction: str) -> Piece:
    module = piece.module
    require(actor, "learning.change_module", module)
    pieces = list(module.pieces.order_by("position", "pk"))
    index = next(i for i, p in enumerate(pieces) if p.pk == piece.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(pieces):
        raise ValidationError(_("Cette étape est déjà à cette extrémité du module."))
    pieces[index], pieces[other] = pieces[other], pieces[index]
    for position, p in enumerate(pieces, start=1):
        Piece.objects.filter(pk=p.pk).update(position=position)
    _bump(module)
    return piece


def _validate_answers(kind: str, answers: list[dict]) -> None:
    correct = sum(1 for a in answers if a["correct"])
    if kind == Question.Kind.TRUE_FALSE and len(answers) != 2:
        raise ValidationError(_("Une question vrai ou faux a exactement deux réponses."), field="answers")
    if len(answers) < 2:
        raise ValidationError(_("Une question a au moins deux réponses."), field="answers")
    if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and correct != 1:
        raise ValidationError(_("Cette question doit avoir exactement une bonne réponse."), field="answers")
    if kind == Question.Kind.MULTIPLE and correct < 1:
        raise ValidationError(_("Indiquez au moins une bonne réponse."), field="answers")


def _save_answers(question: Question, answers: list[dict]) -> None:
    kept = set()
    for position, data in enumerate(answers, start=1):
        key = data.get("key") or f"r{position}"
        Answer.objects.update_or_create(
            question=question,
            key=key,
            defaults={
                "position": position,
                "text": data["text"],
                "correct": data["correct"],
                "feedback": data.get("feedback", ""),
                "text_eu": data.get("text_eu", ""),
                "feedback_eu": data.get("feedback_eu", ""),
            },
        )
        kept.add(key)
    question.answers.exclude(key__in=kept).delete()


@transaction.atomic
def question_save(
    *,
    actor,
    piece: Piece,
    kind: str,
    text: str,
    explanation: str = "",
    answers: list[dict],
    question=None,
    text_eu: str = "",
    explanation_eu: str = "",
) -> Question:
    """Create or replace a quiz question; `answers` = [{"text", "correct", "feedback", "text_eu"?, "feedback_eu"?}] in
    order."""
    require(actor, "learning.change_module", piece.module)
    if not piece.is_quiz:
        raise ValidationError(_("Seul un quiz a des questions."))
    _validate_answers(kind, answers)
    if question is None:
        last = piece.questions.order_by("-position").values_list("position", flat=True).first()
        base = slugify(text)[:60] or "question"
        key, n = base, 2
        while piece.questions.filter(key=key).exists():
            key, n = f"{base}-{n}", n + 1
        question = Question(piece=piece, key=key, position=(last or 0) + 1)
    question.kind, question.text, question.explanation = kind, text, explanation
    question.text_eu, question.explanation_eu = text_eu, explanation_eu
    full_clean_or_raise(question)
    question.save()
    _save_answers(question, answers)
    _bump(piece.module)
    audit_log(actor=actor, action="learning.question.saved", obj=question, organisation=piece.module.organisation)
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    module = question.piece.module
    require(actor, "learning.change_module", module)
    audit_log(actor=actor, action="learning.question.deleted", obj=question, organisation=module.organisation)
    question.delete()
    _bump(module)


# --- Editors: paths --------------------------------------------------------------------------------------------------
PATH_FIELDS = ("title", "title_eu", "audience", "description", "description_eu", "published")
WORKSHOP_FIELDS = ("workshop_title", "workshop_description", "workshop_title_eu", "workshop_description_eu")


def _check_audience(audience: str) -> str:
    if audience not in Audience.values:
        raise ValidationError(_("Public inconnu : %(value)s.") % {"value": audience}, field="audience")
    return audience


@transaction.atomic
def path_create(*, actor, organisation=None, **fields) -> Path:
    """A new path (unpublished unless `published`), of the agency (staff) or of an authorised partner organisation."""
    require(actor, "learning.add_path", hide=False)
    if organisation is None and not actor.is_staff:
        raise ValidationError(_("Choisissez l'organisation autrice du parcours."), field="organisation")
    if (
        organisation is not None
        and not actor.is_staff
        and organisation.pk not in {o.pk for o in selectors.editor_organisations(actor)}
    ):
        raise ValidationError(_("Vous ne pouvez pas rédiger pour cette organisation."), field="organisation")
    unknown = set(fields) - set(PATH_FIELDS)
    if unknown:
        raise ValidationError(_("Champ inconnu."), field=sorted(unknown)[0])
    slug = slugify(fields.get("title", ""))[:90]
    if not slug:
        raise ValidationError(_("Donnez un titre au parcours."), field="title")
    if Path.objects.filter(slug=slug).exists():
        raise Conflict(_("Un parcours porte déjà ce titre : choisissez-en un autre."), field="title")
    _check_audience(fields.get("audience", ""))
    last = Path.objects.order_by("-position").values_list("position", flat=True).first()
    path = Path(slug=slug, organisation=organisation, position=(last or 0) + 1, **fields)
    full_clean_or_raise(path)
    try:
        with transaction.atomic():
            path.save()
    except IntegrityError as error:  # the same title sent twice at once
        raise Conflict(_("Un parcours porte déjà ce titre : choisissez-en un autre."), field="title") from error
    audit_log(actor=actor, action="learning.path.created", obj=path, organisation=organisation)
    return path


@transaction.atomic
def path_update(*, actor, path: Path, **fields) -> Path:
    """Edit a path's description; its slug (its address, its badge) does not change."""
    require(actor, "learning.change_path", path)
    path = Path.objects.select_for_update().get(pk=path.pk)
    unknown = set(fields) - set(PATH_FIELDS)
    if unknown:
        raise ValidationError(_("Champ inconnu."), field=sorted(unknown)[0])
    if "audience" in fields:
        _check_audience(fields["audience"])
    changed = [name for name, value in fields.items() if getattr(path, name) != value]
    for name, value in fields.items():
        setattr(path, name, value)
    full_clean_or_raise(path)
    path.save()
    if changed:
        audit_log(
            actor=actor,
            action="learning.path.updated",
            obj=path,
            organisation=path.organisation,
            data={"fields": changed},
        )
    return path


@transaction.atomic
def path_item_add(*, actor, path: Path, module: Module | None = None, **workshop) -> PathItem:
    """Add a published module, or an in-person workshop (title and description), at the end of the path."""
    require(actor, "learning.change_path", path)
    path = Path.objects.select_for_update().get(pk=path.pk)
    unknown = set(workshop) - set(WORKSHOP_FIELDS)
    if unknown:
        raise ValidationError(_("Champ inconnu."), field=sorted(unknown)[0])
    title = (workshop.get("workshop_title") or "").strip()
    if (module is None) == (not title):
        raise ValidationError(_("Choisissez un module publié, ou donnez le titre d'un atelier (pas les deux)."))
    if module is not None:
        if module.state != Module.State.PUBLISHED:
            raise ValidationError(_("Seul un module publié peut entrer dans un parcours."), field="module")
        if path.items.filter(module=module).exists():
            raise Conflict(_("Ce module est déjà dans le parcours."), field="module")
        workshop = {}
    else:
        workshop = {name: (workshop.get(name) or "").strip() for name in WORKSHOP_FIELDS}
    last = path.items.order_by("-position").values_list("position", flat=True).first()
    item = PathItem(path=path, module=module, position=(last or 0) + 1, **workshop)
    full_clean_or_raise(item)
    item.save()
    audit_log(
        actor=actor,
        action="learning.path.item_added",
        obj=path,
        organisation=path.organisation,
        data={"module": module.slug if module else None, "workshop": item.workshop_title or None},
    )
    return item


@transaction.atomic
def path_item_remove(*, actor, item: PathItem) -> None:
    """Take an item out of a path. Attestations already issued keep their frozen facts (title, competences,
    duration): they stay valid."""
    path = item.path
    require(actor, "learning.change_path", path)
    Path.objects.select_for_update().filter(pk=path.pk).first()
    audit_log(
        actor=actor,
        action="learning.path.item_removed",
        obj=path,
        organisation=path.organisation,
        data={"module": item.module.slug if item.module_id else None, "workshop": item.workshop_title or None},
    )
    PathItem.objects.filter(pk=item.pk).delete()


@transaction.atomic
def path_item_move(*, actor, item: PathItem, direction: str) -> PathItem:
    path = item.path
    require(actor, "learning.change_path", path)
    Path.objects.select_for_update().filter(pk=path.pk).first()
    items = list(path.items.order_by("position", "pk"))
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise NotFound(_("Cette étape n'est plus dans le parcours."))
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        raise ValidationError(_("Cette étape est déjà à cette extrémité du parcours."))
    items[index], items[other] = items[other], items[index]
    for position, entry in enumerate(items, start=1):
        PathItem.objects.filter(pk=entry.pk).update(position=position)
    audit_log(actor=actor, action="learning.path.reordered", obj=path, organisation=path.organisation)
    return item


# --- Learners: progress -----------------------------------------------------------------------------------------------
def _progress(user, module: Module) -> Progress:
    require(user, "learning.take_module", module, hide=False)
    progress, _created = Progress.objects.get_or_create(user=user, module=module)
    return progress


@transaction.atomic
def progress_record_view(*, user, module: Module, piece: Piece) -> Progress:
    """The player showed `piece`: remember it (for "Reprendre") and add the time since the previous view, bounded."""
    progress = _progress(user, module)
    progress = Progress.objects.select_for_update().get(pk=progress.pk)
    now = timezone.now()
    if progress.last_seen_at is not None:
        elapsed = (now - progress.last_seen_at).total_seconds()
        progress.seconds_spent += int(min(max(elapsed, 0), PIECE_SECONDS_CAP))
    progress.last_seen_at = now
    progress.last_piece_key = piece.key
    progress.save(update_fields=["seconds_spent", "last_seen_at", "last_piece_key"])
    return progress


def _refresh_completion(progress: Progress) -> None:
    required = set(progress.module.pieces.filter(kind__in=_required_kinds()).values_list("key", flat=True))
    done = set(progress.completions.values_list("piece_key", flat=True))
    if progress.completed_at is None and required <= done:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])


def _required_kinds() -> list[str]:
    return [k for k in Piece.Kind.values if k != Piece.Kind.WORKSHOP]


def _complete(progress: Progress, piece: Piece) -> None:
    PieceCompletion.objects.get_or_create(progress=progress, piece_key=piece.key)
    _refresh_completion(progress)


@transaction.atomic
def piece_complete(*, user, module: Module, piece: Piece) -> Progress:
    """The person read a text, watched a video, opened a document or a resource ("Suivant")."""
    if piece.is_quiz:
        raise ValidationError(_("Un quiz est validé en y répondant."))
    if piece.kind == Piece.Kind.WORKSHOP:
        raise ValidationError(_("Un atelier est validé par votre présence, enregistrée par ses organisateurs."))
    progress = _progress(user, module)
    _complete(progress, piece)
    return progress


@transaction.atomic
def workshop_attendance_record(*, user, piece: Piece) -> Progress:
    """Called by a workshop provider (the events module) when a person attended a session of `piece`."""
    if piece.kind != Piece.Kind.WORKSHOP:
        raise ValidationError(_("Cette étape n'est pas un atelier."))
    progress = _progress(user, piece.module)
    _complete(progress, piece)
    return progress


def score_answers(questions: list[Question], chosen: dict[str, list[str]]) -> tuple[int, dict[str, bool]]:
    """The score in percent of questions answered right. A question is right only when the chosen answers are exactly
    its correct answers (all or nothing: for a multiple choice, one missing or one extra answer makes it wrong)."""
    results = {}
    for question in questions:
        correct = {a.key for a in question.answers.all() if a.correct}
        results[question.key] = set(chosen.get(question.key, [])) == correct
    if not questions:
        return 0, results
    return round(100 * sum(results.values()) / len(questions)), results


@transaction.atomic
def quiz_submit(*, user, piece: Piece, answers: dict[str, list[str]]) -> QuizAttempt:
    """Record an attempt. Refused after the last allowed attempt; two simultaneous submissions count once (the
    attempt number is unique per person and quiz)."""
    if not piece.is_quiz:
        raise NotFound(_("Page introuvable."))
    progress = _progress(user, piece.module)
    questions = selectors.quiz_questions(piece)
    for question in questions:
        valid = {a.key for a in question.answers.all()}
        picked = answers.get(question.key, [])
        if not picked:
            raise ValidationError(
                _("Répondez à toutes les questions (question %(number)s sans réponse).")
                % {"number": questions.index(question) + 1},
                field=f"q-{question.key}",
            )
        if not set(picked) <= valid or (question.kind != Question.Kind.MULTIPLE and len(picked) != 1):
            raise ValidationError(_("Réponse non valable."), field=f"q-{question.key}")
    used = QuizAttempt.objects.filter(user=user, piece=piece).count()
    if piece.max_attempts is not None and used >= piece.max_attempts:
        raise Conflict(
            _("Vous avez utilisé vos %(count)s tentatives pour ce quiz : votre dernier résultat est conservé.")
            % {"count": piece.max_attempts}
        )
    score, _results = score_answers(questions, answers)
    passed = score >= piece.pass_mark
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                piece=piece,
                number=used + 1,
                answers={key: sorted(value) for key, value in answers.items() if key in {q.key for q in questions}},
                score=score,
                passed=passed,
            )
    except IntegrityError:
        raise Conflict(_("Cette réponse a déjà été enregistrée.")) from None
    if passed or piece.quiz_role == Piece.QuizRole.PRE:
        _complete(progress, piece)
    return attempt


@transaction.atomic
def feedback_submit(*, user, module: Module, useful: bool, clear: int, comment: str = "") -> Feedback:
    require(user, "learning.take_module", module, hide=False)
    feedback, _created = Feedback.objects.update_or_create(
        user=user, module=module, defaults={"useful": useful, "clear": clear, "comment": comment}
    )
    full_clean_or_raise(feedback, validate_unique=False)
    return feedback


@transaction.atomic
def learner_profile_update(*, user, share_progress_with_organisation: bool) -> LearnerProfile:
    if not (user and user.is_authenticated):
        raise NotFound(_("Page introuvable."))
    profile, _created = LearnerProfile.objects.get_or_create(user=user)
    if profile.share_progress_with_organisation != share_progress_with_organisation:
        profile.share_progress_with_organisation = share_progress_with_organisation
        profile.save()
        audit_log(
            actor=user,
            action="learning.sharing.changed",
            obj=profile,
            data={"share_progress_with_organisation": share_progress_with_organisation},
        )
    return profile


# --- Attestations -----------------------------------------------------------------------------------------------------
def attestation_issue(*, user, path: Path) -> Attestation:
    """The person completed every module of this published path: their attestation, with the facts frozen now
    (holder's name, path title, competences, the path's declared duration, completion date). Idempotent: a person has
    one live attestation per path (a second request, or two at once, returns the same one)."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Connectez-vous pour obtenir une attestation."))
    if not path.published:
        raise NotFound(_("Page introuvable."))
    existing = selectors.live_attestation(user=user, path=path)
    if existing is not None:
        return existing
    completion = selectors.path_completion(user=user, path=path)
    if not completion.complete:
        raise ValidationError(
            _("L'attestation est délivrée quand tous les modules du parcours sont terminés."), code="incomplete"
        )
    try:
        with transaction.atomic():
            attestation = Attestation.objects.create(
                user=user,
                path=path,
                holder_name=user.display_name,
                path_title=path.title,
                competences=completion.competences,
                minutes=completion.minutes,
                completed_on=timezone.localdate(completion.completed_at),
                badge_salt=(salt := secrets.token_hex(16)),
                badge_identity=attestation_document.badge_identity(user.email, salt),
            )
            audit_log(
                actor=user,
                action="learning.attestation.issued",
                obj=attestation,
                data={"path": path.slug, "id": attestation.public_id},
            )
    except IntegrityError:  # issued at the same moment by a second request
        return selectors.live_attestation(user=user, path=path)
    return attestation


@transaction.atomic
def attestation_revoke(*, actor, attestation: Attestation, reason: str = "") -> Attestation:
    """Staff revoke an attestation issued by mistake: the verification page then says "révoquée"."""
    require(actor, "learning.revoke_attestation", attestation, hide=False)
    locked = Attestation.objects.select_for_update().get(pk=attestation.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_reason = (reason or "")[:300]
        locked.save(update_fields=["revoked_at", "revoked_reason"])
        audit_log(
            actor=actor, action="learning.attestation.revoked", obj=locked, data={"reason": locked.revoked_reason}
        )
    return locked


# --- Self-assessment --------------------------------------------------------------------------------------------------
def self_assessment_moment(*, user, path: Path) -> str:
    """Before the path while it is not completed; after it once every module is."""
    completed = selectors.path_completion(user=user, path=path).complete
    return SelfAssessment.Moment.AFTER if completed else SelfAssessment.Moment.BEFORE


@transaction.atomic
def self_assessment_save(*, user, path: Path, levels: dict[int, int]) -> str:
    """Record the person's positioning on the path's competences (competence pk → level number of its framework),
    before the path (while it is not completed) or after it (once completed), one assessment per framework version.
    Sending again replaces the answers of that moment. Returns the moment."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Connectez-vous pour vous positionner."))
    if not path.published:
        raise NotFound(_("Page introuvable."))
    competences = {c.pk: c for c in selectors.path_competences(path)}
    if not competences:
        raise ValidationError(_("Ce parcours n'a pas de compétence à évaluer."), code="no-competence")
    levels_by_framework = selectors.framework_levels(c.framework_id for c in competences.values())
    chosen = {}
    for competence_pk, number in levels.items():
        competence = competences.get(competence_pk)
        if competence is None:
            raise ValidationError(_("Cette compétence n'est pas travaillée dans ce parcours."), code="bad-competence")
        level = next((lv for lv in levels_by_framework.get(competence.framework_id, []) if lv.number == number), None)
        if level is None:
            raise ValidationError(_("Ce niveau n'existe pas dans le référentiel."), code="bad-level")
        chosen[competence] = level
    if not chosen:
        raise ValidationError(_("Choisissez un niveau pour au moins une compétence."), code="empty")
    moment = self_assessment_moment(user=user, path=path)
    for framework_id in {c.framework_id for c in chosen}:
        assessment, _created = SelfAssessment.objects.get_or_create(
            user=user, path=path, framework_id=framework_id, moment=moment
        )
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        assessment.answers.all().delete()
        SelfAssessmentAnswer.objects.bulk_create(
            SelfAssessmentAnswer(assessment=assessment, competence=competence, level=level)
            for competence, level in chosen.items()
            if competence.framework_id == framework_id
        )
        assessment.save(update_fields=["updated_at"])
    return moment


# --- The training map's open dataset ----------------------------------------------------------------------------------
TRAINING_FILE = "formation-elus-agents-communes.csv"
TRAINING_HEADER = ["commune_insee", "commune", "theme", "mois", "personnes_formees", "masque"]


def training_csv() -> bytes:
    """Per commune × topic × month, the élus and agents who completed their first module of the topic that month;
    a count between 1 and 4 is left empty with `masque` = "oui" (participation's small-count rule)."""
    rows = []
    for row in selectors.training_aggregates():
        hidden = is_small(row["count"])
        rows.append(
            [
                row["commune"].insee_code,
                row["commune"].name,
                row["topic"],
                row["month"].strftime("%Y-%m"),
                "" if hidden else row["count"],
                "oui" if hidden else "non",
            ]
        )
    return csv_bytes(TRAINING_HEADER, rows)


def _training_metadata() -> dict:
    return {
        "title": _("Élus et agents formés au numérique, par commune"),
        "description": _(
            "Le nombre d'élus et d'agents des collectivités du territoire qui ont terminé au moins un module de "
            "formation de la plateforme, par commune (celles de leurs organisations), par thème et par mois de leur "
            "premier module terminé du thème. Données agrégées et anonymisées : un nombre de 1 à 4 personnes n'est "
            "pas publié (colonne « masque »). Carte : page « Carte des formations » de la plateforme "
            "(/formation/carte/)."
        ),
        "licence": "lov2",
        "frequency": "MONTHLY",
        "themes": ["EDUC"],
        "keywords": [_("formation"), _("numérique"), _("élus"), _("agents")],
        "whole_territory": True,
    }


@transaction.atomic
def training_dataset_publish(*, actor) -> Dataset:
    """Publish (or update) the agency's dataset of the training map through the catalogue's services (as the
    observatory does): one CSV resource, a new version only when its content changed. Idempotent."""
    agency = agency_organisation()
    if agency is None:
        raise ValidationError(_("Aucune organisation de type « Agence » : la carte des formations n'a pas d'éditeur."))
    link = TrainingDataset.objects.select_for_update().first() or TrainingDataset.objects.create()
    publication = catalog.generated_files_publish(
        actor=actor,
        organisation=agency,
        dataset_id=link.dataset_id,
        resources={TRAINING_FILE: link.resource} if link.resource else {},
        metadata=_training_metadata(),
        files=[
            catalog.GeneratedFile(
                name=TRAINING_FILE,
                title=_("Élus et agents formés par commune, thème et mois"),
                description=_("Une ligne par commune, thème et mois ; les petits nombres (1 à 4) sont masqués."),
                content=training_csv(),
            )
        ],
        audit_action="learning.training_dataset.published",
    )
    link.dataset, link.resource = publication.dataset, publication.resources[TRAINING_FILE]
    link.published_at = timezone.now()
    link.save()
    return publication.dataset


def training_dataset_refresh() -> str:
    """The scheduled work (`manage.py learning_publish_training_map`, cron): publish as the agency's publisher (the
    observatory's rule). Returns a French message."""
    agency = agency_organisation()
    actor = catalog_selectors.scheduled_publisher(organisation=agency) if agency is not None else None
    if actor is None:
        return _("Pas de publication : aucune organisation « Agence » ou personne pour publier en son nom.")
    dataset = training_dataset_publish(actor=actor)
    return _("Jeu de données « %(title)s » à jour.") % {"title": dataset.title}


def deletion_cleanup(user) -> None:
    """The account goes: so does everything learning holds about the person. An attestation keeps its public
    identifier only (a tombstone without any fact), so that its verification page says it no longer exists instead of
    letting a copy pass for valid."""
    Attestation.objects.filter(user=user).update(
        user=None,
        path=None,
        holder_name="",
        path_title="",
        competences=[],
        minutes=0,
        completed_on=None,
        revoked_reason="",
        badge_salt="",
        badge_identity="",
        erased_at=timezone.now(),
    )
    QuizAttempt.objects.filter(user=user).delete()
    SelfAssessment.objects.filter(user=user).delete()
    Progress.objects.filter(user=user).delete()
    Feedback.objects.filter(user=user).delete()
    LearnerProfile.objects.filter(user=user).delete()


# --- Staff: partner editors -------------------------------------------------------------------------------------------
@transaction.atomic
def editor_authorise(*, actor, organisation) -> AuthorisedEditor:
    require(actor, "learning.authorise_editors", hide=False)
    authorisation, created = AuthorisedEditor.objects.get_or_create(
        organisation=organisation, defaults={"authorised_by": actor}
    )
    if created:
        audit_log(actor=actor, action="learning.editor.authorised", obj=authorisation, organisation=organisation)
    return authorisation


@transaction.atomic
def editor_revoke(*, actor, organisation) -> None:
    require(actor, "learning.authorise_editors", hide=False)
    deleted, _rows = AuthorisedEditor.objects.filter(organisation=organisation).delete()
    if deleted:
        audit_log(actor=actor, action="learning.editor.revoked", organisation=organisation)


# --- The content loader -----------------------------------------------------------------------------------------------
def _read(path: FilePath):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("Fichier illisible %(file)s : %(error)s") % {"file": path.name, "error": error}
        ) from None


def _need(data: dict, key: str, where: str):
    if key not in data:
        raise ValidationError(_("%(where)s : la clé « %(key)s » manque.") % {"where": where, "key": key})
    return data[key]


def _load_framework(data: dict) -> Framework:
    framework, _created = Framework.objects.update_or_create(
        code=_need(data, "code", "framework"),
        version=_need(data, "version", "framework"),
        defaults={
            "title": data.get("title", ""),
            "source": json.dumps(data["source"], ensure_ascii=False)
            if isinstance(data.get("source"), dict | list)
            else data.get("source", ""),
            "licence": json.dumps(data["licence"], ensure_ascii=False)
            if isinstance(data.get("licence"), dict | list)
            else data.get("licence", ""),
        },
    )
    for level in _need(data, "levels", "framework"):
        Level.objects.update_or_create(
            framework=framework,
            number=level["number"],
            defaults={"name": level.get("name", ""), "description": level.get("description", "")},
        )
    for area_data in _need(data, "areas", "framework"):
        area, _created = Area.objects.update_or_create(
            framework=framework,
            code=area_data["code"],
            defaults={"title": area_data["title"], "title_en": area_data.get("title_en", "")},
        )
        for competence in area_data.get("competences", []):
            Competence.objects.update_or_create(
                framework=framework,
                code=competence["code"],
                defaults={
                    "area": area,
                    "title": competence["title"],
                    "title_en": competence.get("title_en", ""),
                    "description": competence.get("description", ""),
                },
            )
    return framework


def _competences(codes, framework: Framework | None, where: str) -> list[Competence]:
    codes = list(codes or [])
    if not codes:
        return []
    if framework is None:
        raise ValidationError(_("%(where)s : aucun référentiel chargé pour les compétences.") % {"where": where})
    found = {c.code: c for c in Competence.objects.filter(framework=framework, code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            _("%(where)s : compétences inconnues %(codes)s.") % {"where": where, "codes": ", ".join(missing)}
        )
    return [found[c] for c in codes]


def _text(value, where: str):
    if not isinstance(value, str):
        raise ValidationError(_("%(where)s : un texte est attendu.") % {"where": where})
    return value


def _basque(data: dict, model) -> dict:
    """The `<field>_eu` keys of a content file's object for the model's translated fields (empty when absent). The
    objectives are a list of lines, like the French ones."""
    values = {}
    for name in eu_fields(model):
        value = data.get(name, [] if name == "objectives_eu" else "")
        if name == "objectives_eu":
            if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
                raise ValidationError(_("%(where)s : une liste de textes est attendue.") % {"where": name})
            values[name] = list(value)
        else:
            values[name] = _text(value, name)
    return values


def _load_piece(module: Module, position: int, data: dict) -> Piece:
    where = f"{module.slug}/{data.get('key', '?')}"
    key, kind = _need(data, "key", where), _need(data, "kind", where)
    if kind not in Piece.Kind.values:
        raise ValidationError(_("%(where)s : type d'étape inconnu « %(kind)s ».") % {"where": where, "kind": kind})
    defaults = {
        "position": position,
        "kind": kind,
        "title": _need(data, "title", where),
        "body": data.get("body", ""),
        "description": data.get("description", ""),
        "url": data.get("url", ""),
        "transcript": data.get("transcript", ""),
        "place": data.get("place", ""),
        "pass_mark": data.get("pass_mark", 60),
        "max_attempts": data.get("max_attempts"),
        "quiz_role": data.get("quiz_role", ""),
        **_basque(data, Piece),
    }
    piece = Piece.objects.filter(module=module, key=key).first() or Piece(module=module, key=key)
    for name, value in defaults.items():
        setattr(piece, name, value)
    full_clean_or_raise(piece)
    piece.save()
    if kind == Piece.Kind.QUIZ:
        kept = []
        for q_position, q_data in enumerate(_need(data, "questions", where), start=1):
            q_where = f"{where}/{q_data.get('key', '?')}"
            answers = [
                {
                    "key": a["key"],
                    "text": a["text"],
                    "correct": bool(a.get("correct")),
                    "feedback": a.get("feedback", ""),
                    **_basque(a, Answer),
                }
                for a in _need(q_data, "answers", q_where)
            ]
            kind_q = _need(q_data, "kind", q_where)
            if kind_q not in Question.Kind.values:
                raise ValidationError(_("%(where)s : type de question inconnu.") % {"where": q_where})
            _validate_answers(kind_q, answers)
            question, _created = Question.objects.update_or_create(
                piece=piece,
                key=q_data["key"],
                defaults={
                    "position": q_position,
                    "kind": kind_q,
                    "text": _need(q_data, "text", q_where),
                    "explanation": q_data.get("explanation", ""),
                    **_basque(q_data, Question),
                },
            )
            _save_answers(question, answers)
            kept.append(question.key)
        piece.questions.exclude(key__in=kept).delete()
    return piece


def _load_module(data: dict, framework: Framework | None) -> tuple[Module, bool]:
    slug = _need(data, "slug", "module")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    module = Module.objects.filter(slug=slug).first()
    if module is not None and module.source_hash == digest:
        return module, False
    topic = Topic.objects.filter(slug=_need(data, "topic", slug)).first()
    if topic is None:
        raise ValidationError(_("%(where)s : thème inconnu « %(topic)s ».") % {"where": slug, "topic": data["topic"]})
    fields = {
        "topic": topic,
        "title": _need(data, "title", slug),
        "summary": _need(data, "summary", slug),
        "level": _need(data, "level", slug),
        "minutes": _need(data, "minutes", slug),
        "audiences": _check_audiences(data.get("audiences", [])),
        "objectives": list(data.get("objectives", [])),
        **_basque(data, Module),
        "source_hash": digest,
    }
    existed = module is not None
    if module is None:
        module = Module(slug=slug, state=Module.State.PUBLISHED, published_at=timezone.now())
    for name, value in fields.items():
        setattr(module, name, value)
    if existed and module.state == Module.State.PUBLISHED:
        module.revision += 1
    full_clean_or_raise(module)
    module.save()
    module.competences.set(_competences(data.get("competences"), framework, slug))
    keys = []
    for position, piece_data in enumerate(_need(data, "pieces", slug), start=1):
        keys.append(_load_piece(module, position, piece_data).key)
    if len(set(keys)) != len(keys):
        raise ValidationError(_("%(where)s : deux étapes ont la même clé.") % {"where": slug})
    for gone in module.pieces.exclude(key__in=keys):
        _drop_piece(gone)
    for progress in module.progress.all():
        _refresh_completion(progress)
    return module, True


@transaction.atomic
def framework_load(*, path: FilePath) -> Framework:
    """Load (or update in place by code and version) one competence framework file in the format of
    `content/frameworks/` — for frameworks that are not shipped in the content directory (`impact_load_framework`)."""
    try:
        return _load_framework(_read(FilePath(path)))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValidationError(
            _("Fichier de référentiel mal formé %(file)s : %(error)s") % {"file": FilePath(path).name, "error": error}
        ) from None


@transaction.atomic
def content_load(*, directory: FilePath) -> dict[str, int]:
    """Load the competence frameworks, topics, modules and paths from `directory` (the format of
    `auzolan/learning/content/`). Idempotent: rows are updated in place by code, slug and key; a piece no longer in
    its file is removed (learners lose that piece's completion only); nothing else of learners' progress is touched.
    Modules written by editors (not in the files) are left alone."""
    directory = FilePath(directory)
    counts = {"frameworks": 0, "topics": 0, "modules": 0, "modules_changed": 0, "paths": 0}
    for file in sorted((directory / "frameworks").glob("*.json")):
        _load_framework(_read(file))
        counts["frameworks"] += 1
    framework = Framework.objects.filter(code=DEFAULT_FRAMEWORK[0], version=DEFAULT_FRAMEWORK[1]).first()
    topics_file = directory / "topics.json"
    if topics_file.exists():
        for position, data in enumerate(_read(topics_file), start=1):
            slug = _need(data, "slug", "topics.json")
            topic, _created = Topic.objects.update_or_create(
                slug=slug,
                defaults={
                    "title": _need(data, "title", slug),
                    "description": data.get("description", ""),
                    "position": position,
                    **_basque(data, Topic),
                },
            )
            topic.competences.set(_competences(data.get("competences"), framework, slug))
            counts["topics"] += 1
    for file in sorted((directory / "modules").glob("*.json")):
        _module, changed = _load_module(_read(file), framework)
        counts["modules"] += 1
        counts["modules_changed"] += int(changed)
    paths_file = directory / "paths.json"
    if paths_file.exists():
        for position, data in enumerate(_read(paths_file), start=1):
            slug = _need(data, "slug", "paths.json")
            audience = _need(data, "audience", slug)
            if audience not in Audience.values:
                raise ValidationError(
                    _("%(where)s : public inconnu « %(value)s ».") % {"where": slug, "value": audience}
                )
            entry = json.dumps([position, data], sort_keys=True, ensure_ascii=False)
            digest = hashlib.sha256(entry.encode()).hexdigest()
            if Path.objects.filter(slug=slug, source_hash=digest).exists():
                counts["paths"] += 1  # unchanged entry: an editor's changes on the editors' pages stay
                continue
            path, _created = Path.objects.update_or_create(
                slug=slug,
                defaults={
                    "source_hash": digest,
                    "title": _need(data, "title", slug),
                    "audience": audience,
                    "description": data.get("description", ""),
                    "position": position,
                    **_basque(data, Path),
                },
            )
            path.items.all().delete()
            for item_position, item in enumerate(_need(data, "modules", slug), start=1):
                if isinstance(item, dict):
                    PathItem.objects.create(
                        path=path,
                        position=item_position,
                        workshop_title=_need(item, "workshop", slug),
                        workshop_description=item.get("description", ""),
                        workshop_title_eu=_text(item.get("workshop_eu", ""), f"{slug}/workshop_eu"),
                        workshop_description_eu=_text(item.get("description_eu", ""), f"{slug}/description_eu"),
                    )
                    continue
                module = Module.objects.filter(slug=item).first()
                if module is None:
                    raise ValidationError(
                        _("%(where)s : module inconnu « %(module)s ».") % {"where": slug, "module": item}
                    )
                PathItem.objects.create(path=path, position=item_position, module=module)
            counts["paths"] += 1
    return counts
