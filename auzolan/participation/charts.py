"""Small accessible SVG bar charts for participation results and statistics (server-side, no JavaScript).

The template (participation/surveys/_bar_chart.html) draws an <svg role="img"> with a <title> and a <desc>, each
bar's label and value written as text (never colour alone); the page always adds a table with the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.participation.models import Question

WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 18
ROW_GAP = 12
VALUE_SPACE = 90
MAX_LABEL = 70


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y_label: int
    y_bar: int
    width: int
    x_value: int


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    bar_height: int


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(*, title: str, description: str, items: list[tuple[str, float, str]]) -> BarChart | None:
    """`items`: (label, value, value as text). Bars are proportional to the largest value; None if no item."""
    if not items:
        return None
    largest = max((value for _label, value, _text in items), default=0) or 1
    usable = WIDTH - VALUE_SPACE
    bars = []
    y = 0
    for label, value, text in items:
        width = round(usable * max(value, 0) / largest)
        y_label = y + LABEL_HEIGHT - 4
        y_bar = y + LABEL_HEIGHT
        bars.append(Bar(_short(label), text, y_label, y_bar, width, width + 6))
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return BarChart(title, description, bars, WIDTH, y, BAR_HEIGHT)


def survey_result_charts(results: dict) -> list[dict]:
    """Each question of `selectors.surveys.survey_results` with its bar chart (None when nothing may be drawn) and a
    unique `chart_id`; hidden figures are drawn as empty bars labelled "moins de 5"."""
    items = []
    for item in results["questions"]:
        question = item["question"]
        chart = None
        small = _("moins de %(n)d") % {"n": results["threshold"]}
        if item["respondents"] is None:
            chart = None  # too few people answered: no distribution is shown to the public
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE):
            chart = bar_chart(
                title=question.label,
                description=ngettext(
                    "Nombre de réponses par choix, sur %(n)d personne ayant répondu à la question.",
                    "Nombre de réponses par choix, sur %(n)d personnes ayant répondu à la question.",
                    item["respondents"],
                )
                % {"n": item["respondents"]},
                items=[
                    (row["label"], 0, small)
                    if row["count"] is None
                    else (row["label"], row["count"], f"{row['count']} ({row['percent']} %)")
                    for row in item["rows"]
                ],
            )
        elif question.kind == Question.Kind.RANKING:
            chart = bar_chart(
                title=question.label,
                description=_("Score de Borda de chaque choix (plus il est grand, mieux le choix est classé)."),
                items=[
                    (row["label"], 0, small)
                    if row["borda"] is None
                    else (row["label"], row["borda"], str(row["borda"]))
                    for row in item["rows"]
                ],
            )
        items.append({**item, "chart": chart, "chart_id": f"chart-{question.pk}"})
    return items
