"""The impact pages checked with axe-core in a real browser, in one session: the public results with the report and
its charts, the pupil's code page and questionnaire (and with an error), the managers' experiment page, report and
decisions, and a teacher's codes sheet."""

import pytest

from auzolan.impact.models import Wave
from tests.browser.axe import assert_no_blocking_violations
from tests.impact.factories import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)


def test_impact_pages(page, live_server, login):
    world = build_demo()
    experiment = world["experiment"]
    check(page, live_server, "/experimentations/")
    check(page, live_server, experiment.get_absolute_url())
    assert page.locator("svg[role=img]").count() == 6

    wave = experiment.waves.get(kind=Wave.Kind.POST)
    wave.is_open = True
    wave.save()
    code = world["cohorts"]["4e B"].codes.exclude(responses__wave=wave).first().code
    check(page, live_server, "/experimentations/repondre/")
    page.get_by_label("Ton code").fill("AAAA-AAAA")
    page.get_by_role("button", name="Continuer").click()
    page.locator(".errorlist, [role=alert]").first.wait_for()
    assert_no_blocking_violations(page)
    page.get_by_label("Ton code").fill(code)
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Envoyer mes réponses").wait_for()
    assert_no_blocking_violations(page)

    login(world["users"]["admin"])
    slug = experiment.slug
    for path in (
        f"/experimentations/gestion/{slug}/",
        f"/experimentations/gestion/{slug}/rapport/",
        f"/experimentations/gestion/{slug}/decisions/",
        f"/experimentations/groupes/{world['cohorts']['4e A'].pk}/codes/",
    ):
        check(page, live_server, path)
