"""The chart builder of the preview page: a bar, line or pie chart of one aggregation, drawn as inline SVG.

The page's GET form (no JavaScript needed) sends `chart` (bar, line, pie), `chart_by` (the group-by column) and
`chart_agg` (`count`, or `sum:col`, `avg:col`, `min:col`, `max:col` of a numeric column — the data API's syntax),
next to the preview's own filters and search, which the aggregation keeps. The aggregation runs through the one
query engine (`query.aggregate`); this module only chooses the groups and computes the geometry: `build()` returns
a `Chart` (plain data: bars, slices, points, ticks, legend, table rows, a text summary) that the template
`datastore/preview/_chart.html` draws. Nothing here produces markup, so every label is escaped by the template.

Groups: bar and pie charts show the largest groups (`BAR_GROUPS`, `PIE_GROUPS`) and, for a count or a sum, one
"Autres" group holding the rest (the total minus the groups shown); a line chart shows the groups in the order of
the group-by column (`LINE_POINTS` at most). A pie chart represents parts of a whole: only a count or a sum of
non-negative values.

Accessibility: the SVG is `role="img"` with a title and a description summarising it (extremes, total, groups
hidden); bars and points carry their value as text next to them; pie slices have a pattern as well as a colour and
a legend with the value and the share of each; every colour has a contrast of at least 4.5:1 with white (text and
graphical objects); the same numbers follow in a table (caption, `th scope`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import formats
from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.datastore import cells, query
from auzolan.datastore.models import Table
from auzolan.datastore.preview import display

KINDS = ("bar", "line", "pie")
MEASURES = ("count", "sum", "avg", "min", "max")
#: Measures whose groups add up to a whole (so that "Autres" and a pie chart make sense).
ADDITIVE = ("count", "sum")
#: Measures that an identifier column never gets (`cells.is_identifier`).
IDENTIFIER_FREE = ("sum", "avg")
#: The chart's own GET parameters (removed before the preview's query: they are not column filters).
PARAMS = ("chart", "chart_by", "chart_agg")
BAR_GROUPS = 20
PIE_GROUPS = 8
LINE_POINTS = 200
#: Groups read to compute "Autres" without a second query (the engine's maximum).
FETCHED_GROUPS = query.MAX_GROUPS
LABEL_CHARS = 28

#: Fill colours, all ≥ 4.5:1 against white (tests check it), each paired with a pattern (index-wise).
PALETTE = ("#1f4e9c", "#a3320b", "#2c6e31", "#6a3d9a", "#7a5300", "#00626b", "#a61e5a", "#3d4a57")
PATTERNS = ("diagonal", "dots", "horizontal", "crosshatch", "vertical", "grid", "reverse-diagonal", "circles")
OTHER_COLOUR = "#595959"
OTHER_PATTERN = "dense-dots"
BAR_COLOUR = "#1f4e9c"
LINE_COLOUR = "#1f4e9c"

# SVG geometry (viewBox units; the SVG scales to the page's width).
WIDTH = 760
BAR_LABEL_WIDTH = 210
BAR_VALUE_WIDTH = 120
BAR_HEIGHT = 22
BAR_GAP = 8
LINE_HEIGHT = 360
LINE_MARGIN = {"top": 20, "right": 30, "bottom": 56, "left": 90}
LINE_X_LABELS = 8
PIE_RADIUS = 140
PIE_CENTRE = 160
LEGEND_X = 340
LEGEND_ROW = 26


# --- The request ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartRequest:
    kind: str
    group_by: str
    function: str
    column: str | None

    @property
    def agg(self) -> str:
        return self.function if self.function == "count" else f"{self.function}:{self.column}"


def is_requested(params: Mapping) -> bool:
    return any(str(params.get(name) or "").strip() for name in PARAMS)


def without_chart(params):
    """A copy of the request's parameters without the chart's (a QueryDict stays a QueryDict)."""
    out = params.copy()
    for name in PARAMS:
        out.pop(name, None)
    return out


def _type_label(type_: str) -> str:
    return str(dict(Table.ColumnType.choices).get(type_, type_))


def parse(params: Mapping, columns: list[dict]) -> ChartRequest:
    """The chart asked for by the GET parameters, checked against the table's columns. Raises ValidationError."""
    by_name = {c["name"]: c for c in columns}
    kind = str(params.get("chart") or "bar").strip()
    if kind not in KINDS:
        raise ValidationError(
            _("Type de graphique inconnu : « %(kind)s ». Types possibles : barres, courbe, secteurs.")
            % {"kind": kind[:50]},
            field="chart",
        )
    group_by = str(params.get("chart_by") or "").strip()
    if not group_by:
        raise ValidationError(_("Choisissez la colonne de regroupement du graphique."), field="chart_by")
    if group_by not in by_name:
        raise ValidationError(
            _("Colonne de regroupement inconnue : « %(name)s ».") % {"name": group_by[:100]}, field="chart_by"
        )
    if by_name[group_by].get("type") == "geopoint":
        raise ValidationError(
            _("La colonne « %(name)s » contient des points géographiques : elle ne peut pas servir de regroupement.")
            % {"name": group_by},
            field="chart_by",
        )
    spec = str(params.get("chart_agg") or "count").strip()
    function, _sep, column = spec.partition(":")
    function = function.strip().lower()
    column = column.strip() or None
    if function not in MEASURES:
        raise ValidationError(
            _("Mesure inconnue : « %(agg)s ». Mesures possibles : nombre, somme, moyenne, minimum, maximum.")
            % {"agg": spec[:50]},
            field="chart_agg",
        )
    if function == "count":
        column = None
    else:
        if not column:
            raise ValidationError(
                _("La mesure « %(measure)s » demande une colonne numérique.") % {"measure": measure_name(function)},
                field="chart_agg",
            )
        if column not in by_name:
            raise ValidationError(
                _("Colonne mesurée inconnue : « %(name)s ».") % {"name": column[:100]}, field="chart_agg"
            )
        type_ = by_name[column].get("type", "text")
        if type_ not in query.NUMERIC:
            raise ValidationError(
                _("La mesure « %(measure)s » demande une colonne numérique ; « %(name)s » est de type %(type)s.")
                % {"measure": measure_name(function), "name": column, "type": _type_label(type_).lower()},
                field="chart_agg",
            )
        if function in IDENTIFIER_FREE and cells.is_identifier(by_name[column]):
            raise ValidationError(
                _(
                    "« %(name)s » contient des identifiants (SIRET, code INSEE, numéro…) : sa %(measure)s n'a pas de "
                    "sens. Comptez les lignes ou regroupez par cette colonne."
                )
                % {"measure": measure_name(function), "name": column},
                field="chart_agg",
            )
    if kind == "pie" and function not in ADDITIVE:
        raise ValidationError(
            _(
                "Un graphique en secteurs montre les parts d'un total : choisissez le nombre de lignes ou une somme, "
                "ou un autre type de graphique."
            ),
            field="chart",
        )
    return ChartRequest(kind=kind, group_by=group_by, function=function, column=column)


def measure_name(function: str) -> str:
    return {
        "count": _("nombre de lignes"),
        "sum": _("somme"),
        "avg": _("moyenne"),
        "min": _("minimum"),
        "max": _("maximum"),
    }[function]


def form_choices(columns: list[dict]) -> dict:
    """The options of the builder's form: chart types, group-by columns, measures (count, then per numeric column)."""
    kinds = [("bar", _("Barres")), ("line", _("Courbe")), ("pie", _("Secteurs"))]
    groups = [(c["name"], c.get("label") or c["name"]) for c in columns if c.get("type") != "geopoint"]
    measures = [("count", _("Nombre de lignes"))]
    for column in columns:
        if column.get("type") in query.NUMERIC:
            label = column.get("label") or column["name"]
            if not cells.is_identifier(column):  # never the sum or the average of SIRETs or codes
                measures += [
                    (f"sum:{column['name']}", _("Somme de %(col)s") % {"col": label}),
                    (f"avg:{column['name']}", _("Moyenne de %(col)s") % {"col": label}),
                ]
            measures += [
                (f"min:{column['name']}", _("Minimum de %(col)s") % {"col": label}),
                (f"max:{column['name']}", _("Maximum de %(col)s") % {"col": label}),
            ]
    return {"kinds": kinds, "groups": groups, "measures": measures}


# --- The chart ------------------------------------------------------------------------------------------------


@dataclass
class Chart:
    kind: str
    title: str
    description: str
    group_label: str
    measure_label: str
    width: int
    height: int
    #: Table rows: {"label", "value" (formatted), "share" (formatted %, pie/additive) , "other"}.
    rows: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    slices: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    patterns: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    polyline: str = ""
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    axis: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    show_share: bool = False
    api_url: str = ""


def number(value, decimals: int = 2) -> str:
    """A number as written in French (grouped thousands, decimal comma, at most `decimals` decimals)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return formats.number_format(int(value), use_l10n=True, force_grouping=True)
    rounded = round(float(value), decimals)
    text = formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    separator = formats.get_format("DECIMAL_SEPARATOR")
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return text


def percent(part: float, whole: float) -> str:
    if not whole:
        return "—"
    return _("%(value)s %%") % {"value": number(part / whole * 100, 1)}


def group_label(value, type_: str) -> str:
    if value is None or value == "":
        return _("(valeur manquante)")
    return display(value, type_)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _group_query(base: query.Query, *, sort: list[str], limit: int) -> query.Query:
    return query.Query(filters=list(base.filters), q=base.q, sort=sort, limit=limit)


def build(table: Table, columns: list[dict], request: ChartRequest, base: query.Query, *, api_base: str = "") -> Chart:
    """Run the aggregation (filters and search of `base` kept) and lay the chart out. Raises ValidationError."""
    by_name = {c["name"]: c for c in columns}
    group_column = by_name[request.group_by]
    group_type = group_column.get("type", "text")
    output = "count" if request.function == "count" else f"{request.function}_{request.column}"
    if request.kind == "line":
        result = query.aggregate(
            table,
            _group_query(base, sort=[request.group_by], limit=LINE_POINTS),
            group_by=[request.group_by],
            aggregates=[request.agg],
        )
    else:
        result = query.aggregate(
            table,
            _group_query(base, sort=[f"-{output}", request.group_by], limit=FETCHED_GROUPS),
            group_by=[request.group_by],
            aggregates=[request.agg],
        )
    groups = [(row[request.group_by], row[output]) for row in result["rows"]]
    total = None
    if request.function in ADDITIVE and request.kind != "line" and result["truncated"]:
        whole = query.aggregate(table, _group_query(base, sort=[], limit=1), group_by=[], aggregates=[request.agg])
        total = (whole["rows"] or [{output: 0}])[0][output] or 0
    return layout(
        request,
        groups,
        group_type=group_type,
        group_name=group_column.get("label") or request.group_by,
        measure_column=(by_name[request.column].get("label") or request.column) if request.column else "",
        truncated=result["truncated"],
        total=total,
        api_url=aggregate_api_url(api_base, request, base, output) if api_base else "",
    )


def aggregate_api_url(api_base: str, request: ChartRequest, base: query.Query, output: str) -> str:
    """The data API's aggregate endpoint for the same groups (filters and search kept)."""
    params = [("group_by", request.group_by), ("agg", request.agg)]
    params.append(("sort", request.group_by if request.kind == "line" else f"-{output}"))
    params.append(("limit", str(LINE_POINTS if request.kind == "line" else FETCHED_GROUPS)))
    if base.q:
        params.append(("q", base.q))
    for item in base.filters:
        key = item.column if item.operator == "exact" else f"{item.column}__{item.operator}"
        params.append((key, str(item.value)))
    return f"{api_base}/data/aggregate?{urlencode(params)}"


def layout(
    request: ChartRequest,
    groups: list[tuple],
    *,
    group_type: str = "text",
    group_name: str = "",
    measure_column: str = "",
    truncated: bool = False,
    total=None,
    api_url: str = "",
) -> Chart:
    """The chart of `groups` — (group value, measure) pairs, largest first for bar and pie, in group order for a
    line. `total` is the measure over every row (when more groups exist than were read); `truncated` says so."""
    measure = measure_name(request.function)
    measure_label = measure.capitalize()
    if request.function != "count":
        measure_label = f"{measure_label} ({measure_column})"
    group_name = group_name or request.group_by
    title = (
        _("Nombre de lignes par %(group)s") % {"group": group_name}
        if request.function == "count"
        else _("%(measure)s de %(column)s par %(group)s")
        % {"measure": measure.capitalize(), "column": measure_column, "group": group_name}
    )
    chart = Chart(
        kind=request.kind,
        title=title,
        description="",
        group_label=group_name,
        measure_label=measure_label,
        width=WIDTH,
        height=0,
        api_url=api_url,
    )
    items = [{"label": group_label(value, group_type), "value": measure_value} for value, measure_value in groups]
    if not items:
        chart.description = _("Aucune ligne ne correspond : le graphique est vide.")
        chart.notes.append(chart.description)
        return chart

    additive = request.function in ADDITIVE
    if request.kind == "line":
        if truncated:
            chart.notes.append(
                _("Seuls les %(count)s premiers groupes (dans l'ordre de « %(group)s ») sont représentés.")
                % {"count": LINE_POINTS, "group": group_name}
            )
        _line(chart, items)
    else:
        limit = PIE_GROUPS if request.kind == "pie" else BAR_GROUPS
        shown, rest = items[:limit], items[limit:]
        if request.kind == "pie" and any((item["value"] or 0) < 0 for item in items):
            raise ValidationError(
                _("Un graphique en secteurs ne peut pas représenter des valeurs négatives : choisissez les barres."),
                field="chart",
            )
        if rest or truncated:
            if additive:
                whole = total if total is not None else sum(item["value"] or 0 for item in items)
                remainder = whole - sum(item["value"] or 0 for item in shown)
                count = len(rest)
                other_label = (
                    _("Autres (plus de %(count)s groupes)") % {"count": number(count)}
                    if truncated
                    else _("Autres (%(count)s groupes)") % {"count": number(count)}
                )
                shown.append({"label": other_label, "value": remainder, "other": True})
            else:
                chart.notes.append(
                    _("Les %(count)s groupes les plus élevés sont représentés, sur %(total)s.")
                    % {
                        "count": limit,
                        "total": (_("plus de %(n)s") % {"n": number(len(items))}) if truncated else number(len(items)),
                    }
                )
        if request.kind == "pie":
            whole = sum(item["value"] or 0 for item in shown)
            if whole <= 0:
                raise ValidationError(
                    _("Le total est nul : il n'y a rien à répartir dans un graphique en secteurs."), field="chart"
                )
            _pie(chart, shown, whole)
        else:
            _bars(chart, shown)
        items = shown
    whole = sum(item["value"] or 0 for item in items) if additive else None
    chart.show_share = bool(additive and whole and all((item["value"] or 0) >= 0 for item in items))
    chart.rows = [
        {
            "label": item["label"],
            "value": number(item["value"]),
            "share": percent(item["value"] or 0, whole) if chart.show_share else "",
            "other": bool(item.get("other")),
        }
        for item in items
    ]
    chart.description = _describe(chart, request, items, whole)
    return chart


def _describe(chart: Chart, request: ChartRequest, items: list[dict], whole) -> str:
    kind = {"bar": _("Diagramme en barres"), "line": _("Courbe"), "pie": _("Diagramme en secteurs")}[request.kind]
    parts = [_("%(kind)s : %(title)s, %(count)s groupes.") % {"kind": kind, "title": chart.title, "count": len(items)}]
    valued = [item for item in items if item["value"] is not None and not item.get("other")]
    if valued:
        high = max(valued, key=lambda item: item["value"])
        low = min(valued, key=lambda item: item["value"])
        if request.kind == "line":
            parts.append(
                _("De %(first)s (%(first_value)s) à %(last)s (%(last_value)s).")
                % {
                    "first": valued[0]["label"],
                    "first_value": number(valued[0]["value"]),
                    "last": valued[-1]["label"],
                    "last_value": number(valued[-1]["value"]),
                }
            )
        parts.append(
            _("Valeur la plus élevée : %(high)s (%(high_value)s) ; la plus basse : %(low)s (%(low_value)s).")
            % {
                "high": high["label"],
                "high_value": number(high["value"]),
                "low": low["label"],
                "low_value": number(low["value"]),
            }
        )
    if whole is not None:
        parts.append(_("Total : %(total)s.") % {"total": number(whole)})
    parts.extend(chart.notes)
    parts.append(_("Les valeurs sont détaillées dans le tableau qui suit le graphique."))
    return " ".join(parts)


def _bars(chart: Chart, items: list[dict]) -> None:
    values = [item["value"] or 0 for item in items]
    low, high = min(0, *values), max(0, *values)
    span = (high - low) or 1
    area_x = BAR_LABEL_WIDTH
    area_width = WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    zero = area_x + (0 - low) / span * area_width
    y = 10
    for item, value in zip(items, values, strict=True):
        end = area_x + (value - low) / span * area_width
        chart.bars.append(
            {
                "label": short(item["label"]),
                "full_label": item["label"],
                "value": number(item["value"]),
                "x": round(min(zero, end), 2),
                "width": round(max(abs(end - zero), 1 if value else 0), 2),
                "y": y,
                "height": BAR_HEIGHT,
                "text_y": y + BAR_HEIGHT / 2 + 5,
                "fill": "url(#chart-pattern-other)" if item.get("other") else BAR_COLOUR,
                "other": bool(item.get("other")),
            }
        )
        y += BAR_HEIGHT + BAR_GAP
    chart.height = y + 10
    chart.axis = {"zero_x": round(zero, 2), "label_x": BAR_LABEL_WIDTH - 8, "value_x": WIDTH - 4, "bottom": y}
    if any(item.get("other") for item in items):
        chart.patterns = [{"id": "chart-pattern-other", "colour": OTHER_COLOUR, "kind": OTHER_PATTERN}]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (about `count` of them)."""
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _line(chart: Chart, items: list[dict]) -> None:
    values = [item["value"] for item in items]
    known = [v for v in values if v is not None] or [0]
    ticks = nice_ticks(min(0, min(known)) if min(known) >= 0 else min(known), max(known))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    left, right = LINE_MARGIN["left"], WIDTH - LINE_MARGIN["right"]
    top, bottom = LINE_MARGIN["top"], LINE_HEIGHT - LINE_MARGIN["bottom"]
    step = (right - left) / max(len(items) - 1, 1)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / span * (bottom - top), 2)

    coords = []
    for index, item in enumerate(items):
        x = round(left + index * step if len(items) > 1 else (left + right) / 2, 2)
        if item["value"] is None:
            continue
        y = y_of(item["value"])
        coords.append(f"{x},{y}")
        chart.points.append(
            {"x": x, "y": y, "label": item["label"], "value": number(item["value"]), "text_y": round(y - 10, 2)}
        )
    chart.polyline = " ".join(coords)
    chart.y_ticks = [{"y": y_of(t), "label": number(t)} for t in ticks]
    shown = max(1, math.ceil(len(items) / LINE_X_LABELS))
    for index in range(0, len(items), shown):
        x = round(left + index * step if len(items) > 1 else (left + right) / 2, 2)
        chart.x_labels.append({"x": x, "label": short(items[index]["label"], 14)})
    chart.height = LINE_HEIGHT
    chart.axis = {"left": left, "right": right, "top": top, "bottom": bottom, "label_y": bottom + 22}
    # Value labels on the points only when they do not crowd each other.
    chart.axis["point_values"] = len(chart.points) <= 16


def _pie(chart: Chart, items: list[dict], whole: float) -> None:
    cx = cy = PIE_CENTRE
    r = PIE_RADIUS
    angle = -math.pi / 2
    for index, item in enumerate(items):
        value = item["value"] or 0
        if item.get("other"):
            pattern = {"id": "chart-pattern-other", "colour": OTHER_COLOUR, "kind": OTHER_PATTERN}
        else:
            pattern = {
                "id": f"chart-pattern-{index}",
                "colour": PALETTE[index % len(PALETTE)],
                "kind": PATTERNS[index % len(PATTERNS)],
            }
        chart.patterns.append(pattern)
        sweep = value / whole * 2 * math.pi
        if value / whole >= 0.9999:
            path = ""
        elif sweep > 0:
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            path = f"M {cx} {cy} L {x1:.2f} {y1:.2f} A {r} {r} 0 {large} 1 {x2:.2f} {y2:.2f} Z"
        else:
            path = None
        if path is not None:
            chart.slices.append(
                {
                    "path": path,
                    "full": path == "",
                    "fill": f"url(#{pattern['id']})",
                    "label": item["label"],
                    "value": number(value),
                    "share": percent(value, whole),
                }
            )
        angle += sweep
        chart.legend.append(
            {
                "y": 20 + index * LEGEND_ROW,
                "text_y": 20 + index * LEGEND_ROW + 13,
                "fill": f"url(#{pattern['id']})",
                "label": short(item["label"], 34),
                "value": number(value),
                "share": percent(value, whole),
            }
        )
    chart.height = max(2 * PIE_CENTRE, 20 + len(items) * LEGEND_ROW + 10)
    chart.axis = {"cx": cx, "cy": cy, "r": r, "legend_x": LEGEND_X, "legend_text_x": LEGEND_X + 28}
