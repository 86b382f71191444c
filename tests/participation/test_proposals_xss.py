"""XSS payloads in every user text field of proposals, comments and moderation, rendered on every page that shows
them: the payload never comes back as markup."""

import pytest
from django.urls import reverse

from auzolan.participation.models import Comment, Report
from auzolan.participation.services import comments as comment_services
from auzolan.participation.services import moderation as moderation_services
from auzolan.participation.services import proposals as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import CategoryFactory, DistrictFactory, process_with_phase
from tests.participation.factories_proposals import moderator_of

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "[clic](javascript:alert(1))",
    "<svg/onload=alert(1)>",
]
DANGEROUS = ("<script>alert", 'href="javascript:', "<svg/onload", "<img src=x")


def _assert_safe(html: str, where: str):
    for needle in DANGEROUS:
        assert needle not in html, f"{needle!r} rendered as markup on {where}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_on_every_page(client, payload):
    process = process_with_phase("ideas", reports_before_hiding=50)
    CategoryFactory(process=process, name=payload)
    DistrictFactory(organisation=process.organisation, name=payload)
    author = UserFactory(full_name=payload)
    proposal = services.proposal_create(
        actor=author, process=process, title=payload, body=f"Texte {payload}", latitude="43.4", longitude="-1.4"
    )
    comment = comment_services.comment_create(
        actor=author, process=process, proposal=proposal, body=payload, position="for"
    )
    comment_services.comment_edit(actor=author, comment=comment, body=f"{payload} (bis)")
    process_comment = comment_services.comment_create(actor=author, process=process, body=payload)
    reporter = UserFactory(full_name=payload)
    moderation_services.report_create(actor=reporter, target=proposal, reason="other", details=payload)
    moderation_services.report_create(actor=reporter, target=comment, reason="other", details=payload)
    moderator = moderator_of(process)
    services.proposal_answer(actor=moderator, proposal=proposal, status="rejected", answer=payload)
    other = comment_services.comment_create(actor=UserFactory(), process=process, proposal=proposal, body="Autre")
    moderation_services.content_hide(actor=moderator, target=other, reason=payload)
    moderation_services.user_block(actor=moderator, organisation=process.organisation, user=author, reason=payload)
    assert Report.objects.count() == 2 and Comment.objects.count() == 3

    slug = process.slug
    public = [
        reverse("participation:proposal_list", args=[slug]),
        reverse("participation:proposal_list", args=[slug]) + "?statut=rejected",
        reverse("participation:proposal_map", args=[slug]),
        reverse("participation:proposal_detail", args=[slug, proposal.pk]),
        reverse("participation:process_debate", args=[slug]),
        reverse("participation:comment_history", args=[slug, comment.pk]),
        process.get_absolute_url(),
    ]
    for url in public:
        _assert_safe(client.get(url).content.decode(), url)
    data = client.get(reverse("participation:proposal_map_data", args=[slug]))
    assert data["Content-Type"] == "application/json"  # text for the map's script, inserted as textContent
    client.force_login(moderator)
    managed = [
        reverse("participation:moderation_queue", args=[slug]),
        reverse("participation:proposal_answer", args=[slug, proposal.pk]),
        reverse("participation:proposal_detail", args=[slug, proposal.pk]),
    ]
    for url in managed:
        html = client.get(url).content.decode()
        _assert_safe(html, url)
    if "<" in payload:
        queue = client.get(managed[0]).content.decode()
        assert payload.replace("<", "&lt;").replace(">", "&gt;").split("&gt;")[0] in queue.replace("&quot;", '"')
    client.force_login(author)
    for url in (
        reverse("participation:comment_reply", args=[slug, process_comment.pk]),
        reverse("participation:report", args=[slug, "commentaire", other.pk]),
    ):
        _assert_safe(client.get(url).content.decode(), url)
