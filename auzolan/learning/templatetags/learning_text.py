"""`{{ obj|localized:"field" }}`: a learning text in the active language, French when its Basque version is empty."""

from django import template

from auzolan.learning import translation

register = template.Library()


@register.filter
def localized(obj, field: str):
    if obj is None or obj == "":
        return ""
    return translation.localized(obj, field)
