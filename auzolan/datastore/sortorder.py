"""The order of a table's rows under some sort keys, kept as two arrays, for the pages of a set of rows (a full-text
`q`'s) that would otherwise join every row of the set to the table to sort them.

`order` lists the table's row numbers in the engine's order for those keys (each key ASC or DESC, NULLS LAST, then
the row number: `query._order_sql`, computed by DuckDB with that very clause, so the two agree on every type, tie
and NULL); `position` is its inverse (a row's place in `order`). A page of a set of rows, after `skip` of them:

- a large set (its first rows come early in the order): `order` is walked in growing chunks, keeping the rows of
  the set (a bitmap of the table's rows), until the page is full — a few thousand positions for a word on every
  sixth row;
- a small set: the rows' positions, partitioned (the page's smallest) then sorted.

The walk is chosen when its expected length (`needed × rows / set size`, the set spread evenly) is under
`WALK_RATIO` times the set's size. A keyset cursor's row is a position: the page starts after it.

Built once per table, keys and process (`datastore.loaded` keeps them within a memory budget: 8 bytes per row).
Knows no model.
"""

from __future__ import annotations

import numpy as np

#: Walk `order` when the positions it should visit are fewer than this many times the set's size.
WALK_RATIO = 8
#: The first chunk of the walk (positions); each next chunk is twice the previous one.
FIRST_CHUNK = 4096


class SortOrder:
    def __init__(self, order: np.ndarray):
        self.order = np.ascontiguousarray(order, dtype=np.uint32)
        self.position = np.empty_like(self.order)
        self.position[self.order] = np.arange(len(self.order), dtype=np.uint32)
        self.nbytes = self.order.nbytes + self.position.nbytes

    @staticmethod
    def bytes_for(rows: int) -> int:
        """The memory the order of a table of `rows` rows takes."""
        return 8 * rows

    @classmethod
    def compute(cls, fetch_rows) -> SortOrder:
        """`fetch_rows()` returns every row number of the table in the wanted order (a NumPy array)."""
        order = np.asarray(fetch_rows())
        if len(order) and (int(order.max()) != len(order) - 1 or int(order.min()) != 0):
            raise ValueError("the sort order does not hold every row of the table once")
        return cls(order)

    def page(self, rows: np.ndarray, *, skip: int, count: int, after: int | None = None) -> np.ndarray:
        """The row numbers of `rows` (sorted, distinct) at places `skip` to `skip + count` in this order, only those
        after the row `after` when given (a cursor)."""
        empty = np.zeros(0, dtype=np.uint32)
        total = len(self.order)
        needed = skip + count
        if not len(rows) or count <= 0 or not total:
            return empty
        start = 0 if after is None else int(self.position[after]) + 1
        expected = needed * total / len(rows)
        if expected <= WALK_RATIO * len(rows):
            member = np.zeros(total, dtype=bool)
            member[rows] = True
            found, have, at = [], 0, start
            step = max(FIRST_CHUNK, int(expected * 1.25))
            while at < total and have < needed:
                chunk = self.order[at : at + step]
                kept = chunk[member[chunk]]
                found.append(kept)
                have += len(kept)
                at += step
                step *= 2
            return np.concatenate(found)[skip:needed] if found else empty
        places = self.position[rows]
        if after is not None:
            places = places[places >= start]
        if needed < len(places):
            places = np.partition(places, needed - 1)[:needed]
        places.sort()
        return self.order[places[skip:needed]]
