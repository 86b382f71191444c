"""The map preview of a resource's table: points from what the dataset's declared Table Schema says (a geopoint
field; number fields named or described as latitude and longitude, as SCDL équipements' EQUIP_LAT and EQUIP_LONG),
from a geopoint column, from a pair of latitude/longitude columns (found by type and by name, as French datasets spell
them, or by the words of their names and data dictionary labels), or the geometries of a GeoJSON file.

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


#: Words of a column name that make it a latitude or a longitude ("EQUIP_LAT", "latDepart", "site_longitude").
LATITUDE_WORDS = {"lat", "latitude", "ylat"}
LONGITUDE_WORDS = {"lon", "lng", "long", "longitude", "xlon", "xlong", "xlng"}
#: In a title, a description or a data dictionary label only the full words count ("le long de" is no longitude).
LATITUDE_TEXT_WORDS = {"latitude"}
LONGITUDE_TEXT_WORDS = {"longitude"}
NUMBER_FIELD_TYPES = {"number", "integer", "string"}


@dataclass(frozen=True)
class Source:
    """Where a table's positions are: `kind` is "point" (a geopoint column the ingestion typed, read "lat, lon";
    `swap` when a declared schema says its values are "lon, lat"), "point_text" (a text column a schema declares
    geopoint, in Table Schema's `point_format`: "default" "lon, lat", "array" "[lon, lat]" or "object"), "latlon"
    or "geometry"."""

    kind: str
    latitude: str = ""
    longitude: str = ""
    point: str = ""
    geometry: str = ""
    label: str = ""
    point_format: str = ""
    swap: bool = False

    @property
    def columns(self) -> list[str]:
        names = [self.point] if self.kind in ("point", "point_text") else [self.latitude, self.longitude]
        if self.kind == "geometry":
            names = [self.geometry]
        return [n for n in [*names, self.label] if n]


def _words(text: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text or "")  # latDepart → lat_Depart
    return set(normalise(spaced).split("_")) - {""}


def _axis(name: str, *texts: str) -> str:
    """ "lat", "lon" or "" for a column: its name's words first, then each text (title, label, description) in
    turn; a text naming both axes decides nothing."""
    candidates = [(_words(name), LATITUDE_WORDS, LONGITUDE_WORDS)]
    candidates += [(_words(text), LATITUDE_TEXT_WORDS, LONGITUDE_TEXT_WORDS) for text in texts if text]
    for words, lat_words, lon_words in candidates:
        is_lat, is_lon = bool(words & lat_words), bool(words & lon_words)
        if is_lat != is_lon:
            return "lat" if is_lat else "lon"
        if is_lat and is_lon:
            return ""
    return ""


def _pair(latitudes: list[str], longitudes: list[str]) -> tuple[str, str] | None:
    """A latitude and a longitude column that go together: the same other words ("lat_depart" / "lon_depart"),
    or the only one of each."""
    axis_words = LATITUDE_WORDS | LONGITUDE_WORDS

    def stem(name: str) -> frozenset:
        return frozenset(_words(name) - axis_words)

    for latitude in latitudes:
        for longitude in longitudes:
            if stem(latitude) == stem(longitude):
                return latitude, longitude
    if len(latitudes) == 1 and len(longitudes) == 1:
        return latitudes[0], longitudes[0]
    return None


def _from_schema(columns: list[dict], schema: dict, label: str) -> Source | None:
    """Positions a Table Schema declares: a geopoint field, or number fields said to be a latitude and a longitude
    (by their name, title or description: SCDL équipements' EQUIP_LAT "Latitude", EQUIP_LONG "Longitude")."""
    by_name = {c["name"]: c for c in columns}
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict) and f.get("name") in by_name]
    for field in fields:
        if field.get("type") == "geopoint":
            column = by_name[field["name"]]
            point_format = str(field.get("format") or "default")
            if column.get("type") == "geopoint":
                return Source(kind="point", point=column["name"], label=label, swap=point_format != "object")
            if column.get("type", "text") == "text":
                return Source(kind="point_text", point=column["name"], label=label, point_format=point_format)
    latitudes, longitudes = [], []
    for field in fields:
        column = by_name[field["name"]]
        if field.get("type", "string") not in NUMBER_FIELD_TYPES or column.get("type", "text") not in COORDINATE_TYPES:
            continue
        axis = _axis(field["name"], str(field.get("title") or ""), str(field.get("description") or ""))
        (latitudes if axis == "lat" else longitudes if axis == "lon" else []).append(column["name"])
    pair = _pair(latitudes, longitudes)
    return Source(kind="latlon", latitude=pair[0], longitude=pair[1], label=label) if pair else None


def _from_names(columns: list[dict], label: str) -> Source | None:
    """Latitude/longitude columns by the names French datasets use, then by the words of their names and of their
    data dictionary labels and descriptions."""
    coordinates = [c for c in columns if c.get("type", "text") in COORDINATE_TYPES]
    by_normalised: dict[str, dict] = {}
    for column in coordinates:
        by_normalised.setdefault(normalise(column["name"]), column)
    latitude = next((c for n, c in by_normalised.items() if n in LATITUDE_NAMES), None)
    longitude = next((c for n, c in by_normalised.items() if n in LONGITUDE_NAMES), None)
    if latitude and longitude:
        return Source(kind="latlon", latitude=latitude["name"], longitude=longitude["name"], label=label)
    latitudes, longitudes = [], []
    for column in coordinates:
        if column.get("type", "text") == "text" and not (column.get("label") or column.get("description")):
            continue  # a text column by its name alone would be too loose a guess ("long" = a length)
        axis = _axis(column["name"], column.get("label") or "", column.get("description") or "")
        (latitudes if axis == "lat" else longitudes if axis == "lon" else []).append(column["name"])
    pair = _pair(latitudes, longitudes)
    return Source(kind="latlon", latitude=pair[0], longitude=pair[1], label=label) if pair else None


def detect(columns: list[dict], *, schema: dict | None = None, distinct: dict[str, int] | None = None) -> Source | None:
    """The table's positions, or None when it has none: what the dataset's declared Table Schema says first, then a
    geopoint column, then latitude/longitude columns by name (and data dictionary), then a GeoJSON file's geometry
    column. `distinct` (values per column, from the statistics) picks the most telling label."""
    label = _label(columns, distinct or {})
    if schema:
        source = _from_schema(columns, schema, label)
        if source is not None:
            return source
    for column in columns:
        if column.get("type") == "geopoint":
            return Source(kind="point", point=column["name"], label=label)
    source = _from_names(columns, label)
    if source is not None:
        return source
    names = {c["name"]: c for c in columns}
    if (
        GEOMETRY_COLUMN in names
        and GEOMETRY_WKT_COLUMN in names
        and names[GEOMETRY_COLUMN].get("type", "text") == "text"
    ):
        return Source(kind="geometry", geometry=GEOMETRY_COLUMN, label=label)
    return None


def _label(columns: list[dict], distinct: dict[str, int]) -> str:
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
    named = [c["name"] for c in texts if any(part in LABEL_NAMES for part in normalise(c["name"]).split("_"))]
    if named:
        # "EQUIP_NOM" rather than "COLL_NOM" (the same authority on every row): the most distinct one.
        return max(named, key=lambda name: distinct.get(name, 0))
    return texts[0]["name"] if texts else ""


def _number(name: str, type_: str) -> str:
    if type_ in ("number", "integer"):
        return f"TRY_CAST({quote(name)} AS DOUBLE)"
    return f"TRY_CAST(replace(trim(CAST({quote(name)} AS VARCHAR)), ',', '.') AS DOUBLE)"


def _point_text(source: Source) -> tuple[str, str]:
    """Latitude and longitude SQL of a text geopoint in Table Schema's format: "lon, lat" and "[lon, lat]" (two
    numbers, longitude first) or {"lon": …, "lat": …}."""
    text = f"CAST({quote(source.point)} AS VARCHAR)"
    if source.point_format == "object":

        def member(key: str) -> str:
            pattern = f'"{key}"\\s*:\\s*([-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?)'
            return f"TRY_CAST(regexp_extract({text}, '{pattern}', 1) AS DOUBLE)"

        return member("lat"), member("lon")
    numbers = f"regexp_extract_all({text}, '[-+]?[0-9]+(\\.[0-9]+)?')"
    two = f"len({numbers}) = 2"
    return (
        f"CASE WHEN {two} THEN TRY_CAST({numbers}[2] AS DOUBLE) END",
        f"CASE WHEN {two} THEN TRY_CAST({numbers}[1] AS DOUBLE) END",
    )


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
        if source.swap:
            lat, lon = lon, lat
    elif source.kind == "point_text":
        lat, lon = _point_text(source)
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
