"""The one small-count rule of participation figures shown to the public (pages, open data).

A figure between 1 and SMALL_COUNT - 1 people is not shown ("moins de 5"): in a small district, or for a rare answer
to a survey question, a handful of people could be recognised. When a column would then hide exactly one figure,
the smallest other positive figure of the column is hidden too, so that the hidden one cannot be worked out by
subtraction from a total. The statistics page (figures by district), public survey results and the survey
aggregates published as open data all apply it. The organisation running the process sees exact figures on its
management pages (it holds the answers anyway), marked where the public sees "moins de 5".

Budget vote counts are not small counts of this kind: they are the result of an election, published in full (the
Pabulib file of ballots is anonymised separately).
"""

from __future__ import annotations

#: Figures below this are not shown to the public.
SMALL_COUNT = 5


def protect_small_counts(rows: list[dict], columns, threshold: int = SMALL_COUNT) -> list[dict]:
    """Mark in `row["hidden"]` (a set of column names) the figures of `columns` the public must not see, and give
    each row `cells`: [{"column", "value"}] with None for a hidden figure."""
    for row in rows:
        row["hidden"] = set()
    for column in columns:
        hidden = [row for row in rows if row[column] is not None and 0 < row[column] < threshold]
        for row in hidden:
            row["hidden"].add(column)
        if len(hidden) == 1:
            others = sorted(
                (row for row in rows if row[column] is not None and row[column] >= threshold),
                key=lambda row: row[column],
            )
            if others:
                others[0]["hidden"].add(column)
    for row in rows:
        row["cells"] = [
            {"column": column, "value": None if column in row["hidden"] else row[column]} for column in columns
        ]
    return rows


def is_small(count: int | None, threshold: int = SMALL_COUNT) -> bool:
    return count is not None and 0 < count < threshold
