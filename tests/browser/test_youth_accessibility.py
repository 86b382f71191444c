"""The youth pages checked with axe-core in a real browser, in one session: the partners directory (and with a
filter), a partner's page, "Ce que disent les jeunes" (charts and tables), the staff's home and partnership form
(and with an error), and a partner's own presentation form (and with an error)."""

import pytest

from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.organisations.factories import MembershipFactory
from tests.youth.factories import ActionFactory, PartnershipFactory, youth_survey_with_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_youth_pages(page, live_server, login):
    partnership = PartnershipFactory(kinds=["rencontres", "yesict"], organisation__name="Lycée du Labourd")
    survey = youth_survey_with_answers(
        counts={"Au Pays Basque": 9, "Ailleurs": 3, "Je ne sais pas": 6}, users=[UserFactory() for _ in range(18)]
    )
    ActionFactory(survey=survey, title="Des navettes du soir", link="https://example.org/deliberation")
    for path in (
        "/jeunesse/partenaires/",
        "/jeunesse/partenaires/?type=school&collaboration=yesict",
        f"/jeunesse/partenaires/{partnership.organisation.slug}/",
        "/jeunesse/ce-que-disent-les-jeunes/",
        "/jeunesse-evenements/",
    ):
        check(page, live_server, path)
    login(UserFactory(is_staff=True))
    check(page, live_server, "/jeunesse/gerer/")
    check(page, live_server, f"/jeunesse/gerer/partenaires/{partnership.pk}/")
    page.get_by_label("Ce que nous faisons ensemble").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".errorlist, [role=alert]").first.wait_for()
    assert_no_blocking_violations(page)


def test_partner_presentation_form(page, live_server, login):
    partnership = PartnershipFactory(organisation__name="Lycée du Labourd")
    login(MembershipFactory(organisation=partnership.organisation, role="admin", state="active").user)
    check(page, live_server, f"/jeunesse/partenaires/{partnership.organisation.slug}/presentation/")
    page.get_by_label("Adresse de contact").fill("pas une adresse")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".errorlist, [role=alert]").first.wait_for()
    assert_no_blocking_violations(page)
