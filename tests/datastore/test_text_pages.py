"""What pages of a full-text `q` are made of when no statement is run, without a database: the words of an ASCII `q`
cut in Python (against DuckDB's cutting), pages of a set of rows in a table's sort order (auzolan.datastore.sortorder,
against a plain Python reference, on both strategies: walk the order, or sort the set's positions), the process's
memory budget for loaded tables (auzolan.datastore.loaded) and the postings' lexicon lookups (textindex.Postings).
Through the engine and the APIs: tests/datastore/test_textindex.py."""

from __future__ import annotations

import random

import duckdb
import numpy as np
import pytest

from auzolan.datastore import loaded, sortorder, textindex
from auzolan.datastore.sortorder import SortOrder


def test_ascii_words_are_duckdbs_words():
    con = duckdb.connect()
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(128)]
    samples = ["", "  ", "Bayonne", "DEL-2015-0001", "l'été", "a_b", "x\x00y", "ÉCOLE", "naïve café", "AbC123dEf"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 40))) for _ in range(300)]
    for q in samples:
        duck = con.execute(textindex.words_sql(), [q.replace("\x00", " ")]).fetchone()[0]
        python = textindex.ascii_words(q)
        if q.isascii():
            assert python == duck, repr(q)
        else:
            assert python is None, repr(q)


def reference(order: list[int], rows: set[int], skip: int, count: int, after: int | None) -> list[int]:
    if after is not None:
        order = order[order.index(after) + 1 :]
    return [r for r in order if r in rows][skip : skip + count]


@pytest.mark.parametrize("walk_ratio", [0, 8, 10**9], ids=["positions", "chosen", "walk"])
def test_pages_equal_the_plain_reference(monkeypatch, walk_ratio):
    monkeypatch.setattr(sortorder, "WALK_RATIO", walk_ratio)
    monkeypatch.setattr(sortorder, "FIRST_CHUNK", 7)  # several chunks on small tables
    rng = random.Random(5)
    for size in (1, 2, 50, 3000):
        order = list(range(size))
        rng.shuffle(order)
        sort_order = SortOrder.compute(lambda order=order: np.array(order, dtype=np.uint32))
        for density in (0.0, 0.001, 0.1, 0.6, 1.0):
            rows = sorted(r for r in range(size) if rng.random() < density)
            array = np.array(rows, dtype=np.uint32)
            for skip, count in ((0, 1), (0, 101), (3, 10), (size, 5), (size // 2, size)):
                for after in (None, order[0], order[size // 2], order[-1]):
                    got = sort_order.page(array, skip=skip, count=count, after=after).tolist()
                    assert got == reference(order, set(rows), skip, count, after), (size, density, skip, after)


def test_an_order_that_misses_rows_is_refused():
    with pytest.raises(ValueError):
        SortOrder.compute(lambda: np.array([0, 2, 3], dtype=np.uint32))
    assert (
        SortOrder.compute(lambda: np.zeros(0, dtype=np.uint32)).page(np.zeros(0, np.uint32), skip=0, count=5).size == 0
    )


def test_the_memory_budget_keeps_the_most_recent(settings):
    settings.DATASTORE_MEMORY_CACHE_MB = 1
    loaded.clear()
    try:
        megabyte = 1024 * 1024
        loaded.put(("a",), "A", megabyte // 2)
        loaded.put(("b",), "B", megabyte // 3)
        assert loaded.get(("a",)) == "A"  # now the most recent
        loaded.put(("c",), "C", megabyte // 3)  # "b" leaves for it
        assert (loaded.get(("a",)), loaded.get(("b",)), loaded.get(("c",))) == ("A", None, "C")
        loaded.put(("huge",), "H", 2 * megabyte)  # over the budget alone: not kept, nothing leaves
        assert loaded.get(("huge",)) is None and loaded.get(("a",)) == "A"
        assert loaded.size() == megabyte // 2 + megabyte // 3
    finally:
        loaded.clear()


def test_postings_lookups_and_matches(tmp_path):
    """Tokens with accents kept by the normalisation, prefixes at the lexicon's edges, a word longer than every
    token, and several words: against a Python reference over the same pairs."""
    pairs = {
        "2015": [0, 3],
        "a": [1],
        "ab": [2, 3],
        "abz": [0],
        "b": [4],
        "zz": [1, 4],
        "ðe": [2],
        "œuvre": [0, 2],
        "ꙮ": [3],
    }
    con = duckdb.connect()
    con.execute("CREATE TABLE lexicon (token VARCHAR, n UINTEGER)")
    con.executemany("INSERT INTO lexicon VALUES (?, ?)", [(t, len(r)) for t, r in sorted(pairs.items())])
    lexicon = str(tmp_path / "t.lexicon.parquet")
    con.execute(f"COPY (SELECT * FROM lexicon ORDER BY token) TO '{lexicon}' (FORMAT PARQUET)")  # noqa: S608
    postings = str(tmp_path / "t.postings")
    np.array([r for _t, rows in sorted(pairs.items()) for r in rows], dtype="<u4").tofile(postings)
    index = textindex.Postings(con, postings, lexicon, row_count=5)

    def expected(words):
        return [
            r for r in range(5) if all(any(t.startswith(w) and r in rows for t, rows in pairs.items()) for w in words)
        ]

    for words in (
        ["a"],
        ["ab"],
        ["abz"],
        ["abzz"],
        ["b"],
        ["z"],
        ["zz"],
        ["ð"],
        ["œ"],
        ["ꙮ"],
        ["2"],
        ["x" * 40],
        ["a", "zz"],
        ["ab", "œuvre", "2015"],
        ["a", "b"],
        ["q"],
    ):
        assert index.match(words).tolist() == expected(words), words
    assert index.span("a") == (3, 2, 6) and index.span("y") == (0, 7, 7)  # "2015" sorts first
    with pytest.raises(ValueError):
        np.array([0], dtype="<u4").tofile(postings)
        textindex.Postings(con, postings, lexicon, row_count=5)
