"""Demo learning: the starter catalogue of `content/` (DigComp 2.2, topics, modules, paths) and learners with
progress — one who finished a module and passed its quiz, one who stopped in the middle of a module — and three
graduates of the shortest path: each positioned themselves before and after it and got the attestation; they are
members of the first commune's organisation, two of them share their progress with it (its admins see them on
`/formation/organisations/<slug>/`). Idempotent: the loader updates in place; a learner's progress is only added where
there is none."""

from __future__ import annotations

from auzolan.accounts.demo import ensure_demo_user
from auzolan.accounts.models import TerritoryRole
from auzolan.learning import selectors, services
from auzolan.learning.models import Attestation, Module, Path, Progress
from auzolan.organisations import services as organisations_services
from auzolan.organisations.models import Membership, Organisation

ORDER = 45

LEARNERS = [
    ("elue-formation", "Maite Etxeberria", TerritoryRole.ELECTED),
    ("agent-formation", "Peio Larralde", TerritoryRole.AGENT),
]


#: Graduates of the shortest path: (local part, name, role, shares with the organisation, levels before → after).
GRADUATES = [
    ("diplomee-formation", "Amaia Irigoyen", TerritoryRole.ELECTED, True, (2, 4)),
    ("diplome-formation", "Beñat Etcheto", TerritoryRole.AGENT, True, (3, 4)),
    ("discret-formation", "Ximun Haran", TerritoryRole.AGENT, False, (1, 3)),
]


def _finish(user, module: Module) -> None:
    for piece in selectors.module_pieces(module):
        services.progress_record_view(user=user, module=module, piece=piece)
        if piece.is_quiz:
            questions = selectors.quiz_questions(piece)
            answers = {q.key: [a.key for a in q.answers.all() if a.correct] for q in questions}
            services.quiz_submit(user=user, piece=piece, answers=answers)
        elif piece.is_required:
            services.piece_complete(user=user, module=module, piece=piece)


def _start(user, module: Module, *, pieces: int) -> None:
    for piece in selectors.module_pieces(module)[:pieces]:
        services.progress_record_view(user=user, module=module, piece=piece)
        if not piece.is_quiz and piece.is_required:
            services.piece_complete(user=user, module=module, piece=piece)


def _shortest_path() -> Path | None:
    paths = [
        path
        for path in selectors.published_paths().prefetch_related("items__module")
        if path.items.all()
        and all(item.module.is_published for item in path.items.all() if item.module_id)
        and any(item.module_id for item in path.items.all())
    ]
    return min(paths, key=lambda p: sum(1 for item in p.items.all() if item.module_id), default=None)


def _graduate(user, path: Path, levels: tuple[int, int], organisation: Organisation | None, share: bool) -> None:
    if organisation is not None and not Membership.objects.filter(organisation=organisation, user=user).exists():
        organisations_services.membership_add(actor=None, organisation=organisation, email=user.email)
    services.learner_profile_update(user=user, share_progress_with_organisation=share)
    competences = selectors.path_competences(path)
    top = {
        fw: max(level.number for level in lv)
        for fw, lv in selectors.framework_levels(c.framework_id for c in competences).items()
    }
    competences = [c for c in competences if c.framework_id in top]

    def answers(wanted: int) -> dict[int, int]:
        return {c.pk: min(wanted, top[c.framework_id]) for c in competences}

    before, after = levels
    if competences:
        services.self_assessment_save(user=user, path=path, levels=answers(before))
    for item in path.items.all():
        if item.module_id:
            _finish(user, item.module)
    if competences:
        services.self_assessment_save(user=user, path=path, levels=answers(after))
    services.attestation_issue(user=user, path=path)


def load(*, stdout) -> list[str]:
    if not (services.CONTENT_DIR / "modules").is_dir():
        return ["Formation : pas de contenu de départ (auzolan/learning/content/), démonstration ignorée."]
    counts = services.content_load(directory=services.CONTENT_DIR)
    modules = list(Module.objects.filter(state=Module.State.PUBLISHED).order_by("topic__position", "title")[:3])
    learners = [ensure_demo_user(local_part=local, full_name=name, role=role) for local, name, role in LEARNERS]
    if len(modules) >= 2:
        first, second = learners
        if not Progress.objects.filter(user=first).exists():
            _finish(first, modules[0])
            _start(first, modules[1], pieces=2)
        if not Progress.objects.filter(user=second).exists():
            _start(second, modules[0], pieces=1)
    path = _shortest_path()
    graduates = 0
    if path is not None:
        organisation = Organisation.objects.filter(kind="commune").order_by("pk").first()
        for local, name, role, share, levels in GRADUATES:
            user = ensure_demo_user(local_part=local, full_name=name, role=role)
            if not Attestation.objects.filter(user=user).exists():
                _graduate(user, path, levels, organisation, share)
            graduates += 1
    return [
        f"Formation : {counts['topics']} thèmes, {counts['modules']} modules, {counts['paths']} parcours ; "
        f"{len(learners) + graduates} personnes en formation, dont {graduates} avec une attestation."
    ]
