"""The one search service of the catalogue: full text, filters, facets, sorts and pages over published datasets.

Two full-text back ends behind the same functions, chosen by the database vendor:

- **SQLite**: an FTS5 table `catalog_search(title, body)` whose rowid is the dataset id, tokenised with
  `unicode61 remove_diacritics 2`. FTS5 has no French stemmer, so the text is stemmed here, in Python, with the
  light stemmer below, both when indexing and when querying. Ranking: `bm25` with the title weighing 10 times
  the body, so that title matches come first.
- **PostgreSQL**: a table `catalog_search(dataset_id, document tsvector)` with a GIN index; the document is the
  title (weight A) and the rest (weight B), through the `french` configuration and `auzolan_unaccent` (an
  immutable wrapper of `unaccent`). Ranking: `ts_rank`.

The index is kept up to date by `catalog.receivers` (`dataset_changed`, `post_delete`) and rebuilt by
`manage.py reindex_catalog`. Filters combine with AND across facets and OR within a facet; each facet's counts
are computed with one GROUP BY over the set filtered by every *other* facet, so that they show alternatives.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation

from auzolan.catalog.models import Dataset, DatasetFormat, DatasetTheme, Keyword, Resource, TableSchema
from auzolan.catalog.services import refresh_formats
from auzolan.catalog.vocabularies import Frequency, Licence, Theme
from auzolan.organisations.models import Organisation

FACETS = ("organisation", "theme", "keyword", "licence", "format", "schema", "commune", "frequency")
SORTS = ("relevance", "updated", "quality", "title")
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12
MAX_FILTER_VALUES = 20
FACET_LIMIT = 30
TITLE_WEIGHT = 10.0


# --- French light stemming (SQLite back end) ---------------------------------------------------------------

# A few very frequent French words that carry no meaning for search (PostgreSQL's `french` config drops them too).
STOP_WORDS = frozenset(
    {
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
    }
)

# Longest first; each removal keeps a stem of at least 3 letters. Applied once, after the plural.
_SUFFIXES = (
    ("issements", ""),
    ("issement", ""),
    ("ements", ""),
    ("ement", ""),
    ("ations", ""),
    ("ation", ""),
    ("ateurs", ""),
    ("ateur", ""),
    ("atrice", ""),
    ("ments", ""),
    ("ment", ""),
    ("euses", "eu"),
    ("euse", "eu"),
    ("ites", ""),
    ("ite", ""),
    ("iques", ""),
    ("ique", ""),
    ("ismes", ""),
    ("isme", ""),
    ("istes", ""),
    ("iste", ""),
    ("ives", "if"),
    ("ive", "if"),
    ("elles", "el"),
    ("elle", "el"),
    ("ees", ""),
    ("ee", ""),
    ("er", ""),
    ("es", ""),
    ("e", ""),
)
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower case, without accents (é → e, œ → oe)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light French stemmer in the spirit of Savoy's (2005): plural, then one common suffix.

    The word must already be normalised (lower case, no accents). Deliberately simple and predictable:
    "délibérations" → "deliber", "délibération" → "deliber", "vélos" → "velo", "journaux" → "journal",
    "équipements" → "equip", "municipales" → "municipal", "annuelle" → "annuel".
    """
    if len(word) <= 3 or word.isdigit():
        return word
    # Plural
    if word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"
    elif word.endswith("x") or (word.endswith("s") and not word.endswith("ss")):
        word = word[:-1]
    # One suffix
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 3:
            word = word[: len(word) - len(suffix)] + replacement
            break
    # Double final consonant left by a suffix ("annuell" → "annuel", "nationn" is not French but is harmless)
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiouy":
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The stemmed terms of a text, in order, without stop words."""
    return [stem(w) for w in _WORD.findall(normalise(text)) if w not in STOP_WORDS and w != "_"]


def _fts5_query(text: str) -> str:
    """An FTS5 MATCH expression: every term, quoted (terms are only letters and digits, so nothing to escape)."""
    found = terms(text[:MAX_QUERY_LENGTH])[:MAX_QUERY_TERMS]
    return " AND ".join(f'"{t}"' for t in dict.fromkeys(found))


# --- Index back ends -----------------------------------------------------------------------------------------


def _document(dataset: Dataset) -> tuple[str, str]:
    """(title, body) of a dataset: what the index knows about it."""
    with translation.override("fr"):
        themes = [str(Theme(t.code).label) for t in dataset.themes.all() if t.code in Theme.values]
    parts = [
        dataset.description,
        " ".join(k.name for k in dataset.keywords.all()),
        dataset.organisation.name,
        " ".join(themes),
        " ".join(c.name for c in dataset.communes.all()),
    ]
    return dataset.title, "\n".join(p for p in parts if p)


class _SqliteIndex:
    def upsert(self, cursor, rows: list[tuple[int, str, str]]) -> None:
        cursor.executemany("DELETE FROM catalog_search WHERE rowid = %s", [(pk,) for pk, _, _ in rows])
        cursor.executemany(
            "INSERT INTO catalog_search (rowid, title, body) VALUES (%s, %s, %s)",
            [(pk, " ".join(terms(title)), " ".join(terms(body))) for pk, title, body in rows],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        cursor.executemany("DELETE FROM catalog_search WHERE rowid = %s", [(pk,) for pk in ids])

    def clear(self, cursor) -> None:
        cursor.execute("DELETE FROM catalog_search")

    def prepare(self, q: str) -> str:
        return _fts5_query(q)

    def match(self, prepared: str) -> tuple[str, list]:
        return "SELECT rowid FROM catalog_search WHERE catalog_search MATCH %s", [prepared]

    def ranked(self, prepared: str, ids_sql: str, ids_params, limit: int, offset: int) -> tuple[str, list]:
        # `+rowid`: without the unary plus, SQLite hands `rowid IN (...)` to FTS5, which then runs the MATCH once per
        # id of the filtered set (~20 ms for 600 ids); with it, one MATCH scan whose rows are checked against the set.
        sql = (
            "SELECT rowid FROM catalog_search WHERE catalog_search MATCH %s "  # noqa: S608 (fragments are constants; values are parameters)
            f"AND +rowid IN ({ids_sql}) "
            f"ORDER BY bm25(catalog_search, {TITLE_WEIGHT}, 1.0), rowid LIMIT %s OFFSET %s"
        )
        return sql, [prepared, *ids_params, limit, offset]


# Title (A) and body (B), each through the `french` configuration (unaccented) and as light stems ('simple').
_PG_DOCUMENT = (
    "setweight(to_tsvector('french', auzolan_unaccent(%s)) || to_tsvector('simple', %s), 'A') || "
    "setweight(to_tsvector('french', auzolan_unaccent(%s)) || to_tsvector('simple', %s), 'B')"
)


class _PostgresIndex:
    def upsert(self, cursor, rows: list[tuple[int, str, str]]) -> None:
        cursor.executemany(
            f"INSERT INTO catalog_search (dataset_id, document) VALUES (%s, {_PG_DOCUMENT}) "  # noqa: S608 (fragments are constants; values are parameters)
            "ON CONFLICT (dataset_id) DO UPDATE SET document = EXCLUDED.document",
            [(pk, title, " ".join(terms(title)), body, " ".join(terms(body))) for pk, title, body in rows],
        )

    def delete(self, cursor, ids: list[int]) -> None:
        cursor.execute("DELETE FROM catalog_search WHERE dataset_id = ANY(%s)", [list(ids)])

    def clear(self, cursor) -> None:
        cursor.execute("DELETE FROM catalog_search")

    def prepare(self, q: str) -> list[tuple[str, str]]:
        """(word, light stem) pairs. The `french` snowball stemmer alone leaves "velos" whole, and it cuts some
        words shorter than the light stemmer ("remarquable" → "remarqu"): the document holds both (see
        _PG_DOCUMENT) and each query word matches either its snowball stem or its light stem as a prefix.
        Words are only letters and digits: no tsquery operator can come from the visitor."""
        words = [w for w in _WORD.findall(normalise(q[:MAX_QUERY_LENGTH])) if w not in STOP_WORDS and w != "_"]
        return list(dict.fromkeys((w, stem(w)) for w in words))[:MAX_QUERY_TERMS]

    def _query(self, prepared: list[tuple[str, str]]) -> tuple[str, list]:
        sql = " && ".join("(to_tsquery('french', %s) || to_tsquery('simple', %s))" for _ in prepared)
        params = [value for word, light in prepared for value in (word, f"{light}:*")]
        return sql, params

    def match(self, prepared) -> tuple[str, list]:
        query, params = self._query(prepared)
        return f"SELECT dataset_id FROM catalog_search WHERE document @@ ({query})", params  # noqa: S608 (fragments are constants; values are parameters)

    def ranked(self, prepared, ids_sql: str, ids_params, limit: int, offset: int) -> tuple[str, list]:
        query, params = self._query(prepared)
        sql = (
            f"SELECT s.dataset_id FROM catalog_search s, (SELECT {query}) AS q(query) "  # noqa: S608 (fragments are constants; values are parameters)
            f"WHERE s.document @@ q.query AND s.dataset_id IN ({ids_sql}) "
            "ORDER BY ts_rank(s.document, q.query) DESC, s.dataset_id LIMIT %s OFFSET %s"
        )
        return sql, [*params, *ids_params, limit, offset]


def _backend():
    return _PostgresIndex() if connection.vendor == "postgresql" else _SqliteIndex()


def _index_queryset() -> QuerySet[Dataset]:
    return Dataset.objects.select_related("organisation").prefetch_related(
        "themes", "keywords", Prefetch("communes", queryset=_commune_model().objects.only("id", "name"))
    )


def _commune_model():
    return Dataset.communes.field.related_model


def index_datasets(ids: Iterable[int]) -> None:
    """Bring the index up to date for these datasets: published ones are (re)indexed, the others removed."""
    ids = list(ids)
    if not ids:
        return
    backend = _backend()
    with transaction.atomic(), connection.cursor() as cursor:
        datasets = list(_index_queryset().filter(pk__in=ids, state=Dataset.State.PUBLISHED))
        published = {d.pk for d in datasets}
        gone = [pk for pk in ids if pk not in published]
        if gone:
            backend.delete(cursor, gone)
        if datasets:
            backend.upsert(cursor, [(d.pk, *_document(d)) for d in datasets])
    transaction.on_commit(invalidate_cache)
    invalidate_cache()


def remove_datasets(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        with connection.cursor() as cursor:
            _backend().delete(cursor, ids)
        invalidate_cache()


def rebuild_index(*, batch_size: int = 500, progress=None) -> int:
    """Rebuild the whole index from the published datasets (what `reindex_catalog` runs). Returns the count."""
    backend = _backend()
    total = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            backend.clear(cursor)
        ids = list(Dataset.objects.published().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            refresh_formats(chunk)  # the format facet reads them: repaired with the index (after bulk inserts...)
            datasets = list(_index_queryset().filter(pk__in=chunk))
            with connection.cursor() as cursor:
                backend.upsert(cursor, [(d.pk, *_document(d)) for d in datasets])
            total += len(datasets)
            if progress:
                progress(total, len(ids))
    invalidate_cache()
    return total


# --- Search -------------------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    total: int
    results: list[Dataset]
    facets: dict[str, list[tuple[str, str, int]]]
    page: int
    page_size: int
    num_pages: int
    sort: str
    q: str
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def clean_filters(filters: dict | None) -> dict[str, list[str]]:
    """Known facets only, each a sorted list of distinct non-empty short strings (unknown values just match nothing)."""
    cleaned: dict[str, list[str]] = {}
    for name in FACETS:
        raw = (filters or {}).get(name) or []
        if isinstance(raw, str):
            raw = [raw]
        values = sorted({str(v).strip()[:200] for v in raw if str(v).strip()})[:MAX_FILTER_VALUES]
        if values:
            cleaned[name] = values
    return cleaned


def _filter_q(name: str, values: list[str]) -> Q:
    if name == "organisation":
        return Q(organisation__slug__in=values)
    if name == "theme":
        return Q(pk__in=DatasetTheme.objects.filter(code__in=values).values("dataset_id"))
    if name == "keyword":
        through = Dataset.keywords.through
        return Q(pk__in=through.objects.filter(keyword__slug__in=values).values("dataset_id"))
    if name == "licence":
        return Q(licence__in=values)
    if name == "format":
        return Q(pk__in=DatasetFormat.objects.filter(format__in=[v.lower() for v in values]).values("dataset_id"))
    if name == "schema":
        return Q(schema__name__in=values)
    if name == "commune":
        through = Dataset.communes.through
        return Q(pk__in=through.objects.filter(commune__insee_code__in=values).values("dataset_id"))
    if name == "frequency":
        return Q(frequency__in=values)
    raise ValueError(name)


def _labelled(rows_qs: QuerySet, key: str, table: str, value: str, label: str, *, limit: int = 0):
    """(value, label, n) rows: counts grouped by a foreign key (an integer, cheap to group), then joined once to
    the table that names them, instead of grouping by the joined text columns."""
    inner_sql, params = rows_qs.query.sql_with_params()
    sql = (
        f'SELECT t."{value}", t."{label}", c.n FROM ({inner_sql}) c '  # noqa: S608 (names are constants; values are parameters)
        f'INNER JOIN "{table}" t ON t."id" = c."{key}"'
    )
    if limit:
        sql += f' ORDER BY c.n DESC, t."{label}" LIMIT {int(limit)}'
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _facet_counts(name: str, datasets: QuerySet[Dataset]) -> list[tuple[str, str, int]]:
    """Counts of one facet over `datasets`. Columns of the dataset are grouped directly over the filtered queryset
    (covering indexes (state, column)); related rows are grouped over `dataset_id IN (filtered ids)`."""
    ids = datasets.values("pk")
    if name == "organisation":
        organisation = Dataset.organisation.field.related_model
        counts = datasets.order_by().values("organisation_id").annotate(n=Count("*"))
        rows = _labelled(counts, "organisation_id", organisation._meta.db_table, "slug", "name")
    elif name == "theme":
        labels = dict(Theme.choices)
        rows = [
            (code, labels.get(code, code), n)
            for code, n in DatasetTheme.objects.filter(dataset__in=ids)
            .order_by()
            .values_list("code")
            .annotate(n=Count("*"))
        ]
    elif name == "keyword":
        through = Dataset.keywords.through
        counts = through.objects.filter(dataset__in=ids).order_by().values("keyword_id").annotate(n=Count("*"))
        rows = _labelled(counts, "keyword_id", Keyword._meta.db_table, "slug", "name", limit=FACET_LIMIT)
    elif name == "licence":
        labels = dict(Licence.choices)
        rows = [(v, labels.get(v, v), n) for v, n in datasets.order_by().values_list("licence").annotate(n=Count("*"))]
    elif name == "format":
        rows = [
            (v, v.upper(), n)
            for v, n in DatasetFormat.objects.filter(dataset__in=ids)
            .order_by()
            .values_list("format")
            .annotate(n=Count("*"))
        ]
    elif name == "schema":
        counts = datasets.order_by().filter(schema__isnull=False).values("schema_id").annotate(n=Count("*"))
        rows = _labelled(counts, "schema_id", TableSchema._meta.db_table, "name", "title")
    elif name == "commune":
        through = Dataset.communes.through
        commune = _commune_model()
        counts = through.objects.filter(dataset__in=ids).order_by().values("commune_id").annotate(n=Count("*"))
        rows = _labelled(counts, "commune_id", commune._meta.db_table, "insee_code", "name", limit=FACET_LIMIT)
    elif name == "frequency":
        labels = dict(Frequency.choices)
        rows = [
            (v, labels.get(v, v), n) for v, n in datasets.order_by().values_list("frequency").annotate(n=Count("*"))
        ]
    else:  # pragma: no cover
        raise ValueError(name)
    items = [(str(v), str(label), int(n)) for v, label, n in rows if v is not None]
    items.sort(key=lambda item: (-item[2], item[1].lower()))
    return items[:FACET_LIMIT]


def _selected_labels(name: str, values: list[str]) -> dict[str, str]:
    """Labels of selected values that have no count in the current set (one small query at most)."""
    if name == "organisation":
        return dict(Organisation.objects.filter(slug__in=values).values_list("slug", "name"))
    if name == "keyword":
        return dict(Keyword.objects.filter(slug__in=values).values_list("slug", "name"))
    if name == "schema":
        return dict(TableSchema.objects.filter(name__in=values).values_list("name", "title"))
    if name == "commune":
        return dict(_commune_model().objects.filter(insee_code__in=values).values_list("insee_code", "name"))
    choices = {"theme": Theme.choices, "licence": Licence.choices, "frequency": Frequency.choices}.get(name)
    if choices:
        return {k: str(v) for k, v in choices if k in values}
    return {v: v.upper() for v in values}


FACETS_CACHE_SECONDS = 300
_VERSION_KEY = "catalog:search:version"


def _facets_cache_key(prepared, filters: dict, scope=None) -> str:
    """Facet counts are cached per (query, filters, narrowed set) and per catalogue version: any indexed change
    bumps it."""
    version = cache.get_or_set(_VERSION_KEY, 1, None)
    described = (prepared, sorted(filters.items()))
    if scope is not None and scope != ("", FACETS):
        described = (*described, scope)
    digest = hashlib.sha256(repr(described).encode()).hexdigest()[:32]
    return f"catalog:facets:{version}:{digest}"


def invalidate_cache() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def published_datasets() -> QuerySet[Dataset]:
    return Dataset.objects.published()


def search_datasets(
    *,
    q: str = "",
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 20,
    actor=None,
    facets: bool = True,
    base: QuerySet[Dataset] | None = None,
    base_key: str = "",
    include: Q | None = None,
    offset: int | None = None,
    max_page_size: int = MAX_PAGE_SIZE,
    order_by: Sequence = (),
    facet_names: Iterable[str] | None = None,
    load: Callable[[list[int]], list] | None = None,
) -> SearchResult:
    """Search the published datasets. `base` narrows the set (an organisation's datasets), never widens it.

    `actor` is accepted for the day when search covers what a person may see beyond published datasets;
    today every caller gets the published ones only, unless it passes `include` (below).

    For other interfaces (the CKAN API, `catalog.ckan`): `base_key`, a text that determines `base`, keeps the facet
    cache for a narrowed set; `include` adds datasets that are not published (a member's drafts; the index holds
    published datasets only, so `q` never finds them); `offset` replaces `page`; `max_page_size` raises the page
    size's bound; `order_by` (model orderings, trusted code only) replaces `sort` unless the sort is by relevance;
    `facet_names` computes only these facets; `load` loads the page's datasets from their ids (`list_datasets`).
    """
    q = (q or "")[:MAX_QUERY_LENGTH].strip()
    filters = clean_filters(filters)
    sort = sort if sort in SORTS else "relevance"
    page_size = max(1, min(int(page_size or 20), max_page_size))
    page = max(1, int(page or 1))
    backend = _backend()
    prepared = backend.prepare(q) if q else ""
    if sort == "relevance" and not prepared:
        sort = "updated"

    visible = Q(state=Dataset.State.PUBLISHED) if include is None else Q(state=Dataset.State.PUBLISHED) | include
    root = (base if base is not None else Dataset.objects.all()).filter(visible).order_by()
    if prepared:
        match_sql, match_params = backend.match(prepared)
        root = root.filter(pk__in=RawSQL(match_sql, match_params))  # noqa: S611
    conditions = {name: _filter_q(name, values) for name, values in filters.items()}
    filtered = root
    for condition in conditions.values():
        filtered = filtered.filter(condition)

    total = filtered.count()
    num_pages = max(1, math.ceil(total / page_size))
    if offset is None:
        offset = (page - 1) * page_size
    else:
        page = offset // page_size + 1

    if total == 0 or offset >= total:
        ids: list[int] = []
    elif sort == "relevance":
        ids_sql, ids_params = filtered.values("pk").query.sql_with_params()
        sql, params = backend.ranked(prepared, ids_sql, ids_params, page_size, offset)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
    elif order_by:
        ids = list(filtered.order_by(*order_by, "pk").values_list("pk", flat=True)[offset : offset + page_size])
    else:
        ordering = {
            "updated": ["-last_modified", "-pk"],
            "quality": ["-quality_score", "-last_modified", "-pk"],
            "title": ["title", "pk"],
        }[sort]
        if sort == "updated":
            ordering = [F("last_modified").desc(nulls_last=True), "-pk"]
        ids = list(filtered.order_by(*ordering).values_list("pk", flat=True)[offset : offset + page_size])

    results = (load or list_datasets)(ids)

    names = FACETS if facet_names is None else tuple(n for n in FACETS if n in set(facet_names))
    facets = facets and bool(names)
    facet_values: dict[str, list[tuple[str, str, int]]] = {}
    cache_seconds = getattr(settings, "CATALOG_FACETS_CACHE_SECONDS", FACETS_CACHE_SECONDS)
    cacheable = (base is None or base_key) and include is None
    cache_key = (
        _facets_cache_key(prepared, filters, (base_key, names)) if facets and cacheable and cache_seconds > 0 else ""
    )
    cached = cache.get(cache_key) if cache_key else None
    if cached is not None:
        facet_values = cached
    elif facets:
        for name in names:
            others = root
            for other, condition in conditions.items():
                if other != name:
                    others = others.filter(condition)
            items = _facet_counts(name, others)
            selected = filters.get(name, [])
            missing = [v for v in selected if v not in {item[0] for item in items}]
            if missing:
                labels = _selected_labels(name, missing)
                items += [(v, labels.get(v, v), 0) for v in missing]
            facet_values[name] = items
        if cache_key:
            cache.set(cache_key, facet_values, cache_seconds)

    return SearchResult(
        total=total,
        results=results,
        facets=facet_values,
        page=page,
        page_size=page_size,
        num_pages=num_pages,
        sort=sort,
        q=q,
        filters=filters,
    )


def list_datasets(ids: list[int]) -> list[Dataset]:
    """The datasets with these ids, in this order, with what a list shows (organisation, themes, keywords, formats).

    Each gets `format_list` (sorted distinct resource formats) and `keyword_names`.
    """
    if not ids:
        return []
    queryset = (
        Dataset.objects.filter(pk__in=ids)
        .select_related("organisation", "schema")
        .prefetch_related(
            "themes",
            "keywords",
            Prefetch("resources", queryset=Resource.objects.only("id", "dataset_id", "format", "position")),
        )
    )
    by_id = {d.pk: d for d in queryset}
    results = [by_id[pk] for pk in ids if pk in by_id]
    for dataset in results:
        dataset.format_list = sorted({r.format.upper() for r in dataset.resources.all() if r.format})
        dataset.keyword_names = [k.name for k in dataset.keywords.all()]
        dataset.excerpt = plain_excerpt(dataset.description)
    return results


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(^|\s)(#{1,6}|>|[-*+]|\d+\.)\s+|[*_`~|]+|<[^>]*>", re.MULTILINE)


def plain_excerpt(markdown: str, length: int = 240) -> str:
    """The first words of a Markdown text as plain text (links keep their text, marks and HTML go)."""
    text = _MD_LINK.sub(r"\1", markdown or "")
    text = _MD_MARKS.sub(" ", text)
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(".,;:") + "…"
