"""Readers of the Table Schema types: a string in, the typed value out, or `None` when the string is not of the type.

They follow frictionless 5's readers rule for rule (the reference the reports are compared with), without
importing it: integer and number go through Python's `int` and `Decimal` after `strip()`, dates through
`strptime` (with a fast path for ISO dates), booleans through `trueValues`/`falseValues`, and so on.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from auzolan.core.inputs import load_json

try:  # python-dateutil comes with boto3 (a dependency); only the "any" formats and ISO datetimes use it
    from dateutil import parser as dateutil_parser
except ImportError:  # pragma: no cover
    dateutil_parser = None

DEFAULT_TRUE_VALUES = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE_VALUES = ["false", "False", "FALSE", "0"]
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URI_SCHEME = re.compile(r"^[^:/?#]+:")
DURATION = re.compile(
    r"^P(?!$)(\d+(?:[.,]\d+)?Y)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?W)?(\d+(?:[.,]\d+)?D)?"
    r"(T(?=\d)(\d+(?:[.,]\d+)?H)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?S)?)?$"
)
GEOJSON_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Feature",
    "FeatureCollection",
}


def _string_reader(field: dict):
    fmt = field.get("format", "default")
    if fmt == "email":
        match = EMAIL.match
        return lambda cell: cell if match(cell) else None
    if fmt == "uri":
        match = URI_SCHEME.match
        return lambda cell: cell if match(cell) else None
    if fmt == "uuid":

        def read_uuid(cell):
            try:
                UUID(cell)
            except ValueError:
                return None
            return cell

        return read_uuid
    if fmt == "binary":

        def read_binary(cell):
            try:
                base64.b64decode(cell)
            except Exception:
                return None
            return cell

        return read_binary
    return lambda cell: cell


def _number_reader(field: dict):
    decimal_char = field.get("decimalChar", ".")
    group_char = field.get("groupChar", "")
    bare = field.get("bareNumber", True)
    processed = any(key in field for key in ("decimalChar", "groupChar", "bareNumber"))
    strip_pattern = None if bare else re.compile(r"((^[^-\d]*)|(\D*$))")

    def read(cell):
        cell = cell.strip()
        if processed:
            if strip_pattern is not None:
                cell = strip_pattern.sub("", cell)
            cell = cell.replace(group_char, "")
            if decimal_char != "." and "." in cell:
                return None
            cell = cell.replace(decimal_char, ".")
        try:
            return Decimal(cell)
        except Exception:
            return None

    return read


def _integer_reader(field: dict):
    strip_pattern = None if field.get("bareNumber", True) else re.compile(r"((^[^-\d]*)|(\D*$))")

    def read(cell):
        cell = cell.strip()
        if strip_pattern is not None:
            cell = strip_pattern.sub("", cell)
        try:
            return int(cell)
        except Exception:
            return None

    return read


def _boolean_reader(field: dict):
    mapping = dict.fromkeys(field.get("trueValues", DEFAULT_TRUE_VALUES), True)
    mapping.update(dict.fromkeys(field.get("falseValues", DEFAULT_FALSE_VALUES), False))
    return mapping.get


def _date_reader(field: dict):
    fmt = field.get("format", "default")
    if fmt == "any":

        def read_any(cell):
            try:
                return dateutil_parser.parse(cell).date()
            except Exception:
                return None

        return read_any
    pattern = "%Y-%m-%d" if fmt in ("default", "", None) else fmt.replace("fmt:", "")
    strptime = datetime.strptime
    iso = pattern == "%Y-%m-%d"
    is_iso_date = ISO_DATE.fullmatch

    def read(cell):
        if iso and len(cell) == 10 and is_iso_date(cell):
            try:
                return date(int(cell[:4]), int(cell[5:7]), int(cell[8:]))
            except ValueError:
                return None
        try:
            return strptime(cell, pattern).date()
        except Exception:
            return None

    return read


def _datetime_reader(field: dict):
    fmt = field.get("format", "default")

    def read(cell):
        try:
            if fmt == "default":
                if len(cell) < 19 or cell[16] != ":":
                    return None
                return dateutil_parser.isoparse(cell)
            if fmt == "any":
                return dateutil_parser.parse(cell)
            return datetime.strptime(cell, fmt.replace("fmt:", ""))
        except Exception:
            return None

    return read


def _time_reader(field: dict):
    fmt = field.get("format", "default")

    def read(cell):
        try:
            if fmt == "default":
                if len(cell) < 8 or cell[5] != ":":
                    return None
                return dateutil_parser.isoparse(f"2000-01-01T{cell}").timetz()
            if fmt == "any":
                return dateutil_parser.parse(cell).timetz()
            return datetime.strptime(cell, fmt.replace("fmt:", "")).timetz()
        except Exception:
            return None

    return read


def _year_reader(field: dict):
    def read(cell):
        if len(cell) != 4:
            return None
        try:
            value = int(cell)
        except ValueError:
            return None
        return value if 0 <= value <= 9999 else None

    return read


def _yearmonth_reader(field: dict):
    def read(cell):
        try:
            year, month = cell.split("-")
            year, month = int(year), int(month)
        except Exception:
            return None
        return (year, month) if 1 <= month <= 12 else None

    return read


def _duration_reader(field: dict):
    match = DURATION.match
    return lambda cell: cell if match(cell) else None


def _geopoint_reader(field: dict):
    fmt = field.get("format", "default")

    def read(cell):
        try:
            if fmt == "array":
                lon, lat = load_json(cell)
            elif fmt == "object":
                value = load_json(cell)
                if len(value) != 2:
                    return None
                lon, lat = value["lon"], value["lat"]
            else:
                lon, lat = cell.split(",")
                lon, lat = lon.strip(), lat.strip()
            lon, lat = Decimal(lon), Decimal(lat)
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                return None
        except Exception:
            return None
        return (lon, lat)

    return read


def _json_reader(kind: type, geojson: bool = False):
    def make(field: dict):
        def read(cell):
            try:
                value = load_json(cell)
            except Exception:
                return None
            if not isinstance(value, kind):
                return None
            if geojson and value.get("type") not in GEOJSON_TYPES:
                return None
            return _Hashable(value)

        return read

    return make


class _Hashable:
    """A parsed JSON value that can sit in a set (unique checks compare the text)."""

    __slots__ = ("text", "value")

    def __init__(self, value: Any):
        self.value = value
        self.text = json.dumps(value, sort_keys=True)

    def __eq__(self, other):
        return isinstance(other, _Hashable) and other.text == self.text

    def __hash__(self):
        return hash(self.text)

    def __len__(self):
        return len(self.value)


READERS = {
    "string": _string_reader,
    "number": _number_reader,
    "integer": _integer_reader,
    "boolean": _boolean_reader,
    "date": _date_reader,
    "datetime": _datetime_reader,
    "time": _time_reader,
    "year": _year_reader,
    "yearmonth": _yearmonth_reader,
    "duration": _duration_reader,
    "geopoint": _geopoint_reader,
    "geojson": _json_reader(dict, geojson=True),
    "object": _json_reader(dict),
    "array": _json_reader(list),
    "any": lambda field: lambda cell: cell,
}

#: The constraints each type supports (others are ignored, as frictionless does); `unique` applies to all.
SUPPORTED_CONSTRAINTS = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "boolean": ("required", "enum"),
    "object": ("required", "minLength", "maxLength", "enum"),
    "array": ("required", "minLength", "maxLength", "enum"),
    "geojson": ("required", "enum"),
    "geopoint": ("required", "enum"),
    "duration": ("required", "enum"),
    "any": ("required", "enum"),
}
ORDERED = ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum")


def supported_constraints(type_name: str) -> tuple[str, ...]:
    return SUPPORTED_CONSTRAINTS.get(type_name, ORDERED)


def make_reader(field: dict):
    return READERS.get(field.get("type") or "any", READERS["any"])(field)


def coerce_constraint(reader, value):
    """A constraint's value in the field's type (minimum "2020-01-01" of a date field is a date)."""
    if isinstance(value, str):
        return reader(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return value


__all__ = ["READERS", "coerce_constraint", "make_reader", "supported_constraints", "time"]
