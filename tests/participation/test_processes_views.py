"""HTTP tests of the process pages: list, process page, management screens; permissions, XSS, garbage input."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from auzolan.participation.models import Phase, Process
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.participation.factories import PhaseFactory, ProcessFactory, process_with_phase
from tests.participation.factories_processes import DraftProcessFactory, GuideFactory, editor, member

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_list_shows_published_processes_with_filters(client, django_assert_max_num_queries):
    running = process_with_phase("ideas", theme="mobility")
    upcoming = ProcessFactory(theme="culture")
    PhaseFactory(
        process=upcoming, start_at=timezone.now() + timedelta(days=5), end_at=timezone.now() + timedelta(days=9)
    )
    closed = ProcessFactory(state=Process.State.CLOSED)
    draft = DraftProcessFactory()
    for _ in range(5):
        process_with_phase("debate")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("participation:process_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert running.title in html and closed.title in html and draft.title not in html
    assert "Phase en cours" in html

    def titles(**params):
        page = client.get(reverse("participation:process_list"), params).content.decode()
        return {p.title for p in (running, upcoming, closed) if p.title in page}

    assert titles(period="current") == {running.title}
    assert titles(period="upcoming") == {upcoming.title}
    assert titles(period="finished") == {closed.title}
    assert titles(theme="mobility") == {running.title}
    assert titles(organisation=upcoming.organisation.slug) == {upcoming.title}
    # Garbage filters are ignored, never a 500.
    assert client.get(reverse("participation:process_list"), {"period": "x' OR 1", "page": "abc"}).status_code == 200


def test_process_page_calendar_and_what_one_can_do(client):
    process = process_with_phase("ideas", verification="residency_declared")
    PhaseFactory(
        process=process,
        kind="vote",
        start_at=timezone.now() + timedelta(days=31),
        end_at=timezone.now() + timedelta(days=40),
    )
    response = client.get(process.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="step"' in html and "Phase en cours" in html and "À venir" in html
    assert "Connectez-vous" in html and reverse("account_login") in html

    user = UserFactory()
    client.force_login(user)
    html = client.get(process.get_absolute_url()).content.decode()
    assert "déclarez votre résidence" in html
    assert reverse("participation:residency", kwargs={"slug": process.slug}) in html


def test_process_page_renders_sections_of_other_areas(client):
    from auzolan.core import registry

    process = process_with_phase("ideas")
    registry.register_page_section(
        "participation_process", "participation/_process_header.html", lambda request, obj: {"x": 1}, order=99
    )
    try:
        html = client.get(process.get_absolute_url()).content.decode()
        assert html.count("<h1>") == 2  # the header partial rendered once more by the registered section
    finally:
        registry._page_sections["participation_process"] = [
            s for s in registry._page_sections["participation_process"] if s.order != 99
        ]


def test_drafts_are_404_for_outsiders_and_visible_to_members(client):
    process = DraftProcessFactory()
    PhaseFactory(process=process)
    assert client.get(process.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(process.get_absolute_url()).status_code == 404
    client.force_login(member(process.organisation))
    response = client.get(process.get_absolute_url())
    assert response.status_code == 200 and "Brouillon" in response.content.decode()
    assert client.get("/participer/inconnue/").status_code == 404


def test_xss_in_process_texts_is_escaped(client):
    process = process_with_phase("ideas", title=XSS, summary=XSS, description=XSS + "\n\n[lien](javascript:alert(1))")
    for url in (process.get_absolute_url(), reverse("participation:process_list")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x onerror" not in html
        assert "&lt;script&gt;alert" in html
        assert 'href="javascript:' not in html


def test_management_pages_are_404_for_non_editors(client):
    process = DraftProcessFactory()
    org = process.organisation
    urls = [
        reverse("participation:manage_organisation", args=[org.slug]),
        reverse("participation:process_create", args=[org.slug]),
        reverse("participation:district_list", args=[org.slug]),
        reverse("participation:process_manage", args=[org.slug, process.slug]),
        reverse("participation:phase_add", args=[org.slug, process.slug]),
    ]
    client.force_login(member(org))
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(editor(OrganisationFactory()))
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("participation:process_transition", args=[org.slug, process.slug]), {"transition": "publish"}
        ).status_code
        == 404
    )
    client.logout()
    assert client.get(urls[0]).status_code == 302


def test_editor_creates_edits_and_publishes_a_process(client):
    organisation = OrganisationFactory()
    user = editor(organisation)
    GuideFactory(title="Mener un budget participatif", related_template="budget")
    client.force_login(user)
    assert client.get(reverse("participation:manage_home")).status_code == 302  # one organisation: straight to it
    page = client.get(reverse("participation:process_create", args=[organisation.slug]))
    assert "Mener un budget participatif" in page.content.decode()
    image = io.BytesIO()
    Image.new("RGB", (20, 20)).save(image, format="PNG")
    image.seek(0)
    image.name = "photo.png"
    response = client.post(
        reverse("participation:process_create", args=[organisation.slug]),
        {
            "template": "budget",
            "title": "Budget participatif 2030",
            "theme": "urbanism",
            "starts_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "image": image,
            "image_alt": "Le quartier",
        },
    )
    process = Process.objects.get(title="Budget participatif 2030")
    assert response.status_code == 302 and response["Location"].endswith(f"/demarches/{process.slug}/")
    assert process.phases.count() == 5 and process.image.name.endswith(".png")
    manage = reverse("participation:process_manage", args=[organisation.slug, process.slug])
    assert client.get(manage).status_code == 200
    response = client.post(manage, {"title": "Budget 2030", "theme": "urbanism", "reports_before_hiding": "3"})
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "Budget 2030"
    # Phases: garbage is a form error, an overlap is a clear message.
    add = reverse("participation:phase_add", args=[organisation.slug, process.slug])
    assert (
        client.post(add, {"kind": "ideas", "start_at": "garbage", "end_at": "", "verification": "x"}).status_code == 200
    )
    first = process.phases.order_by("start_at").first()
    response = client.post(
        add,
        {
            "kind": "debate",
            "start_at": timezone.localtime(first.start_at).strftime("%Y-%m-%dT%H:%M"),
            "end_at": timezone.localtime(first.end_at).strftime("%Y-%m-%dT%H:%M"),
            "verification": "account",
        },
    )
    assert "chevauchent" in response.content.decode()
    edit = reverse("participation:phase_edit", args=[organisation.slug, process.slug, first.pk])
    assert client.get(edit).status_code == 200
    client.post(reverse("participation:category_add", args=[organisation.slug, process.slug]), {"name": "Voirie"})
    assert process.categories.filter(name="Voirie").exists()
    response = client.post(
        reverse("participation:process_transition", args=[organisation.slug, process.slug]), {"transition": "publish"}
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.state == "published"
    response = client.post(
        reverse("participation:process_transition", args=[organisation.slug, process.slug]), {"transition": "rm -rf"}
    )
    assert response.status_code == 302
    client.post(reverse("participation:phase_delete", args=[organisation.slug, process.slug, first.pk]))
    assert Phase.objects.filter(pk=first.pk).exists() is False  # not started yet (starts tomorrow)


def test_create_refuses_a_bad_image_with_a_message(client):
    organisation = OrganisationFactory()
    client.force_login(editor(organisation))
    bad = io.BytesIO(b"GIF89a not really")
    bad.name = "x.png"
    response = client.post(
        reverse("participation:process_create", args=[organisation.slug]),
        {"template": "idea_box", "title": "T", "theme": "other", "image": bad, "image_alt": "x"},
    )
    assert response.status_code == 200 and "JPEG, PNG ou WebP" in response.content.decode()
    assert not Process.objects.exists()


def test_districts_screen(client):
    organisation = OrganisationFactory()
    client.force_login(editor(organisation))
    url = reverse("participation:district_list", args=[organisation.slug])
    assert client.post(url, {"name": "Saint-Esprit", "postal_codes": "64100"}).status_code == 302
    district = organisation.districts.get()
    response = client.post(url, {"name": "saint-esprit"})
    assert "déjà" in response.content.decode()
    edit = reverse("participation:district_edit", args=[organisation.slug, district.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"name": "Saint-Esprit nord", "postal_codes": "64100"})
    district.refresh_from_db()
    assert district.name == "Saint-Esprit nord"
    client.post(edit, {"delete": "1"})
    assert not organisation.districts.exists()


def test_programme_page_and_home_figures(client):
    process = process_with_phase("ideas")
    html = client.get(reverse("core:programme_participation")).content.decode()
    assert process.title in html and reverse("participation:process_list") in html
    from auzolan.participation.views.processes import home_figures

    (figure,) = home_figures()
    assert figure.value == 1 and figure.url.endswith("?period=current")


def test_manage_page_links_to_every_tool_of_the_process_and_each_opens_for_the_editor(client):
    process = process_with_phase("ideas")
    client.force_login(editor(process.organisation))
    html = client.get(reverse("participation:process_manage", args=[process.organisation.slug, process.slug]))
    html = html.content.decode()
    for name in (
        "moderation_queue",
        "survey_manage_list",
        "manage_budgets",
        "manage_codes",
        "followup_manage",
        "process_statistics",
    ):
        url = reverse(f"participation:{name}", args=[process.slug])
        assert f'href="{url}"' in html, name
        assert client.get(url).status_code == 200, name
