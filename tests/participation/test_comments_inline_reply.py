"""The inline reply form under each comment (a <details> posting to the reply view; the reply page stays)."""

import re

import pytest
from django.urls import reverse

from auzolan.participation.models import MAX_COMMENT_DEPTH, Comment
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProposalFactory, process_with_phase
from tests.participation.factories_proposals import CommentFactory

pytestmark = pytest.mark.django_db


def _detail(proposal):
    return reverse("participation:proposal_detail", args=[proposal.process.slug, proposal.pk])


def _reply_url(comment):
    return reverse("participation:comment_reply", args=[comment.process.slug, comment.pk])


def _thread(proposal):
    """A chain of comments from depth 0 to MAX_COMMENT_DEPTH, and a hidden comment."""
    chain, parent = [], None
    for depth in range(MAX_COMMENT_DEPTH + 1):
        parent = CommentFactory(proposal=proposal, parent=parent, depth=depth)
        chain.append(parent)
    hidden = CommentFactory(proposal=proposal, is_hidden=True)
    return chain, hidden


def test_inline_reply_forms_only_where_replying_is_allowed(client):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    chain, hidden = _thread(proposal)
    client.force_login(UserFactory())
    page = client.get(_detail(proposal)).content.decode()
    for comment in chain[:-1]:
        assert f'action="{_reply_url(comment)}"' in page
        assert f'id="reponse-{comment.pk}-c-body"' in page  # ids unique per comment
        assert f'name="c-parent" value="{comment.pk}"' in page
    assert f'action="{_reply_url(chain[-1])}"' not in page  # at the maximum depth
    assert f'action="{_reply_url(hidden)}"' not in page
    assert page.count("<details") == len(chain) - 1
    assert page.count("<summary>Répondre") == len(chain) - 1
    assert f'href="{_reply_url(chain[0])}"' in page  # the separate page stays as a fallback
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("kind", ["vote", "results"])
def test_no_inline_reply_without_comment_eligibility(client, kind):
    process = process_with_phase(kind)
    proposal = ProposalFactory(process=process)
    comment = CommentFactory(proposal=proposal)
    client.force_login(UserFactory())
    page = client.get(_detail(proposal)).content.decode()
    assert f'action="{_reply_url(comment)}"' not in page and "<details" not in page


def test_no_inline_reply_for_anonymous_visitors(client):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    comment = CommentFactory(proposal=proposal)
    page = client.get(_detail(proposal)).content.decode()
    assert f'action="{_reply_url(comment)}"' not in page


def test_inline_form_posts_a_reply(client):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    comment = CommentFactory(proposal=proposal)
    user = UserFactory()
    client.force_login(user)
    page = client.get(_detail(proposal)).content.decode()
    form = page.split(f'action="{_reply_url(comment)}"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="c-submission" value="([^"]+)"', form).group(1)
    data = {"c-body": "Je suis d'accord.", "c-position": "for", "c-parent": comment.pk, "c-submission": token}
    response = client.post(_reply_url(comment), data)
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.author == user and reply.depth == 1 and reply.proposal == proposal
    assert client.post(_reply_url(comment), data).status_code == 302  # the same token again: no second reply
    assert Comment.objects.filter(parent=comment).count() == 1
    response = client.post(_reply_url(comment), {"c-body": "", "c-position": "for"})
    assert response.status_code == 400  # errors shown on the separate reply page


def test_inline_reply_on_the_process_debate(client):
    process = process_with_phase("debate")
    comment = CommentFactory(proposal=None, process=process, organisation=process.organisation)
    client.force_login(UserFactory())
    page = client.get(reverse("participation:process_debate", args=[process.slug])).content.decode()
    assert f'action="{_reply_url(comment)}"' in page


def test_proposal_page_queries_stay_bounded_with_reply_forms(client, django_assert_max_num_queries):
    process = process_with_phase("ideas")
    proposal = ProposalFactory(process=process)
    for _ in range(20):
        parent = CommentFactory(proposal=proposal)
        CommentFactory(proposal=proposal, parent=parent, depth=1)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(22):
        response = client.get(_detail(proposal))
    assert response.content.decode().count("<details") == 40
