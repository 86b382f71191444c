"""The territory training map as plain data for the template: the communes coloured by how many élus and agents were
trained, drawn with the observatory's projected outlines (`observatory.geo.projection`, a file shipped with the
project) and its palette of fills and patterns (`observatory.charts.STAGE_FILLS` / `STAGE_PATTERNS`, colour never
alone). Learning sits above the observatory in the app layers, so it imports them directly. Small counts are hidden
with participation's rule (`participation.small_counts.protect_small_counts`: 1 to 4 people, and the smallest other
figure of a column when exactly one is hidden)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from auzolan.observatory import charts, geo
from auzolan.participation.small_counts import SMALL_COUNT, protect_small_counts

COLUMNS = ("elected", "agent", "total")
#: The classes of the map, by people trained (the first is "none"; a hidden figure has the hatched fill).
BINS = ((0, 0), (SMALL_COUNT, 9), (10, 19), (20, 49), (50, None))
HIDDEN = "obs-unknown"


@dataclass
class TrainingMap:
    width: int
    height: int
    communes: list[dict]
    legend: list[dict]
    missing: int
    description: str


def protected_rows(rows: list[dict]) -> list[dict]:
    """The rows with `cells` where the public must not see a small figure (None)."""
    return protect_small_counts(rows, COLUMNS)


def _bin(total: int) -> int:
    for index, (low, high) in enumerate(BINS):
        if total >= low and (high is None or total <= high):
            return index
    return 0


def _bin_label(index: int) -> str:
    low, high = BINS[index]
    if index == 0:
        return _("Aucune personne formée")
    if high is None:
        return _("%(low)s personnes formées ou plus") % {"low": low}
    return _("De %(low)s à %(high)s personnes formées") % {"low": low, "high": high}


def patterns() -> list[dict]:
    return [
        {"id": f"obs-stage-{index}", "fill": fill, "kind": kind}
        for index, (fill, kind) in enumerate(zip(charts.STAGE_FILLS, charts.STAGE_PATTERNS, strict=True))
    ]


def training_map(rows: list[dict], *, topic_label: str = "") -> TrainingMap | None:
    """`rows` from `protected_rows`. None when no commune has an outline (the table alone is shown)."""
    projection = geo.projection()
    shapes, missing, counts = [], 0, {}
    for row in rows:
        outline = projection.outlines.get(row["commune"].insee_code)
        if outline is None:
            missing += 1
            continue
        if "total" in row["hidden"]:
            key, label = HIDDEN, _("moins de 5 personnes formées, ou chiffre masqué")
        else:
            index = _bin(row["total"])
            key = f"obs-stage-{index}"
            label = _("%(count)s personnes formées") % {"count": row["total"]}
        counts[key] = counts.get(key, 0) + 1
        shapes.append({"path": outline.path, "name": row["commune"].name, "label": label, "pattern": key})
    if not shapes:
        return None
    legend = [{"id": f"obs-stage-{index}", "label": _bin_label(index)} for index in range(len(BINS))]
    legend.insert(1, {"id": HIDDEN, "label": _("Moins de %(small)s, chiffre masqué") % {"small": SMALL_COUNT}})
    for entry in legend:
        entry["count"] = counts.get(entry["id"], 0)
    subject = _("sur le thème « %(topic)s »") % {"topic": topic_label} if topic_label else _("tous thèmes confondus")
    parts = [
        _(
            "Carte des %(count)s communes du territoire, colorées selon le nombre d'élus et d'agents formés "
            "(au moins un module terminé) %(subject)s."
        )
        % {"count": len(shapes), "subject": subject}
    ]
    parts.extend(f"{entry['label']} : {entry['count']}." for entry in legend)
    parts.append(_("Le tableau qui suit donne les chiffres de chaque commune."))
    return TrainingMap(
        width=projection.width,
        height=projection.height,
        communes=shapes,
        legend=legend,
        missing=missing,
        description=" ".join(parts),
    )
