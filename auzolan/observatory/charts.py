"""The observatory's drawings as plain data for the templates: one line chart per indicator, month by month, and the
map of the communes coloured by roadmap stage. Nothing here writes markup: the templates draw inline SVG
(`role="img"`, title and description, values written as text, patterns as well as colours) and each drawing is
followed by a table of the same figures. The number formatting and the tick choice are the datastore chart
builder's (`auzolan.datastore.charts`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from auzolan.datastore.charts import nice_ticks, number
from auzolan.observatory.geo import Projection

WIDTH = 760
HEIGHT = 300
MARGIN = {"top": 24, "right": 24, "bottom": 48, "left": 70}

#: Roadmap stages from "not started" to "done": light to dark, each with a pattern (colour is never alone), every
#: stroke and text dark on light. Index = stage (the last colours are reused past 8 stages).
STAGE_FILLS = ("#f2f2f2", "#dceaf7", "#b9d5ee", "#8fbbe2", "#5f9bd1", "#3a7bbf", "#1f5f9e", "#12457a", "#0b2e55")
STAGE_PATTERNS = ("none", "dots", "diagonal", "horizontal", "crosshatch", "vertical", "grid", "circles", "dense")
UNKNOWN_FILL = "#ffffff"


def month_label(month) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


@dataclass
class LineChart:
    slug: str
    title: str
    unit: str
    description: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    points: list[dict] = field(default_factory=list)
    polyline: str = ""
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    axis: dict = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)


def line_chart(*, slug: str, title: str, unit: str, series: list[tuple], percent: bool = False) -> LineChart:
    """`series`: (month, value or None) in month order; `percent`: values are shares (0–1) shown as percentages."""
    chart = LineChart(slug=slug, title=title, unit=unit)

    def shown(value) -> str:
        if value is None:
            return _("non disponible")
        return _("%(value)s %%") % {"value": number(value * 100, 1)} if percent else number(value)

    scaled = [(month, None if value is None else (value * 100 if percent else value)) for month, value in series]
    chart.rows = [{"label": month_label(month), "value": shown(value)} for month, value in series]
    known = [value for _month, value in scaled if value is not None]
    if not known:
        chart.description = _("%(title)s : aucune valeur disponible pour l'instant.") % {"title": title}
        return chart
    ticks = nice_ticks(0, max(max(known), 1 if not percent else 10))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    left, right = MARGIN["left"], WIDTH - MARGIN["right"]
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    step = (right - left) / max(len(scaled) - 1, 1)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / span * (bottom - top), 1)

    coords = []
    for index, (month, value) in enumerate(scaled):
        x = round(left + index * step if len(scaled) > 1 else (left + right) / 2, 1)
        if index % max(1, -(-len(scaled) // 12)) == 0:
            chart.x_labels.append({"x": x, "label": formats.date_format(month, "m/y")})
        if value is None:
            continue
        y = y_of(value)
        coords.append(f"{x},{y}")
        chart.points.append({"x": x, "y": y, "text_y": round(y - 10, 1), "value": chart.rows[index]["value"]})
    chart.polyline = " ".join(coords)
    suffix = " %" if percent else ""
    chart.y_ticks = [{"y": y_of(t), "label": number(t) + suffix} for t in ticks]
    chart.axis = {
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "label_y": bottom + 22,
        "tick_x": left - 8,
    }
    first = next(row for row, (_m, value) in zip(chart.rows, series, strict=True) if value is not None)
    last = next(
        row for row, (_m, value) in zip(reversed(chart.rows), reversed(series), strict=True) if value is not None
    )
    chart.description = _(
        "Courbe : %(title)s, %(count)s mois. De %(first)s (%(first_value)s) à %(last)s (%(last_value)s). "
        "Les valeurs sont détaillées dans le tableau qui suit le graphique."
    ) % {
        "title": title,
        "count": len(series),
        "first": first["label"],
        "first_value": first["value"],
        "last": last["label"],
        "last_value": last["value"],
    }
    return chart


@dataclass
class StageMap:
    width: int
    height: int
    communes: list[dict]
    legend: list[dict]
    drawn: int
    missing: int
    description: str


def stage_key(stage: int | None) -> int | None:
    """The index of a stage's fill and pattern (None: unknown); stages past the palette share its last entry."""
    return None if stage is None else max(0, min(stage, len(STAGE_FILLS) - 1))


def stage_map(
    *, projection: Projection, communes: list, stages: list[dict] | None, stage_total: int
) -> StageMap | None:
    """The map's data: one shape per commune that has an outline, with its fill and pattern by stage (None when no
    commune of the territory has an outline)."""
    shapes, missing = [], 0
    counts: dict = {}
    for row in communes:
        outline = projection.outlines.get(row.commune.insee_code)
        if outline is None:
            missing += 1
            continue
        key = stage_key(row.stage)
        counts[key] = counts.get(key, 0) + 1
        if key is None:
            label = _("étape inconnue") if row.organisation is not None else _("pas d'organisation membre")
        else:
            label = row.facts["stage_label"] or _("étape %(stage)s") % {"stage": row.stage}
        shapes.append(
            {
                "path": outline.path,
                "name": row.commune.name,
                "label": label,
                "fill": UNKNOWN_FILL if key is None else STAGE_FILLS[key],
                "pattern": "obs-unknown" if key is None else f"obs-stage-{key}",
            }
        )
    if not shapes:
        return None
    legend = [
        {
            "id": "obs-unknown",
            "fill": UNKNOWN_FILL,
            "kind": "hatch",
            "label": _("Étape inconnue ou pas d'organisation membre"),
            "count": counts.get(None, 0),
        }
    ]
    for item in stages or []:
        key = stage_key(item["stage"])
        if any(entry["id"] == f"obs-stage-{key}" for entry in legend):
            continue
        legend.append(
            {
                "id": f"obs-stage-{key}",
                "fill": STAGE_FILLS[key],
                "kind": STAGE_PATTERNS[key],
                "label": _("Étape %(stage)s sur %(total)s") % {"stage": item["stage"], "total": stage_total}
                + (f" — {item['label']}" if item["label"] else ""),
                "count": counts.get(key, 0),
            }
        )
    for index, entry in enumerate(legend):
        entry["y"] = 8 + index * 26
    parts = [
        _("Carte des %(count)s communes du territoire, colorées selon l'étape de la feuille de route de leur commune.")
        % {"count": len(shapes)}
    ]
    if stages is None:
        parts.append(_("Les étapes ne sont pas disponibles : toutes les communes apparaissent sans étape."))
    else:
        parts.extend(f"{entry['label']} : {entry['count']}." for entry in legend)
    parts.append(_("Le tableau qui suit donne l'étape de chaque commune."))
    return StageMap(
        width=projection.width,
        height=projection.height,
        communes=shapes,
        legend=legend,
        drawn=len(shapes),
        missing=missing,
        description=" ".join(parts),
    )


def indicator_charts(history: list) -> list[LineChart]:
    """One chart per indicator over the snapshots (`history`, month order)."""
    months = [snapshot.month for snapshot in history]

    def series(values) -> list[tuple]:
        return list(zip(months, values, strict=True))

    return [
        line_chart(
            slug="organisations",
            title=_("Organisations qui publient des données"),
            unit=_("organisations"),
            series=series([s.organisations_publishing for s in history]),
        ),
        line_chart(
            slug="datasets",
            title=_("Jeux de données publiés"),
            unit=_("jeux de données"),
            series=series([s.datasets_published for s in history]),
        ),
        line_chart(
            slug="scdl",
            title=_("Part des jeux SCDL conformes à leur schéma"),
            unit=_("part"),
            series=series([s.scdl_share for s in history]),
            percent=True,
        ),
        line_chart(
            slug="bound",
            title=_("Part des organisations soumises à l'obligation qui publient"),
            unit=_("part"),
            series=series([s.bound_share for s in history]),
            percent=True,
        ),
        line_chart(
            slug="stages",
            title=_("Étape moyenne des organisations suivies par le programme"),
            unit=_("étape"),
            series=series([None if s.mean_stage is None else round(s.mean_stage, 2) for s in history]),
        ),
        line_chart(
            slug="reuses",
            title=_("Réutilisations"),
            unit=_("réutilisations"),
            series=series([s.reuses for s in history]),
        ),
    ]
