"""The public preview of a table: statistics computed at ingestion, the page over HTTP, the dataset page's link."""

from __future__ import annotations

import re
from io import StringIO

import duckdb
import pytest
from django.core.management import call_command
from django.urls import reverse

from auzolan.datastore import stats
from auzolan.datastore.models import Table
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory

# 25 rows: 2 pages of 20
CSV = "commune;montant;date;nombre;libelle\n" + "".join(
    f"{['Bayonne', 'Anglet', 'Biarritz'][i % 3]};{i * 10 + 0.5};2024-01-{i + 1:02d};{'' if i % 5 == 0 else i};"
    f"{'Culture' if i % 2 else 'Équipement sportif'} {i}\n"
    for i in range(25)
)


@pytest.fixture
def loaded(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")
    resource, table = load(editor, dataset, CSV)
    return editor, dataset, resource, table


def url(dataset, resource) -> str:
    return reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier})


def body_rows(content: str) -> list[str]:
    tbody = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", tbody, re.S)


def test_stats_are_computed_at_ingestion(loaded):
    _editor, _dataset, _resource, table = loaded
    assert table.stats["row_count"] == 25 and table.stats["distinct_approximate"] is False
    columns = table.stats["columns"]
    assert columns["commune"]["filled"] == 25 and columns["commune"]["missing"] == 0
    assert columns["commune"]["distinct"] == 3
    assert columns["commune"]["top"] == [["Anglet", 8], ["Bayonne", 9], ["Biarritz", 8]] or columns["commune"][
        "top"
    ] == [["Bayonne", 9], ["Anglet", 8], ["Biarritz", 8]]
    assert columns["montant"]["min"] == 0.5 and columns["montant"]["max"] == 240.5
    assert columns["nombre"]["missing"] == 5 and columns["nombre"]["filled"] == 20
    assert columns["date"]["min"] == "2024-01-01" and columns["date"]["max"] == "2024-01-25"
    # 25 distinct labels: more than 0 and at most 50, so top values are kept (5 of them)
    assert len(columns["libelle"]["top"]) == 5
    assert columns["montant"]["top"] == []


def test_stats_are_computed_lazily_for_older_tables(client, loaded):
    _editor, dataset, resource, table = loaded
    Table.objects.filter(pk=table.pk).update(stats={})
    response = client.get(url(dataset, resource))
    assert response.status_code == 200
    table.refresh_from_db()
    assert table.stats["columns"]["commune"]["distinct"] == 3
    assert "Valeurs distinctes" in response.content.decode()


def test_stats_top_values_skipped_above_the_threshold(tmp_path):
    path = str(tmp_path / "t.parquet")
    duckdb.sql(f"COPY (SELECT 'v' || i AS name FROM range(60) t(i)) TO '{path}' (FORMAT parquet)")  # noqa: S608
    computed = stats.compute(path, [{"name": "name", "type": "text"}], 60)
    assert computed["columns"]["name"]["distinct"] == 60 and computed["columns"]["name"]["top"] == []


def test_preview_page_is_public_and_paginated(client, loaded):
    _editor, dataset, resource, _table = loaded
    response = client.get(url(dataset, resource))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<caption" in content and 'scope="col"' in content
    assert '<p role="status" class="preview-count">25 lignes' in content
    assert len(body_rows(content)) == 20
    assert 'aria-current="page">1<' in content and "?page=2" in content
    second = client.get(url(dataset, resource) + "?page=2").content.decode()
    assert len(body_rows(second)) == 5 and 'aria-current="page">2<' in second
    # links to the data API and to the exports (through the preview's export page: a file, or a progress page)
    assert f"/api/v1/resources/{resource.identifier}/data" in content
    for fmt in ("csv", "xlsx", "json", "parquet"):
        assert f'href="{url(dataset, resource)}export/?format={fmt}" rel="nofollow"' in content


def test_sort_filters_and_search(client, loaded):
    _editor, dataset, resource, _table = loaded
    base = url(dataset, resource)
    content = client.get(base + "?sort=-montant").content.decode()
    assert 'aria-sort="descending"' in content
    assert "240,5" in body_rows(content)[0] and "25/01/2024" in body_rows(content)[0]
    # the header of the sorted column now reverses the order
    assert "?sort=montant" in content
    content = client.get(base + "?montant__gte=100&montant__lte=150.5&commune__contains=bay").content.decode()
    rows = body_rows(content)
    assert rows and all("Bayonne" in row for row in rows)
    assert "montant__gte=100" in content  # kept in the form, the pagination and the API links
    content = client.get(base + "?q=equipement").content.decode()
    assert '<p role="status" class="preview-count">13 lignes' in content
    # empty filter fields (a submitted GET form) are ignored
    assert client.get(base + "?commune__contains=&montant__gte=&q=").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?inconnue__contains=x", "Colonne inconnue"),
        ("?montant__gte=abc", "Valeur invalide pour la colonne montant"),
        ("?sort=nope", "Colonne inconnue"),
        ("?page=zero", "numéro de page"),
        ("?date__gte=31/12/2024", "Valeur invalide pour la colonne date"),
    ],
)
def test_bad_parameters_show_a_notice(client, loaded, query, message):
    _editor, dataset, resource, _table = loaded
    response = client.get(url(dataset, resource) + query)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'role="alert"' in content and message in content


def test_draft_is_404_to_outsiders_and_not_ready_is_409(client, loaded):
    editor, _dataset, _resource, _table = loaded
    draft = DatasetFactory(organisation=editor.memberships.get().organisation, state="draft")
    hidden, _hidden_table = load(editor, draft, CSV)
    assert client.get(url(draft, hidden)).status_code == 404
    client.force_login(editor)
    assert client.get(url(draft, hidden)).status_code == 200
    Table.objects.filter(resource=hidden).update(is_current=False, state=Table.State.RUNNING)
    response = client.get(url(draft, hidden))
    assert response.status_code == 409 and "en cours de chargement" in response.content.decode()


def test_query_count_is_bounded(client, loaded, django_assert_max_num_queries):
    _editor, dataset, resource, _table = loaded
    client.get(url(dataset, resource))  # session, caches
    with django_assert_max_num_queries(12):
        assert client.get(url(dataset, resource) + "?sort=commune&montant__gte=10").status_code == 200


def test_dataset_page_links_to_the_preview(client, loaded):
    _editor, dataset, resource, _table = loaded
    content = client.get(reverse("catalog:dataset", args=[dataset.slug])).content.decode()
    assert url(dataset, resource) in content
    assert "Aperçu des données (25 lignes)" in content


def test_table_stats_command_fills_missing_stats(loaded):
    _editor, _dataset, _resource, table = loaded
    Table.objects.filter(pk=table.pk).update(stats={})
    out = StringIO()
    call_command("table_stats", stdout=out)
    table.refresh_from_db()
    assert table.stats["columns"]["nombre"]["missing"] == 5 and "1 table(s)" in out.getvalue()
