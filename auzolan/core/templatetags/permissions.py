"""`{% can "app.action" obj as allowed %}` in templates asks core.permissions.can."""

from django import template

from auzolan.core.permissions import can as can_do

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return can_do(user, action, obj)
