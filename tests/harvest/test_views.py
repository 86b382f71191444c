"""The harvest pages: who sees what, the source form, the buttons, the run page, the dataset page's block, and the
`harvest` command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from auzolan.catalog.models import Dataset
from auzolan.harvest import runs, services
from auzolan.harvest.models import HarvestRun, HarvestSource
from auzolan.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.harvest.samples import ckan_package, ckan_search
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

SEARCH = "/api/3/action/package_search"


@pytest.fixture
def source(portal, editor):
    user, organisation = editor
    return services.source_create(
        actor=user, organisation=organisation, name="Portail Anglet", kind="ckan", url=portal.base
    )


def test_the_editor_lists_creates_and_edits_sources(client, portal, editor):
    user, organisation = editor
    client.force_login(user)
    response = client.get(reverse("harvest:source_list"))
    assert response.status_code == 200 and "Aucune source" in response.content.decode()
    form = client.get(reverse("harvest:source_create"))
    assert "Comment fonctionne le moissonnage" in form.content.decode()
    data = {
        "organisation": organisation.pk,
        "name": "Portail CKAN",
        "kind": "ckan",
        "url": portal.base,
        "remote_organisation": "ville-anglet",
        "advanced_filter": "",
        "schedule": "daily",
        "active": "on",
        "archive_after_runs": "3",
        "submission": form.context["form"]["submission"].value(),
    }
    response = client.post(reverse("harvest:source_create"), data)
    source = HarvestSource.objects.get()
    assert response.status_code == 302 and response["Location"] == source.get_absolute_url()
    assert source.config == {"organization": "ville-anglet"} and source.created_by == user
    data.pop("organisation")
    data.pop("submission")
    response = client.post(reverse("harvest:source_edit", args=[source.pk]), data | {"name": "Portail de la ville"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.name == "Portail de la ville"
    page = client.get(reverse("harvest:source_list")).content.decode()
    assert "Portail de la ville" in page


def test_a_private_address_is_refused_on_the_form(client, editor, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    user, organisation = editor
    client.force_login(user)
    response = client.post(
        reverse("harvest:source_create"),
        {
            "organisation": organisation.pk,
            "name": "x",
            "kind": "ckan",
            "url": "http://169.254.169.254/",
            "schedule": "daily",
            "archive_after_runs": "3",
        },
    )
    assert response.status_code == 400
    assert "réseau privé" in response.content.decode()
    assert not HarvestSource.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "citizen", "member", "other-editor"])
def test_others_never_see_a_source(client, source, role):
    if role != "anonymous":
        user = UserFactory()
        if role == "member":
            MembershipFactory(user=user, organisation=source.organisation, role=Membership.Role.MEMBER)
        elif role == "other-editor":
            MembershipFactory(user=user, role=Membership.Role.EDITOR)
        client.force_login(user)
    run = HarvestRun.objects.create(source=source)
    for name in ("source_detail", "source_edit"):
        response = client.get(reverse(f"harvest:{name}", args=[source.pk]))
        assert response.status_code in (302, 404), name
        if role != "anonymous":
            assert response.status_code == 404
    for name in ("source_preview", "source_harvest", "source_delete"):
        response = client.post(reverse(f"harvest:{name}", args=[source.pk]))
        assert response.status_code in ((302,) if role == "anonymous" else (404,)), name
    assert client.get(reverse("harvest:run_detail", args=[run.pk])).status_code in (302, 404)
    if role != "anonymous":
        assert source.name not in client.get(reverse("harvest:source_list")).content.decode()
    assert HarvestRun.objects.count() == 1 and HarvestSource.objects.count() == 1


def test_agency_staff_see_every_source(client, source):
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("harvest:source_list")).content.decode()
    assert source.name in page and "toutes les organisations" in page
    assert client.get(reverse("harvest:source_detail", args=[source.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_harvest_now_runs_in_the_worker_and_marks_the_dataset_page(client, portal, editor):
    user, organisation = editor
    source = services.source_create(actor=user, organisation=organisation, name="Portail", kind="ckan", url=portal.base)
    portal.route(SEARCH, ckan_search([ckan_package(0), ckan_package(1, title="", name="")]))
    client.force_login(user)
    response = client.post(reverse("harvest:source_harvest", args=[source.pk]))
    run = HarvestRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert "en attente ou en cours" in client.get(run.get_absolute_url()).content.decode()
    run_queued_tasks()
    run.refresh_from_db()
    assert (run.state, run.created, run.failed) == ("succeeded", 1, 1)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Jeu de données sans titre." in page and "1 créé(s)" in page
    detail = client.get(reverse("harvest:source_detail", args=[source.pk])).content.decode()
    assert "Historique des moissons" in detail
    dataset = Dataset.objects.get()
    public = client.get(dataset.get_absolute_url()).content.decode()
    assert "Jeu de données moissonné" in public and f"{portal.base}/dataset/budget-primitif-0" in public
    client.logout()
    public = client.get(dataset.get_absolute_url()).content.decode()
    assert "Jeu de données moissonné" in public and "Gérer la source" not in public


def test_preview_page_lists_what_would_be_created(client, portal, source, editor):
    portal.route(SEARCH, ckan_search([ckan_package(0)]))
    run = runs.harvest_run(run=HarvestRun.objects.create(source=source, dry_run=True))
    client.force_login(editor[0])
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Ce que ferait la moisson" in page and "Budget primitif 0" in page


def test_the_delete_button_keeps_the_datasets(client, portal, source, editor):
    portal.route(SEARCH, ckan_search([ckan_package(0)]))
    runs.harvest_run(run=HarvestRun.objects.create(source=source))
    client.force_login(editor[0])
    response = client.post(reverse("harvest:source_delete", args=[source.pk]))
    assert response.status_code == 302
    assert not HarvestSource.objects.exists() and Dataset.objects.get().state == "published"


def test_the_harvest_command(portal, source, capsys):
    portal.route(SEARCH, ckan_search([ckan_package(0)]))
    call_command("harvest", "--dry-run")
    assert "Prévisualisation" in capsys.readouterr().out and not Dataset.objects.exists()
    call_command("harvest")
    assert Dataset.objects.count() == 1
    call_command("harvest")  # harvested less than 20 hours ago: left for tomorrow
    assert HarvestRun.objects.filter(dry_run=False).count() == 1
    call_command("harvest", "--source", str(source.pk))
    assert HarvestRun.objects.filter(dry_run=False).count() == 2


def test_my_space_links_to_the_sources(client, source, editor):
    from auzolan.harvest.models import HarvestRun

    HarvestRun.objects.create(source=source, state=HarvestRun.State.FAILED, message="Délai dépassé")
    client.force_login(editor[0])
    page = client.get("/moi/").content.decode()
    assert "1 source de moissonnage" in page and "1 en échec" in page and reverse("harvest:source_list") in page
    client.force_login(UserFactory())
    assert "Moissonnage de portails" not in client.get("/moi/").content.decode()
