"""The report's drawing as plain data for the template: per outcome, the mean of each group (pooled classes) at each
wave with its 95 % confidence interval as a whisker. Nothing here writes markup: the template draws inline SVG
(`role="img"`, a title and a description, values written as text, a different marker shape per group so that colour is
never alone) and the table of the same figures (the report's table) follows it. Ticks and number formatting are the
datastore chart builder's, as in the observatory."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from auzolan.datastore.charts import nice_ticks, number

WIDTH = 640
HEIGHT = 280
MARGIN = {"top": 20, "right": 150, "bottom": 44, "left": 56}
STYLES = {
    "intervention": {"colour": "#1f4e9c", "shape": "circle", "offset": -14},
    "comparison": {"colour": "#8a3b00", "shape": "square", "offset": 14},
}


@dataclass
class MeansChart:
    slug: str
    title: str
    description: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    series: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    axis: dict = field(default_factory=dict)


def means_chart(*, slug: str, outcome: dict, waves: list[dict], scale: list[int]) -> MeansChart:
    chart = MeansChart(slug=slug, title=outcome["label"])
    rows = [row for row in outcome["descriptives"] if row["mean"] is not None and row["ci"] and row["group_row"]]
    if not rows:
        chart.description = _("Aucune moyenne publiable pour l'instant.")
        return chart
    ticks = nice_ticks(scale[0], scale[1])
    low, high = ticks[0], ticks[-1]
    left, right = MARGIN["left"], WIDTH - MARGIN["right"]
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    step = (right - left) / max(len(waves), 1)

    def y_of(value: float) -> float:
        value = min(max(value, low), high)
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    centre = {wave["kind"]: round(left + step * (index + 0.5), 1) for index, wave in enumerate(waves)}
    chart.x_labels = [{"x": centre[wave["kind"]], "label": wave["label"]} for wave in waves]
    chart.y_ticks = [{"y": y_of(t), "label": number(t)} for t in ticks]
    chart.axis = {
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "label_y": bottom + 24,
        "tick_x": left - 8,
    }
    parts = []
    for kind, style in STYLES.items():
        points = []
        for row in rows:
            if row["kind"] != kind:
                continue
            x = centre[row["wave"]] + style["offset"]
            points.append(
                {
                    "x": x,
                    "y": y_of(row["mean"]),
                    "y_low": y_of(row["ci"][0]),
                    "y_high": y_of(row["ci"][1]),
                    "square_x": x - 5,
                    "square_y": y_of(row["mean"]) - 5,
                    "text_x": x + (8 if style["offset"] > 0 else -8),
                    "anchor": "start" if style["offset"] > 0 else "end",
                    "value": number(row["mean"]),
                }
            )
            parts.append(
                _("%(group)s, %(wave)s : %(mean)s (IC 95 %% de %(low)s à %(high)s, n = %(n)s)")
                % {
                    "group": row["kind_label"],
                    "wave": row["wave_label"],
                    "mean": number(row["mean"]),
                    "low": number(row["ci"][0]),
                    "high": number(row["ci"][1]),
                    "n": row["n"],
                }
            )
        if points:
            label = next(row["kind_label"] for row in rows if row["kind"] == kind)
            chart.series.append(
                {
                    "kind": kind,
                    "label": label,
                    "colour": style["colour"],
                    "shape": style["shape"],
                    "points": points,
                    "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
                    "legend_y": top + 20 + 24 * len(chart.series),
                }
            )
    chart.description = _("Moyennes avant et après avec leur intervalle de confiance à 95 %% : %(parts)s.") % {
        "parts": " ; ".join(parts)
    }
    return chart
