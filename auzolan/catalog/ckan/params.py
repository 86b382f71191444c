"""The parameters of CKAN actions: typed reads of the data dict (query string, JSON body or form) with CKAN's
conventions (booleans as "true", lists as JSON strings such as `facet.field=["tags"]`), and the few Solr forms that
clients put in `q`, `fq` and `sort`.

Refusals are `ActionError`s: a "Validation Error" (HTTP 409, as CKAN) names the parameter; a "Search Query Error"
(HTTP 400, as CKAN) says that `q`, `fq` or `sort` could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from auzolan.core.errors import ApplicationError
from auzolan.core.inputs import BIGINT_MAX, JSONTooDeep, load_json

MAX_TEXT = 2000
MAX_LIST = 100


class ActionError(ApplicationError):
    """A refusal in CKAN's terms: `ckan_type` is the error's `__type`, `status` its HTTP status."""

    ckan_type = "Validation Error"
    status = 409
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None, ckan_type: str = ""):
        super().__init__(message, field=field)
        if status:
            self.status = status
        if ckan_type:
            self.ckan_type = ckan_type


def invalid(field: str, message: str) -> ActionError:
    return ActionError(message, field=field)


def search_error(message: str) -> ActionError:
    return ActionError(message, status=400, ckan_type="Search Query Error")


def text(data: dict, name: str, default: str = "", *, max_length: int = MAX_TEXT) -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if isinstance(value, list):
        value = value[-1] if value else default
    if isinstance(value, (dict, list)):
        raise invalid(name, _("Le paramètre %(name)s doit être un texte.") % {"name": name})
    value = str(value)
    if len(value) > max_length:
        raise invalid(name, _("Le paramètre %(name)s dépasse %(max)s caractères.") % {"name": name, "max": max_length})
    return value


def integer(data: dict, name: str, default: int, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int:
    value = data.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, list):
        value = value[-1]
    if isinstance(value, (bool, dict, list)):
        raise invalid(name, _("Le paramètre %(name)s doit être un nombre entier.") % {"name": name})
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise invalid(name, _("Le paramètre %(name)s doit être un nombre entier.") % {"name": name}) from None
    if not minimum <= number <= maximum:
        raise invalid(
            name,
            _("Le paramètre %(name)s doit être compris entre %(min)s et %(max)s.")
            % {"name": name, "min": minimum, "max": maximum},
        )
    return number


_TRUE = {"true", "1", "yes", "on", "t", "y"}
_FALSE = {"false", "0", "no", "off", "f", "n", ""}


def boolean(data: dict, name: str, default: bool = False) -> bool:
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, list):
        value = value[-1] if value else ""
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise invalid(name, _("Le paramètre %(name)s doit valoir true ou false.") % {"name": name})


def decoded(value, name: str):
    """A JSON string decoded (CKAN's `convert_to_json_if_string`); anything else as it is."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return load_json(value)
        except (ValueError, JSONTooDeep):
            raise invalid(name, _("Le paramètre %(name)s n'est pas un JSON valide.") % {"name": name}) from None
    return value


def string_list(data: dict, name: str, *, comma: bool = False) -> list[str]:
    """A list of texts: a JSON list, repeated keys, or one value (split on commas when `comma`)."""
    value = data.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    value = decoded(value, name)
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")] if comma else [value]
    elif isinstance(value, list):
        items = value
    else:
        raise invalid(name, _("Le paramètre %(name)s doit être une liste.") % {"name": name})
    if len(items) > MAX_LIST or not all(isinstance(item, (str, int, float)) for item in items):
        raise invalid(name, _("Le paramètre %(name)s doit être une liste de textes.") % {"name": name})
    return [str(item)[:MAX_TEXT] for item in items if str(item).strip()]


def json_object(data: dict, name: str) -> dict:
    value = data.get(name)
    if value in (None, ""):
        return {}
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    value = decoded(value, name)
    if not isinstance(value, dict):
        raise invalid(name, _("Le paramètre %(name)s doit être un objet JSON.") % {"name": name})
    return value


# --- Solr forms: q, fq and sort --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """`field:value` (field None: free text), a range `[low TO high]` when `high` is set, negated or not."""

    field: str | None
    value: str
    high: str | None = None
    negated: bool = False


@dataclass(frozen=True)
class Group:
    operator: str  # "AND" | "OR"
    items: tuple
    negated: bool = False


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) |
        (?P<range>[\[{][^\]}]*[\]}]) |
        (?P<quoted>"(?:[^"\\]|\\.)*") |
        (?P<word>[^\s()"\[\]{}]+)
    )""",
    re.VERBOSE,
)
MAX_TERMS = 50


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    source = source.strip()
    while position < len(source):
        match = _TOKEN.match(source, position)
        if not match or match.end() == position:
            raise search_error(
                _("Expression de recherche illisible près de « %(text)s ».") % {"text": source[position:][:40]}
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
        if len(tokens) > 4 * MAX_TERMS:
            raise search_error(_("Expression de recherche trop longue."))
    return tokens


class _Parser:
    """`expr := clause ((AND|OR)? clause)*`, `clause := [-|+|NOT] (field:value | field:(a OR b) | (expr) | value)`.
    Without an operator, clauses combine with AND (the filters people write: `organization:x tags:y`)."""

    def __init__(self, source: str):
        self.tokens = _tokens(source)
        self.index = 0
        self.terms = 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.index += 1
        return token

    def parse(self):
        node = self.expression()
        if self.index < len(self.tokens):
            raise search_error(_("Parenthèse fermante en trop."))
        return node

    def expression(self, field: str | None = None):
        ands: list = []
        ors: list = []
        while True:
            kind, value = self.peek()
            if kind is None or kind == "close":
                break
            if kind == "word" and value in ("AND", "&&"):
                self.take()
                continue
            if kind == "word" and value in ("OR", "||"):
                self.take()
                ors.append(ands)
                ands = []
                continue
            ands.append(self.clause(field))
        ors.append(ands)
        groups = [items[0] if len(items) == 1 else Group("AND", tuple(items)) for items in ors if items]
        if not groups:
            raise search_error(_("Expression de recherche vide."))
        return groups[0] if len(groups) == 1 else Group("OR", tuple(groups))

    def clause(self, field: str | None):
        negated = False
        kind, value = self.peek()
        if kind == "word" and value == "NOT":
            self.take()
            negated = True
            kind, value = self.peek()
        elif kind == "word" and value[:1] in "-+" and len(value) > 1:
            negated = value[0] == "-"
            self.tokens[self.index] = ("word", value[1:])
            kind, value = self.peek()
        elif kind == "word" and value in ("-", "+"):
            self.take()
            negated = value == "-"
            kind, value = self.peek()
        node = self.atom(field)
        if negated:
            node = (
                Term(node.field, node.value, node.high, not node.negated)
                if isinstance(node, Term)
                else Group(node.operator, node.items, not node.negated)
            )
        return node

    def atom(self, field: str | None):
        kind, value = self.take()
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise search_error(_("Expression de recherche trop longue."))
        if kind == "open":
            node = self.expression(field)
            if self.take()[0] != "close":
                raise search_error(_("Parenthèse non fermée."))
            return node
        if kind == "quoted":
            return Term(field, _unquote(value))
        if kind == "range":
            if field is None:
                raise search_error(_("Un intervalle doit suivre un nom de champ (champ:[A TO B])."))
            return _range(field, value)
        if kind == "word":
            name, colon, rest = value.partition(":")
            if colon and field is None and name and not name.startswith("http"):
                if rest:
                    return Term(name, _unescape(rest))
                following, after = self.peek()
                if following == "open":
                    return self.atom(name)
                if following == "quoted":
                    self.take()
                    return Term(name, _unquote(after))
                if following == "range":
                    self.take()
                    return _range(name, after)
                raise search_error(_("Valeur manquante après « %(field)s: ».") % {"field": name})
            return Term(field, _unescape(value))
        raise search_error(_("Expression de recherche illisible."))


def _unquote(value: str) -> str:
    return _unescape(value[1:-1])


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _range(field: str, value: str) -> Term:
    inner = value[1:-1].strip()
    parts = re.split(r"\s+TO\s+", inner)
    if len(parts) != 2:
        raise search_error(_("Intervalle illisible : %(value)s (attendu : [A TO B]).") % {"value": value[:60]})
    return Term(field, _unquote(parts[0]) if parts[0].startswith('"') else parts[0], parts[1].strip('"'))


def parse_query(source: str):
    """The tree of a Solr-like expression (`Term`s and `Group`s); `None` for empty or `*:*`."""
    source = (source or "").strip()
    if source in ("", "*:*", "*"):
        return None
    if len(source) > MAX_TEXT:
        raise search_error(_("Expression de recherche trop longue."))
    return _Parser(source).parse()


def parse_sort(source: str, fields: dict[str, str]) -> list[tuple[str, bool]]:
    """`"metadata_modified desc, name asc"` → [(field, descending)], fields known by `fields` only."""
    keys = []
    for part in (source or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise search_error(
                _("Tri illisible : « %(sort)s » (attendu : champ asc|desc).") % {"sort": part.strip()[:60]}
            )
        if words[0] not in fields:
            raise search_error(
                _("Tri inconnu : %(field)s. Tris possibles : %(valid)s.")
                % {"field": words[0][:60], "valid": ", ".join(fields)}
            )
        keys.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return keys[:5]
