import copy
import json
import re

import pytest
from django.urls import reverse

from auzolan.accounts import services
from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError
from auzolan.core.models import AuditLogEntry, Job
from auzolan.core.registry import DashboardSection
from tests.accounts.factories import PASSWORD, UserFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

PERSONAL_PAGES = ["accounts:dashboard", "accounts:profile", "accounts:export", "accounts:delete"]


def _h1_count(response) -> int:
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_personal_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_personal_pages_open_for_their_owner(user_client, name):
    response = user_client.get(reverse(name))
    assert response.status_code == 200
    assert _h1_count(response) == 1


def test_dashboard_shows_name_role_activity_and_jobs(user_client, user):
    audit_log(actor=user, action="accounts.profile.updated", obj=user)
    audit_log(actor=user, action="some.unknown.code", obj=user)
    Job.objects.create(owner=user, kind="accounts.export", label="Export de mes données personnelles")
    response = user_client.get(reverse("accounts:dashboard"))
    content = response.content.decode()
    assert user.full_name in content
    assert "Habitant ou habitante" in content
    assert "Modification du profil" in content
    assert "some.unknown.code" in content  # unknown codes fall back to the code itself
    assert "Export de mes données personnelles" in content
    assert reverse("core:job_detail", args=[Job.objects.get().pk]) in content


def test_dashboard_does_not_show_other_peoples_activity(user_client):
    other = UserFactory(full_name="Quelqu'un d'autre")
    audit_log(actor=other, action="accounts.profile.updated", obj=other)
    response = user_client.get(reverse("accounts:dashboard"))
    assert "Modification du profil" not in response.content.decode()


def test_dashboard_includes_registered_sections_with_section_context(user_client, monkeypatch, settings, tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "_section.html").write_text("<h2>Section de test : {{ section.title }}</h2>")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    monkeypatch.setattr(
        "auzolan.core.registry._dashboard_sections",
        [DashboardSection("tests/_section.html", lambda request: {"title": f"Pour {request.user.email}"})],
    )
    response = user_client.get(reverse("accounts:dashboard"))
    assert f"Section de test : Pour {response.wsgi_request.user.email}" in response.content.decode()


def test_dashboard_query_count_is_bounded(user_client, user, django_assert_max_num_queries):
    for index in range(30):
        audit_log(actor=user, action="accounts.profile.updated", obj=user, data={"n": index})
    for _ in range(12):
        Job.objects.create(owner=user, kind="accounts.export", label="Export")
    # 14: the page, its jobs and audit lines, and one or two reads per app's block (catalogue, participation,
    # learning, events, the open data programme's overdue actions, youth's partnerships of the person's organisations)
    # — whatever the number of lines
    with django_assert_max_num_queries(14):
        response = user_client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert response.content.decode().count("Modification du profil") == 20


def test_profile_update(user_client, user):
    response = user_client.post(reverse("accounts:profile"), {"full_name": "Peio Harriet", "territory_role": "agent"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.territory_role) == ("Peio Harriet", "agent")


def test_profile_service_error_is_shown_next_to_the_field(user_client, user):
    response = user_client.post(reverse("accounts:profile"), {"full_name": "   ", "territory_role": "agent"})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    user.refresh_from_db()
    assert user.full_name != ""


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_export_start_creates_a_job_and_runs_it(user_client, user):
    response = user_client.post(reverse("accounts:export"))
    job = Job.objects.get(owner=user, kind="accounts.export")
    assert response.status_code == 302
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert job.task_result_id  # enqueued

    run_queued_tasks()

    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    download_url = reverse("accounts:export_download", args=[job.pk])
    assert job.result["download_url"] == download_url

    response = user_client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert re.search(r'filename="auzolan-mes-donnees-\d{4}-\d{2}-\d{2}\.json"', response["Content-Disposition"])
    data = json.loads(b"".join(response.streaming_content))
    assert data["account"]["email"] == user.email

    page = user_client.get(reverse("accounts:export"))
    assert download_url in page.content.decode()


def test_export_download_is_for_its_owner_only(client, user, operator):
    job = Job.objects.create(owner=user, kind="accounts.export", label="Export", state=Job.State.SUCCEEDED)
    path = services.user_export_write(job=job, data={"account": {"email": user.email}})
    Job.objects.filter(pk=job.pk).update(result={"path": path})
    url = reverse("accounts:export_download", args=[job.pk])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(operator)
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_export_download_of_unfinished_or_missing_job_is_404(user_client, user):
    job = Job.objects.create(owner=user, kind="accounts.export", label="Export")
    assert user_client.get(reverse("accounts:export_download", args=[job.pk])).status_code == 404
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED)
    assert user_client.get(reverse("accounts:export_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    ("confirm", "password"),
    [("SUPPRIME", PASSWORD), ("", PASSWORD), ("SUPPRIMER", "pas-le-bon-mot-de-passe"), ("SUPPRIMER", "")],
)
def test_delete_with_wrong_confirmation_or_password_deletes_nothing(user_client, user, confirm, password):
    response = user_client.post(reverse("accounts:delete"), {"confirm": confirm, "password": password})
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None


def test_delete_account(user_client, user):
    response = user_client.post(reverse("accounts:delete"), {"confirm": "supprimer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "Votre compte est supprimé" in response.content.decode()
    user.refresh_from_db()
    assert user.deleted_at is not None and not user.is_active
    assert not response.wsgi_request.user.is_authenticated
    assert user_client.get(reverse("accounts:dashboard")).status_code == 302
    assert AuditLogEntry.objects.filter(action="accounts.user.deleted").exists()


def test_delete_refused_by_a_hook_shows_the_message(user_client, user, monkeypatch):
    def refuse(u):
        raise ApplicationError("Vous êtes le seul administrateur de Mairie d'Ascain.")

    monkeypatch.setattr(services, "_deletion_checks", [refuse])
    response = user_client.post(reverse("accounts:delete"), {"confirm": "SUPPRIMER", "password": PASSWORD})
    assert response.status_code == 200
    assert "seul administrateur de Mairie d&#x27;Ascain" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None
