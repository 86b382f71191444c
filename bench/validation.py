"""Benchmark of validation against a Table Schema: our engine and frictionless, on the same file, same run.

Run on demand (not part of the test suite):

    .venv/bin/python bench/validation.py [--rows 1000000] [--frictionless-rows 100000] [--full]

It generates (deterministically) a CSV that follows SCDL subventions with a known set of errors, validates
it with our engine (`auzolan.datastore.validation.validate`) and with frictionless 5 (its Python API, in a
separate process, custom_checks removed), checks that both report the same set of (type, row, field) and
that it is the set of injected errors, and prints a table (seconds, rows/s, speed-up, peak RSS).
frictionless takes minutes on 1M rows: by default it runs on the first --frictionless-rows rows and its 1M
time is extrapolated linearly (said so in the table); --full runs it on the whole file.
The figures are written into the "Validation" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench"
SCHEMA = BASE_DIR / "data" / "schemas" / "scdl" / "subventions.json"
ENV = {**os.environ, "AUZOLAN_ENV": "local", "DJANGO_SETTINGS_MODULE": "config.settings"}
FIELDS = [field["name"] for field in json.loads(SCHEMA.read_text())["fields"]]
REQUIRED = {
    field["name"] for field in json.loads(SCHEMA.read_text())["fields"] if field.get("constraints", {}).get("required")
}


def luhn_complete(body: str) -> str:
    for key in "0123456789":
        digits = body + key
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError


def generate(path: Path, rows: int) -> set[tuple]:
    """Write the file; return the expected (type, row, field) of the injected errors."""
    rng = random.Random(20261125)
    communes = ["Bayonne", "Anglet", "Biarritz", "Hendaye", "Saint-Jean-de-Luz", "Cambo-les-Bains", "Mauléon-Licharre"]
    sirets = [luhn_complete(f"{rng.randrange(10**12, 10**13)}") for _ in range(300)]
    kinds = ["Association sportive", "Comité des fêtes", "Club de pelote", "École de musique", "Ikastola", "Chorale"]
    objets = ["Fonctionnement", "Festival d'été", "Équipement sportif", "Projet éducatif", "Fêtes patronales"]
    natures = ["aide en numéraire", "aide en nature"]
    expected = set()
    width = len(FIELDS)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(FIELDS) + "\n")
        for i in range(rows):
            number = i + 2
            commune = communes[i % 7]
            year = 2015 + i % 11
            date = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            row = [
                f"Commune de {commune}",
                sirets[i % 300],
                date,
                f"DEL-{year}-{i % 10000:04d}",
                f"{kinds[i % 6]} {commune} {i % 997}",
                sirets[(i * 7) % 300] if i % 3 else "",
                f"W{640000000 + i % 99999:09d}" if i % 2 or i % 3 == 0 else "",
                objets[i % 5],
                f"{rng.randrange(100, 2_000_000) / 100:.2f}",
                natures[i % 2],
                "unique" if i % 4 else "échelonné",
                date if i % 5 else f"{date}/{year + 1}-12-31",
                "",
                "non" if i % 9 else "oui",
                f"{rng.randrange(1, 101) / 100:.2f}",
                "",
            ]
            if i % 1000 == 7:
                row[2] = f"{1 + i % 28:02d}/11/{year}"
                expected.add(("type-error", number, "dateConvention"))
            if i % 1000 == 123:
                row[8] = "1 234,50"
                expected.add(("type-error", number, "montant"))
            if i % 2000 == 500:
                row[9] = "subvention"
                expected.add(("constraint-error", number, "nature"))
            if i % 5000 == 42:
                row[14] = "1.5"
                expected.add(("constraint-error", number, "pourcentageSubvention"))
            if i % 20000 == 1:
                row[1] = "1234"
                expected.add(("constraint-error", number, "idAttribuant"))
            if i % 10000 == 99:
                row = [""] * width
                expected.add(("blank-row", number, None))
            if i % 10000 == 777:
                row = row[:5]
                for name in FIELDS[5:]:
                    expected.add(("missing-cell", number, name))
                    if name in REQUIRED:
                        expected.add(("constraint-error", number, name))
            out.write(",".join(f'"{cell}"' if "," in cell else cell for cell in row) + "\n")
    return expected


def child_ours(path: str, rows_engine: bool = False) -> None:
    import django

    django.setup()
    import resource

    from auzolan.datastore.validation import columnar, validate

    if rows_engine:  # the row engine alone (the fallback of the DuckDB path)
        columnar.MIN_BYTES = 10**18
    from auzolan.datastore.validation.french import FRENCH_CODES

    schema = json.loads(SCHEMA.read_text())
    started = time.perf_counter()
    report = validate(path, schema, max_errors=10_000_000).as_dict()
    seconds = time.perf_counter() - started
    errors = sorted(
        {(e["type"], e["rowNumber"], e["fieldName"]) for e in report["errors"] if e["type"] not in FRENCH_CODES},
        key=str,
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss": rss, "rows": report["stats"]["rows"], "errors": errors}))


def child_frictionless(path: str) -> None:
    import resource

    from frictionless import Resource, Schema

    descriptor = json.loads(SCHEMA.read_text())
    descriptor.pop("custom_checks", None)
    started = time.perf_counter()
    target = Path(path)
    report = Resource(target.name, basepath=str(target.parent), schema=Schema.from_descriptor(descriptor)).validate(
        limit_errors=10_000_000
    )
    seconds = time.perf_counter() - started
    errors = sorted({(t, r, f or None) for t, r, f in report.flatten(["type", "rowNumber", "fieldName"])}, key=str)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss": rss, "rows": report.tasks[0].stats["rows"], "errors": errors}))


def run_child(kind: str, path: Path, repeat: int = 1) -> dict:
    """Best of `repeat` runs (each in a fresh process); `median` and `runs` keep the others."""
    results = []
    for _ in range(repeat):
        output = subprocess.run(
            [sys.executable, __file__, f"--child-{kind}", str(path)],
            env=ENV,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
        )
        if output.returncode:
            sys.exit(f"{kind} failed:\n{output.stderr[-3000:]}")
        result = json.loads(output.stdout.strip().splitlines()[-1])
        result["errors"] = {tuple(error) for error in result["errors"]}
        results.append(result)
    times = sorted(result["seconds"] for result in results)
    best = min(results, key=lambda result: result["seconds"])
    best["runs"] = times
    best["median"] = statistics.median(times)
    best["rss"] = max(result["rss"] for result in results)
    return best


def head(path: Path, target: Path, rows: int) -> None:
    with path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for index, line in enumerate(source):
            if index > rows:
                break
            out.write(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frictionless-rows", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="run frictionless on the whole file too")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each engine (best and median reported)")
    parser.add_argument(
        "--write-docs", action="store_true", help="also write the figures into docs/performance.md (off by default)"
    )
    parser.add_argument("--child-ours")
    parser.add_argument("--child-rows")
    parser.add_argument("--child-frictionless")
    args = parser.parse_args()
    if args.child_ours:
        sys.path.insert(0, str(BASE_DIR))
        return child_ours(args.child_ours)
    if args.child_rows:
        sys.path.insert(0, str(BASE_DIR))
        return child_ours(args.child_rows, rows_engine=True)
    if args.child_frictionless:
        return child_frictionless(args.child_frictionless)

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / f"subventions-{args.rows}.csv"
    started = time.perf_counter()
    expected = generate(path, args.rows)
    size = path.stat().st_size / 1e6
    print(
        f"generated {path.name}: {args.rows:,} rows, {size:.0f} MB, {len(expected)} injected errors, "
        f"{time.perf_counter() - started:.0f} s"
    )
    small_rows = args.rows if args.full else min(args.rows, args.frictionless_rows)
    small = path if small_rows == args.rows else VAR_DIR / f"subventions-{small_rows}.csv"
    if small != path:
        head(path, small, small_rows)
    expected_small = {error for error in expected if error[1] <= small_rows + 1}

    ours = run_child("ours", path, args.repeat)
    rows_engine = run_child("rows", path, args.repeat)
    ours_small = ours if small == path else run_child("ours", small, args.repeat)
    reference = run_child("frictionless", small, args.repeat)
    assert ours["errors"] == expected, (
        sorted(ours["errors"] - expected, key=str)[:5],
        sorted(expected - ours["errors"], key=str)[:5],
    )
    assert rows_engine["errors"] == expected, "the row engine differs"
    assert ours_small["errors"] == reference["errors"] == expected_small, "the error sets differ"
    extrapolated = reference["seconds"] * args.rows / small_rows
    lines = [
        "| Engine | Rows | Best s | Median s | Rows/s (best) | Peak RSS | Errors (same set) |",
        "|---|---|---|---|---|---|---|",
        row("Auzolan (DuckDB path)", args.rows, ours),
        row("Auzolan (row engine, fallback)", args.rows, rows_engine),
    ]
    if small_rows != args.rows:
        lines.append(row("Auzolan (DuckDB path)", small_rows, ours_small))
    lines.append(row("frictionless 5.21", small_rows, reference))
    if small_rows != args.rows:
        lines.append(f"| frictionless 5.21 (extrapolated) | {args.rows:,} | ~{extrapolated:.0f} | — | — | — |")
    speedup_small = reference["seconds"] / ours_small["seconds"]
    speedup = extrapolated / ours["seconds"]
    speedup_median = extrapolated / ours["median"] if small_rows != args.rows else reference["median"] / ours["median"]
    summary = (
        f"Speed-up: {speedup_small:.1f}× on {small_rows:,} rows (same file, both measured); "
        f"{speedup:.1f}× on {args.rows:,} rows"
        + (" (frictionless extrapolated linearly from its measured rate)" if small_rows != args.rows else "")
        + f"; {speedup_median:.1f}× median against median. Row engine alone: "
        + f"{(extrapolated if small_rows != args.rows else reference['seconds']) / rows_engine['seconds']:.1f}×."
    )
    table = "\n".join(lines)
    print(table)
    print(summary)
    if args.write_docs:
        write_docs(table, summary, args.rows, size, len(expected))


def row(engine: str, rows: int, result: dict) -> str:
    seconds = result["seconds"]
    return (
        f"| {engine} | {rows:,} | {seconds:.2f} | {result['median']:.2f} | {rows / seconds:,.0f} "
        f"| {result['rss']:.0f} MB | {len(result['errors'])} |"
    )


def write_docs(table: str, summary: str, rows: int, size: float, injected: int) -> None:
    docs = BASE_DIR / "docs" / "performance.md"
    text = docs.read_text(encoding="utf-8")
    section = (
        "## Validation against Table Schemas (issue 4)\n\n"
        "**Method** — `bench/validation.py --full` (run on demand): a generated CSV following SCDL subventions "
        f"({rows:,} rows, {size:.0f} MB, {injected} injected errors: French dates, decimal commas, enum, maximum and "
        "pattern violations, blank rows, short rows), validated by our engine (DuckDB path, then the row engine "
        "alone) and by frictionless 5.21 (Python API, custom_checks removed since frictionless does not run them), "
        "each run in a fresh process, each engine run `--repeat` times (best and median); peak RSS from "
        "`getrusage` (largest of the runs). The run checks that every engine reports the same set of "
        "(type, row, field), equal to the injected errors.\n\n"
        f"{table}\n\n{summary}\n"
    )
    pattern = re.compile(r"## Validation against Table Schemas \(issue 4\)\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    docs.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
