"""The text index of a table: which rows hold which words, for a full-text `q` without scanning every text column.

**Semantics of `q`** (the data API's `q` and CKAN `datastore_search`'s text `q`): words with prefix matching. The
text of `q` and of every text cell is normalised the same way, by DuckDB (`strip_accents(lower(...))`), and cut
into words: maximal runs of letters and digits (`[\\pL\\pN]+`; anything else, punctuation, spaces, `_`, separates
words). A row matches when **every word of `q` is the beginning of a word of the row**, in any of its text columns
(not necessarily the same one): `asso bayon` finds "Association sportive de Bayonne"; `2015` finds "DEL-2015-0000";
`ssoc` finds nothing (not the beginning of a word). This is CKAN's datastore `q` (PostgreSQL full text,
`plainto_tsquery`: every word must match) with prefix matching (`:*`) on every word, without stemming or stop
words. A `q` without any letter or digit (only punctuation) matches no row. Columns of other types (numbers, dates)
are not searched. CKAN's per-column form (`{"column": "text"}`) is not this: it stays a substring match per column.

**The index** is a Parquet file of `(token VARCHAR, row UINTEGER)` pairs, distinct, sorted by token then row, in
row groups of `ROW_GROUP_ROWS`: a word's rows are the pairs of the tokens in `[word, next(word))` (every token that
begins with the word), found by the row groups' min/max statistics — a few small row groups read per word, not the
table. It is written once by the ingestion job after the row file (`ingestion.job.build_text_index`, `manage.py
build_text_indexes` for older tables) and never changed: a new version is a new table with its own file. Tokens are
stored cut to `MAX_TOKEN` characters; a longer word of `q` is looked up by its first `MAX_TOKEN` characters and
checked by the scan below on the rows found (exact, slower).

**The postings** (`Postings`): the same pairs' row numbers, in the same order, as a raw array of little-endian
unsigned 32-bit integers (`POSTINGS_SUFFIX`, 4 bytes per pair), which the process maps into memory (the operating
system's page cache, shared by every worker) with the lexicon loaded once beside it: a token's rows are one slice
of the array, at the offset the lexicon's counts add up to, already sorted and distinct; a word that begins several
tokens is one contiguous slice too (its tokens are neighbours in the sorted lexicon), made distinct through a bitmap
of the table's rows. No DuckDB statement, no decompression: ~0.02 ms for a word of one token, ~2 ms for 300k rows of
two tokens. A page that has only `q` (and a sort) is answered from them (`query.search`); the Parquet index answers
the statements that join `q` to other filters, counts, aggregates and exports.

**The scan** (`scan_clause`) answers the same question without the index (a table that has none yet): a regular
expression per word and text column, `(^|[^\\pL\\pN])word` on the normalised cell (after a cheaper `LIKE
'%word%'`). The index is built from the same normalisation and the same word pattern, and tests check that both
give the same rows. Knows no model.
"""

from __future__ import annotations

import os
import re

import numpy as np

from auzolan.datastore.duck import quote

#: A word: a maximal run of letters and digits (RE2 Unicode classes), after `strip_accents(lower(...))`.
WORD_PATTERN = r"[\pL\pN]+"
_ASCII_WORD = re.compile(r"[a-z0-9]+")
#: Tokens are stored cut to this many characters (longer words of `q` are checked by the scan).
MAX_TOKEN = 32
#: At most this many distinct words in `q` (more is refused: a 400).
MAX_WORDS = 32
ROW_GROUP_ROWS = 16_384
LEXICON_GROUP_ROWS = 4_096
INDEX_SUFFIX = ".words.parquet"
LEXICON_SUFFIX = ".lexicon.parquet"
POSTINGS_SUFFIX = ".postings"
#: Pairs read at a time while the postings are written (DuckDB → NumPy → file).
POSTINGS_CHUNK = 2_000_000


def normalised(sql: str) -> str:
    """The normalisation of `q` and of the cells (the same as the data API's `contains` filter)."""
    return f"strip_accents(lower({sql}))"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_from_parquet(
    con,
    parquet_path: str,
    text_columns: list[str],
    target: str,
    lexicon_target: str | None = None,
    postings_target: str | None = None,
) -> dict:
    """Write the text index of a table's Parquet file (its `text_columns`) to `target` (through `target.part`,
    renamed when complete), its lexicon to `lexicon_target` and its postings to `postings_target` when given.
    Returns {"postings": pairs written, "tokens": distinct tokens}."""
    source = f"read_parquet({_literal(parquet_path)}, file_row_number=true)"
    # Each row's words, all text columns together, cut to MAX_TOKEN and distinct within the row, then one pair per
    # word and row, sorted. (A DISTINCT over the pairs of every column ran out of DuckDB's 512 MB on 1M rows.)
    cells = " || ".join(
        f"coalesce(regexp_extract_all({normalised(quote(name))}, '{WORD_PATTERN}'), [])" for name in text_columns
    )
    words = f"list_distinct(list_transform({cells}, lambda t: left(t, {MAX_TOKEN})))" if text_columns else "[]"
    pairs = (
        f"SELECT token, row FROM (SELECT unnest({words})::VARCHAR AS token, "  # noqa: S608
        f"file_row_number::UINTEGER AS row FROM {source})"
    )
    part = target + ".part"
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        f"COPY ({pairs} ORDER BY token, row) TO {_literal(part)} "
        f"(FORMAT PARQUET, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS})"
    )
    postings, tokens = con.execute(
        f"SELECT count(*), count(DISTINCT token) FROM read_parquet({_literal(part)})"  # noqa: S608
    ).fetchone()
    os.replace(part, target)
    figures = {"postings": int(postings), "tokens": int(tokens)}
    if lexicon_target:
        # The lexicon: each token and its number of rows, for `q` to see before reading any pair which words
        # find nothing, and which cover a single token (then no DISTINCT is needed).
        part = lexicon_target + ".part"
        con.execute(
            f"COPY (SELECT token, count(*)::UINTEGER AS n FROM read_parquet({_literal(target)}) "  # noqa: S608
            f"GROUP BY token ORDER BY token) TO {_literal(part)} "
            f"(FORMAT PARQUET, COMPRESSION zstd, ROW_GROUP_SIZE {LEXICON_GROUP_ROWS})"
        )
        os.replace(part, lexicon_target)
    if postings_target:
        write_postings(con, target, postings_target, figures["postings"])
    return figures


def write_postings(con, index_path: str, target: str, pairs: int) -> None:
    """The index's row numbers, in its order, as a raw little-endian uint32 array (see `Postings`)."""
    part = target + ".part"
    with open(part, "wb") as out:
        for start in range(0, pairs, POSTINGS_CHUNK):
            chunk = con.execute(
                f"SELECT row FROM read_parquet({_literal(index_path)}, file_row_number=true) "  # noqa: S608
                "WHERE file_row_number >= ? AND file_row_number < ? ORDER BY file_row_number",
                [start, start + POSTINGS_CHUNK],
            ).fetchnumpy()["row"]
            np.asarray(chunk, dtype="<u4").tofile(out)
    if os.path.getsize(part) != 4 * pairs:
        raise OSError(f"postings of {index_path}: {os.path.getsize(part)} bytes for {pairs} pairs")
    os.replace(part, target)


def lexicon_name(index_name: str) -> str:
    """The lexicon's name (in the storage, or a local path) beside the index's."""
    base = index_name[: -len(INDEX_SUFFIX)] if index_name.endswith(INDEX_SUFFIX) else index_name
    return base + LEXICON_SUFFIX


def postings_name(index_name: str) -> str:
    """The postings' name (in the storage, or a local path) beside the index's."""
    base = index_name[: -len(INDEX_SUFFIX)] if index_name.endswith(INDEX_SUFFIX) else index_name
    return base + POSTINGS_SUFFIX


def lexicon_sql(words: list[str], lexicon_path: str) -> tuple[str, list]:
    """A statement giving, for each word (by position), how many tokens begin with it and their rows in all (the
    number of pairs to read)."""
    selects, params = [], []
    for position, word in enumerate(words):
        key = word[:MAX_TOKEN]
        selects.append(
            f"SELECT {position} AS i, count(*) AS tokens, coalesce(sum(n), 0) AS pairs FROM read_parquet(?) "  # noqa: S608
            "WHERE token >= ? AND token < ? AND starts_with(token, ?)"
        )
        params.extend([lexicon_path, key, _after(key), key])
    return " UNION ALL ".join(selects), params


def words_sql() -> str:
    """The statement that cuts `q` (its one parameter) into normalised words, as the index and the scan do."""
    return f"SELECT regexp_extract_all({normalised('?')}, '{WORD_PATTERN}')"


def ascii_words(q: str) -> list[str] | None:
    """The words of an ASCII `q` without DuckDB (on ASCII, `strip_accents(lower(...))` is `lower()` and a letter or
    digit is [a-z0-9]: the same words, tested), or None when `q` holds any other character."""
    if not q.isascii():
        return None
    return _ASCII_WORD.findall(q.lower())


def distinct_words(found: list[str]) -> list[str]:
    """The words that matter, in order: duplicates, and words that begin another word of `q`, are dropped (a row
    whose words begin with `association` also has one that begins with `asso`)."""
    unique = list(dict.fromkeys(found))
    return [w for w in unique if not any(o != w and o.startswith(w) for o in unique)]


def _after(word: str) -> str:
    """The smallest string above every string that begins with `word` (code point order, that of UTF-8 bytes)."""
    return word[:-1] + chr(ord(word[-1]) + 1)


def hits_sql(
    words: list[str], index_path: str, *, single_token: bool = False, rare_first: bool = False
) -> tuple[str, list]:
    """A statement giving the row numbers (column `row`, distinct, unordered) whose words begin with every one of
    `words` (at most `MAX_TOKEN` characters of each are looked up), and its parameters. `single_token`: the one word
    begins a single token (the lexicon says so), whose pairs are already distinct. `rare_first`: the first word is
    much rarer than the others (the lexicon says so): its rows are kept when in the others' (a semi-join), instead
    of intersecting sets of similar size."""
    selects, params = [], []
    for word in words:
        key = word[:MAX_TOKEN]
        selects.append("SELECT row FROM read_parquet(?) WHERE token >= ? AND token < ? AND starts_with(token, ?)")
        params.extend([index_path, key, _after(key), key])
    if len(selects) == 1:
        return (selects[0] if single_token else f"SELECT DISTINCT row FROM ({selects[0]})"), params  # noqa: S608
    if rare_first:
        kept = " AND ".join(f"row IN ({select})" for select in selects[1:])
        return f"SELECT DISTINCT row FROM ({selects[0]}) WHERE {kept}", params  # noqa: S608
    return " INTERSECT ".join(f"({s})" for s in selects), params


def scan_clause(words: list[str], text_columns: list[str]) -> tuple[str, list]:
    """The same match without the index: every word begins a word of one of the text cells (regular expressions,
    every text column of every row). `words` hold only letters and digits: nothing to escape."""
    ands, params = [], []
    for word in words:
        # LIKE first (a word that begins a word of the cell is in the cell): the regular expression, ~3× slower,
        # runs only on the cells that contain the word somewhere.
        ors = [
            f"({normalised(quote(name))} LIKE ? AND regexp_matches({normalised(quote(name))}, ?))"
            for name in text_columns
        ]
        ands.append("(" + " OR ".join(ors) + ")")
        params.extend([f"%{word}%", f"(?:^|[^\\pL\\pN]){word}"] * len(text_columns))
    return "(" + " AND ".join(ands) + ")", params


def needs_scan(words: list[str]) -> list[str]:
    """The words the index cannot check alone (longer than its tokens)."""
    return [w for w in words if len(w) > MAX_TOKEN]


class Postings:
    """A table's lexicon (tokens, sorted, as UTF-8 bytes, and where each token's rows begin) and its postings (mapped
    from the file, not read): the rows of `q` without any statement. Immutable, like the table: one per process and
    file, shared by its threads (`query` keeps them in `loaded`). Raises OSError or ValueError when the files do not
    agree (the caller then uses the Parquet index)."""

    def __init__(self, con, postings_path: str, lexicon_path: str, row_count: int):
        found = con.execute(f"SELECT token, n FROM read_parquet({_literal(lexicon_path)})").fetchnumpy()  # noqa: S608
        encoded = [str(token).encode() for token in found["token"]]
        self.width = max((len(t) for t in encoded), default=1)
        self.tokens = np.array(encoded, dtype=f"S{self.width}")
        self.starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.asarray(found["n"], dtype=np.int64), out=self.starts[1:])
        size = os.path.getsize(postings_path)
        if size != 4 * int(self.starts[-1]):
            raise ValueError(f"{postings_path}: {size} bytes, the lexicon counts {int(self.starts[-1])} pairs")
        self.rows = np.memmap(postings_path, dtype="<u4", mode="r") if size else np.zeros(0, dtype="<u4")
        self.row_count = row_count
        self.nbytes = self.tokens.nbytes + self.starts.nbytes

    def span(self, word: str) -> tuple[int, int, int]:
        """The tokens that begin with `word` (at most `MAX_TOKEN` characters of it): (how many, first pair, end)."""
        key = word[:MAX_TOKEN].encode()
        if len(key) > self.width:  # longer than every token: begins none (and NumPy would cut it)
            return 0, 0, 0
        after = _after(word[:MAX_TOKEN]).encode("utf-8", "surrogatepass")
        first = int(np.searchsorted(self.tokens, key, "left"))
        end = int(np.searchsorted(self.tokens, after, "left")) if len(after) <= self.width else len(self.tokens)
        return end - first, int(self.starts[first]), int(self.starts[end])

    def pairs(self, word: str) -> int:
        _tokens, first, end = self.span(word)
        return end - first

    def _word_rows(self, word: str) -> np.ndarray:
        tokens, first, end = self.span(word)
        if tokens <= 1:
            return np.asarray(self.rows[first:end])  # one token's rows: sorted and distinct already
        seen = np.zeros(self.row_count, dtype=bool)
        seen[self.rows[first:end]] = True
        return np.flatnonzero(seen).astype(np.uint32)

    def match(self, words: list[str]) -> np.ndarray:
        """The rows (sorted, distinct, uint32) whose words begin with every one of `words` (the `hits_sql` rows):
        the rarest word's rows, kept when the next ones' bitmaps have them."""
        if not words:
            return np.zeros(0, dtype=np.uint32)
        ordered = sorted(words, key=self.pairs)
        rows = self._word_rows(ordered[0])
        for word in ordered[1:]:
            if not len(rows):
                break
            tokens, first, end = self.span(word)
            if tokens == 1:  # one token's rows are sorted: a binary search for each row kept so far
                found = np.asarray(self.rows[first:end])
                at = np.searchsorted(found, rows)
                rows = rows[(at < len(found)) & (found[np.minimum(at, len(found) - 1)] == rows)]
                continue
            seen = np.zeros(self.row_count, dtype=bool)
            seen[self.rows[first:end]] = True
            rows = rows[seen[rows]]
        return rows
