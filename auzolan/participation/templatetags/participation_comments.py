"""`{% comment_reply_form comment can_comment as reply_form %}`: the inline reply form under a comment, or None.

None where replying is not allowed: no "comment" eligibility, a hidden comment, or a comment at MAX_COMMENT_DEPTH.
The form posts to the reply view (participation:comment_reply) with the same field names as its page ("c-" prefix);
its ids are unique per comment. No query: the submission token is a random UUID.
"""

from django import template

from auzolan.participation.forms.comments import CommentForm
from auzolan.participation.models import MAX_COMMENT_DEPTH

register = template.Library()


@register.simple_tag
def comment_reply_form(comment, can_comment):
    if not can_comment or comment.is_hidden or comment.depth >= MAX_COMMENT_DEPTH:
        return None
    return CommentForm(prefix="c", auto_id=f"reponse-{comment.pk}-%s", initial={"parent": comment.pk})
