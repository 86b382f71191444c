"""`{{ obj|localized:"field" }}`: a learning text in the active language, French when its Basque version is empty."""

from django import template
from django.utils.safestring import mark_safe

from auzolan.learning import translation

register = template.Library()


@register.filter
def localized(obj, field: str):
    if obj is None or obj == "":
        return ""
    return translation.localized(obj, field)


@register.filter
def fallback_lang(obj, field: str) -> str:
    """` lang="fr"` on the element holding a French text shown on a Basque page (RGAA 8.7), nothing otherwise:
    `<h1{{ module|fallback_lang:"title" }}>`."""
    return mark_safe(' lang="fr"') if translation.is_fallback(obj, field) else ""  # a constant
