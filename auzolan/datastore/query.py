"""The one query engine over a table's Parquet file: the preview, the data API, the exports, the SQL endpoint's
limits and the CKAN `datastore_search` all go through it. It also says where a table's file is (`parquet_path`) and
what its columns are, with the data dictionary's labels (`table_columns`).

User input never becomes SQL text: values travel as DuckDB prepared parameters (converted in Python to the column's
stored type first, so that a bad value is a clear 400 naming the column), and identifiers are taken only from the
table's stored column list (then quoted). Every statement runs under a time limit (`DATASTORE_QUERY_TIMEOUT`,
`connection.interrupt()` from a timer) on a connection with a memory limit.

Order is deterministic: the Parquet file's own row number (`read_parquet(..., file_row_number=true)`) is always the
last sort key, which also makes the keyset cursor exact for deep pages.

A page is read in two steps (late materialisation): the top `file_row_number`s are chosen from the filter and sort
columns only, then the full rows of just those row numbers are read (a list of constants, which DuckDB checks against
each row group's range of row numbers: ingestion writes row groups of 8,192 rows) and sorted again by the same keys, so
the order and the cursor are those of a single query.

The page and aggregate queries reuse one DuckDB connection per thread and process (same configuration as
`duck.connect()`, plus DuckDB's Parquet metadata cache: a table's footer is parsed once, not at every statement);
it is dropped and recreated after any error, an interrupt or a change of the memory limit setting. Exports,
statistics and the SQL endpoint keep their own fresh connections.

Totals: a first page (no cursor) counts its total in the same statement as its row numbers (the filter runs once;
exact whatever the size). A page that cannot (a cursor page, a page past the end) counts alone: exact up to
`EXACT_COUNT_THRESHOLD` matching rows, estimated from a 10 % sample above and flagged `total_estimated`. Either way
the total is cached in Django's cache per (table, filters): the next pages of the same question (offset or cursor)
and the same question asked again do not count again. A table is immutable once ready (a new version or a reload
is a new `Table` with its own Parquet file), so the key, which holds the table's identifier and file, never needs
invalidating.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import numpy as np
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.inputs import BIGINT_MAX, MAX_OFFSET
from auzolan.datastore import loaded, rowstore, textindex
from auzolan.datastore.duck import connect, quote
from auzolan.datastore.errors import explain
from auzolan.datastore.models import ColumnDescription, Table
from auzolan.datastore.sortorder import SortOrder

logger = logging.getLogger(__name__)

OPERATORS = ("exact", "not", "contains", "in", "gt", "gte", "lt", "lte", "isnull")
RESERVED = {"sort", "fields", "q", "limit", "offset", "cursor", "group_by", "agg", "format", "total"}
AGGREGATES = ("count", "sum", "avg", "min", "max")
NUMERIC = {"integer", "number"}
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
MAX_GROUPS = 1000
MAX_GROUP_BY = 2
#: Longest accepted `q`, list of columns (`sort`, `fields`, `group_by`, `agg`) and cursor.
MAX_TEXT_LENGTH = 1000
MAX_LIST_LENGTH = 10_000
MAX_CURSOR_LENGTH = 50_000
#: Above this many matching rows, the total is estimated (and flagged so) instead of counted.
EXACT_COUNT_THRESHOLD = 100_000
ROW = "file_row_number"
CURSOR_SALT = "auzolan.datastore.cursor"
#: A word of `q` this many times rarer than the next one is looked up first, the others checked on its rows only.
RARE_WORD_RATIO = 10
#: How long a table's total for one set of filters stays in Django's cache (the table never changes).
COUNT_CACHE_SECONDS = 6 * 3600


def timeout_seconds() -> float:
    return float(getattr(settings, "DATASTORE_QUERY_TIMEOUT", 5))


# --- The table read: its Parquet file and its columns ---------------------------------------------------------


def local_path(name: str, cached_as: str) -> str:
    """A local path of a stored file (the storage's own path when local, else a copy cached under that name)."""
    try:
        return default_storage.path(name)
    except NotImplementedError:
        target = os.path.join(tempfile.gettempdir(), "auzolan-tables", cached_as)
        if not os.path.exists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            part = f"{target}.{os.getpid()}.{threading.get_ident()}.part"
            with default_storage.open(name, "rb") as source, open(part, "wb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
            os.replace(part, target)
        return target


def parquet_path(table: Table) -> str:
    """A local path DuckDB can read (the storage's own path when local, else a cached copy)."""
    return local_path(table.parquet, f"{table.identifier.hex}.parquet")


def _page_rows(table: Table, numbers: list[int], names: list[str]) -> dict[int, tuple] | None:
    """The rows with these numbers from the table's row file, or None when it has none (yet) or cannot be read —
    the caller then reads them from the Parquet file."""
    if not table.rows_file:
        return None
    try:
        return rowstore.read(local_path(table.rows_file, f"{table.identifier.hex}.rows"), numbers, names)
    except (OSError, ValueError, KeyError, rowstore.RowFileError):
        logger.warning("Row file of table %s unreadable: rows read from the Parquet file", table.identifier)
        return None


def _text_index_path(table: Table) -> str | None:
    """A local path of the table's text index, or None when it has none (yet) or it cannot be had — `q` then scans
    the text columns (same answer, slower)."""
    if not table.text_index:
        return None
    try:
        path = local_path(table.text_index, f"{table.identifier.hex}.words.parquet")
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        return path
    except OSError:
        logger.warning("Text index of table %s unreadable: q scans the text columns", table.identifier)
        return None


def _lexicon_path(table: Table) -> str | None:
    """A local path of the lexicon beside the table's text index, or None (then every word is looked up in the
    index itself: same rows)."""
    try:
        name = textindex.lexicon_name(table.text_index)
        path = local_path(name, f"{table.identifier.hex}.lexicon.parquet")
        return path if os.path.exists(path) else None
    except OSError:
        return None


def _postings(table: Table) -> textindex.Postings | None:
    """The table's lexicon and postings (`textindex.Postings`), loaded once per process, or None when it has none
    (an index written before them, a remote file that cannot be had, files that disagree): `q` then reads the
    Parquet index (same rows)."""
    if not table.text_index:
        return None
    key = ("postings", table.identifier.hex, table.text_index)
    found = loaded.get(key)
    if found is not None:
        return found
    try:
        name = textindex.postings_name(table.text_index)
        if not default_storage.exists(name):
            return None
        postings_path = local_path(name, f"{table.identifier.hex}{textindex.POSTINGS_SUFFIX}")
        lexicon = _lexicon_path(table)
        if lexicon is None:
            return None
        with shared_connection() as con:
            found = textindex.Postings(con, postings_path, lexicon, table.row_count)
    except (OSError, ValueError, duckdb.Error):
        logger.warning("Postings of table %s unreadable: q reads the Parquet index", table.identifier)
        return None
    loaded.put(key, found, found.nbytes)
    return found


def _sort_order(table: Table, keys: list[tuple[str, bool]]) -> SortOrder:
    """The table's rows in the order of `keys` (then the row number), computed by DuckDB once per process."""
    key = ("order", table.identifier.hex, table.parquet, tuple(keys))
    found = loaded.get(key)
    if found is None:
        sql = f"SELECT {ROW} FROM {source_sql()}{_order_sql(keys)}"  # noqa: S608

        def fetch_rows():
            with shared_connection() as con:
                return run(con, sql, [parquet_path(table)], fetch=lambda c: c.fetchnumpy()[ROW])

        found = SortOrder.compute(fetch_rows)
        loaded.put(key, found, found.nbytes)
    return found


def table_columns(table: Table) -> list[dict]:
    """The table's columns with the data dictionary's current labels, descriptions and units (the unit found at
    load unless the editor gave one). Tables loaded before units and identifiers were kept get '' and False."""
    dictionary = {d.name: d for d in ColumnDescription.objects.filter(resource_id=table.resource_id)}
    columns = []
    for column in table.columns:
        entry = dictionary.get(column["name"])
        columns.append(
            {
                **column,
                "label": entry.label if entry else column.get("label", ""),
                "description": entry.description if entry else column.get("description", ""),
                "unit": (entry.unit if entry and entry.unit else "") or column.get("unit", ""),
                "identifier": column.get("identifier", False),
            }
        )
    return columns


# --- Query description ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    column: str
    operator: str
    value: object = None


@dataclass
class Query:
    filters: list[Filter] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)
    fields: list[str] | None = None
    q: str = ""
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    cursor: str = ""


@dataclass
class Page:
    fields: list[dict]
    rows: list[dict]
    total: int
    total_estimated: bool
    next_cursor: str | None
    limit: int
    offset: int
    #: Each row's number in the table's file (from 0), in the order of `rows` (the CKAN API's `_id`).
    row_numbers: list[int] = field(default_factory=list)


def _int(value, name: str, *, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Le paramètre %(name)s doit être un nombre entier.") % {"name": name}, field=name
        ) from None
    if number < minimum or (maximum is not None and number > maximum):
        raise ValidationError(
            _("Le paramètre %(name)s doit être compris entre %(min)s et %(max)s.")
            % {"name": name, "min": minimum, "max": maximum if maximum is not None else "∞"},
            field=name,
        )
    return number


def _list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return [part.strip() for part in str(value).split(",") if part.strip()]


def parse_params(params: Mapping, *, max_limit: int = MAX_LIMIT) -> Query:
    """A Query from request parameters: `col=v`, `col__op=v`, `sort`, `fields`, `q`, `limit`, `offset`, `cursor`.

    `params` is a QueryDict or a plain dict (of strings, or of lists of strings). Column names are checked later
    against the table, where the error can list the valid ones.
    """
    getlist = params.getlist if hasattr(params, "getlist") else (lambda k: _as_list(params.get(k)))
    filters = []
    for key in params:
        if key in RESERVED:
            continue
        column, operator = key, "exact"
        if "__" in key:
            head, _sep, tail = key.rpartition("__")
            if tail in OPERATORS:
                column, operator = head, tail
        for value in getlist(key):
            filters.append(Filter(column, operator, value))
    return Query(
        filters=filters,
        sort=_list(params.get("sort")),
        fields=_list(params.get("fields")) or None,
        q=str(params.get("q") or "").strip(),
        limit=_int(params.get("limit"), "limit", default=DEFAULT_LIMIT, maximum=max_limit),
        offset=_int(params.get("offset"), "offset", default=0, maximum=MAX_OFFSET),
        cursor=str(params.get("cursor") or ""),
    )


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# --- Building SQL from a Query --------------------------------------------------------------------------------


class Compiler:
    """Turns a Query into SQL fragments and parameters for one table. Identifiers only from `table.columns`."""

    def __init__(self, table: Table):
        if table.state != Table.State.READY or not table.parquet:
            raise Conflict(
                _("Cette table n'est pas encore chargée : réessayez quand le chargement sera terminé."),
                code="not-ready",
            )
        self.table = table
        self.columns = {c["name"]: c for c in table.columns}
        self._words: dict[str, list[str]] = {}
        #: The statement and parameters of the row numbers a full-text `q` matches, when the text index answers it
        #: alone (set by `text`); `search` then starts from them instead of the table.
        self.hits: tuple[str, list] | None = None
        #: With `hits`, when the table has its postings: the same rows without a statement (`text_rows`).
        self.postings: textindex.Postings | None = None
        self.text_words: list[str] = []
        #: A full-text `q` that no row can match (no word, or a word that begins no token): an empty page, no
        #: statement.
        self.matches_nothing = False

    # identifiers
    def column(self, name: str, *, param: str = "column") -> str:
        if name not in self.columns:
            raise ValidationError(
                _("Colonne inconnue : %(name)s. Colonnes disponibles : %(valid)s.")
                % {"name": name, "valid": ", ".join(self.columns)},
                field=param,
                code="unknown-column",
                extra={"columns": list(self.columns)},
            )
        return quote(name)

    def type_of(self, name: str) -> str:
        return self.columns[name].get("type", "text")

    # values
    def convert(self, name: str, value):
        """The value as the column's type (for a bound parameter); a clear 400 naming the column otherwise."""
        type_ = self.type_of(name)
        if value is None:
            return None
        text = str(value).strip()
        try:
            if type_ == "integer":
                number = int(text)
                if not -BIGINT_MAX <= number <= BIGINT_MAX:
                    raise ValueError(text)
                return number
            if type_ == "number":
                return float(text.replace(",", ".").replace(" ", ""))
            if type_ == "date":
                return dt.date.fromisoformat(text)
            if type_ == "datetime":
                return dt.datetime.fromisoformat(text)
            if type_ == "boolean":
                lowered = text.lower()
                if lowered in ("true", "1", "oui", "vrai", "yes"):
                    return True
                if lowered in ("false", "0", "non", "faux", "no"):
                    return False
                raise ValueError(text)
        except ValueError:
            expected = {
                "integer": _("un nombre entier"),
                "number": _("un nombre"),
                "date": _("une date AAAA-MM-JJ"),
                "datetime": _("une date et heure AAAA-MM-JJTHH:MM:SS"),
                "boolean": _("true ou false"),
            }[type_]
            raise ValidationError(
                _("Valeur invalide pour la colonne %(name)s : « %(value)s » (attendu : %(expected)s).")
                % {"name": name, "value": text[:100], "expected": expected},
                field=name,
                code="invalid-value",
            ) from None
        return text

    def where(self, query: Query) -> tuple[list[str], list]:
        """Every clause of the query: its filters, then its full-text `q` (see `text`)."""
        clauses, params = self.filters(query)
        if query.q:
            clause, clause_params = self.text(query.q)
            clauses.append(clause)
            params.extend(clause_params)
        return clauses, params

    def filters(self, query: Query) -> tuple[list[str], list]:
        clauses, params = [], []
        for item in query.filters:
            col = self.column(item.column, param=item.column)
            op = item.operator
            if op not in OPERATORS:
                raise ValidationError(
                    _("Opérateur de filtre inconnu : %(op)s. Opérateurs : %(valid)s.")
                    % {"op": op, "valid": ", ".join(OPERATORS)},
                    field=item.column,
                )
            if op == "isnull":
                flag = str(item.value).strip().lower()
                if flag not in ("true", "false", "1", "0"):
                    raise ValidationError(
                        _("Le filtre %(name)s__isnull attend true ou false.") % {"name": item.column},
                        field=item.column,
                    )
                clauses.append(f"{col} IS NULL" if flag in ("true", "1") else f"{col} IS NOT NULL")
            elif op == "contains":
                clauses.append(
                    f"strip_accents(lower(CAST({col} AS VARCHAR))) LIKE '%' || strip_accents(lower(?)) || '%' "
                    "ESCAPE '\\'"
                )
                params.append(_escape_like(str(item.value)))
            elif op == "in":
                raw = item.value if isinstance(item.value, (list, tuple)) else _list(item.value)
                values = [self.convert(item.column, v) for v in raw]
                if not values:
                    clauses.append("FALSE")
                    continue
                clauses.append(f"{col} IN ({', '.join('?' for _v in values)})")
                params.extend(values)
            else:
                sql = {
                    "exact": "{c} = ?",
                    "not": "{c} IS DISTINCT FROM ?",
                    "gt": "{c} > ?",
                    "gte": "{c} >= ?",
                    "lt": "{c} < ?",
                    "lte": "{c} <= ?",
                }[op]
                clauses.append(sql.format(c=col))
                params.append(self.convert(item.column, item.value))
        return clauses, params

    def words(self, q: str) -> list[str]:
        """The words of `q`, normalised and cut by DuckDB as the index and the scan do (see `textindex`)."""
        if q not in self._words:
            if len(q) > MAX_TEXT_LENGTH:
                raise ValidationError(
                    _("La recherche q est trop longue (%(max)s caractères au plus).") % {"max": MAX_TEXT_LENGTH},
                    field="q",
                    code="too-long",
                )
            found = textindex.ascii_words(q)
            if found is None:  # letters beyond ASCII: DuckDB's own normalisation, as the index was written
                with shared_connection() as con:
                    sql, text = textindex.words_sql(), q.replace("\x00", " ")
                    found = run(con, sql, [text], fetch=lambda c: c.fetchone()[0])
            words = textindex.distinct_words(found or [])
            if len(words) > textindex.MAX_WORDS:
                raise ValidationError(
                    _("La recherche q compte trop de mots (%(max)s au plus).") % {"max": textindex.MAX_WORDS},
                    field="q",
                    code="too-many-words",
                )
            self._words[q] = words
        return self._words[q]

    def text(self, q: str) -> tuple[str, list]:
        """The clause of a full-text `q` (words with prefix matching, `textindex`): the rows found by the table's
        text index when it has one (`self.hits` then holds that statement alone), else the scan of its text
        columns. A `q` without words, or a table without text columns, matches nothing."""
        self.hits = None
        self.postings, self.text_words = None, []
        words = self.words(q)
        texts = [name for name, c in self.columns.items() if c.get("type", "text") == "text"]
        if not words or not texts:
            self.matches_nothing = True
            return "FALSE", []
        index = _text_index_path(self.table)
        if index is None:
            return textindex.scan_clause(words, texts)
        single_token = rare_first = False
        postings = _postings(self.table)
        lexicon = _lexicon_path(self.table) if postings is None else None
        stats = None
        if postings is not None:
            # The lexicon in memory: how many tokens each word begins, and their pairs.
            spans = [postings.span(word) for word in words]
            stats = {i: (tokens, end - first) for i, (tokens, first, end) in enumerate(spans)}
        elif lexicon is not None:
            # How many tokens each word begins, and their pairs: a word that begins none answers at once; the
            # rarest word comes first; a lone word that begins one token needs no DISTINCT.
            sql, lexicon_params = textindex.lexicon_sql(words, lexicon)
            with shared_connection() as con:
                found = run(con, sql, lexicon_params, fetch=lambda c: c.fetchall())
            stats = {int(i): (int(tokens), int(pairs)) for i, tokens, pairs in found}
        if stats is not None:
            if any(stats[i][0] == 0 for i in range(len(words))):
                self.matches_nothing = True
                return "FALSE", []
            order = sorted(range(len(words)), key=lambda i: stats[i][1])
            words = [words[i] for i in order]
            single_token = len(words) == 1 and stats[0][0] == 1
            rare_first = len(words) > 1 and stats[order[0]][1] * RARE_WORD_RATIO <= stats[order[1]][1]
        hits, params = textindex.hits_sql(words, index, single_token=single_token, rare_first=rare_first)
        longer = textindex.needs_scan(words)
        if not longer:
            self.hits = (hits, params)
            self.postings, self.text_words = postings, words
            return f"{ROW} IN ({hits})", params
        scan, scan_params = textindex.scan_clause(longer, texts)
        return f"({ROW} IN ({hits}) AND {scan})", [*params, *scan_params]

    def order(self, sort: Iterable[str]) -> list[tuple[str, bool]]:
        keys = []
        for key in sort:
            name = key[1:] if key.startswith("-") else key
            self.column(name, param="sort")
            keys.append((name, key.startswith("-")))
        return keys

    def select(self, fields: list[str] | None) -> list[str]:
        names = list(fields) if fields else list(self.columns)
        for name in names:
            self.column(name, param="fields")
        return names


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _order_sql(keys: list[tuple[str, bool]]) -> str:
    parts = [f"{quote(name)} {'DESC' if desc else 'ASC'} NULLS LAST" for name, desc in keys]
    return " ORDER BY " + ", ".join([*parts, f"{ROW} ASC"])


def source_sql() -> str:
    return f"read_parquet(?, {ROW}=true)"


# --- Execution ------------------------------------------------------------------------------------------------


_local = threading.local()


@contextmanager
def shared_connection() -> Iterator:
    """This thread's reusable query connection (a fresh one after a fork, an error or a memory limit change)."""
    key = (os.getpid(), getattr(settings, "DATASTORE_DUCKDB_MEMORY_LIMIT", None))
    con = getattr(_local, "con", None)
    if con is None or getattr(_local, "key", None) != key:
        con = connect()
        # Parquet footers (row groups, statistics) parsed once per file, not at each statement: −40 % on a page of
        # a 1M-row table. Safe: a table's file is never rewritten in place (DuckDB also checks its modification time).
        con.execute("SET parquet_metadata_cache = true")
        _local.con = con
        _local.key = key
    try:
        yield con
    except BaseException:
        # Interrupted, out of memory, failed or abandoned mid-statement: never reuse it.
        _local.con = None
        con.close()
        raise


class _Watchdog:
    """One daemon thread per process that interrupts the statements past their deadline (a `threading.Timer` per
    statement started a thread each time: ~1 ms, four times per page)."""

    def __init__(self):
        self.pid = os.getpid()
        self.condition = threading.Condition()
        self.pending: dict[object, tuple[float, object]] = {}
        threading.Thread(target=self._loop, daemon=True, name="datastore-query-watchdog").start()

    def add(self, seconds: float, callback) -> object:
        token = object()
        with self.condition:
            self.pending[token] = (time.monotonic() + seconds, callback)
            self.condition.notify()
        return token

    def cancel(self, token: object) -> None:
        with self.condition:
            self.pending.pop(token, None)

    def _loop(self) -> None:
        while True:
            with self.condition:
                now = time.monotonic()
                due = [token for token, (deadline, _cb) in self.pending.items() if deadline <= now]
                callbacks = [self.pending.pop(token)[1] for token in due]
                if not callbacks:
                    nearest = min((deadline for deadline, _cb in self.pending.values()), default=None)
                    self.condition.wait(None if nearest is None else nearest - now)
                    continue
            for callback in callbacks:  # outside the condition: a callback takes the statement's own lock
                callback()


_watchdogs: dict[int, _Watchdog] = {}
_watchdog_lock = threading.Lock()


def _watchdog() -> _Watchdog:
    pid = os.getpid()
    dog = _watchdogs.get(pid)
    if dog is None:
        with _watchdog_lock:
            dog = _watchdogs.get(pid)
            if dog is None:  # first statement of this process (a fork does not inherit the thread)
                _watchdogs.clear()
                dog = _watchdogs[pid] = _Watchdog()
    return dog


def run(con, sql: str | None, params: list | None = None, *, timeout: float | None = None, fetch=None):
    """Execute under a time limit; `fetch(cursor)` runs inside the limit too (alone when `sql` is None). Errors
    become 400s. A limit reached as the statement ends counts as a timeout: the interrupt never outlives `run`."""
    limit = timeout_seconds() if timeout is None else timeout
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def interrupt():
        with lock:
            if not state["done"]:
                state["fired"] = True
                con.interrupt()

    dog = _watchdog()
    token = dog.add(limit, interrupt)
    try:
        try:
            cursor = con.execute(sql, params or []) if sql is not None else None
            result = fetch(cursor) if fetch else cursor
        finally:
            with lock:
                state["done"] = True
        if state["fired"]:
            raise duckdb.InterruptException("interrupted")
        return result
    except duckdb.InterruptException:
        raise ValidationError(
            _("La requête a dépassé la limite de %(seconds)s secondes. Ajoutez des filtres ou réduisez le calcul.")
            % {"seconds": f"{limit:g}"},
            code="timeout",
        ) from None
    except duckdb.OutOfMemoryException:
        raise ValidationError(
            _("La requête demande trop de mémoire. Ajoutez des filtres ou réduisez le calcul."), code="too-large"
        ) from None
    except duckdb.Error as error:
        code, message = explain(error)
        raise ValidationError(message, code=code) from None
    finally:
        dog.cancel(token)


def _fields(compiler: Compiler, names: list[str]) -> list[dict]:
    """The page's columns with their data dictionary (label — the name when none was given —, the label as given,
    description, unit), so that callers need not read it again."""
    described = {c["name"]: c for c in table_columns(compiler.table)}
    return [
        {
            "name": n,
            "type": described[n].get("type", "text"),
            "label": described[n].get("label") or n,
            "given_label": described[n].get("label") or "",
            "description": described[n].get("description") or "",
            "unit": described[n].get("unit") or "",
        }
        for n in names
    ]


def _jsonable(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return value


# --- Cursor ---------------------------------------------------------------------------------------------------


def _encode(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def make_cursor(keys: list[tuple[str, bool]], row: dict, row_number: int) -> str:
    return signing.dumps(
        {"s": [f"{'-' if d else ''}{n}" for n, d in keys], "v": [_encode(row[n]) for n, _d in keys], "r": row_number},
        salt=CURSOR_SALT,
        compress=True,
    )


def read_cursor(compiler: Compiler, keys: list[tuple[str, bool]], cursor: str) -> tuple[list, int]:
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        sort = [f"{'-' if d else ''}{n}" for n, d in keys]
        if data["s"] != sort:
            raise ValueError
        values = [None if v is None else compiler.convert(n, v) for (n, _d), v in zip(keys, data["v"], strict=True)]
        return values, int(data["r"])
    except (signing.BadSignature, ValueError, KeyError, TypeError, ValidationError):
        raise ValidationError(
            _("Curseur invalide : reprenez depuis la première page avec le même tri."), field="cursor"
        ) from None


def _after(keys: list[tuple[str, bool]], values: list, row_number: int) -> tuple[str, list]:
    """Rows strictly after (values, row_number) in the order `keys` (NULLS LAST) then row number."""
    ors, params = [], []
    for i in range(len(keys) + 1):
        parts, part_params = [], []
        for (name, _d), value in zip(keys[:i], values[:i], strict=True):
            if value is None:
                parts.append(f"{quote(name)} IS NULL")
            else:
                parts.append(f"{quote(name)} = ?")
                part_params.append(value)
        if i < len(keys):
            name, desc = keys[i]
            value = values[i]
            if value is None:
                continue  # nothing sorts after NULL except the tie handled by the next level
            parts.append(f"({quote(name)} {'<' if desc else '>'} ? OR {quote(name)} IS NULL)")
            part_params.append(value)
        else:
            parts.append(f"{ROW} > ?")
            part_params.append(row_number)
        ors.append("(" + " AND ".join(parts) + ")")
        params.extend(part_params)
    return "(" + " OR ".join(ors) + ")", params


# --- Public functions -----------------------------------------------------------------------------------------


def search(table: Table, query: Query, *, count: bool = True) -> Page:
    """One page of rows: filters, q, sort, fields, limit/offset or cursor, and the total (exact or estimated)."""
    compiler = Compiler(table)
    names = compiler.select(query.fields)
    keys = compiler.order(query.sort)
    clauses, params = compiler.where(query)
    page_clauses, page_params = list(clauses), list(params)
    offset = query.offset
    cursor_row = None
    if query.cursor:
        values, cursor_row = read_cursor(compiler, keys, query.cursor)
        after, after_params = _after(keys, values, cursor_row)
        page_clauses.append(after)
        page_params.extend(after_params)
        offset = 0
    limit = max(0, min(int(query.limit), MAX_LIMIT))
    key_names = [n for n, _d in keys]
    extra = [n for n in key_names if n not in names]
    wanted_names = [*names, *extra]
    path = parquet_path(table)
    order_sql = _order_sql(keys)
    if compiler.matches_nothing:
        return Page(
            fields=_fields(compiler, names),
            rows=[],
            total=0,
            total_estimated=False,
            next_cursor=None,
            limit=limit,
            offset=offset,
        )
    if compiler.postings is not None and (not keys or SortOrder.bytes_for(table.row_count) <= loaded.budget() // 2):
        # A full-text `q` the postings answer: its rows come from them (met with the other filters' rows, which
        # one statement over the filter columns gives), sorted by the table's sort order for these keys; the total
        # is their number (see `_text_page`). A table whose sort order would take over half the memory budget is
        # sorted by the statements below (the order would be computed again at each page).
        with shared_connection() as con:
            numbers, total = _text_page(
                con, compiler, query, keys, offset=offset, count=limit + 1, cursor_row=cursor_row
            )
            estimated = False
            rows = _materialise(con, table, numbers, wanted_names, path, order_sql)
    else:
        with shared_connection() as con:
            numbers, total, estimated = _page_numbers(
                con,
                compiler,
                query,
                keys,
                (clauses, params),
                (page_clauses, page_params),
                offset=offset,
                limit=limit,
                count=count,
            )
            rows = _materialise(con, table, numbers, wanted_names, path, order_sql)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = make_cursor(keys, rows[-1], rows[-1][ROW]) if more and rows else None
    out = [{n: _jsonable(row[n]) for n in names} for row in rows]
    return Page(
        fields=_fields(compiler, names),
        rows=out,
        total=total,
        total_estimated=estimated,
        next_cursor=next_cursor,
        limit=limit,
        offset=offset,
        row_numbers=[int(row[ROW]) for row in rows],
    )


def _text_page(
    con, compiler: Compiler, query: Query, keys: list[tuple[str, bool]], *, offset: int, count: int, cursor_row
) -> tuple[list[int], int]:
    """The row numbers of a page of a full-text `q` from the table's postings, and the total: the rows of `q`,
    kept when the other filters' statement (if any) has them; in file order, a slice of them; sorted, their places
    in the table's sort order for `keys` (`sortorder`). A cursor names a row of the table (its sort values are that
    row's): the page starts after it."""
    table = compiler.table
    if cursor_row is not None and not 0 <= cursor_row < table.row_count:
        raise ValidationError(
            _("Curseur invalide : reprenez depuis la première page avec le même tri."), field="cursor"
        )
    rows = _text_rows(con, compiler, query)
    if not keys:
        start = 0 if cursor_row is None else int(np.searchsorted(rows, cursor_row, "right"))
        numbers = rows[start + offset : start + offset + count]
    else:
        numbers = _sort_order(table, keys).page(rows, skip=offset, count=count, after=cursor_row)
    return [int(n) for n in numbers], len(rows)


def _text_rows(con, compiler: Compiler, query: Query) -> np.ndarray:
    """The rows (sorted, distinct) of a full-text `q` the postings answer, kept when the other filters' statement
    (one, over their columns) has them."""
    table = compiler.table
    rows = compiler.postings.match(compiler.text_words)
    filter_clauses, filter_params = compiler.filters(query)
    if filter_clauses and len(rows):
        sql = f"SELECT {ROW} FROM {source_sql()} WHERE {' AND '.join(filter_clauses)}"  # noqa: S608
        kept = run(con, sql, [parquet_path(table), *filter_params], fetch=lambda c: c.fetchnumpy()[ROW])
        member = np.zeros(table.row_count, dtype=bool)
        member[np.asarray(kept, dtype=np.int64)] = True
        rows = rows[member[rows]]
    return rows


@contextmanager
def _text_clauses(con, compiler: Compiler, query: Query, clauses: list[str], params: list) -> Iterator[tuple]:
    """The WHERE clauses and parameters of a statement over the table (an aggregate): when the postings answer `q`,
    its rows become a relation of this connection for the block (a name of this thread's) and the clause of `q`
    reads it instead of the Parquet index; else `clauses` and `params` as they are."""
    if compiler.postings is None:
        yield clauses, params
        return
    name = f"_q_rows_{threading.get_ident()}"
    con.register(name, {"row": compiler.postings.match(compiler.text_words)})
    try:
        filter_clauses, filter_params = compiler.filters(query)
        yield [*filter_clauses, f"{ROW} IN (SELECT row FROM {name})"], filter_params  # noqa: S608 (a name of ours)
    finally:
        con.unregister(name)


def _page_numbers(con, compiler, query, keys, where, page_where, *, offset, limit, count):
    """The row numbers of a page (one statement over the table, or over the text index's rows joined to it), and
    its total with whether it is estimated."""
    table = compiler.table
    clauses, params = where
    page_clauses, page_params = page_where
    key_names = [n for n, _d in keys]
    path = parquet_path(table)
    order_sql = _order_sql(keys)
    known = _cached_total(table, clauses, params) if count else (0, False)
    counted = None
    # Where the page's row numbers come from: the table, or — a full-text `q` the text index answers — the rows the
    # index gives (`_hits`, computed once), joined to the table only for the other filters and the sort keys.
    prefix, source, source_params = "", source_sql(), [path]
    if compiler.hits is not None:
        hits, hits_params = compiler.hits
        filter_clauses, filter_params = compiler.filters(query)
        page_clauses = [*filter_clauses, *page_clauses[len(clauses) :]]
        page_params = [*filter_params, *page_params[len(params) :]]
        prefix = f"WITH _hits AS MATERIALIZED ({hits}) "
        source = f"(SELECT _t.* FROM _hits JOIN {source_sql()} AS _t ON _t.{ROW} = _hits.row)"  # noqa: S608
        source_params = [*hits_params, path]
    where_sql = f" WHERE {' AND '.join(page_clauses)}" if page_clauses else ""
    # Late materialisation: the page's row numbers from the filter and sort columns alone, then only those rows.
    # Two statements: the row numbers come back as integers and go into the second one as constants, which DuckDB
    # prunes row groups with (a semi-join on a subquery is planned without them: ~25 % slower on 1M rows).
    top = f"{prefix}SELECT {ROW} FROM {source}{where_sql}{order_sql} LIMIT {limit + 1} OFFSET {offset}"  # noqa: S608
    if compiler.hits is not None and not page_clauses and not keys:
        # Only `q`, in file order: the page is the index's rows themselves, the table is not read (its rows come
        # from the row file).
        source = f"(SELECT row AS {ROW} FROM _hits)"  # noqa: S608
        source_params = [*hits_params]
        top = f"{prefix}SELECT {ROW} FROM {source}{order_sql} LIMIT {limit + 1} OFFSET {offset}"  # noqa: S608
    if known is None and not query.cursor:
        # The total counted by the same scan as the page's row numbers: the filter runs once, over the matching
        # rows' row numbers and sort keys (materialised), and the count is exact whatever its size (~16 ms on 1M
        # rows, against ~25 ms for the page's scan plus a capped count plus a sampled estimate).
        kept = ", ".join([ROW, *(quote(n) for n in dict.fromkeys(key_names))])
        top = (
            f"{prefix}{', ' if prefix else 'WITH '}"  # noqa: S608
            f"matching AS MATERIALIZED (SELECT {kept} FROM {source}{where_sql}) "
            f"SELECT {ROW}, (SELECT count(*) FROM matching) FROM matching{order_sql} "
            f"LIMIT {limit + 1} OFFSET {offset}"
        )

    def numbered(cursor) -> list[int]:
        nonlocal counted
        found = cursor.fetchall()
        if known is None and not query.cursor and found:
            counted = int(found[0][1])
        return [int(r[0]) for r in found]

    numbers = run(con, top, [*source_params, *page_params], fetch=numbered)
    if known is not None:
        total, estimated = known
    elif counted is not None:
        total, estimated = counted, False
        cache.set(count_cache_key(table, clauses, params), (total, estimated), COUNT_CACHE_SECONDS)
    else:  # a cursor page, or a page past the end, whose total is not in the cache
        total, estimated = _count(con, path, clauses, params, table)
    return numbers, total, estimated


def _materialise(con, table: Table, numbers: list[int], names: list[str], path: str, order_sql: str) -> list[dict]:
    """The rows of these row numbers (in this order), with `names` and the row number: from the row file, or from
    the Parquet file (sorted again by the page's keys) when the table has none."""
    stored = _page_rows(table, numbers, names) if numbers else None
    if stored is not None:  # the row file: one small block per row (see rowstore)
        return [{**dict(zip(names, stored[n], strict=True)), ROW: n} for n in numbers]
    records, columns = [], [ROW]
    if numbers:
        select = ", ".join([quote(n) for n in names] + [ROW])
        wanted = ", ".join(str(n) for n in numbers)  # integers read back from DuckDB, never user input
        sql = f"SELECT {select} FROM {source_sql()} WHERE {ROW} IN ({wanted}){order_sql}"  # noqa: S608
        records, columns = run(con, sql, [path], fetch=lambda c: (c.fetchall(), [d[0] for d in c.description]))
    return [dict(zip(columns, record, strict=True)) for record in records]


def count_cache_key(table: Table, clauses: list[str], params: list) -> str:
    """The cache key of a table's total under some filters: the table (identifier, file, rows), the WHERE clauses
    (built from column names and operators only) and their bound values, and the exact-count threshold."""
    described = repr((EXACT_COUNT_THRESHOLD, table.parquet, table.row_count, clauses, [_encode(p) for p in params]))
    return f"datastore:count:{table.identifier.hex}:{hashlib.sha256(described.encode()).hexdigest()}"


def _cached_total(table: Table, clauses: list[str], params: list) -> tuple[int, bool] | None:
    """The total already known: the table's row count without filters, else the cached count, else None."""
    if not clauses:
        return table.row_count, False
    cached = cache.get(count_cache_key(table, clauses, params))
    return (cached[0], cached[1]) if cached is not None else None


def _count(con, path: str, clauses: list[str], params: list, table: Table) -> tuple[int, bool]:
    """The total (exact up to the threshold, estimated above and flagged), from the cache when already counted."""
    known = _cached_total(table, clauses, params)
    if known is not None:
        return known
    total, estimated = _count_rows(con, path, clauses, params, table)
    cache.set(count_cache_key(table, clauses, params), (total, estimated), COUNT_CACHE_SECONDS)
    return total, estimated


def _count_rows(con, path: str, clauses: list[str], params: list, table: Table) -> tuple[int, bool]:
    where_sql = f" WHERE {' AND '.join(clauses)}"
    capped = run(
        con,
        f"SELECT count(*) FROM (SELECT 1 FROM {source_sql()}{where_sql} LIMIT {EXACT_COUNT_THRESHOLD + 1})",  # noqa: S608
        [path, *params],
        fetch=lambda c: c.fetchall()[0][0],
    )
    if capped <= EXACT_COUNT_THRESHOLD:
        return capped, False
    # Estimate: the matching share of a 10 % sample of the file (row groups), times the table's row count.
    matched, sampled = run(
        con,
        f"SELECT count(*) FILTER (WHERE {' AND '.join(clauses)}), count(*) "  # noqa: S608
        f"FROM (SELECT * FROM {source_sql()} USING SAMPLE 10 PERCENT (system, 42))",
        [*params, path],
        fetch=lambda c: c.fetchall()[0],
    )
    if not sampled:
        sql = f"SELECT count(*) FROM {source_sql()}{where_sql}"  # noqa: S608
        exact = run(con, sql, [path, *params], fetch=lambda c: c.fetchall()[0][0])
        return exact, False
    return max(round(matched / sampled * table.row_count), EXACT_COUNT_THRESHOLD + 1), True


def count(table: Table, query: Query) -> tuple[int, bool]:
    """The rows matching a query's filters and search, and whether the number is estimated (as a page's total:
    exact up to `EXACT_COUNT_THRESHOLD`, estimated above; cached)."""
    compiler = Compiler(table)
    clauses, params = compiler.where(query)
    if compiler.matches_nothing:
        return 0, False
    if compiler.postings is not None:  # exact, from the postings (and the other filters' rows)
        with shared_connection() as con:
            return len(_text_rows(con, compiler, query)), False
    known = _cached_total(table, clauses, params)
    if known is not None:
        return known
    with shared_connection() as con:
        return _count(con, parquet_path(table), clauses, params, table)


def query_table(
    table: Table,
    *,
    filters: list[Filter] | tuple = (),
    sort: list[str] | tuple = (),
    fields: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
    q: str = "",
) -> tuple[list[dict], int]:
    """Rows (dicts) of a ready table and the total matching count. `sort`: names, `-name` for descending."""
    page = search(
        table,
        Query(filters=list(filters), sort=list(sort), fields=fields, q=q, limit=limit, offset=max(0, int(offset))),
    )
    return page.rows, page.total


def parse_aggregates(compiler: Compiler, specs: list[str]) -> list[tuple[str, str | None, str]]:
    """`count`, `sum:col`, `avg:col`, `min:col`, `max:col` → (function, column, output name)."""
    out = []
    for spec in specs or ["count"]:
        function, _sep, name = spec.partition(":")
        function = function.strip().lower()
        if function not in AGGREGATES:
            raise ValidationError(
                _("Agrégat inconnu : %(agg)s. Agrégats : %(valid)s.")
                % {"agg": function, "valid": ", ".join(AGGREGATES)},
                field="agg",
            )
        if function == "count":
            out.append(("count", None, "count"))
            continue
        if not name:
            raise ValidationError(
                _("L'agrégat %(agg)s demande une colonne : %(agg)s:colonne.") % {"agg": function}, field="agg"
            )
        compiler.column(name, param="agg")
        if function in ("sum", "avg") and compiler.type_of(name) not in NUMERIC:
            raise ValidationError(
                _("L'agrégat %(agg)s demande une colonne numérique ; %(name)s est de type %(type)s.")
                % {"agg": function, "name": name, "type": compiler.type_of(name)},
                field="agg",
            )
        out.append((function, name, f"{function}_{name}"))
    return out


def aggregate(table: Table, query: Query, *, group_by: list[str], aggregates: list[str]) -> dict:
    """Group by 1–2 columns with count/sum/avg/min/max, under the same filters. Groups sorted by `sort` or count."""
    compiler = Compiler(table)
    if len(group_by) > MAX_GROUP_BY:
        raise ValidationError(_("Regroupement sur %(max)s colonnes au plus.") % {"max": MAX_GROUP_BY}, field="group_by")
    for name in group_by:
        compiler.column(name, param="group_by")
    specs = parse_aggregates(compiler, aggregates)
    clauses, params = compiler.where(query)
    outputs = [*group_by, *[o for _f, _c, o in specs]]
    selects = [quote(n) for n in group_by]
    for function, name, output in specs:
        selects.append(f"{'count(*)' if function == 'count' else f'{function}({quote(name)})'} AS {quote(output)}")
    order = []
    for key in query.sort:
        name = key[1:] if key.startswith("-") else key
        if name not in outputs:
            raise ValidationError(
                _("Tri inconnu : %(name)s. Tris possibles : %(valid)s.") % {"name": name, "valid": ", ".join(outputs)},
                field="sort",
            )
        order.append(f"{quote(name)} {'DESC' if key.startswith('-') else 'ASC'} NULLS LAST")
    if not order:
        first = specs[0][2]
        order = [f"{quote(first)} DESC NULLS LAST"] + [f"{quote(n)} ASC NULLS LAST" for n in group_by]
    limit = max(1, min(int(query.limit or DEFAULT_LIMIT), MAX_GROUPS))
    group_sql = f" GROUP BY {', '.join(quote(n) for n in group_by)}" if group_by else ""
    with shared_connection() as con, _text_clauses(con, compiler, query, clauses, params) as (clauses, params):
        where_sql = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            f"SELECT {', '.join(selects)} FROM {source_sql()}{where_sql}{group_sql} "  # noqa: S608
            f"ORDER BY {', '.join(order)} LIMIT {limit + 1} OFFSET {int(query.offset)}"
        )
        records = run(con, sql, [parquet_path(table), *params], fetch=lambda c: c.fetchall())
    rows = [{k: _jsonable(v) for k, v in zip(outputs, r, strict=True)} for r in records[:limit]]
    return {
        "group_by": group_by,
        "aggregates": [o for _f, _c, o in specs],
        "rows": rows,
        "truncated": len(records) > limit,
        "limit": limit,
        "offset": int(query.offset),
    }


def export_sql(table: Table, query: Query, *, select_item=None) -> tuple[str, list, list[str]]:
    """The SELECT of a filtered, sorted result without limit (for COPY), its parameters and the column names.
    `select_item(name, type)`, when given, writes each column's SELECT item (an expression and its alias)."""
    compiler = Compiler(table)
    names = compiler.select(query.fields)
    keys = compiler.order(query.sort)
    clauses, params = compiler.where(query)
    where_sql = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    select = ", ".join(select_item(n, compiler.type_of(n)) if select_item else quote(n) for n in names)
    sql = f"SELECT {select} FROM {source_sql()}{where_sql}{_order_sql(keys)}"  # noqa: S608
    return sql, [parquet_path(table), *params], names
