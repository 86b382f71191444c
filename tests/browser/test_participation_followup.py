"""Results follow-up pages and the follow block checked with axe-core in a real browser."""

import pytest

from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.participation.factories import ProcessFactory, ProposalFactory
from tests.participation.factories_followup import FollowUpFactory, FollowUpUpdateFactory, editor_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def process():
    process = ProcessFactory(title="Budget participatif de Bayonne", slug="bp-bayonne")
    proposal = ProposalFactory(process=process, title="Des bancs à l'ombre", status="accepted")
    item = FollowUpFactory(process=process, proposal=proposal, title="Des bancs à l'ombre", progress=60)
    FollowUpUpdateFactory(followup=item, text="Les bancs sont **commandés**.", progress=60)
    FollowUpFactory(process=process, title="Éclairage du parc", status="done", progress=100)
    return process


def test_public_followup_page(page, live_server, process):
    visit(page, live_server, "/participer/bp-bayonne/suivi/")
    assert page.locator("h1").count() == 1
    assert page.locator("progress").count() == 2
    assert_no_blocking_violations(page)


def test_process_page_with_follow_and_followup_blocks(page, live_server, login, process):
    login(UserFactory())
    visit(page, live_server, "/participer/bp-bayonne/")
    page.get_by_role("button", name="Suivre cette démarche").first.click()
    page.wait_for_load_state()
    assert "Vous suivez cette démarche" in page.content()
    assert page.get_by_role("button", name="Ne plus suivre cette démarche").count() >= 1
    assert_no_blocking_violations(page)


def test_management_pages(page, live_server, login, process):
    login(editor_of(process))
    visit(page, live_server, "/participer/gerer/bp-bayonne/suivi/")
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)
    page.get_by_label("Titre").fill("Piste cyclable")
    page.get_by_role("button", name="Créer le suivi").click()
    page.wait_for_load_state()
    assert "Le suivi est créé" in page.content()
    assert_no_blocking_violations(page)
    page.get_by_role("textbox", name="Point d'étape").fill("Étude lancée.")
    page.get_by_label("Avancement (%)").first.fill("10")
    page.get_by_role("button", name="Publier le point d'étape").click()
    page.wait_for_load_state()
    assert "les personnes qui suivent sont prévenues" in page.content()
    assert_no_blocking_violations(page)
    # An error is linked to its field and the page stays accessible.
    page.get_by_role("textbox", name="Point d'étape").fill("")
    page.get_by_role("button", name="Publier le point d'étape").click()
    page.wait_for_load_state()
    assert_no_blocking_violations(page)
