"""HTTP tests of the core pages and of the accessible layout they share."""

import copy
import re

import pytest
from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.session import SessionStorage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from auzolan.core import registry
from auzolan.core.models import Job
from auzolan.core.views import pages
from auzolan.core.views.errors import server_error
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory

PAGES = [
    ("core:home", "plateforme numérique partagée"),
    ("core:programme_opendata", "Données ouvertes"),
    ("core:programme_participation", "Participer"),
    ("core:programme_learning", "Se former"),
    ("core:programme_youth", "Jeunesse &amp; événements"),
    ("core:legal_notice", "Mentions légales"),
    ("core:privacy", "Données personnelles"),
    ("core:accessibility", "Déclaration d'accessibilité"),
    ("core:sitemap", "Plan du site"),
]


def h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def assert_layout(html: str, lang: str = "fr") -> None:
    assert f'<html lang="{lang}">' in html
    assert h1_count(html) == 1, "exactly one <h1> per page"
    skip = re.search(r'<a class="skip-link" href="([^"]+)"', html)
    assert skip and skip.group(1) == "#contenu"
    assert html.index('class="skip-link"') < html.index("<header"), "the skip link comes first"
    assert '<main id="contenu"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert 'aria-label="Navigation principale"' in html
    for name in ("core:legal_notice", "core:privacy", "core:accessibility", "core:sitemap"):
        assert f'href="{reverse(name)}"' in html
    assert "Accessibilité : partiellement conforme" in html
    assert 'href="/api/v1/docs"' in html
    assert 'style="' not in html, "CSP forbids inline styles"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "CSP forbids inline scripts"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "text"), PAGES)
def test_core_page(client, name, text):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert text in html
    assert_layout(html)


@pytest.mark.django_db
def test_home_lists_the_four_programmes_and_marks_nothing_current(client):
    html = client.get("/").content.decode()
    for name in ("programme_opendata", "programme_participation", "programme_learning", "programme_youth"):
        assert html.count(f'href="{reverse("core:" + name)}"') >= 2  # navigation and card
    assert 'aria-current="page"' not in html.split("</header>")[0]


@pytest.mark.django_db
def test_home_shows_registered_figures(client, monkeypatch):
    monkeypatch.setattr(pages, "home_figures", lambda: [registry.Figure("communes", 158, "/territoire/")])
    html = client.get("/").content.decode()
    assert 'class="stats"' in html
    assert "158" in html
    assert "communes" in html


@pytest.mark.django_db
def test_home_includes_registered_sections(client, monkeypatch, settings, tmp_path):
    (tmp_path / "stub").mkdir()
    (tmp_path / "stub" / "_section.html").write_text("<section><h2>Section de test</h2></section>")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    monkeypatch.setattr(pages, "home_sections", lambda: ["stub/_section.html"])
    html = client.get("/").content.decode()
    assert "Section de test" in html


@pytest.mark.django_db
def test_programme_page_marks_the_current_navigation_item(client, monkeypatch):
    url = reverse("core:programme_youth")
    html = client.get(url).content.decode()
    assert f'href="{url}" aria-current="page"' in html
    assert "ouvrent progressivement" not in html  # every programme has a module now (events here)
    # a programme to which no app adds a block says what is planned
    monkeypatch.setattr(pages, "page_sections", lambda *args: [])
    assert "ouvrent progressivement" in client.get(url).content.decode()


@pytest.mark.django_db
def test_anonymous_header_offers_login_and_signup(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html
    assert "Se déconnecter" not in html


@pytest.mark.django_db
def test_authenticated_header_offers_logout_form(client):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert f'action="{reverse("account_logout")}"' in html
    assert "Se déconnecter" in html
    assert "Back office" not in html
    assert "Se connecter" not in html


@pytest.mark.django_db
def test_staff_header_links_to_back_office(client):
    client.force_login(UserFactory(is_staff=True))
    assert 'href="/back-office/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switcher_form(client):
    html = client.get("/plan-du-site/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert '<label for="language-select">' in html
    assert 'name="next" value="/plan-du-site/"' in html
    assert 'lang="eu"' in html
    assert "Euskara" in html


@pytest.mark.django_db
def test_switching_language_changes_html_lang(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_custom_404(client, settings):
    settings.DEBUG = False
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert_layout(html)


@pytest.mark.django_db
def test_500_page_renders_without_user_or_session(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur est survenue" in html
    assert h1_count(html) == 1


@pytest.mark.django_db
def test_429_template_renders(rf):
    html = render_to_string("429.html", request=rf.get("/"))
    assert "Trop de tentatives, réessayez dans quelques minutes" in html


@pytest.mark.django_db
def test_messages_are_announced(client):
    request = RequestFactory().get("/")
    request.session = client.session
    storage = SessionStorage(request)
    storage.add(constants.SUCCESS, "Profil enregistré")
    storage.add(constants.ERROR, "Quelque chose a échoué")
    response = __import__("django.http", fromlist=["HttpResponse"]).HttpResponse()
    storage.update(response)
    request.session.save()
    html = client.get("/").content.decode()
    assert re.search(r'role="status"><p><strong>[^<]+</strong> Profil enregistré', html)
    assert re.search(r'role="alert"><p><strong>[^<]+</strong> Quelque chose a échoué', html)


# Background jobs


@pytest.fixture
def job(db):
    return Job.objects.create(owner=UserFactory(), kind="test", label="Export de test")


@pytest.mark.django_db
def test_job_page_for_owner(client, job):
    client.force_login(job.owner)
    response = client.get(reverse("core:job_detail", args=[job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Export de test" in html
    assert "En attente" in html
    assert "<progress" in html
    assert 'aria-live="polite"' in html
    assert f'data-job-url="/api/v1/jobs/{job.pk}"' in html
    assert "<noscript>" in html
    assert "Actualiser" in html
    assert_layout(html)


@pytest.mark.django_db
def test_finished_job_page_offers_download(client, job):
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.SUCCEEDED, message="Export prêt", result={"download_url": "/media/export.zip"}
    )
    client.force_login(job.owner)
    html = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'href="/media/export.zip"' in html
    assert "Télécharger" in html
    assert "Export prêt" in html
    assert 'value="100"' in html
    assert "<noscript>" not in html
    assert 'data-job-finished="true"' in html


@pytest.mark.django_db
def test_job_page_of_someone_else_is_404(client, job, settings):
    settings.DEBUG = False
    client.force_login(UserFactory())
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_job_page_needs_login(client, job):
    response = client.get(reverse("core:job_detail", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_job_api_for_owner(client, job):
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, progress_done=3, progress_total=4)
    client.force_login(job.owner)
    response = client.get(f"/api/v1/jobs/{job.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "running"
    assert data["state_label"] == "En cours"
    assert data["percent"] == 75
    assert data["progress_done"] == 3
    assert data["progress_total"] == 4


@pytest.mark.django_db
def test_job_api_for_someone_else_is_404(client, job):
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404


@pytest.mark.django_db
def test_job_api_for_anonymous_is_refused(client, job):
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code in (401, 403, 404)


# Forms rendered with the project's accessible templates


def test_form_templates_link_help_and_errors():
    class ExampleForm(forms.Form):
        name = forms.CharField(label="Nom", help_text="Tel qu'il apparaîtra")
        nickname = forms.CharField(label="Surnom", required=False)
        agree = forms.BooleanField(label="J'accepte")

    html = str(ExampleForm(data={"nickname": "x"}))
    assert 'class="notice notice--error error-summary" role="alert"' in html
    assert 'href="#id_name"' in html and 'href="#id_agree"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<label for="id_name">Nom <span class="required">\(obligatoire\)</span></label>', html)
    assert '<label for="id_nickname">Surnom</label>' in html
    # The checkbox comes before its label.
    assert html.index('id="id_agree"') < html.index('<label for="id_agree">')

    clean = str(ExampleForm())
    assert "error-summary" not in clean
    assert "aria-invalid" not in clean


@pytest.mark.django_db
def test_organisation_switcher_in_header(client):
    user = UserFactory()
    first = MembershipFactory(user=user).organisation
    second = MembershipFactory(user=user).organisation
    client.force_login(user)
    html = client.get("/plan-du-site/").content.decode()
    assert '<label for="org-switcher-select">Agir pour</label>' in html
    assert f'action="{reverse("organisations:switch")}"' in html
    assert first.name in html and second.name in html
    assert ">Changer</button>" in html

    response = client.post(reverse("organisations:switch"), {"organisation": second.pk, "next": "/plan-du-site/"})
    assert response.status_code == 302
    html = client.get("/plan-du-site/").content.decode()
    assert f'<option value="{second.pk}" selected>{second.name}</option>' in html


@pytest.mark.django_db
def test_no_switcher_with_a_single_organisation(client):
    user = MembershipFactory().user
    client.force_login(user)
    assert "Agir pour" not in client.get("/").content.decode()
