"""The map preview of a resource's table: points from a geopoint column, from a pair of latitude/longitude columns
(found by type and by name, as French datasets spell them), or the geometries of a GeoJSON file.

Only points inside the valid ranges reach the page (latitude −90…90, longitude −180…180, not the (0, 0) placeholder
that some exports write for a missing position). At most `MAX_POINTS` points are sent to the browser (a repeatable
random sample of the matching rows above that, and the page says so); at most `MAX_SHAPES` non-point geometries
(`MAX_SHAPE_BYTES` of GeoJSON). The page lists the first `LIST_SIZE` positions as a table: that list is the map's
text alternative and all there is without JavaScript.

The rows come from the query engine's SELECT for the preview's filters and search (`query.export_sql`, identifiers
from the table's columns, values as bound parameters); this module only wraps it to compute coordinates, check
their ranges, count and sample. The map is drawn by `static/js/map-preview.js` with Leaflet (installed from PyPI by
the `xstatic-leaflet` package, served by staticfiles); the base map comes from `MAP_TILE_URL` when one is set, a
plain background otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from auzolan.core.inputs import load_json
from auzolan.datastore import query
from auzolan.datastore.duck import quote
from auzolan.datastore.models import Table

MAX_POINTS = 5_000
MAX_SHAPES = 1_000
MAX_SHAPE_BYTES = 3_000_000
LIST_SIZE = 20
SAMPLE_SEED = 42

#: Column names (lower case, accents removed, separators as "_") read as a latitude or a longitude.
LATITUDE_NAMES = {
    "lat",
    "latitude",
    "y_lat",
    "ylat",
    "lat_y",
    "coord_lat",
    "coordlat",
    "coordonnees_lat",
    "coordonnee_lat",
    "geo_lat",
    "geolat",
    "lat_wgs84",
    "latitude_wgs84",
    "wgs84_lat",
    "y_latitude",
    "latitude_y",
    "lat_dd",
    "latitude_dd",
    "gps_lat",
    "gps_latitude",
    "lat_gps",
    "latitude_gps",
}
LONGITUDE_NAMES = {
    "lon",
    "lng",
    "long",
    "longitude",
    "x_lon",
    "x_long",
    "x_lng",
    "xlon",
    "xlong",
    "lon_x",
    "long_x",
    "lng_x",
    "coord_lon",
    "coord_long",
    "coordlon",
    "coordonnees_lon",
    "coordonnees_long",
    "coordonnee_lon",
    "coordonnee_long",
    "geo_lon",
    "geo_lng",
    "geolon",
    "lon_wgs84",
    "long_wgs84",
    "longitude_wgs84",
    "wgs84_lon",
    "wgs84_long",
    "x_longitude",
    "longitude_x",
    "lon_dd",
    "longitude_dd",
    "gps_lon",
    "gps_long",
    "gps_longitude",
    "lon_gps",
    "long_gps",
    "longitude_gps",
}
#: Preferred label columns, in order (normalised names).
LABEL_NAMES = (
    "nom",
    "name",
    "libelle",
    "label",
    "titre",
    "title",
    "intitule",
    "denomination",
    "raison_sociale",
    "nom_commune",
    "commune",
    "adresse",
    "designation",
)
COORDINATE_TYPES = {"number", "integer", "text"}
#: The columns a GeoJSON file becomes (auzolan.datastore.reading.prepare_geojson).
GEOMETRY_COLUMN = "geometry"
GEOMETRY_WKT_COLUMN = "geometry_wkt"


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclass(frozen=True)
class Source:
    """Where a table's positions are: `kind` is "point" (a geopoint column), "latlon" or "geometry"."""

    kind: str
    latitude: str = ""
    longitude: str = ""
    point: str = ""
    geometry: str = ""
    label: str = ""

    @property
    def columns(self) -> list[str]:
        names = [self.point] if self.kind == "point" else [self.latitude, self.longitude]
        if self.kind == "geometry":
            names = [self.geometry]
        return [n for n in [*names, self.label] if n]


def detect(columns: list[dict]) -> Source | None:
    """The table's positions, or None when it has none: a geopoint column first, then latitude/longitude columns,
    then a GeoJSON file's geometry column."""
    by_normalised: dict[str, dict] = {}
    for column in columns:
        by_normalised.setdefault(normalise(column["name"]), column)
    label = _label(columns)
    for column in columns:
        if column.get("type") == "geopoint":
            return Source(kind="point", point=column["name"], label=label)
    latitude = next(
        (c for n, c in by_normalised.items() if n in LATITUDE_NAMES and c.get("type", "text") in COORDINATE_TYPES),
        None,
    )
    longitude = next(
        (c for n, c in by_normalised.items() if n in LONGITUDE_NAMES and c.get("type", "text") in COORDINATE_TYPES),
        None,
    )
    if latitude and longitude:
        return Source(kind="latlon", latitude=latitude["name"], longitude=longitude["name"], label=label)
    names = {c["name"]: c for c in columns}
    if (
        GEOMETRY_COLUMN in names
        and GEOMETRY_WKT_COLUMN in names
        and names[GEOMETRY_COLUMN].get("type", "text") == "text"
    ):
        return Source(kind="geometry", geometry=GEOMETRY_COLUMN, label=label)
    return None


def _label(columns: list[dict]) -> str:
    texts = [
        c
        for c in columns
        if c.get("type", "text") == "text"
        and normalise(c["name"]) not in LATITUDE_NAMES | LONGITUDE_NAMES
        and c["name"] not in (GEOMETRY_COLUMN, GEOMETRY_WKT_COLUMN)
    ]
    by_normalised = {normalise(c["name"]): c["name"] for c in texts}
    for wanted in LABEL_NAMES:
        if wanted in by_normalised:
            return by_normalised[wanted]
    for column in texts:
        if any(part in LABEL_NAMES for part in normalise(column["name"]).split("_")):
            return column["name"]
    return texts[0]["name"] if texts else ""


def _number(name: str, type_: str) -> str:
    if type_ in ("number", "integer"):
        return f"TRY_CAST({quote(name)} AS DOUBLE)"
    return f"TRY_CAST(replace(trim(CAST({quote(name)} AS VARCHAR)), ',', '.') AS DOUBLE)"


def _positions_sql(table: Table, source: Source, base: query.Query) -> tuple[str, list]:
    """SELECT lat, lon, label (or geometry, label) of the matching rows with valid positions, in table order."""
    types = {c["name"]: c.get("type", "text") for c in table.columns}
    inner, params, _names = query.export_sql(
        table, query.Query(filters=list(base.filters), q=base.q, fields=source.columns)
    )
    label = f"CAST({quote(source.label)} AS VARCHAR)" if source.label else "NULL"
    if source.kind == "geometry":
        sql = (
            f"SELECT {quote(source.geometry)} AS geometry, {label} AS label FROM ({inner}) "  # noqa: S608
            f"WHERE {quote(source.geometry)} IS NOT NULL AND {quote(source.geometry)} <> ''"
        )
        return sql, params
    if source.kind == "point":
        lat, lon = f"{quote(source.point)}.lat", f"{quote(source.point)}.lon"
    else:
        lat = _number(source.latitude, types.get(source.latitude, "text"))
        lon = _number(source.longitude, types.get(source.longitude, "text"))
    sql = (
        f"SELECT lat, lon, label FROM (SELECT {lat} AS lat, {lon} AS lon, {label} AS label FROM ({inner})) "  # noqa: S608
        "WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND NOT (lat = 0 AND lon = 0) "
        "AND isfinite(lat) AND isfinite(lon)"
    )
    return sql, params


def first_positions(table: Table, source: Source, base: query.Query) -> tuple[list[dict], int]:
    """The first `LIST_SIZE` valid positions in table order (the text alternative), and how many there are."""
    sql, params = _positions_sql(table, source, base)
    wrapped = f"SELECT *, count(*) OVER () AS matching FROM ({sql}) LIMIT {LIST_SIZE}"  # noqa: S608
    with query.shared_connection() as con:
        records = query.run(con, wrapped, params, fetch=lambda c: c.fetchall())
    total = records[0][-1] if records else 0
    out = []
    if source.kind == "geometry":
        for geometry, label, _total in records:
            shape = _geometry(geometry)
            if shape is not None:
                out.append({"label": label or "", "kind": shape["type"], "lat": None, "lon": None})
    else:
        for lat, lon, label, _total in records:
            out.append({"label": label or "", "kind": "Point", "lat": lat, "lon": lon})
    return out, int(total)


def features(table: Table, source: Source, base: query.Query) -> dict:
    """A GeoJSON FeatureCollection of the matching positions (sampled above the limits), with `total`, `shown`
    and `sampled` members for the page's message."""
    sql, params = _positions_sql(table, source, base)
    limit = MAX_SHAPES if source.kind == "geometry" else MAX_POINTS
    counted = f"SELECT count(*) FROM ({sql})"  # noqa: S608
    with query.shared_connection() as con:
        total = query.run(con, counted, params, fetch=lambda c: c.fetchone()[0])
        if total > limit:
            chosen = f"SELECT * FROM ({sql}) USING SAMPLE reservoir({limit} ROWS) REPEATABLE ({SAMPLE_SEED})"  # noqa: S608
        else:
            chosen = sql
        records = query.run(con, chosen, params, fetch=lambda c: c.fetchall())
    out, size = [], 0
    truncated = False
    if source.kind == "geometry":
        for geometry, label in records:
            shape = _geometry(geometry)
            if shape is None:
                continue
            size += len(geometry)
            if size > MAX_SHAPE_BYTES:
                truncated = True
                break
            out.append({"type": "Feature", "geometry": shape, "properties": {"label": label or ""}})
    else:
        for lat, lon, label in records:
            out.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                    "properties": {"label": label or ""},
                }
            )
    return {
        "type": "FeatureCollection",
        "features": out,
        "total": int(total),
        "shown": len(out),
        "sampled": bool(total > len(out) or truncated),
    }


def _geometry(text: str | None) -> dict | None:
    """A GeoJSON geometry whose coordinates are all within range, else None."""
    try:
        geometry = load_json(text or "")
    except (TypeError, ValueError):
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in (
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    ):
        return None
    if not _in_range(geometry):
        return None
    return geometry


def _in_range(geometry: dict) -> bool:
    if geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        return isinstance(parts, list) and all(isinstance(g, dict) and _in_range(g) for g in parts)
    return _coordinates_ok(geometry.get("coordinates"))


def _coordinates_ok(coords) -> bool:
    if not isinstance(coords, list) or not coords:
        return False
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in coords):
        return len(coords) >= 2 and -180 <= coords[0] <= 180 and -90 <= coords[1] <= 90
    return all(_coordinates_ok(part) for part in coords)


def tile_settings() -> dict:
    """The base map for the browser: {"url", "attribution"}; an empty url means a plain background."""
    return {
        "url": getattr(settings, "MAP_TILE_URL", "") or "",
        "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", "") or "",
    }
