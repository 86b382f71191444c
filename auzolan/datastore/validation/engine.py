"""The validation engine: a header and rows of strings against a Table Schema, with frictionless's error codes.

Built for speed: rows are taken in batches and checked column by column. Each column's distinct values are
checked once (real files repeat dates, codes and names a lot), the results are kept in a bounded cache,
and an error object is only made for a failing cell. The rules (which error, on which row and field) are
frictionless 5's, so that the reports can be compared: see tests/datastore/test_validation_vs_frictionless.py.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterable, Iterator
from itertools import chain, filterfalse, islice

from django.utils.translation import gettext as _

from auzolan.core.errors import ValidationError
from auzolan.datastore.validation import french
from auzolan.datastore.validation.positions import positions
from auzolan.datastore.validation.report import Report
from auzolan.datastore.validation.types import coerce_constraint, make_reader, supported_constraints

BATCH_ROWS = 20_000
CACHE_MAX = 200_000
#: Stands for a cell absent from a short row (a string, so that the C-level filters can read it; no CSV holds it).
MISSING = "\x00\x01auzolan:missing-cell\x01\x00"
BLANK = object()  # kept for the readers of `evaluate`; blank rows are taken out of the batch

# Order of the errors inside a row, as frictionless lists them.
CELL, EXTRA, MISSING_CELL, UNIQUE, PRIMARY = 0, 1, 2, 3, 4


def _check_min_length(limit, value):
    return len(value) >= limit


def _check_max_length(limit, value):
    return len(value) <= limit


def _check_minimum(limit, value):
    return value == value and value >= limit


def _check_maximum(limit, value):
    return value == value and value <= limit


def _check_exclusive_minimum(limit, value):
    return value == value and value > limit


def _check_exclusive_maximum(limit, value):
    return value == value and value < limit


def _check_pattern(regex, value):
    return regex.match(value) is not None


def _check_enum(allowed, value):
    return value in allowed


CHECKS = {
    "minLength": _check_min_length,
    "maxLength": _check_max_length,
    "minimum": _check_minimum,
    "maximum": _check_maximum,
    "exclusiveMinimum": _check_exclusive_minimum,
    "exclusiveMaximum": _check_exclusive_maximum,
    "pattern": _check_pattern,
    "enum": _check_enum,
}


class FieldPlan:
    """What to check in one column, compiled once."""

    def __init__(self, field: dict, number: int, schema_missing: list[str], warnings: list[str]):
        self.field = field
        self.name = field.get("name", "")
        self.number = number
        self.type = field.get("type") or "any"
        self.reader = make_reader(field)
        self.missing = set(field.get("missingValues", schema_missing))
        constraints = field.get("constraints") or {}
        self.constraints = constraints
        self.required = bool(constraints.get("required"))
        self.unique = bool(constraints.get("unique"))
        self.checks: list[tuple[str, object, object]] = []
        for name in supported_constraints(self.type):
            if name == "required" or constraints.get(name) is None:
                continue
            value = constraints[name]
            try:
                if name == "pattern":
                    limit = re.compile(f"^{value}$")
                elif name == "enum":
                    limit = [coerce_constraint(self.reader, item) for item in value]
                elif name in ("minLength", "maxLength"):
                    limit = int(value)
                else:
                    limit = coerce_constraint(self.reader, value)
                    if limit is None:
                        raise ValueError(value)
            except (re.error, ValueError, TypeError):
                warnings.append(
                    _("La contrainte « %(constraint)s » du champ « %(field)s » est invalide : elle est ignorée.")
                    % {"constraint": name, "field": self.name}
                )
                continue
            self.checks.append((name, CHECKS[name], limit))
        known = {"required", "unique", *supported_constraints(self.type)}
        for name in constraints:
            if name not in known:
                warnings.append(
                    _(
                        "La contrainte « %(constraint)s » n'existe pas pour le type %(type)s du champ « %(field)s » : elle est ignorée."  # noqa: E501
                    )
                    % {"constraint": name, "type": self.type, "field": self.name}
                )
        # A plain text column (no format, no constraint) can only fail on missing values.
        self.plain = self.type in ("string", "any") and field.get("format", "default") == "default" and not self.checks
        self.specials = self.missing | {MISSING, BLANK}
        self.fast = self._fast_filter(field)
        self.cache: dict = {}
        self.dense: bool | None = None  # few distinct values per batch: check the set of values, not each cell

    def _fast_filter(self, field: dict):
        """A C-level test that accepts only values certainly valid (others go through the full check), or None."""
        names = {name for name, _check, _limit in self.checks}
        fmt = field.get("format", "default")
        if self.type == "string" and fmt == "default" and names == {"pattern"}:
            return self.checks[0][2].match
        if self.type == "string" and fmt == "default" and names and names <= {"minLength", "maxLength"}:
            low = int(self.constraints.get("minLength") or 0)
            high = self.constraints.get("maxLength")
            return re.compile(f"(?s).{{{low},{'' if high is None else int(high)}}}").fullmatch
        if self.type == "string" and fmt == "default" and names == {"enum"}:
            return frozenset(self.checks[0][2]).__contains__
        if names:
            return None
        if self.type == "number" and not any(k in field for k in ("decimalChar", "groupChar", "bareNumber")):
            return re.compile(r"-?\d{1,15}(?:\.\d{1,15})?").fullmatch
        if self.type == "integer" and field.get("bareNumber", True):
            return re.compile(r"-?\d{1,18}").fullmatch
        if self.type == "date" and fmt in ("default", "", None):
            return re.compile(r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])").fullmatch
        if self.type == "boolean":
            values = {
                *field.get("trueValues", ["true", "True", "TRUE", "1"]),
                *field.get("falseValues", ["false", "False", "FALSE", "0"]),
            }
            return frozenset(values - self.missing).__contains__
        return None

    def evaluate(self, value) -> tuple[object, tuple]:
        """(typed value, errors) of one distinct value; errors are (order, type, constraint) triples."""
        if value is BLANK:
            return None, ()
        if value == MISSING:
            errors = ((MISSING_CELL, "missing-cell", None),)
            if self.required:
                errors = ((CELL, "constraint-error", "required"), *errors)
            return None, errors
        if value in self.missing:
            return None, (((CELL, "constraint-error", "required"),) if self.required else ())
        parsed = self.reader(value)
        if parsed is None:
            return None, ((CELL, "type-error", None),)
        errors = tuple(
            (CELL, "constraint-error", name) for name, check, limit in self.checks if not check(limit, parsed)
        )
        return parsed, errors

    def lookup(self, value):
        result = self.cache.get(value)
        if result is None:
            if len(self.cache) >= CACHE_MAX:
                self.cache.clear()
            result = self.cache[value] = self.evaluate(value)
        return result


def expected_fields(labels: list[str], fields: list[dict]) -> list[dict]:
    """The field each column is read with (by position, like frictionless's default `exact` mode)."""
    result = []
    used: set[str] = set()
    for position, label in enumerate(labels):
        if position < len(fields):
            field = fields[position]
        else:
            name, suffix = label, 2
            while name in used:
                name, suffix = f"{label}{suffix}", suffix + 1
            field = {"name": name, "type": "any"}
        used.add(field.get("name", ""))
        result.append(field)
    return result


def label_errors(labels: list[str], fields: list[dict]) -> list[tuple]:
    """Header errors (extra, missing, blank, duplicate and incorrect labels), as frictionless reports them."""
    errors = []
    if not labels:
        return [(None, "blank-header", None, None, "")]
    for number in range(len(fields) + 1, len(labels) + 1):
        errors.append((number, "extra-label", "", labels[number - 1], ""))
    for offset, field in enumerate(fields[len(labels) :]):
        errors.append((len(labels) + 1 + offset, "missing-label", field.get("name", ""), "", ""))
    for number, (field, label) in enumerate(zip(fields, labels, strict=False), start=1):
        name = field.get("name", "")
        if not label:
            errors.append((number, "blank-label", name, "", ""))
            continue
        seen = [str(position) for position, other in enumerate(labels[: number - 1], start=1) if other == label]
        if seen:
            errors.append((number, "duplicate-label", name, label, f'at position "{", ".join(seen)}"'))
            continue
        if label != name:
            errors.append((number, "incorrect-label", name, label, ""))
    return errors


def check_schema(schema) -> list[dict]:
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        raise ValidationError(
            _("Le schéma doit être un Table Schema avec une liste « fields »."), code="invalid-schema"
        )
    names = []
    for field in schema["fields"]:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
            raise ValidationError(_("Chaque champ du schéma doit avoir un nom (« name »)."), code="invalid-schema")
        names.append(field["name"])
    if len(set(names)) != len(names):
        raise ValidationError(_("Deux champs du schéma portent le même nom."), code="invalid-schema")
    return schema["fields"]


class Validator:
    """Checks the rows of one table; `run` consumes the rows and fills a Report."""

    def __init__(self, schema: dict, *, max_errors: int | None = 1000):
        self.schema = schema
        self.fields = check_schema(schema)
        missing = schema.get("missingValues", [""])
        self.missing_values = [m["value"] if isinstance(m, dict) else m for m in missing]
        self.report = Report(schema=schema, max_errors=max_errors)

    def run(self, rows: Iterable[list[str]]) -> Report:
        started = time.perf_counter()
        rows = iter(rows)
        try:
            header = next(rows, None)
        except csv.Error as error:
            raise ValidationError(
                _("Le fichier CSV est mal formé : %(error)s") % {"error": error}, code="malformed-csv"
            ) from error
        if header is None:
            raise ValidationError(_("Le fichier est vide : il n'a même pas de ligne d'en-tête."), code="empty-file")
        self.start(header)
        row_number = 1
        count = 0
        for batch in _batches(rows):
            self._batch(batch, row_number + 1)
            row_number += len(batch)
            count += len(batch)
        self.report.finish(rows=count, seconds=time.perf_counter() - started)
        return self.report

    def start(self, header: list[str]) -> None:
        """Check the header and compile the plans of the columns (before any row)."""
        report = self.report
        labels = ["" if cell is None else str(cell).strip() for cell in header]
        for number, kind, name, label, note in label_errors(labels, self.fields):
            report.add(kind, row=None, field_name=name, field_number=number, cell=label, note=note)
        fields = expected_fields(labels, self.fields)
        plans = [
            FieldPlan(field, number, self.missing_values, report.warnings) for number, field in enumerate(fields, 1)
        ]
        self.plans = plans
        by_name = {plan.name: plan for plan in plans}
        primary_key = self.schema.get("primaryKey") or []
        if isinstance(primary_key, str):
            primary_key = [primary_key]
        self.primary = [by_name[name] for name in primary_key] if set(primary_key) <= set(by_name) else []
        self.primary_seen: dict = {}
        self.unique_seen = {plan.number: {} for plan in plans if plan.unique}
        self.custom = french.compile_checks(self.schema.get("custom_checks") or [], by_name, report.warnings)

    def _batch(self, rows: list[list[str]], first: int) -> None:
        plans = self.plans
        width = len(plans)
        errors: list[tuple] = []  # (row, order, field_number, type, field_name, cell, constraint, note)
        if all(plan.missing == {""} for plan in plans):
            special = [i for i, row in enumerate(rows) if len(row) != width or not any(row)]
        else:
            sets = [plan.missing for plan in plans]
            special = [
                i
                for i, row in enumerate(rows)
                if len(row) != width or all(cell in missing for cell, missing in zip(row, sets, strict=False))
            ]
        short = False
        blank_rows: set[int] = set()
        for i in special:
            row = rows[i]
            number = first + i
            size = len(row)
            cells = row[:width]
            if all(cell in plan.missing for cell, plan in zip(cells, plans, strict=False)):
                errors.append((number, CELL, 0, "blank-row", None, "", None, ""))
                if self.primary:
                    errors.append(
                        (
                            number,
                            PRIMARY,
                            0,
                            "primary-key",
                            None,
                            "",
                            None,
                            'cells composing the primary keys are all "None"',
                        )
                    )
                blank_rows.add(i)
                continue
            for field_number in range(width + 1, size + 1):
                errors.append((number, EXTRA, field_number, "extra-cell", "", row[field_number - 1], None, ""))
            if size < width:
                short = True
                cells = cells + [MISSING] * (width - size)
            rows[i] = cells
        if blank_rows:
            kept = [i for i in range(len(rows)) if i not in blank_rows]
            rows = [rows[i] for i in kept]
            numbers = [first + i for i in kept]
        else:
            numbers = range(first, first + len(rows))
        flat = list(chain.from_iterable(rows))  # every row has `width` cells now: a column is a slice with a step
        columns = [flat[index::width] for index in range(width)]
        parsed_columns: dict[int, list] = {}
        need_parsed = {plan.number for plan in self.primary} | set(self.unique_seen)
        for plan, column in zip(plans, columns, strict=True):
            if not column:
                continue
            specials = plan.missing | {MISSING} if short else plan.missing
            if plan.plain and plan.number not in need_parsed:
                candidates = specials if plan.required else ({MISSING} if short else ())
                suspects = [value for value in candidates if value in column]
            elif plan.fast is not None:
                present = [value for value in specials if value in column]
                if plan.dense is None or plan.dense:
                    distinct = set(column)
                    plan.dense = len(distinct) * 5 < len(column)
                    suspects = {*filterfalse(plan.fast, distinct), *present}
                else:
                    suspects = {*filterfalse(plan.fast, column), *present}
            else:
                suspects = set(column)
            lookup = plan.lookup
            bad = {}
            for value in suspects:
                result = lookup(value)
                if result[1]:
                    bad[value] = result[1]
            if bad:
                for i, value in positions(column, bad):
                    cell = "" if value == MISSING else value
                    for order, kind, constraint in bad[value]:
                        errors.append((numbers[i], order, plan.number, kind, plan.name, cell, constraint, ""))
            if plan.number in need_parsed:
                parsed_columns[plan.number] = [lookup(value)[0] for value in column]
        for number, seen in self.unique_seen.items():
            plan = plans[number - 1]
            for i, value in enumerate(parsed_columns.get(number, ())):
                if value is None:
                    continue
                match = seen.get(value)
                seen[value] = numbers[i]
                if match is not None:
                    errors.append(
                        (
                            numbers[i],
                            UNIQUE,
                            number,
                            "unique-error",
                            plan.name,
                            str(columns[number - 1][i]),
                            None,
                            f"the same as in the row at position {match}",
                        )
                    )
        if self.primary and rows:
            keys = zip(*(parsed_columns[plan.number] for plan in self.primary), strict=True)
            for i, key in enumerate(keys):
                if all(value is None for value in key):
                    errors.append(
                        (
                            numbers[i],
                            PRIMARY,
                            0,
                            "primary-key",
                            None,
                            "",
                            None,
                            'cells composing the primary keys are all "None"',
                        )
                    )
                    continue
                match = self.primary_seen.get(key)
                self.primary_seen[key] = numbers[i]
                if match:
                    errors.append(
                        (
                            numbers[i],
                            PRIMARY,
                            0,
                            "primary-key",
                            None,
                            "",
                            None,
                            f"the same as in the row at position {match}",
                        )
                    )
        if self.custom and rows:
            named = {plan.name: (plan, column) for plan, column in zip(plans, columns, strict=True)}
            for check in self.custom:
                for offset, kind, field_name, cell, note in check(named, rows):
                    number = named[field_name][0].number if field_name in named else 0
                    cell = "" if cell == MISSING else cell
                    errors.append((numbers[offset], CELL, number, kind, field_name, cell, None, note))
        errors.sort(key=lambda error: error[:3])
        add = self.report.add
        for row, _order, number, kind, name, cell, constraint, note in errors:
            add(
                kind, row=row, field_name=name, field_number=number or None, cell=cell, constraint=constraint, note=note
            )


def _batches(rows: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    while True:
        try:
            batch = list(islice(rows, BATCH_ROWS))
        except csv.Error as error:
            raise ValidationError(
                _("Le fichier CSV est mal formé (ligne %(line)s) : %(error)s")
                % {"line": getattr(rows, "line_num", "?"), "error": error},
                code="malformed-csv",
            ) from error
        if not batch:
            return
        yield batch


def validate_rows(rows: Iterable[list[str]], schema: dict, *, max_errors: int | None = 1000) -> Report:
    """Validate a header and rows of strings (from any reader: CSV, XLSX, ODS) against a Table Schema."""
    validator = Validator(schema, max_errors=max_errors)
    return validator.run(rows)
