"""Small accessible SVG bar charts for participation results and statistics (server-side, no JavaScript).

The template (participation/surveys/_bar_chart.html) draws an <svg role="img"> with a <title> and a <desc>, each
bar's label and value written as text (never colour alone); the page always adds a table with the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

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
