"""The communes' outlines, projected once to SVG paths (no tiles, no request: a file shipped with the project).

`data/geo/communes-capb.geojson` holds the simplified outlines of the 158 communes of the Communauté
d'Agglomération Pays Basque (IGN Admin Express via gregoiredavid/france-geojson, Licence Ouverte; see
`data/geo/SOURCES.md`). Another territory points the setting `OBSERVATORY_OUTLINES` to its own file (the same shape: a
FeatureCollection whose features carry the INSEE code in `properties.code`); communes without an outline are simply
not drawn, and a territory with none gets the table alone.

The projection is equirectangular around the territory's mean latitude (longitudes scaled by its cosine): at the
scale of a département the distortion is invisible, and it needs no library.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

WIDTH = 760
MARGIN = 8


@dataclass(frozen=True)
class Outline:
    insee: str
    path: str


@dataclass(frozen=True)
class Projection:
    width: int
    height: int
    outlines: dict[str, Outline]


def outlines_path() -> Path:
    return Path(settings.OBSERVATORY_OUTLINES)


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


@functools.cache
def _project(path: str, mtime: float) -> Projection:
    """Read the file and project every outline to the SVG's coordinates (cached per file and modification time)."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    shapes: dict[str, list] = {}
    for feature in collection.get("features") or []:
        code = str((feature.get("properties") or {}).get("code") or "")
        rings = _rings(feature.get("geometry") or {})
        if code and rings:
            shapes.setdefault(code, []).extend(rings)
    points = [point for rings in shapes.values() for ring in rings for point in ring]
    if not points:
        return Projection(WIDTH, 0, {})
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    scale_x = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * scale_x, 1e-9)
    span_y = max(north - south, 1e-9)
    factor = (WIDTH - 2 * MARGIN) / span_x
    height = round(span_y * factor + 2 * MARGIN)

    def xy(point) -> str:
        x = MARGIN + (point[0] - west) * scale_x * factor
        y = MARGIN + (north - point[1]) * factor
        return f"{x:.1f},{y:.1f}"

    outlines = {
        code: Outline(code, " ".join("M" + " L".join(xy(p) for p in ring) + " Z" for ring in rings if len(ring) > 2))
        for code, rings in shapes.items()
    }
    return Projection(WIDTH, height, outlines)


def projection() -> Projection:
    """The projected outlines of the file in use (an empty projection when the file is missing)."""
    path = outlines_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Projection(WIDTH, 0, {})
    return _project(str(path), mtime)
