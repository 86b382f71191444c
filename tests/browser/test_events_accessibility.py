"""The events pages checked with axe-core in a real browser: the agenda, an event's page, the registration form (and
with an error), "Mes inscriptions", the ticket and the check-in page (after a scan)."""

import pytest

from auzolan.events.models import Registration
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory, SessionFactory
from tests.organisations.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(login):
    event = EventFactory(title="Rencontres Numériques 2027")
    session = SessionFactory(event=event, title="Atelier données ouvertes", capacity=10)
    SessionFactory(event=event, title="Webinaire", format="webinar", venue=None, online_url="https://visio.example/a")
    QuestionFactory(event=event, label="Vous venez en tant que…", kind="choice", choices="Élève\nParent", required=True)
    person = login(UserFactory(full_name="Amaia Etxeberria"))
    MembershipFactory(organisation=event.organisation, user=person, role="member")
    registration = RegistrationFactory(session=session, user=person)
    RegistrationFactory(session=session, user=UserFactory(full_name="Battitt Larralde"))
    return event, session, registration


def check(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_public_and_personal_pages(page, live_server, world):
    event, _session, registration = world
    for path in (
        "/evenements/",
        event.get_absolute_url(),
        f"/evenements/{event.slug}/inscription/",
        "/moi/inscriptions/",
        f"/moi/inscriptions/{registration.pk}/billet/",
    ):
        check(page, live_server, path)


def test_registration_form_with_an_error(page, live_server, world):
    event, session, _registration = world
    Registration.objects.filter(session=session).delete()
    page.goto(live_server.url + f"/evenements/{event.slug}/inscription/")
    page.get_by_role("button", name="Confirmer l'inscription").click()
    page.locator(".errorlist, [role=alert]").first.wait_for()
    assert_no_blocking_violations(page)


def test_check_in_page(page, live_server, world):
    event, _session, registration = world
    check(page, live_server, f"/evenements/gestion/{event.slug}/accueil/?q=Larralde")
    page.get_by_label("Code du billet").fill(registration.code)
    page.get_by_role("button", name="Enregistrer l'arrivée").click()
    page.get_by_text("arrivée enregistrée").first.wait_for()
    assert_no_blocking_violations(page)
