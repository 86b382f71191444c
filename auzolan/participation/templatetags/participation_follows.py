"""`{% is_following process proposal as following %}`: does the person follow this process (or proposal)?

For the follow button (participation/followup/_follow_button.html), usable on any participation page.
"""

from django import template

from auzolan.participation.selectors.followup import is_following as _is_following

register = template.Library()


@register.simple_tag(takes_context=True)
def is_following(context, process, proposal=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return _is_following(user=user, process=process, proposal=proposal)
