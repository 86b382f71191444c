"""`{% unread_notifications as count %}`: the person's unread count for the header (one query, once per request)."""

from django import template

from auzolan.notifications.selectors import unread_count_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    return unread_count_for_request(request) if request is not None else 0
