"""The validation report: one JSON-able shape for the command, the API and the pages."""

from __future__ import annotations

from collections import Counter

from auzolan.datastore.validation.messages import describe, memo_gettext

#: Errors that do not make a file invalid for Validata-like checks are still errors here; this lists the
#: codes that come from the French checks (not run by frictionless).
WARNING_TYPES: set[str] = set()


class Report:
    """Counts every error; lists the first `max_errors` of them (None: all) with their French message."""

    def __init__(self, *, schema: dict, max_errors: int | None = 1000):
        self.schema = schema
        self.fields = {field.get("name"): field for field in schema.get("fields", []) if isinstance(field, dict)}
        self.max_errors = max_errors
        # the listed errors, compact: (type, row, field name, field number, cell, constraint, note); their
        # dictionaries and French messages are made when read (`errors`, `iter_errors`)
        self._listed: list[tuple] = []
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
        if self.has_room:
            self._listed.append(
                (kind, row, field_name or None, field_number, "" if cell is None else str(cell), constraint, note)
            )

    def iter_errors(self):
        """The listed errors, one dictionary at a time (a report may list millions: --max-errors 0)."""
        fields = self.fields
        translate = memo_gettext()
        for kind, row, field_name, field_number, cell, constraint, note in self._listed:
            error = {"type": kind, "rowNumber": row, "fieldName": field_name, "fieldNumber": field_number, "cell": cell}
            if constraint:
                error["constraint"] = constraint
            error["message"] = describe(error, fields.get(field_name) or {}, translate)
            if note:
                error["note"] = note
            yield error

    @property
    def errors(self) -> list[dict]:
        return list(self.iter_errors())

    @property
    def listed(self) -> int:
        return len(self._listed)

    @property
    def has_room(self) -> bool:
        return self.max_errors is None or len(self._listed) < self.max_errors

    @property
    def room(self) -> int | None:
        """How many more errors can be listed (None: no limit)."""
        return None if self.max_errors is None else max(0, self.max_errors - len(self._listed))

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
        return self.error_count > len(self._listed)

    def as_dict(self, *, errors: bool = True) -> dict:
        """The report as JSON-able data; without the listed errors when `errors` is False (see `iter_errors`)."""
        data = {
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
            "truncated": self.truncated,
        }
        if errors:
            data["errors"] = self.errors
        return data
