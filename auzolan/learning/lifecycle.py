"""The lifecycle of a module: draft → published → archived (and back to draft to rework an archived module). Read by
`services.module_transition` and by the editors' page, which shows one button per allowed transition."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from auzolan.core.lifecycle import Transition
from auzolan.learning.models import Module

S = Module.State

MODULE_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "publish",
        (S.DRAFT,),
        S.PUBLISHED,
        _("Publier"),
        _("Le module est publié : il apparaît dans le catalogue."),
        "published",
        "learning.change_module",
    ),
    Transition(
        "archive",
        (S.PUBLISHED,),
        S.ARCHIVED,
        _("Archiver"),
        _("Le module est archivé : il quitte le catalogue ; la progression des personnes est conservée."),
        "archived",
        "learning.change_module",
    ),
    Transition(
        "redraft",
        (S.ARCHIVED,),
        S.DRAFT,
        _("Repasser en brouillon"),
        _("Le module est de nouveau un brouillon."),
        "redrafted",
        "learning.change_module",
    ),
)


def transition(name: str) -> Transition | None:
    return next((t for t in MODULE_TRANSITIONS if t.name == name), None)


def allowed(state: str) -> list[Transition]:
    return [t for t in MODULE_TRANSITIONS if state in t.sources]
