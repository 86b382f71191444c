"""Demo learning: the starter catalogue of `content/` (DigComp 2.2, topics, modules, paths) and three learners with
progress — one who finished a module and passed its quiz, one who stopped in the middle of a module, one who has not
started. Idempotent: the loader updates in place; a learner's progress is only added where there is none."""

from __future__ import annotations

from auzolan.accounts.demo import ensure_demo_user
from auzolan.accounts.models import TerritoryRole
from auzolan.learning import selectors, services
from auzolan.learning.models import Module, Progress

ORDER = 45

LEARNERS = [
    ("elue-formation", "Maite Etxeberria", TerritoryRole.ELECTED),
    ("agent-formation", "Peio Larralde", TerritoryRole.AGENT),
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
    return [
        f"Formation : {counts['topics']} thèmes, {counts['modules']} modules, {counts['paths']} parcours ; "
        f"{len(learners)} personnes en formation."
    ]
