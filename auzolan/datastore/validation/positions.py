"""Finding the cells that hold given values, at C speed when they are few."""

from __future__ import annotations


def positions(column, values) -> list[tuple[int, object]]:
    """(index, value) of the cells of `column` holding one of `values`, in column order."""
    if len(values) > 32:
        return [(i, value) for i, value in enumerate(column) if value in values]
    found = []
    limit = len(column) // 20 + 1
    for value in values:
        index = -1
        try:
            while True:
                index = column.index(value, index + 1)
                found.append((index, value))
                if len(found) > limit:  # a frequent value: one pass over the column is cheaper
                    return [(i, cell) for i, cell in enumerate(column) if cell in values]
        except ValueError:
            pass
    found.sort(key=lambda item: item[0])
    return found
