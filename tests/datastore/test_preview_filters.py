"""The preview's values written the French way, and its filters for tables with many columns: a compact "add a
filter" form (column, condition, value), the active filters as removable chips, the full per-column form folded
away — all GET, with the data API's parameters in the URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from auzolan.datastore import charts, preview
from tests.datastore.tabledata import load_published, preview_path

NBSP = "\xa0"
CSV = (
    "commune;montant;nombre;code_insee;annee;date;payee\n"
    "Bayonne;12000.5;12000;64102;2025;2024-01-15;oui\n"
    "Anglet;1234567;3;64024;2024;2025-02-01;non\n"
    "Biarritz;0.125;;64122;2023;2023-03-03;oui\n"
)


@pytest.fixture
def loaded(transactional_db):
    return load_published(CSV)


url = preview_path


def cells(content: str) -> list[list[str]]:
    tbody = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)]


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


# --- Values ---------------------------------------------------------------------------------------------------


def test_numbers_are_grouped_with_a_decimal_comma_and_aligned_right(client, loaded):
    dataset, resource, table = loaded
    assert {c["name"]: c["type"] for c in table.columns}["montant"] == "number"
    content = client.get(url(dataset, resource) + "?sort=commune").content.decode()
    anglet, bayonne, biarritz = cells(content)
    assert bayonne[1] == f"12{NBSP}000,5" and bayonne[2] == f"12{NBSP}000"
    assert anglet[1] == f"1{NBSP}234{NBSP}567"
    assert biarritz[1] == "0,125"  # every decimal kept
    # codes and years are numbers that are never grouped
    assert bayonne[3] == "64102" and bayonne[4] == "2025"
    assert re.search(r'<td class="numeric">12\xa0000,5</td>', content)
    assert '<th scope="col" class="numeric"' in content


def test_the_table_and_the_chart_write_an_amount_the_same_way(client, loaded):
    dataset, resource, _table = loaded
    content = client.get(url(dataset, resource) + "?commune=Bayonne&chart=bar&chart_by=commune&chart_agg=sum:montant")
    content = content.content.decode()
    assert cells(content)[0][1] == charts.number(12000.5) == f"12{NBSP}000,5"
    assert f"12{NBSP}000,5" in content.split('id="graphique"', 1)[1]


def test_dates_are_written_the_french_way_with_a_machine_readable_value(client, loaded):
    dataset, resource, _table = loaded
    content = client.get(url(dataset, resource) + "?commune=Bayonne").content.decode()
    assert '<time datetime="2024-01-15">15/01/2024</time>' in cells(content)[0][5]
    assert cells(content)[0][6] == "oui"


def test_display_helpers():
    assert preview.display(1234.5, "number", style="amount") == f"1{NBSP}234,5"
    assert preview.display(-1234567, "integer", style="amount") == f"-1{NBSP}234{NBSP}567"
    assert preview.display(43.493301, "number", style="amount") == "43,493301"
    assert preview.display(1e20, "number", style="amount").startswith("100")
    assert preview.display(64102, "integer", style="code") == "64102"
    assert preview.display(7.5, "number", style="code") == "7.5"  # a code of the ACTES nomenclature, as written
    assert preview.number_style({"name": "montant", "type": "number"}) == "amount"
    assert preview.number_style({"name": "commune", "type": "text"}) == ""
    for name in ("code_insee", "ANNEE", "siret", "EQUIP_UID", "idBeneficiaire", "CODE POSTAL", "exercice", "tel"):
        assert preview.number_style({"name": name, "type": "integer"}) == "code", name


# --- The compact "add a filter" form --------------------------------------------------------------------------


def test_adding_a_filter_redirects_to_the_api_parameters(client, loaded):
    dataset, resource, _table = loaded
    base = url(dataset, resource)
    response = client.get(
        base,
        {
            "q": "bay",
            "sort": "-montant",
            "commune__contains": "b",
            "page": "2",
            "filtre_colonne": "montant",
            "filtre_condition": "gte",
            "filtre_valeur": "1 234,5",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(base + "?")
    assert query_of(response["Location"]) == {
        "q": ["bay"],
        "sort": ["-montant"],
        "commune__contains": ["b"],
        "montant__gte": ["1234.5"],
    }
    # the redirected page applies it: the same parameters as the data API
    rows = cells(client.get(response["Location"]).content.decode())
    assert len(rows) == 1 and rows[0][0] == "Bayonne"


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("contains", "bay", {"commune__contains": ["bay"]}),
        ("exact", "Anglet", {"commune": ["Anglet"]}),
        ("not", "Anglet", {"commune__not": ["Anglet"]}),
        ("isnull", "", {"commune__isnull": ["true"]}),
        ("notnull", "ignoré", {"commune__isnull": ["false"]}),
    ],
)
def test_conditions_on_a_text_column(client, loaded, condition, value, expected):
    dataset, resource, _table = loaded
    response = client.get(
        url(dataset, resource), {"filtre_colonne": "commune", "filtre_condition": condition, "filtre_valeur": value}
    )
    assert response.status_code == 302 and query_of(response["Location"]) == expected


def test_french_dates_and_numbers_are_written_in_the_url_as_the_api_reads_them(client, loaded):
    dataset, resource, _table = loaded
    base = url(dataset, resource)
    response = client.get(base, {"filtre_colonne": "date", "filtre_condition": "lt", "filtre_valeur": "01/02/2025"})
    assert query_of(response["Location"]) == {"date__lt": ["2025-02-01"]}
    response = client.get(base, {"filtre_colonne": "nombre", "filtre_condition": "exact", "filtre_valeur": "12 000"})
    assert query_of(response["Location"]) == {"nombre": ["12000"]}
    assert len(cells(client.get(response["Location"]).content.decode())) == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"filtre_colonne": "inconnue", "filtre_condition": "exact", "filtre_valeur": "x"}, "Choisissez une colonne"),
        ({"filtre_colonne": "montant", "filtre_condition": "contains", "filtre_valeur": "1"}, "applique pas"),
        ({"filtre_colonne": "montant", "filtre_condition": "gte", "filtre_valeur": "beaucoup"}, "nombre"),
        ({"filtre_colonne": "montant", "filtre_condition": "gte", "filtre_valeur": "1e999999999"}, "nombre"),
        ({"filtre_colonne": "nombre", "filtre_condition": "gte", "filtre_valeur": "12,5"}, "nombre entier"),
        ({"filtre_colonne": "montant", "filtre_condition": "gte", "filtre_valeur": ""}, "Indiquez une valeur"),
        ({"filtre_colonne": "date", "filtre_condition": "gte", "filtre_valeur": "31/02/2024"}, "date"),
        ({"filtre_colonne": "commune", "filtre_condition": "sql", "filtre_valeur": "x"}, "Choisissez une condition"),
    ],
)
def test_a_filter_that_cannot_be_added_is_explained_next_to_the_form(client, loaded, params, message):
    dataset, resource, _table = loaded
    response = client.get(url(dataset, resource), {"commune__contains": "a", **params})
    assert response.status_code == 400
    content = response.content.decode()
    form = content.split('id="preview-add-filter"', 1)[1].split("</form>", 1)[0]
    assert message in form and 'role="alert"' in form and 'aria-invalid="true"' in form
    assert len(cells(content)) == 3  # the rows are still shown, with the filters already applied


# --- Chips and the full form ----------------------------------------------------------------------------------


def test_active_filters_are_listed_as_removable_chips(client, loaded):
    dataset, resource, _table = loaded
    base = url(dataset, resource)
    content = client.get(
        base + "?q=a&sort=montant&montant__gte=100&commune__not=Anglet&date__lt=2025-01-01&payee=oui"
    ).content.decode()
    chips = content.split('class="filter-chips"', 1)[1].split("</ul>", 1)[0]
    labels = [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r'class="chip__label">(.*?)</span>', chips)]
    assert labels == [
        "montant est supérieur ou égal à 100",
        "commune est différent de « Anglet »",
        "date avant le 01/01/2025",
        "payee est égal à oui",
    ]
    removals = re.findall(r'<a class="chip__remove" href="([^"]+)"', chips)
    assert len(removals) == 4
    first = query_of(removals[0].replace("&amp;", "&"))
    assert first == {
        "q": ["a"],
        "sort": ["montant"],
        "commune__not": ["Anglet"],
        "date__lt": ["2025-01-01"],
        "payee": ["oui"],
    }
    assert "Retirer le filtre" in chips
    clear = re.search(r'<a[^>]*href="([^"]*)"[^>]*>Retirer tous les filtres', content).group(1).replace("&amp;", "&")
    assert query_of(clear) == {"q": ["a"], "sort": ["montant"]}


def test_the_full_form_keeps_the_parameters_and_the_filters_it_has_no_field_for(client, loaded):
    dataset, resource, _table = loaded
    content = client.get(url(dataset, resource) + "?commune__not=Anglet&montant__gte=100").content.decode()
    details = content.split('<details class="preview-filters"', 1)[1].split("</details>", 1)[0]
    assert not details.startswith(" open")  # folded away: the chips say what is applied
    assert 'name="commune__contains"' in details and 'name="montant__gte"' in details
    assert 'name="montant__lte"' in details and 'name="date__gte"' in details
    assert '<input type="hidden" name="commune__not" value="Anglet">' in details
    assert 'name="montant__gte" value="100"' in details
    assert '<input type="hidden" name="montant__gte"' not in details  # it has its field


def test_the_search_and_the_add_form_keep_every_active_filter(client, loaded):
    dataset, resource, _table = loaded
    content = client.get(url(dataset, resource) + "?commune__not=Anglet&nombre__isnull=false").content.decode()
    for form_id in ("preview-search", "preview-add-filter"):
        form = content.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
        assert '<input type="hidden" name="commune__not" value="Anglet">' in form, form_id
        assert '<input type="hidden" name="nombre__isnull" value="false">' in form, form_id


def test_the_statistics_write_numbers_the_same_way(client, loaded):
    dataset, resource, _table = loaded
    content = client.get(url(dataset, resource)).content.decode()
    stats = content.split('id="preview-stats-caption"', 1)[1]
    assert '<td class="numeric">0,125</td>' in stats and f'<td class="numeric">1{NBSP}234{NBSP}567</td>' in stats
    assert '<td class="numeric">2023</td>' in stats  # a year, never grouped
