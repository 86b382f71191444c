"""What the "never a 500" suites send: garbage values (big integers, deep nesting, NUL bytes, huge strings, broken
full-text syntax...), garbage files, and the fields of the forms a page renders (so that new fields are fuzzed
without editing a test)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile

#: The exhaustive matrices (marked `exhaustive`) run on SQLite; on PostgreSQL, only what PostgreSQL alone shows
#: (test_postgresql.py). The skip is in tests/conftest.py.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

DEEP = "[" * 100_000
#: Deeper than Python's recursion limit, small enough to send in each field in turn (rendered back by the forms).
NESTED = "[" * 5_000
BIG = str(2**63)

#: Values sent in every parameter at once (forms render them back into every field: NESTED, not DEEP, is the long
#: one; DEEP goes in JSON bodies and files).
GARBAGE = [
    "",
    "abc",
    "-1",
    BIG,
    "1e309",
    "2026-02-30",
    "a\x00b",
    '"* OR NEAR( ^ AND -',  # full-text syntax
    "/a\r\nSet-Cookie: x=1",
    NESTED,
]
#: Values tried in each form field in turn, the others keeping the form's own values (one request per field and
#: value: the costly part), for what the form itself lets through: a number beyond the database's range, a deeply
#: nested text. (NUL and huge texts in each field: test_postgresql.py, where they matter.)
FIELD_GARBAGE = [BIG, NESTED]
#: Query-string keys that views read without a form on the page.
COMMON_KEYS = [
    "page",
    "q",
    "sort",
    "tri",
    "organisation",
    "theme",
    "format",
    "licence",
    "schema",
    "commune",
    "dataset",
    "next",
    "limit",
    "offset",
    "cursor",
    "fields",
    "chart",
    "chart_by",
    "chart_agg",
    "type",
    "period",
    "action",
    "sheet",
]


def garbage_files() -> list[tuple[str, bytes]]:
    """Files as people send them by mistake or on purpose."""
    return [
        ("profond.json", DEEP.encode()),
        ("profond.geojson", b'{"type": "FeatureCollection", "features": ' + DEEP.encode()),
        ("nul.csv", b"a;b\n1;\x00\n"),
        ("vide.csv", b""),
        ("binaire.csv", bytes(range(256)) * 20),
        ("grand-entier.csv", f"id;n\n1;{BIG}{BIG}\n".encode()),
        (
            "schema.json",
            b'{"fields": [{"name": "a", "type": "integer", "constraints": {"maximum": %s}}]}' % BIG.encode(),
        ),
    ]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@dataclass
class PageForms:
    """The fields of a page's forms: POST fields (name → first value), GET fields, file fields."""

    post: dict[str, str] = field(default_factory=dict)
    get: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = PageForms()
        self._method = None
        self._textarea = None
        self._select = None

    def _add(self, name: str, value: str, *, checked: bool | None = None) -> None:
        if self._method == "get":
            self.forms.get.add(name)
        elif checked is None:
            self.forms.post.setdefault(name, value)
        elif checked or name not in self.forms.post:
            self.forms.post[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._method = (attrs.get("method") or "get").lower()
            return
        if self._method is None:
            return
        name = attrs.get("name")
        kind = attrs.get("type")
        if tag == "input" and name:
            if kind == "file":
                self.forms.files.add(name)
            elif kind in ("checkbox", "radio"):
                self._add(name, attrs.get("value") or "on", checked="checked" in attrs)
            elif kind not in ("submit", "image", "button", "reset"):
                self._add(name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and self._select not in self.forms.post:
            self._add(self._select, attrs.get("value") or "")
        elif tag == "button" and name and attrs.get("value"):
            self._add(name, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._method = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._method == "post" and not self.forms.post.get(self._textarea):
            self.forms.post[self._textarea] = data.strip()


def page_forms(response) -> PageForms:
    """The forms of an HTML answer (none for anything else)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return PageForms()
    parser = _FormParser()
    parser.feed(response.content.decode("utf-8", "replace"))
    parser.forms.post.pop("csrfmiddlewaretoken", None)
    return parser.forms


def assert_no_500(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
