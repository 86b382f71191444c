"""Reads of learning: the catalogue, a module with its pieces, a person's progress, paths, editors' lists, and the
trained people the open data programme asks for (`trained_users`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Avg, Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from auzolan.accounts.models import TerritoryRole
from auzolan.learning.models import (
    Attestation,
    Audience,
    AuthorisedEditor,
    Competence,
    Feedback,
    LearnerProfile,
    Level,
    Module,
    Path,
    PathItem,
    Piece,
    Progress,
    Question,
    QuizAttempt,
    SelfAssessment,
    SelfAssessmentAnswer,
    Topic,
)
from auzolan.organisations.models import Commune, Membership, Organisation

OPEN_DATA_TOPIC = "open-data"
DATA_REFERENT_AUDIENCE = Audience.REFERENT_DONNEES


# --- Catalogue --------------------------------------------------------------------------------------------------------
def topics() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        published_count=Count("modules", filter=Q(modules__state=Module.State.PUBLISHED))
    ).order_by("position", "title")


def published_modules(*, topic: str = "", audience: str = "", level: str = "") -> QuerySet[Module]:
    modules = Module.objects.filter(state=Module.State.PUBLISHED).select_related("topic", "organisation")
    if topic:
        modules = modules.filter(topic__slug=topic)
    if level:
        modules = modules.filter(level=level)
    modules = modules.order_by("topic__position", "title")
    if audience:
        # audiences is a JSON list; filtered in Python to stay the same on SQLite and PostgreSQL (a few dozen modules)
        return (
            Module.objects.filter(pk__in=[m.pk for m in modules if audience in m.audiences])
            .select_related("topic", "organisation")
            .order_by("topic__position", "title")
        )
    return modules


def published_paths() -> QuerySet[Path]:
    return Path.objects.filter(published=True).annotate(item_count=Count("items")).order_by("position", "title")


def module_pieces(module: Module) -> list[Piece]:
    return list(module.pieces.order_by("position", "pk"))


def quiz_questions(piece: Piece) -> list[Question]:
    return list(piece.questions.prefetch_related("answers").order_by("position", "pk"))


# --- A person's progress ----------------------------------------------------------------------------------------------
def progress_for(*, user, module: Module) -> Progress | None:
    if not (user and user.is_authenticated):
        return None
    return Progress.objects.filter(user=user, module=module).first()


def completed_keys(progress: Progress | None) -> set[str]:
    if progress is None:
        return set()
    return set(progress.completions.values_list("piece_key", flat=True))


def attempts_for(*, user, piece: Piece) -> list[QuizAttempt]:
    if not (user and user.is_authenticated):
        return []
    return list(QuizAttempt.objects.filter(user=user, piece=piece).order_by("number"))


def attempts_left(piece: Piece, used: int) -> int | None:
    """None: unlimited."""
    if piece.max_attempts is None:
        return None
    return max(piece.max_attempts - used, 0)


def learner_profile(user) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(user=user).first()


@dataclass
class PathProgress:
    path: Path
    items: list = field(default_factory=list)  # (item, progress or None)
    done: int = 0
    total: int = 0

    @property
    def next_item(self):
        return next(
            (item for item, progress in self.items if item.module_id and not (progress and progress.completed_at)), None
        )

    @property
    def completed(self) -> bool:
        return self.total > 0 and self.done == self.total


def _path_progress(path: Path, progress_by_module: dict[int, Progress]) -> PathProgress:
    result = PathProgress(path=path)
    for item in path.items.all():
        progress = progress_by_module.get(item.module_id) if item.module_id else None
        result.items.append((item, progress))
        if item.module_id:
            result.total += 1
            if progress and progress.completed_at:
                result.done += 1
    return result


def path_with_items(slug: str) -> Path:
    items = PathItem.objects.select_related("module__topic").order_by("position", "pk")
    return Path.objects.prefetch_related(Prefetch("items", queryset=items)).get(slug=slug, published=True)


def path_progress(*, user, path: Path) -> PathProgress:
    progress = {}
    if user and user.is_authenticated:
        progress = {p.module_id: p for p in Progress.objects.filter(user=user, module__path_items__path=path)}
    return _path_progress(path, progress)


@dataclass
class MyTraining:
    in_progress: list[Progress]
    completed: list[Progress]
    paths: list[PathProgress]
    seconds_total: int


def my_training(user) -> MyTraining:
    """ "Ma formation": the modules started (in progress, completed) and the paths the person has begun, with their next
    step. Only this person's own rows: nobody else's progress is ever read here."""
    progress = list(
        Progress.objects.filter(user=user)
        .select_related("module__topic")
        .order_by(F("last_seen_at").desc(nulls_last=True), "-started_at")
    )
    by_module = {p.module_id: p for p in progress}
    items = PathItem.objects.select_related("module__topic").order_by("position", "pk")
    paths = Path.objects.filter(published=True, items__module__in=list(by_module)).distinct()
    paths = paths.prefetch_related(Prefetch("items", queryset=items)).order_by("position", "title")
    return MyTraining(
        in_progress=[p for p in progress if not p.completed_at],
        completed=[p for p in progress if p.completed_at],
        paths=[_path_progress(path, by_module) for path in paths],
        seconds_total=sum(p.seconds_spent for p in progress),
    )


def progress_counts(user) -> dict[str, int]:
    figures = Progress.objects.filter(user=user).aggregate(
        started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    return {**figures, "in_progress": figures["started"] - figures["completed"]}


# --- Editors ----------------------------------------------------------------------------------------------------------
def editable_modules(user) -> QuerySet[Module]:
    modules = Module.objects.select_related("topic", "organisation").order_by("state", "title")
    if user.is_staff:
        return modules
    organisations = AuthorisedEditor.objects.filter(
        organisation__memberships__user=user,
        organisation__memberships__state="active",
        organisation__memberships__role__in=("admin", "editor"),
    ).values("organisation")
    return modules.filter(organisation__in=organisations)


def editor_organisations(user):
    """The organisations a person may write modules for (None for agency staff, who write for the agency)."""
    return Organisation.objects.filter(
        learning_authorisation__isnull=False,
        memberships__user=user,
        memberships__state="active",
        memberships__role__in=("admin", "editor"),
    ).distinct()


@dataclass
class FeedbackSummary:
    count: int
    useful: int
    clear_average: float | None
    comments: list[Feedback]
    completed: int
    started: int


def feedback_summary(module: Module) -> FeedbackSummary:
    figures = Feedback.objects.filter(module=module).aggregate(
        count=Count("pk"), useful=Count("pk", filter=Q(useful=True)), clear=Avg("clear")
    )
    progress = Progress.objects.filter(module=module).aggregate(
        started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    comments = list(Feedback.objects.filter(module=module).exclude(comment="").order_by("-created_at")[:100])
    return FeedbackSummary(
        count=figures["count"],
        useful=figures["useful"],
        clear_average=round(figures["clear"], 1) if figures["clear"] is not None else None,
        comments=comments,
        completed=progress["completed"],
        started=progress["started"],
    )


def own_feedback(*, user, module: Module) -> Feedback | None:
    if not (user and user.is_authenticated):
        return None
    return Feedback.objects.filter(user=user, module=module).first()


# --- For other programmes ---------------------------------------------------------------------------------------------
def trained_users(*, user_ids) -> dict[int, datetime]:
    """The people among `user_ids` who completed at least one published module of the topic "open data"
    (`open-data`) or a published path for data referents, with the date they first did so. A path counts as completed
    on the day its last module was completed."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    result: dict[int, datetime] = dict(
        Progress.objects.filter(
            user_id__in=user_ids,
            completed_at__isnull=False,
            module__state=Module.State.PUBLISHED,
            module__topic__slug=OPEN_DATA_TOPIC,
        )
        .values("user_id")
        .annotate(first=Min("completed_at"))
        .values_list("user_id", "first")
    )
    paths = Path.objects.filter(published=True, audience=DATA_REFERENT_AUDIENCE).prefetch_related("items")
    for path in paths:
        modules = {item.module_id for item in path.items.all() if item.module_id}
        if not modules:
            continue
        done: dict[int, list[datetime]] = {}
        for user_id, _module_id, completed_at in Progress.objects.filter(
            user_id__in=user_ids, module_id__in=modules, completed_at__isnull=False
        ).values_list("user_id", "module_id", "completed_at"):
            done.setdefault(user_id, []).append(completed_at)
        for user_id, dates in done.items():
            if len(dates) == len(modules):
                finished = max(dates)
                if user_id not in result or finished < result[user_id]:
                    result[user_id] = finished
    return result


# --- Attestations -----------------------------------------------------------------------------------------------------
@dataclass
class PathCompletion:
    """A person's completion of a path's modules: complete when every module item is completed (workshop items of a
    path are not online modules and do not count)."""

    complete: bool
    completed_at: datetime | None
    seconds: int  # measured on the player (capped per view): the person's own figure
    minutes: int  # the path's declared duration: the sum of its modules' minutes (what an attestation states)
    competences: list[dict]


def path_completion(*, user, path: Path) -> PathCompletion:
    modules = [item.module for item in path.items.all() if item.module_id]
    progress = {p.module_id: p for p in Progress.objects.filter(user=user, module__in=modules)}
    done = [progress[m.pk] for m in modules if m.pk in progress and progress[m.pk].completed_at]
    complete = bool(modules) and len(done) == len(modules)
    competences = {}
    for competence in (
        Module.competences.through.objects.filter(module__in=modules)
        .select_related("competence")
        .order_by("competence__code")
    ):
        competences[competence.competence.code] = competence.competence.title
    return PathCompletion(
        complete=complete,
        completed_at=max(p.completed_at for p in done) if complete else None,
        seconds=sum(p.seconds_spent for p in done),
        minutes=sum(m.minutes for m in modules),
        competences=[{"code": code, "title": title} for code, title in competences.items()],
    )


def attestation(public_id: str) -> Attestation | None:
    if not public_id or len(public_id) > 32:
        return None
    return Attestation.objects.filter(public_id=public_id).first()


def live_attestation(*, user, path: Path) -> Attestation | None:
    if not (user and user.is_authenticated):
        return None
    return Attestation.objects.filter(user=user, path=path, revoked_at__isnull=True, erased_at__isnull=True).first()


def attestations_of(user) -> list[Attestation]:
    return list(Attestation.objects.filter(user=user, erased_at__isnull=True).order_by("-issued_at"))


# --- Self-assessment --------------------------------------------------------------------------------------------------
def path_competences(path: Path) -> list[Competence]:
    """The competences of a path's modules, by framework version then code (the questions of its self-assessment)."""
    return list(
        Competence.objects.filter(modules__path_items__path=path)
        .select_related("framework", "area")
        .distinct()
        .order_by("framework__code", "framework__version", "code")
    )


def framework_levels(framework_ids) -> dict[int, list[Level]]:
    levels: dict[int, list[Level]] = {}
    for level in Level.objects.filter(framework_id__in=set(framework_ids)).order_by("number"):
        levels.setdefault(level.framework_id, []).append(level)
    return levels


@dataclass
class AssessmentRow:
    competence: Competence
    before: Level | None
    after: Level | None
    top: int  # the framework's highest level number, for the bars

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after.number - self.before.number


def self_assessment(*, user, path: Path) -> list[AssessmentRow]:
    """The person's own positioning on each competence of the path, before and after (only their own rows)."""
    competences = path_competences(path)
    answers = {}
    if user and user.is_authenticated:
        for answer in SelfAssessmentAnswer.objects.filter(assessment__user=user, assessment__path=path).select_related(
            "assessment", "level"
        ):
            answers[(answer.competence_id, answer.assessment.moment)] = answer.level
    levels = framework_levels(c.framework_id for c in competences)
    return [
        AssessmentRow(
            competence=c,
            before=answers.get((c.pk, SelfAssessment.Moment.BEFORE)),
            after=answers.get((c.pk, SelfAssessment.Moment.AFTER)),
            top=levels[c.framework_id][-1].number if levels.get(c.framework_id) else 0,
        )
        for c in competences
    ]


# --- Organisation view ------------------------------------------------------------------------------------------------
@dataclass
class MemberTraining:
    user: object
    role: str
    modules: list[Progress]  # completed, most recent first
    paths: list[tuple[Path, datetime]]  # completed paths and the day the last module was


@dataclass
class OrganisationTraining:
    shared: list[MemberTraining]
    not_sharing: int  # active members who did not agree to share (a count, never names)
    referents: int  # named referents of the open data programme (pilot groups)
    referents_trained_on: date | None


def organisation_training(organisation: Organisation, *, referent_ids: list[int]) -> OrganisationTraining:
    """What an organisation's admins see: its active members who agreed to share their progress
    (`LearnerProfile.share_progress_with_organisation`) with the modules and paths they completed, how many did not
    (no names), and the open data roadmap's "referents trained" state for its named referents. Nobody outside the
    organisation, nobody who did not agree."""
    memberships = list(
        Membership.objects.filter(organisation=organisation, state=Membership.State.ACTIVE)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    sharing = set(
        LearnerProfile.objects.filter(
            user__in=[m.user_id for m in memberships], share_progress_with_organisation=True
        ).values_list("user_id", flat=True)
    )
    completed: dict[int, list[Progress]] = {}
    for progress in (
        Progress.objects.filter(user__in=sharing, completed_at__isnull=False)
        .select_related("module")
        .order_by("-completed_at")
    ):
        completed.setdefault(progress.user_id, []).append(progress)
    paths = list(published_paths().prefetch_related("items"))
    shared = []
    for membership in memberships:
        if membership.user_id not in sharing:
            continue
        done = {p.module_id: p.completed_at for p in completed.get(membership.user_id, [])}
        finished = []
        for learning_path in paths:
            modules = [item.module_id for item in learning_path.items.all() if item.module_id]
            if modules and all(pk in done for pk in modules):
                finished.append((learning_path, max(done[pk] for pk in modules)))
        shared.append(
            MemberTraining(
                user=membership.user,
                role=membership.get_role_display(),
                modules=completed.get(membership.user_id, []),
                paths=finished,
            )
        )
    trained = referents_trained({organisation.pk: referent_ids}) if referent_ids else {}
    return OrganisationTraining(
        shared=shared,
        not_sharing=len(memberships) - len(shared),
        referents=len(referent_ids),
        referents_trained_on=trained.get(organisation.pk),
    )


def admin_organisations(user) -> list[Organisation]:
    if not (user and user.is_authenticated):
        return []
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__state=Membership.State.ACTIVE, memberships__role="admin"
        ).order_by("name")
    )


# --- Territory training map -------------------------------------------------------------------------------------------
#: Who the map counts: élus and agents, by their declared territory role.
TRAINED_ROLES = (TerritoryRole.ELECTED, TerritoryRole.AGENT)


def _trained_completions(topic: str = ""):
    """(user, role, module topic, completed_at) of every completed published module by an élu or an agent."""
    completions = Progress.objects.filter(
        completed_at__isnull=False, module__state=Module.State.PUBLISHED, user__territory_role__in=TRAINED_ROLES
    )
    if topic:
        completions = completions.filter(module__topic__slug=topic)
    return completions.values_list("user_id", "user__territory_role", "module__topic__slug", "completed_at")


def _user_communes(user_ids) -> dict[int, set[int]]:
    """The communes of each person's organisations (active memberships): where they are counted."""
    communes: dict[int, set[int]] = {}
    pairs = Membership.objects.filter(user__in=set(user_ids), state=Membership.State.ACTIVE).values_list(
        "user_id", "organisation__communes"
    )
    for user_id, commune_id in pairs:
        if commune_id is not None:
            communes.setdefault(user_id, set()).add(commune_id)
    return communes


@dataclass
class TerritoryTraining:
    rows: list[dict]  # per commune: commune, elected, agent, total (exact; the page hides small counts)
    months: list[tuple[date, int]]  # people trained for the first time, per month (élus and agents, all communes)


def territory_training(*, topic: str = "") -> TerritoryTraining:
    """Per commune of the territory, how many élus and agents completed at least one published module (of `topic`
    when given), counted through the communes of their organisations (a person counts once per commune); and how many
    people were trained for the first time each month."""
    first: dict[int, tuple[str, datetime]] = {}
    for user_id, role, _topic, completed_at in _trained_completions(topic):
        if user_id not in first or completed_at < first[user_id][1]:
            first[user_id] = (role, completed_at)
    communes = _user_communes(first)
    counts: dict[int, dict[str, int]] = {}
    for user_id, (role, _at) in first.items():
        for commune_id in communes.get(user_id, ()):
            cell = counts.setdefault(commune_id, {TerritoryRole.ELECTED: 0, TerritoryRole.AGENT: 0})
            cell[role] += 1
    rows = []
    for commune in Commune.objects.order_by("name", "insee_code"):
        cell = counts.get(commune.pk, {})
        elected, agent = cell.get(TerritoryRole.ELECTED, 0), cell.get(TerritoryRole.AGENT, 0)
        rows.append({"commune": commune, "elected": elected, "agent": agent, "total": elected + agent})
    per_month: dict[date, int] = {}
    for _role, at in first.values():
        month = timezone.localdate(at).replace(day=1)
        per_month[month] = per_month.get(month, 0) + 1
    return TerritoryTraining(rows=rows, months=sorted(per_month.items()))


def training_aggregates() -> list[dict]:
    """The open dataset: per commune × topic × month, how many élus and agents completed their first module of that
    topic that month (counted through the communes of their organisations). Exact counts: the publisher hides the small
    ones."""
    first: dict[tuple[int, str], datetime] = {}
    for user_id, _role, topic, completed_at in _trained_completions():
        key = (user_id, topic)
        if key not in first or completed_at < first[key]:
            first[key] = completed_at
    communes = _user_communes({user_id for user_id, _topic in first})
    counts: dict[tuple[int, str, date], int] = {}
    for (user_id, topic), at in first.items():
        month = timezone.localdate(at).replace(day=1)
        for commune_id in communes.get(user_id, ()):
            counts[(commune_id, topic, month)] = counts.get((commune_id, topic, month), 0) + 1
    by_pk = {c.pk: c for c in Commune.objects.filter(pk__in={key[0] for key in counts})}
    return [
        {"commune": by_pk[commune_id], "topic": topic, "month": month, "count": count}
        for (commune_id, topic, month), count in sorted(
            counts.items(), key=lambda item: (by_pk[item[0][0]].insee_code, item[0][1], item[0][2])
        )
    ]


# --- Personal data (RGPD export) --------------------------------------------------------------------------------------
def personal_data(user) -> dict:
    profile = learner_profile(user)
    return {
        "share_progress_with_organisation": bool(profile and profile.share_progress_with_organisation),
        "progress": [
            {
                "module": p.module.slug,
                "started_at": p.started_at.isoformat(),
                "completed_at": p.completed_at.isoformat() if p.completed_at else None,
                "seconds_spent": p.seconds_spent,
                "last_piece": p.last_piece_key,
                "completed_pieces": sorted(c.piece_key for c in p.completions.all()),
            }
            for p in Progress.objects.filter(user=user).select_related("module").prefetch_related("completions")
        ],
        "quiz_attempts": [
            {
                "module": a.piece.module.slug,
                "quiz": a.piece.key,
                "number": a.number,
                "answers": a.answers,
                "score": a.score,
                "passed": a.passed,
                "at": a.created_at.isoformat(),
            }
            for a in QuizAttempt.objects.filter(user=user).select_related("piece__module")
        ],
        "feedback": [
            {"module": f.module.slug, "useful": f.useful, "clear": f.clear, "comment": f.comment}
            for f in Feedback.objects.filter(user=user).select_related("module")
        ],
        "attestations": [
            {
                "id": a.public_id,
                "name": a.holder_name,
                "path": a.path_title,
                "competences": a.competences,
                "minutes": a.minutes,
                "completed_on": a.completed_on.isoformat() if a.completed_on else None,
                "issued_at": a.issued_at.isoformat(),
                "revoked_at": a.revoked_at.isoformat() if a.revoked_at else None,
                "open_badge_recipient": {"salt": a.badge_salt, "identity": a.badge_identity},
            }
            for a in attestations_of(user)
        ],
        "self_assessments": [
            {
                "path": a.path.slug,
                "framework": f"{a.framework.code} {a.framework.version}",
                "moment": a.moment,
                "updated_at": a.updated_at.isoformat(),
                "levels": {answer.competence.code: answer.level.number for answer in a.answers.all()},
            }
            for a in SelfAssessment.objects.filter(user=user)
            .select_related("path", "framework")
            .prefetch_related("answers__competence", "answers__level")
            .order_by("path__slug", "moment")
        ],
    }


def referents_trained(referents: dict[int, list[int]]) -> dict[int, date]:
    """The open data programme's "referents trained" step (registered in hooks.py): per organisation pk, its named
    referents' user pks → the organisations whose referents have all been trained (`trained_users`), with the day the
    last of them was."""
    trained = trained_users(user_ids={pk for pks in referents.values() for pk in pks})
    facts = {}
    for organisation_id, pks in referents.items():
        if pks and all(pk in trained for pk in pks):
            facts[organisation_id] = timezone.localdate(max(trained[pk] for pk in pks))
    return facts
