from django import template

from auzolan.core.text import elide as elide_text

register = template.Library()


@register.filter
def elide(text, name):
    """`{{ heading|elide:organisation.name }}`: "Membres de Auzo Lab" becomes "Membres d'Auzo Lab" in French."""
    return elide_text(text, str(name))
