"""What people send, bounded before it reaches the database, DuckDB or a recursive parser.

- Integers: SQLite and PostgreSQL store at most a signed 64-bit integer (ids are `BigAutoField`); a bigger number in a
  lookup is an `OverflowError` on SQLite (core.lookups leaves it out of lookups), and an offset of 2**63 or more an
  `IntegrityError` (SQLite) or a `DataError` (PostgreSQL). The API's parameters use the bounded types below (`Id`,
  `Offset`, `BoundedInt`, or `ge`/`le` with these constants) and texts say their length (`Text`, `max_length`); HTML
  views parse integers from query strings and forms with `int_param`; path converters (`<int:pk>`) are bounded by
  `InputGuardMiddleware` (a number out of range names nothing: 404).
- JSON from people (uploads, schemas, API bodies) goes through `load_json`, which refuses more than `MAX_JSON_DEPTH`
  levels of nesting with a French message: Python's parser and everything after it recurse once per level.
- Text: PostgreSQL refuses the NUL character in text; `InputGuardMiddleware` refuses it in addresses, query strings,
  cookies, headers and bodies that are not file uploads, and forms' `CharField` refuses it in uploads' text fields.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import Field

from auzolan.core.errors import ValidationError

#: The largest integer that SQLite and PostgreSQL both store (signed 64 bits): the largest possible id.
BIGINT_MAX = 2**63 - 1
#: The largest offset (rows or items to skip) anywhere: far beyond any list, far below any overflow.
MAX_OFFSET = 2**31 - 1
#: Nesting deeper than this is refused. GeoJSON needs about 8 levels, a Table Schema 6.
MAX_JSON_DEPTH = 64

#: An identifier (primary key) as an API parameter.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
#: A number of items to skip.
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


def BoundedInt(minimum: int, maximum: int):
    """Any other integer parameter: say its range."""
    return Annotated[int, Field(ge=minimum, le=maximum)]


def Text(max_length: int):
    """A text parameter of at most `max_length` characters."""
    return Annotated[str, Field(max_length=max_length)]


def int_param(raw, *, default: int | None = None, minimum: int = 0, maximum: int = BIGINT_MAX) -> int | None:
    """An integer from a query string or a form value, or `default` when it is missing, not an integer, or out of
    [minimum, maximum] (an id that cannot exist names nothing; a page past the end is the caller's to clamp)."""
    if raw is None or isinstance(raw, bool):
        return default
    if isinstance(raw, int):
        number = raw
    else:
        text = str(raw).strip()
        if not text or len(text) > 30:
            return default
        try:
            number = int(text)
        except ValueError:
            return default
    return number if minimum <= number <= maximum else default


#: A JSON escape of NUL (\u0000) that is not itself an escaped backslash followed by "u0000".
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def carries_nul(raw: bytes) -> bool:
    """Whether a JSON text holds the NUL character (raw or escaped), which PostgreSQL stores nowhere."""
    return b"\x00" in raw or JSON_NUL.search(raw) is not None


class JSONTooDeep(ValueError):
    """The document nests lists and objects deeper than the platform accepts (a ValueError, like a syntax error)."""

    def __init__(self, max_depth: int):
        self.max_depth = max_depth
        self.message = _(
            "Ce document JSON imbrique des listes ou des objets sur plus de %(max)d niveaux : ce n'est pas accepté."
        ) % {"max": max_depth}
        super().__init__(self.message)


def load_json(data, *, max_depth: int = MAX_JSON_DEPTH):
    """`json.loads` for what people send: the same result and the same errors (`json.JSONDecodeError`, a ValueError),
    plus `JSONTooDeep` (a ValueError with a French message) when lists and objects nest deeper than `max_depth`.

    `data`: text, bytes or a binary file (the encoding detected as `json.loads` does)."""
    if hasattr(data, "read"):
        data = data.read()
    try:
        value = json.loads(data)
    except RecursionError:
        raise JSONTooDeep(max_depth) from None
    if _depth_exceeds(value, max_depth):
        raise JSONTooDeep(max_depth)
    return value


class BoundedJSONDecoder(json.JSONDecoder):
    """For code that takes a decoder class (Django's form JSONField): the same bound, as a `json.JSONDecodeError`."""

    def decode(self, s, *args, **kwargs):
        try:
            value = super().decode(s, *args, **kwargs)
        except RecursionError:
            raise json.JSONDecodeError(JSONTooDeep(MAX_JSON_DEPTH).message, s, 0) from None
        if _depth_exceeds(value, MAX_JSON_DEPTH):
            raise json.JSONDecodeError(JSONTooDeep(MAX_JSON_DEPTH).message, s, 0)
        return value


def _depth_exceeds(value, max_depth: int) -> bool:
    """Whether lists and objects nest deeper than `max_depth` (walked without recursion)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


def nul_message() -> str:
    return _("La requête contient un caractère nul (U+0000), qui n'est accepté dans aucun texte.")


def refuse_nul(values: dict) -> None:
    """`ValidationError` naming the first text of `values` that holds NUL: for the text fields of an API's multipart
    form, which `InputGuardMiddleware` does not read (reading an upload there would bypass its size limit)."""
    for name, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(nul_message(), field=name, code="nul-character")
