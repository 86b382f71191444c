"""The pages: managers', teachers' and public pages answer 200 to who may see them and 404 to everyone else; bad input
is a 400 with a message, never a 500; the pupil's answering page works end to end."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auzolan.core import ratelimit
from auzolan.impact import codes as code_tools
from auzolan.impact.models import Cohort, Decision, Response, Wave
from auzolan.impact.views import public
from tests.accounts.factories import UserFactory
from tests.impact.factories import small_experiment


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


PAGES = {
    "manage_list": lambda w: reverse("impact:manage_list"),
    "manage": lambda w: reverse("impact:manage", args=[w["experiment"].slug]),
    "report": lambda w: reverse("impact:report", args=[w["experiment"].slug]),
    "decisions": lambda w: reverse("impact:decisions", args=[w["experiment"].slug]),
    "decision": lambda w: reverse("impact:decision", args=[w["experiment"].slug, w["experiment"].decisions.get().pk]),
    "codes": lambda w: reverse("impact:cohort_codes", args=[w["cohorts"]["4e A"].pk]),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_manager_pages(demo_world, db, client, page):
    response = _get(client, demo_world["users"]["admin"], PAGES[page](demo_world))
    assert response.status_code == 200
    assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize("page", ["manage", "report", "decisions", "decision"])
@pytest.mark.parametrize("role", ["teacher", "other_admin", "member", "citizen"])
def test_manager_pages_are_404_for_others(demo_world, db, client, page, role):
    assert _get(client, demo_world["users"][role], PAGES[page](demo_world)).status_code == 404


def test_report_page_shows_effect_sizes_tables_and_charts(demo_world, db, client):
    response = _get(client, demo_world["users"]["operator"], PAGES["report"](demo_world))
    html = response.content.decode()
    assert "g_z" in html and "g_av" in html and "Différence des différences" in html
    assert html.count('role="img"') == 6  # overall + 5 competences
    assert html.count("<caption") >= 12
    assert "pilote" in html
    assert "Hake" in html


def test_teacher_sees_codes_and_counts_never_answers(demo_world, db, client):
    teacher = demo_world["users"]["teacher"]
    cohort = demo_world["cohorts"]["4e A"]
    html = _get(client, teacher, PAGES["codes"](demo_world)).content.decode()
    assert code_tools.format_code(cohort.codes.first().code) in html
    assert "élèves ont répondu" in html
    assert "Créer des codes" not in html  # generating codes is the organisation's job
    other = demo_world["cohorts"]["4e C"]  # not theirs
    assert _get(client, teacher, reverse("impact:cohort_codes", args=[other.pk])).status_code == 404
    assert client.post(PAGES["codes"](demo_world), {"count": 3}).status_code == 404
    assert _get(client, teacher, reverse("impact:my_cohorts")).status_code == 200


def test_public_results_and_unpublished(demo_world, db, client):
    experiment = demo_world["experiment"]
    assert client.get(reverse("impact:results")).status_code == 200
    response = client.get(experiment.get_absolute_url())
    assert response.status_code == 200 and "Dernière décision" in response.content.decode()
    experiment.results_public = False
    experiment.save()
    assert client.get(experiment.get_absolute_url()).status_code == 404
    assert client.get(reverse("impact:experiment", args=["nope"])).status_code == 404


def test_programme_page_links_the_results(demo_world, db, client):
    response = client.get(reverse("core:programme_youth"))
    assert response.status_code == 200
    assert reverse("impact:results") in response.content.decode()


@pytest.fixture
def open_post(demo_world):
    wave = demo_world["experiment"].waves.get(kind="post")
    wave.is_open = True
    wave.save()
    return wave


def test_pupil_answers_once_with_a_code(demo_world, db, client, open_post):
    code = (
        demo_world["cohorts"]["4e B"].codes.exclude(responses__wave=open_post).first()
    )  # one of the pupils absent at the post-test
    url = reverse("impact:answer")
    assert client.get(url).status_code == 200
    page = client.post(url, {"step": "code", "code": code_tools.format_code(code.code).lower()})
    assert page.status_code == 200 and "Questionnaire" in page.content.decode()
    items = list(demo_world["experiment"].instrument.items.all())
    data = {"step": "answers", "code": code.code} | {f"item_{item.pk}": "4" for item in items}
    missing = client.post(url, {k: v for k, v in data.items() if k != f"item_{items[0].pk}"})
    assert missing.status_code == 400
    assert client.post(url, data).status_code == 200
    assert Response.objects.filter(code=code, wave=open_post).count() == 1
    again = client.post(url, data)
    assert again.status_code == 409 and "déjà répondu" in again.content.decode()
    assert Response.objects.filter(code=code, wave=open_post).count() == 1


@pytest.mark.parametrize(
    "data, status",
    [
        ({"step": "code", "code": "AAAA-AAAA"}, 404),
        ({"step": "code", "code": ""}, 400),
        ({"step": "code", "code": "x" * 500}, 400),
        ({"step": "answers", "code": "ZZZZZZZZ"}, 404),
    ],
)
def test_bad_codes_are_clear_errors(demo_world, db, client, open_post, data, status):
    assert client.post(reverse("impact:answer"), data).status_code == status


def test_closed_wave_refuses(demo_world, db, client):
    code = demo_world["cohorts"]["4e A"].codes.first()
    response = client.post(reverse("impact:answer"), {"step": "code", "code": code.code})
    assert response.status_code == 409 and "pas ouvert" in response.content.decode()


def test_code_tries_are_rate_limited(demo_world, db, client, monkeypatch):
    monkeypatch.setattr(public, "CODE_RATE", ratelimit.Rate.parse("2/h"))
    url = reverse("impact:answer")
    statuses = [client.post(url, {"step": "code", "code": "BBBB-BBBB"}).status_code for _index in range(3)]
    assert statuses == [404, 404, 429]


def test_manager_forms(demo_world, db, client):
    admin = demo_world["users"]["admin"]
    experiment = demo_world["experiment"]
    client.force_login(admin)
    slug = experiment.slug
    assert (
        client.post(reverse("impact:cohort_add", args=[slug]), {"name": "4e A", "kind": "comparison"}).status_code
        == 409
    )
    assert client.post(reverse("impact:cohort_add", args=[slug]), {"name": "", "kind": "x"}).status_code == 400
    response = client.post(reverse("impact:cohort_add", args=[slug]), {"name": "4e D", "kind": "comparison"})
    assert response.status_code == 302 and Cohort.objects.filter(experiment=experiment, name="4e D").exists()
    bad_wave = {"kind": "follow_up", "opens_on": "2027-03-10", "closes_on": "2027-03-01"}
    assert client.post(reverse("impact:wave_add", args=[slug]), bad_wave).status_code == 400
    assert client.post(reverse("impact:wave_add", args=[slug]), bad_wave | {"kind": "pre"}).status_code in (400, 409)
    good_wave = {"kind": "follow_up", "opens_on": "2027-03-01", "closes_on": "2027-03-10"}
    assert client.post(reverse("impact:wave_add", args=[slug]), good_wave).status_code == 302
    wave = Wave.objects.get(experiment=experiment, kind="follow_up")
    assert client.post(reverse("impact:transition", args=[slug, "reopen"])).status_code == 302  # for a follow-up
    assert client.post(reverse("impact:wave_toggle", args=[slug, wave.pk])).status_code == 302
    wave.refresh_from_db()
    assert wave.is_open
    cohort = Cohort.objects.get(experiment=experiment, name="4e D")
    assert client.post(reverse("impact:cohort_codes", args=[cohort.pk]), {"count": 0}).status_code == 400
    assert client.post(reverse("impact:cohort_codes", args=[cohort.pk]), {"count": 20}).status_code == 302
    assert cohort.codes.count() == 20
    scale = {"title": "Q", "scale": "likert", "scale_min": 1, "scale_max": 7}
    assert client.post(reverse("impact:instrument_update", args=[slug]), scale).status_code == 409  # answered already
    title_only = scale | {"title": "Mon esprit d'entreprendre", "scale_max": 5}
    assert client.post(reverse("impact:instrument_update", args=[slug]), title_only).status_code == 302
    experiment.instrument.refresh_from_db()
    assert experiment.instrument.title == "Mon esprit d'entreprendre"
    decision = {"outcome": "generalise", "rationale": "Assez de preuves.", "decided_on": "2027-01-15"}
    assert client.post(reverse("impact:decisions", args=[slug]), decision).status_code == 302
    assert Decision.objects.filter(experiment=experiment).count() == 2
    assert client.post(reverse("impact:decisions", args=[slug]), {"outcome": "maybe"}).status_code == 400


def test_create_experiment(demo_world, db, client):
    admin = demo_world["users"]["admin"]
    client.force_login(admin)
    assert client.get(reverse("impact:create")).status_code == 200
    framework = demo_world["experiment"].framework
    data = {
        "organisation": demo_world["experiment"].organisation.pk,
        "title": "Hackathon des collégiens",
        "hypothesis": "H",
        "intervention": "I",
        "framework": framework.pk,
    }
    response = client.post(reverse("impact:create"), data)
    assert response.status_code == 302
    outsider_org = {**data, "organisation": 999999}
    assert client.post(reverse("impact:create"), outsider_org).status_code == 400
    client.force_login(UserFactory())
    assert client.get(reverse("impact:create")).status_code == 404


@pytest.mark.parametrize("url_name", ["impact:results", "impact:manage_list"])
def test_list_pages_do_not_grow_in_queries(demo_world, db, client, url_name):
    client.force_login(demo_world["users"]["operator"])
    url = reverse(url_name)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for index in range(3):
        experiment = small_experiment(
            actor=demo_world["users"]["operator"], organisation=demo_world["experiment"].organisation, slug=f"x-{index}"
        )
        experiment.results_public = True
        experiment.save()
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


def test_lifecycle_buttons(demo_world, db, client):
    experiment = demo_world["experiment"]
    client.force_login(demo_world["users"]["admin"])
    assert experiment.state == "closed"
    assert "Reprendre" in client.get(reverse("impact:manage", args=[experiment.slug])).content.decode()
    wave = experiment.waves.get(kind="post")
    client.post(reverse("impact:wave_toggle", args=[experiment.slug, wave.pk]))
    wave.refresh_from_db()
    assert not wave.is_open  # a closed experiment opens no questionnaire
    assert client.post(reverse("impact:transition", args=[experiment.slug, "start"])).status_code == 302
    experiment.refresh_from_db()
    assert experiment.state == "closed"  # "start" is for a draft: refused with a message
    assert client.post(reverse("impact:transition", args=[experiment.slug, "reopen"])).status_code == 302
    experiment.refresh_from_db()
    assert experiment.state == "running"
    assert client.post(reverse("impact:transition", args=[experiment.slug, "explode"])).status_code == 404
    client.force_login(demo_world["users"]["teacher"])
    assert client.post(reverse("impact:transition", args=[experiment.slug, "close"])).status_code == 404
