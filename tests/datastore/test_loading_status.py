"""The loading of an uploaded file, shown where the upload happened (the publisher's resource page): state, progress
and message while it runs (a status endpoint that the page's script polls; a refresh link without JavaScript), the
new figures once the table is ready, a clear failure with the link to the load report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.catalog import services as catalog_services
from auzolan.core.models import Job
from auzolan.datastore import selectors
from auzolan.datastore.models import Table
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)

V1 = "commune;montant\nBayonne;10\nAnglet;20\n"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
V2 = "commune;montant;annee\n" + "".join(f"Commune {i};{i};2025\n" for i in range(1234))


@pytest.fixture
def published():
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    resource, _table = load(membership.user, dataset, V1)
    return membership.user, dataset, resource


def page_url(dataset, resource) -> str:
    return reverse("catalog:resource_edit", args=[dataset.slug, resource.identifier])


def status_url(dataset, resource) -> str:
    return reverse("datastore:table_loading_status", args=[dataset.slug, resource.identifier])


def upload_v2(client, dataset, resource):
    response = client.post(
        page_url(dataset, resource), {"upload": "1", "file": SimpleUploadedFile("v2.csv", V2.encode())}
    )
    assert response.status_code == 302


def block(content: str) -> str:
    return content.split("data-table-loading", 1)[1].split("</section>", 1)[0]


def test_the_page_shows_the_loading_then_the_new_figures(client, published):
    editor, dataset, resource = published
    client.force_login(editor)
    content = client.get(page_url(dataset, resource)).content.decode()
    assert "Table prête : 2 lignes, 2 colonnes (version 1)." in block(content)

    upload_v2(client, dataset, resource)
    content = client.get(page_url(dataset, resource)).content.decode()
    loading = block(content)
    assert "Chargement de la version 2" in loading and "En attente" in loading
    assert "<progress" in loading and f'data-status-url="{status_url(dataset, resource)}"' in loading
    assert "La table en ligne (version 1, 2 lignes) reste consultable" in loading
    assert "<noscript>" in loading and "Actualiser la page" in loading
    assert "/static/js/table-loading.js" in content
    status = client.get(status_url(dataset, resource)).json()
    assert status["state"] == "pending" and status["finished"] is False and status["state_label"] == "En attente"

    run_queued_tasks()
    status = client.get(status_url(dataset, resource)).json()
    assert status["state"] == "ready" and status["finished"] is True and status["percent"] == 100
    assert "Table prête : 1\xa0234 lignes, 3 colonnes (version 2)." in status["html"]
    assert "Aperçu des données (1\xa0234 lignes)" in status["preview_html"]
    assert status["announcement"] == "Chargement terminé : la table a 1\xa0234 lignes."
    content = client.get(page_url(dataset, resource)).content.decode()
    assert "Table prête : 1\xa0234 lignes, 3 colonnes (version 2)." in block(content)
    assert "table-loading.js" not in content


def test_progress_and_message_while_it_runs(client, published):
    editor, dataset, resource = published
    client.force_login(editor)
    upload_v2(client, dataset, resource)
    table = selectors.latest_table(resource)
    Table.objects.filter(pk=table.pk).update(state=Table.State.RUNNING)
    Job.objects.filter(pk=table.job_id).update(
        state=Job.State.RUNNING, progress_done=40, progress_total=100, message="Conversion en UTF-8…"
    )
    status = client.get(status_url(dataset, resource)).json()
    assert (status["state"], status["percent"], status["message"]) == ("running", 40, "Conversion en UTF-8…")
    assert status["state_label"] == "Chargement en cours"
    loading = block(client.get(page_url(dataset, resource)).content.decode())
    assert 'value="40"' in loading and "40 % effectués" in loading and "Conversion en UTF-8…" in loading


def test_a_failed_load_is_said_clearly_with_the_report(client, published):
    editor, dataset, resource = published
    client.force_login(editor)
    upload_v2(client, dataset, resource)
    table = selectors.latest_table(resource)
    Table.objects.filter(pk=table.pk).update(state=Table.State.FAILED, error="La colonne montant est illisible.")
    Job.objects.filter(pk=table.job_id).update(state=Job.State.FAILED)
    status = client.get(status_url(dataset, resource)).json()
    assert status["state"] == "failed" and status["finished"] is True
    report = reverse("datastore:table_status", args=[dataset.slug, resource.identifier])
    for html in (status["html"], block(client.get(page_url(dataset, resource)).content.decode())):
        assert "La version 2 n'a pas pu être chargée." in html and "La colonne montant est illisible." in html
        assert "La table précédente (version 1, 2 lignes) reste en ligne." in html
        assert f'href="{report}"' in html
    assert status["announcement"].startswith("Le chargement a échoué")


def test_the_status_is_for_the_dataset_editors_only(client, published):
    _editor, dataset, resource = published
    assert client.get(status_url(dataset, resource)).status_code == 404
    client.force_login(UserFactory())
    response = client.get(status_url(dataset, resource))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not-found"


def test_no_block_for_a_file_that_is_no_table(client, published):
    editor, dataset, _resource = published
    client.force_login(editor)
    pdf = catalog_services.resource_add(
        actor=editor,
        dataset=dataset,
        kind="file",
        title="Notice",
        file=SimpleUploadedFile("notice.pdf", PDF),
    )
    content = client.get(page_url(dataset, pdf)).content.decode()
    assert "data-table-loading" not in content
    assert client.get(status_url(dataset, pdf)).status_code == 404


def test_a_new_file_resource_lands_on_its_page_where_the_loading_shows(client, published):
    editor, dataset, _resource = published
    client.force_login(editor)
    response = client.post(
        reverse("catalog:resource_create", args=[dataset.slug]),
        {"kind": "file", "title": "Budget", "file": SimpleUploadedFile("budget.csv", V2.encode())},
    )
    created = dataset.resources.get(title="Budget")
    assert response.status_code == 302 and response["Location"] == page_url(dataset, created)
    loading = block(client.get(response["Location"]).content.decode())
    assert "Chargement de la version 1" in loading and "La table en ligne" not in loading
