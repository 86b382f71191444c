"""Basque versions of learning's texts. Every text field a learner reads has a sibling column `<field>_eu` (listed in
each model's `TRANSLATED`); `localized` returns the Basque text when the active language is Basque and that text is
written, the French one otherwise. Templates use it as `{{ module|localized:"title" }}` (`learning_text` tags).

Why columns rather than one JSON of translations: `title_eu` already existed as columns, the content files already
use `<field>_eu` keys, and a column gets the same database length limit, form field and back-office field as its
French twin for free."""

from __future__ import annotations

from django.utils.translation import get_language

BASQUE = "eu"


def eu_name(field: str) -> str:
    return f"{field}_eu"


def eu_fields(model) -> tuple[str, ...]:
    """The Basque columns of a model (`Module` → ("title_eu", "summary_eu", "objectives_eu"))."""
    return tuple(eu_name(field) for field in model.TRANSLATED)


def basque_active() -> bool:
    return (get_language() or "").split("-")[0] == BASQUE


def localized(obj, field: str):
    """`obj.<field>` in the active language: the Basque version when Basque is active and written, else French."""
    french = getattr(obj, field)
    if field not in getattr(type(obj), "TRANSLATED", ()):
        return french
    if basque_active():
        basque = getattr(obj, eu_name(field), None)
        if basque:
            return basque
    return french


def is_fallback(obj, field: str) -> bool:
    """Basque is active but this text has no Basque version: the French one is shown (marked `lang="fr"`)."""
    return bool(
        obj is not None
        and field in getattr(type(obj), "TRANSLATED", ())
        and basque_active()
        and not getattr(obj, eu_name(field), None)
        and getattr(obj, field)
    )
