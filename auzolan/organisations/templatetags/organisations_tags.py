from django import template

from auzolan.organisations import selectors

register = template.Library()


@register.simple_tag
def recent_member_organisations(limit: int = 6):
    """`{% recent_member_organisations as organisations %}`: for the home page, which knows no app."""
    return list(selectors.recent_members(limit=limit))
