"""The chart builder of the preview: parameters, groups (top N + "Autres"), geometry, escaping, and the page."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict

from auzolan.core.errors import ValidationError
from auzolan.datastore import charts
from tests.datastore.tabledata import load_published, preview_path

COLUMNS = [
    {"name": "commune", "type": "text", "label": ""},
    {"name": "montant", "type": "number", "label": "Montant"},
    {"name": "date", "type": "date", "label": ""},
    {"name": "nombre", "type": "integer", "label": ""},
    {"name": "point", "type": "geopoint", "label": ""},
]


def request(kind="bar", by="commune", agg="count"):
    return charts.ChartRequest(
        kind=kind, group_by=by, function=agg.partition(":")[0], column=agg.partition(":")[2] or None
    )


# --- Parameters -----------------------------------------------------------------------------------------------


def test_parse_a_valid_request():
    wanted = charts.parse({"chart": "pie", "chart_by": "commune", "chart_agg": "sum:montant"}, COLUMNS)
    assert wanted == charts.ChartRequest(kind="pie", group_by="commune", function="sum", column="montant")
    assert wanted.agg == "sum:montant"
    assert charts.parse({"chart_by": "commune"}, COLUMNS).agg == "count"  # bar and count by default


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"chart": "radar", "chart_by": "commune"}, "Type de graphique inconnu"),
        ({"chart": "bar"}, "Choisissez la colonne de regroupement"),
        ({"chart_by": "inconnue"}, "Colonne de regroupement inconnue : « inconnue »"),
        ({"chart_by": "point"}, "points géographiques"),
        ({"chart_by": "commune", "chart_agg": "median:montant"}, "Mesure inconnue"),
        ({"chart_by": "commune", "chart_agg": "sum"}, "demande une colonne numérique"),
        ({"chart_by": "commune", "chart_agg": "sum:absente"}, "Colonne mesurée inconnue"),
        ({"chart_by": "commune", "chart_agg": "avg:commune"}, "« commune » est de type texte"),
        ({"chart_by": "commune", "chart_agg": "max:date"}, "demande une colonne numérique"),
        ({"chart": "pie", "chart_by": "commune", "chart_agg": "avg:montant"}, "parts d'un total"),
    ],
)
def test_parse_refuses_bad_parameters_in_french(params, message):
    with pytest.raises(ValidationError) as error:
        charts.parse(params, COLUMNS)
    assert message in error.value.message


def test_form_choices_offer_numeric_measures_only():
    choices = charts.form_choices(COLUMNS)
    values = [value for value, _label in choices["measures"]]
    assert values[0] == "count" and "sum:montant" in values and "avg:nombre" in values
    assert not any(v.endswith(":commune") or v.endswith(":date") for v in values)
    assert "point" not in [value for value, _label in choices["groups"]]


def test_without_chart_keeps_the_other_parameters():
    params = QueryDict("chart=bar&chart_by=commune&chart_agg=count&q=x&montant__gte=3")
    assert charts.without_chart(params).urlencode() == "q=x&montant__gte=3"


# --- Groups and geometry --------------------------------------------------------------------------------------


def test_bar_keeps_the_top_groups_and_sums_the_rest_as_autres():
    groups = [(f"G{i:02d}", 100 - i) for i in range(30)]
    chart = charts.layout(request(), groups)
    assert len(chart.bars) == charts.BAR_GROUPS + 1
    other = chart.bars[-1]
    assert other["other"] and other["label"].startswith("Autres (10 groupes)")
    assert other["value"] == charts.number(sum(100 - i for i in range(20, 30)))
    assert chart.rows[-1]["other"] and chart.rows[0]["label"] == "G00"
    # Shares add up to the whole
    assert chart.show_share and chart.rows[0]["share"].endswith("%")
    # The largest bar is the widest, widths proportional
    assert chart.bars[0]["width"] > chart.bars[1]["width"] > 0
    assert chart.patterns and chart.patterns[0]["id"] == "chart-pattern-other"


def test_autres_uses_the_total_when_the_groups_were_truncated():
    groups = [(f"G{i}", 10) for i in range(25)]
    chart = charts.layout(request(), groups, truncated=True, total=1000)
    assert chart.rows[-1]["label"].startswith("Autres (plus de 5 groupes)")
    assert chart.rows[-1]["value"] == charts.number(1000 - 200)


def test_a_non_additive_measure_has_no_autres_but_a_note():
    groups = [(f"G{i}", 50.5 - i) for i in range(25)]
    chart = charts.layout(request(agg="avg:montant"), groups, measure_column="Montant")
    assert len(chart.bars) == charts.BAR_GROUPS
    assert not any(bar["other"] for bar in chart.bars)
    assert any("20 groupes les plus élevés" in note and "25" in note for note in chart.notes)
    assert not chart.show_share
    assert chart.title == "Moyenne de Montant par commune"


def test_negative_values_draw_from_the_zero_line():
    chart = charts.layout(request(agg="sum:montant"), [("A", 10), ("B", -5)], measure_column="Montant")
    a, b = chart.bars
    zero = chart.axis["zero_x"]
    assert a["x"] == pytest.approx(zero) and b["x"] + b["width"] == pytest.approx(zero)
    assert not chart.show_share  # shares of a sum with negative parts mean nothing


def test_pie_keeps_eight_groups_plus_autres_with_a_pattern_each():
    groups = [(f"G{i}", 20 - i) for i in range(12)]
    chart = charts.layout(request(kind="pie"), groups)
    assert len(chart.slices) == charts.PIE_GROUPS + 1 == len(chart.legend)
    assert len({p["id"] for p in chart.patterns}) == len(chart.patterns) == 9
    assert len({(p["colour"], p["kind"]) for p in chart.patterns}) == 9
    assert chart.legend[0]["share"] == charts.percent(20, sum(20 - i for i in range(12)))
    assert all(s["path"].startswith("M 160 160 L") for s in chart.slices)


def test_pie_of_a_single_group_is_a_full_circle():
    chart = charts.layout(request(kind="pie"), [("Seul", 4)])
    assert chart.slices[0]["full"] and chart.legend[0]["share"] == "100 %"


def test_pie_refuses_negative_values_and_a_zero_total():
    with pytest.raises(ValidationError, match="négatives"):
        charts.layout(request(kind="pie", agg="sum:montant"), [("A", 5), ("B", -1)])
    with pytest.raises(ValidationError, match="total est nul"):
        charts.layout(request(kind="pie", agg="sum:montant"), [("A", 0), ("B", None)])


def test_line_follows_the_group_order_with_nice_ticks():
    groups = [(2020 + i, v) for i, v in enumerate([3, 7, 5, 12])]
    chart = charts.layout(request(kind="line", by="annee"), groups, group_type="integer")
    xs = [p["x"] for p in chart.points]
    assert xs == sorted(xs) and len(xs) == 4
    assert [p["label"] for p in chart.points] == ["2020", "2021", "2022", "2023"]
    assert chart.y_ticks[0]["label"] == "0" and chart.y_ticks[-1]["label"] in ("12", "12,5", "14", "15")
    assert chart.polyline.count(",") == 4
    assert "De 2020 (3) à 2023 (12)" in chart.description


def test_missing_group_values_and_dates_are_labelled_in_french():
    chart = charts.layout(request(by="date"), [(None, 3), ("2024-01-15", 2)], group_type="date")
    assert [r["label"] for r in chart.rows] == ["(valeur manquante)", "15/01/2024"]


def test_empty_result():
    chart = charts.layout(request(), [])
    assert chart.rows == [] and "vide" in chart.description


def test_numbers_are_written_in_french():
    assert re.sub(r"\s", " ", charts.number(1234567)) == "1 234 567"
    assert charts.number(12.5) == "12,5" and charts.number(2.0) == "2" and charts.number(None) == "—"
    assert charts.number(1 / 3) == "0,33"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", [*charts.PALETTE, charts.OTHER_COLOUR, charts.BAR_COLOUR, charts.LINE_COLOUR])
def test_colours_contrast_with_white(colour):
    assert (1.05) / (_luminance(colour) + 0.05) >= 4.5


def test_description_summarises_extremes_and_total():
    chart = charts.layout(request(), [("Bayonne", 9), ("Anglet", 8), ("Biarritz", 2)])
    assert "Diagramme en barres" in chart.description and "3 groupes" in chart.description
    assert "Bayonne (9)" in chart.description and "Biarritz (2)" in chart.description
    assert "Total : 19" in chart.description


# --- The page -------------------------------------------------------------------------------------------------

CSV = (
    "commune;montant;annee;libelle\n"
    "Bayonne;100;2021;a\nBayonne;50;2022;b\nAnglet;30;2021;c\nBiarritz;20;2023;d\n"
    "<script>alert(1)</script>;5;2023;e\n"
)


@pytest.fixture
def loaded(transactional_db):
    return load_published(CSV)


url = preview_path


def svg_of(content: str) -> str:
    return content.split('<svg class="chart__svg"', 1)[1].split("</svg>", 1)[0]


def test_page_without_chart_parameters_shows_the_builder_only(client, loaded):
    dataset, resource, _table = loaded
    response = client.get(url(dataset, resource))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-kind"' in content and 'name="chart_by"' in content
    assert "chart__svg" not in content


def test_bar_chart_of_a_sum_on_the_page(client, loaded):
    dataset, resource, _table = loaded
    response = client.get(url(dataset, resource), {"chart": "bar", "chart_by": "commune", "chart_agg": "sum:montant"})
    content = response.content.decode()
    assert response.status_code == 200
    svg = svg_of(content)
    assert 'role="img"' in content and '<title id="chart-svg-title">' in svg
    assert svg.count("<rect ") == 4
    # Coordinates keep a decimal point in French pages (never "12,5" in an attribute)
    assert not re.search(r'(?:x|y|width|height)="[0-9.-]*,', svg)
    assert ">150<" in svg and ">Bayonne<" in svg
    # The hostile label is text, escaped, never markup
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    # The data table under the chart
    table = content.split('id="chart-table-caption"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">Bayonne</th><td class="numeric">150</td>' in table
    assert "Part du total" in table
    # The API link carries the same aggregation
    assert "/data/aggregate?group_by=commune&amp;agg=sum%3Amontant" in content
    # The chart's parameters are not taken for column filters: the rows are all there
    assert "5 lignes" in content


def test_chart_keeps_the_current_filters(client, loaded):
    dataset, resource, _table = loaded
    response = client.get(
        url(dataset, resource), {"chart": "pie", "chart_by": "commune", "montant__gte": "30", "chart_agg": "count"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    legend = re.findall(r"font-size=\"14\">([^<]*)</text>", svg_of(content))
    assert legend == ["Bayonne : 2 (66,7 %)", "Anglet : 1 (33,3 %)"]
    assert "montant__gte=30" in content.split("/data/aggregate?", 1)[1].split('"', 1)[0]
    # The builder's form carries the filter as a hidden input, the search form the chart
    assert '<input type="hidden" name="montant__gte" value="30">' in content
    assert '<input type="hidden" name="chart_by" value="commune">' in content


def test_line_chart_in_group_order(client, loaded):
    dataset, resource, _table = loaded
    response = client.get(url(dataset, resource), {"chart": "line", "chart_by": "annee", "chart_agg": "count"})
    svg = svg_of(response.content.decode())
    assert response.status_code == 200
    assert "<polyline" in svg and svg.count("<circle") == 3
    assert svg.index(">2021<") < svg.index(">2022<") < svg.index(">2023<")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"chart_by": "commune", "chart_agg": "sum:commune"}, "demande une colonne numérique"),
        ({"chart_by": "inconnue"}, "Colonne de regroupement inconnue"),
        ({"chart": "pie", "chart_by": "commune", "chart_agg": "max:montant"}, "montre les parts"),
        ({"chart": "<b>x</b>", "chart_by": "commune"}, "Type de graphique inconnu : « &lt;b&gt;x&lt;/b&gt; »"),
    ],
)
def test_bad_chart_parameters_are_a_400_with_a_french_message(client, loaded, params, message):
    dataset, resource, _table = loaded
    response = client.get(url(dataset, resource), params)
    content = response.content.decode()
    assert response.status_code == 400
    assert "Ce graphique ne peut pas être construit." in content and message in content
    assert "chart__svg" not in content
    assert "5 lignes" in content  # the rest of the page still works


def test_chart_with_a_bad_filter_shows_the_filter_error(client, loaded):
    dataset, resource, _table = loaded
    response = client.get(url(dataset, resource), {"chart_by": "commune", "montant__gte": "abc"})
    assert response.status_code == 400
    assert "Valeur invalide pour la colonne montant" in response.content.decode()
