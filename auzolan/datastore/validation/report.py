"""The validation report: one JSON-able shape for the command, the API and the pages."""

from __future__ import annotations

from collections import Counter

from auzolan.datastore.validation.messages import describe

#: Errors that do not make a file invalid for Validata-like checks are still errors here; this lists the
#: codes that come from the French checks (not run by frictionless).
WARNING_TYPES: set[str] = set()


class Report:
    """Counts every error; lists the first `max_errors` of them (None: all) with their French message."""

    def __init__(self, *, schema: dict, max_errors: int | None = 1000):
        self.schema = schema
        self.fields = {field.get("name"): field for field in schema.get("fields", []) if isinstance(field, dict)}
        self.max_errors = max_errors
        self.errors: list[dict] = []
        self.counts: Counter = Counter()
        self.by_field: Counter = Counter()
        self.warnings: list[str] = []
        self.rows = 0
        self.seconds = 0.0
        self.encoding = ""
        self.delimiter = ""

    def add(
        self, kind, *, row=None, field_name=None, field_number=None, cell="", constraint=None, note="", count=True
    ) -> None:
        """Count an error (unless `count` is False: counted elsewhere) and list it while there is room."""
        if count:
            self.counts[kind] += 1
            if field_name:
                self.by_field[field_name] += 1
        if not self.has_room:
            return
        error = {
            "type": kind,
            "rowNumber": row,
            "fieldName": field_name or None,
            "fieldNumber": field_number,
            "cell": "" if cell is None else str(cell),
        }
        if constraint:
            error["constraint"] = constraint
        error["message"] = describe(error, self.fields.get(field_name) or {})
        if note:
            error["note"] = note
        self.errors.append(error)

    @property
    def has_room(self) -> bool:
        return self.max_errors is None or len(self.errors) < self.max_errors

    @property
    def room(self) -> int | None:
        """How many more errors can be listed (None: no limit)."""
        return None if self.max_errors is None else max(0, self.max_errors - len(self.errors))

    def finish(self, *, rows: int, seconds: float) -> None:
        self.rows = rows
        self.seconds = seconds

    @property
    def error_count(self) -> int:
        return sum(self.counts.values())

    @property
    def valid(self) -> bool:
        return not self.counts

    @property
    def truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "stats": {
                "rows": self.rows,
                "errors": self.error_count,
                "warnings": len(self.warnings),
                "seconds": round(self.seconds, 3),
                "types": dict(sorted(self.counts.items())),
                "fields": dict(sorted(self.by_field.items())),
            },
            "schema": {"name": self.schema.get("name", ""), "title": self.schema.get("title", "")},
            "source": {"encoding": self.encoding, "delimiter": self.delimiter},
            "warnings": list(self.warnings),
            "errors": self.errors,
            "truncated": self.truncated,
        }
