"""Proposals, comments and moderation pages checked with axe-core in a real browser; the map loads its data and the
honeypot stays out of sight and out of the tab order."""

import pytest

from auzolan.participation.models import Comment
from auzolan.participation.services import moderation as moderation_services
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.participation.factories import CategoryFactory, DistrictFactory, ProposalFactory, process_with_phase
from tests.participation.factories_proposals import CommentFactory, moderator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def idea_box():
    process = process_with_phase("ideas", title="Boîte à idées du centre", slug="boite-a-idees")
    category = CategoryFactory(process=process, name="Mobilités")
    district = DistrictFactory(organisation=process.organisation, name="Centre")
    proposal = ProposalFactory(
        process=process,
        title="Des bancs à l'ombre",
        body="## Pourquoi\n\nIl fait **chaud** l'été près de l'école.",
        category=category,
        district=district,
        latitude="43.4929",
        longitude="-1.4748",
        supports_count=4,
    )
    for n in range(3):
        ProposalFactory(process=process, title=f"Idée {n}", latitude=f"43.49{n}", longitude="-1.47")
    parent = CommentFactory(proposal=proposal, body="Oui, **bonne idée**.", position="for")
    CommentFactory(proposal=proposal, parent=parent, depth=1, body="Plutôt contre.", position="against")
    hidden = CommentFactory(proposal=proposal, body="Hors charte")
    Comment.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="Propos injurieux")
    return process, proposal


def test_list_page(page, live_server, idea_box):
    process, _ = idea_box
    visit(page, live_server, f"/participer/{process.slug}/propositions/?tri=supports")
    assert page.locator("h1").count() == 1
    assert "Des bancs à l'ombre" in page.content()
    assert_no_blocking_violations(page)


def test_map_page_shows_markers_and_table(page, live_server, idea_box):
    process, _ = idea_box
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    visit(page, live_server, f"/participer/{process.slug}/propositions/carte/")
    page.wait_for_selector("#proposal-map .leaflet-interactive", timeout=10000)
    assert page.locator("#proposal-map .leaflet-interactive").count() == 4
    assert page.locator("table caption").count() == 1
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert_no_blocking_violations(page)


def test_proposal_page_with_comments(page, live_server, idea_box, login):
    process, proposal = idea_box
    login(UserFactory())
    visit(page, live_server, f"/participer/{process.slug}/propositions/{proposal.pk}/")
    assert page.locator("h1").count() == 1
    assert "Contenu masqué par la modération : Propos injurieux" in page.content()
    honeypots = page.locator("input[name='c-site_web']")  # the comment form's and each inline reply's
    assert honeypots.count() == 3
    for honeypot in honeypots.all():
        assert not honeypot.is_visible()
        assert honeypot.get_attribute("tabindex") == "-1"
    assert_no_blocking_violations(page)
    # The inline reply: closed by default, opened from its summary, axe-clean open, posts to the reply view.
    replies = page.locator("details.comment__reply")
    assert replies.count() == 2  # not under the hidden comment
    reply = replies.first
    assert not reply.locator("textarea").is_visible()
    reply.locator("summary").click()
    assert reply.locator("textarea").is_visible()
    assert not reply.locator("input[name='c-site_web']").is_visible()
    assert_no_blocking_violations(page)
    reply.locator("textarea").fill("Je réponds sans quitter la page.")
    reply.locator("button[type='submit']").click()
    page.wait_for_load_state()
    assert Comment.objects.filter(body="Je réponds sans quitter la page.", parent__isnull=False).exists()


def test_create_form(page, live_server, idea_box, login):
    process, _ = idea_box
    login(UserFactory())
    visit(page, live_server, f"/participer/{process.slug}/propositions/nouvelle/")
    assert not page.locator("input[name='site_web']").is_visible()
    assert_no_blocking_violations(page)


def test_create_form_points_the_place_on_the_map(page, live_server, idea_box, login):
    """Citizens had to type a latitude and a longitude: they click on the map (or, with the keyboard, move the map
    and press the button), and the district outlines give landmarks."""
    process, proposal = idea_box
    proposal.district.geometry = {
        "type": "Polygon",
        "coordinates": [[[-1.48, 43.48], [-1.46, 43.48], [-1.46, 43.50], [-1.48, 43.50], [-1.48, 43.48]]],
    }
    proposal.district.save()
    login(UserFactory())
    visit(page, live_server, f"/participer/{process.slug}/propositions/nouvelle/")
    page.wait_for_selector("#point-map .leaflet-interactive", timeout=10000)  # the district outline
    assert page.locator("#point-map-tools").is_visible()
    box = page.locator("#point-map").bounding_box()
    page.locator("#point-map").click(position={"x": box["width"] * 0.45, "y": box["height"] * 0.3})
    lat, lon = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert 43.48 < lat < 43.50 and -1.48 < lon < -1.46
    assert "Point placé" in page.locator("#point-map-status").text_content()
    page.locator("[data-point-clear]").click()
    assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""
    page.locator("#point-map").focus()
    page.keyboard.press("ArrowRight")
    page.locator("[data-point-center]").click()
    assert page.input_value("#id_latitude") != ""
    assert_no_blocking_violations(page)
    page.fill("#id_title", "Un abri à vélos")
    page.fill("#id_body", "Près de la place.")
    page.fill("#id_place", "Place du marché")
    page.locator("form.form button[type='submit']").click()
    page.wait_for_load_state()
    created = type(proposal).objects.get(title="Un abri à vélos")
    assert created.place == "Place du marché" and created.latitude is not None


def test_edit_form_with_files_to_remove(page, live_server, idea_box, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from auzolan.participation.services import proposals as proposal_services

    process, _ = idea_box
    author = UserFactory()
    proposal = proposal_services.proposal_create(
        actor=author,
        process=process,
        title="Avec un plan",
        body="Voir le plan.",
        attachments=[proposal_services.NewAttachment(SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test"), "Plan")],
    )
    login(author)
    visit(page, live_server, f"/participer/{process.slug}/propositions/{proposal.pk}/modifier/")
    page.get_by_label("Supprimer « Plan »").check()
    assert_no_blocking_violations(page)
    page.locator("form.form button[type='submit']").click()
    page.wait_for_load_state()
    assert not proposal.attachments.exists()


def test_moderation_queue(page, live_server, idea_box, login):
    process, proposal = idea_box
    moderation_services.report_create(actor=UserFactory(), target=proposal, reason="spam", details="Publicité")
    login(moderator_of(process))
    visit(page, live_server, f"/participer/gerer/{process.slug}/moderation/")
    assert page.locator("h1").count() == 1
    assert "Publicité" in page.content()
    assert_no_blocking_violations(page)


def test_debate_and_report_pages(page, live_server, idea_box, login):
    process, proposal = idea_box
    login(UserFactory())
    visit(page, live_server, f"/participer/{process.slug}/debat/")
    assert_no_blocking_violations(page)
    visit(page, live_server, f"/participer/{process.slug}/proposition/{proposal.pk}/signaler/")
    assert_no_blocking_violations(page)
