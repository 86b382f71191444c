"""Benchmark of validation against the SCDL subventions schema *as published* (its custom checks on).

Run on demand (not part of the test suite; minutes, frictionless is the slow part):

    .venv/bin/python bench/validation.py [--rows 1000000] [--repeat 2] [--frictionless-rows N] [--write-docs]

Three generated files (deterministic, cached in var/bench/):

1. **published** — a realistic SCDL subventions file: 20,000 distinct valid beneficiary SIRETs, a few thousand
   injected errors (French dates, decimal commas, enum, maximum, pattern, blank and short rows, SIRETs with a bad
   key, neither SIRET nor RNA). Our side is the whole command a user runs,
   `manage.py validate FILE --schema data/schemas/scdl/subventions.json --json --max-errors 0` (start-up, Django,
   reading, type checks, custom checks, report), with the schema's custom checks ON. frictionless 5.21 cannot run
   them: it validates the same file against the same schema without `custom_checks` (Python API, fresh process).
   The run checks that both report the same set of (type, row, field) on the codes both know, that it is the set
   of injected errors, and that our French checks found exactly the injected SIRET and one-of-required errors.
   The row engine (our fallback for files DuckDB cannot read like Python's csv) runs on it too, in-process.
2. **montant wrong everywhere** — the same file where every amount is written `1 234,56` (all distinct):
   a type-error on every row. The whole command with the default --max-errors; the counts must be exact.
3. **SIRET wrong everywhere** — every beneficiary SIRET distinct with a bad key: a french-siret-value on every
   row that has one. Same checks.

The published file is also validated in Windows-1252 (our side only: it must report the same errors).

Targets (issue 9): published file ≥ 10× faster than frictionless; the two "wrong everywhere" files ≤ 15 s with a
peak memory < 1 GB and exact counts. The machine's load average is printed: figures taken on a busy machine are
indicative only. Children run without PYTHONDONTWRITEBYTECODE so that, after a warm-up run, imports read
compiled bytecode as in an installed deployment.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench"
SCHEMA = BASE_DIR / "data" / "schemas" / "scdl" / "subventions.json"
DESCRIPTOR = json.loads(SCHEMA.read_text(encoding="utf-8"))
FIELDS = [field["name"] for field in DESCRIPTOR["fields"]]
REQUIRED = {field["name"] for field in DESCRIPTOR["fields"] if field.get("constraints", {}).get("required")}
FRENCH = {"french-siret-value", "one-of-required"}  # the custom checks of the schema (frictionless runs none)
ENV = {
    **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
    "AUZOLAN_ENV": "local",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
GENERATOR_VERSION = 2  # part of the cached files' names: change it when `generate` changes


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


def bad_key(siret: str) -> str:
    return siret[:-1] + str((int(siret[-1]) + 1) % 10)


def generate(path: Path, rows: int, wrong: str | None = None) -> tuple[set[tuple], Counter]:
    """Write the file; return the injected errors (type, row, field) and the count of every error type.

    `wrong` is None, "montant" (every amount with a decimal comma) or "siret" (every beneficiary SIRET with a bad
    key): those errors are only counted, not listed in the returned set.
    """
    import random

    rng = random.Random(20261125)
    communes = ["Bayonne", "Anglet", "Biarritz", "Hendaye", "Saint-Jean-de-Luz", "Cambo-les-Bains", "Mauléon-Licharre"]
    authorities = [luhn_complete(f"2164{rng.randrange(10**8, 10**9)}") for _ in range(len(communes))]
    beneficiaries = [luhn_complete(f"{rng.randrange(10**12, 10**13)}") for _ in range(20_000)]
    kinds = ["Association sportive", "Comité des fêtes", "Club de pelote", "École de musique", "Ikastola", "Chorale"]
    objets = ["Fonctionnement", "Festival d'été", "Équipement sportif", "Projet éducatif", "Fêtes patronales"]
    natures = ["aide en numéraire", "aide en nature"]
    expected: set[tuple] = set()
    counts: Counter = Counter()

    def expect(kind: str, number: int, field: str | None, *, listed: bool = True) -> None:
        counts[kind] += 1
        if listed:
            expected.add((kind, number, field))

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
                authorities[i % 7],
                date,
                f"DEL-{year}-{i % 10000:04d}",
                f"{kinds[i % 6]} {commune} {i % 997}",
                beneficiaries[(i * 7) % 20_000] if i % 3 else "",
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
            if wrong == "montant":
                row[8] = f"{i // 1000 + 1} {i % 1000:03d},{(i * 7) % 100:02d}"
            if wrong == "siret" and row[5]:
                row[5] = bad_key(luhn_complete(f"{10**12 + i * 7919}"))
            if i % 1000 == 7:
                row[2] = f"{1 + i % 28:02d}/11/{year}"
            if i % 1000 == 123:
                row[8] = "1 234,50"
            if i % 2000 == 500:
                row[9] = "subvention"
            if i % 5000 == 42:
                row[14] = "1.5"
            if i % 20000 == 1:
                row[1] = "1234"
            if i % 4000 == 333:
                row[5] = bad_key(beneficiaries[i % 20_000])
            if i % 6000 == 600:
                row[5] = row[6] = ""
            if i % 10000 == 99:
                row = [""] * width
                expect("blank-row", number, None)
            elif i % 10000 == 777:
                row = row[:5]
                for name in FIELDS[5:]:
                    expect("missing-cell", number, name)
                    if name in REQUIRED:
                        expect("constraint-error", number, name)
                expect("one-of-required", number, "idBeneficiaire")  # both identifiers are absent
            else:
                if i % 1000 == 7:
                    expect("type-error", number, "dateConvention")
                if i % 2000 == 500:
                    expect("constraint-error", number, "nature")
                if i % 5000 == 42:
                    expect("constraint-error", number, "pourcentageSubvention")
                if row[8] == "1 234,50" or wrong == "montant":
                    expect("type-error", number, "montant", listed=row[8] == "1 234,50")
                if row[1] == "1234":
                    expect("constraint-error", number, "idAttribuant")  # pattern
                    expect("french-siret-value", number, "idAttribuant")
                if row[5] and (wrong == "siret" or i % 4000 == 333):
                    expect("french-siret-value", number, "idBeneficiaire", listed=i % 4000 == 333)
                if not row[5] and not row[6]:
                    expect("one-of-required", number, "idBeneficiaire")
            out.write(",".join(f'"{cell}"' if "," in cell else cell for cell in row) + "\n")
    return expected, counts


def cached(rows: int, wrong: str | None) -> tuple[Path, set[tuple], Counter]:
    """The generated file (made once) with its expected errors."""
    stem = f"subventions-v{GENERATOR_VERSION}-{rows}" + (f"-{wrong}" if wrong else "")
    path, facts = VAR_DIR / f"{stem}.csv", VAR_DIR / f"{stem}.json"
    if path.exists() and facts.exists():
        data = json.loads(facts.read_text())
        return path, {tuple(error) for error in data["expected"]}, Counter(data["counts"])
    started = time.perf_counter()
    expected, counts = generate(path, rows, wrong)
    facts.write_text(json.dumps({"expected": sorted(expected, key=str), "counts": counts}))
    print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")
    return path, expected, counts


# --- The measured runs, each in a fresh process ----------------------------------------------------------------


def run(command: list[str], *, ok=(0,)) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, stdout) of one process (its own figures, from wait4)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=BASE_DIR, env=ENV, stdout=subprocess.PIPE, stderr=errors)
        stdout = process.stdout.read().decode()
        process.stdout.close()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok:
            errors.seek(0)
            sys.exit(f"{command[:4]} failed ({process.returncode}):\n{errors.read().decode()[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def ours(path: Path, max_errors: int) -> dict:
    command = [sys.executable, "manage.py", "validate", str(path), "--schema", str(SCHEMA), "--json"]
    seconds, cpu, rss, stdout = run([*command, "--max-errors", str(max_errors)], ok=(0, 1))
    report = json.loads(stdout)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "inner": report["stats"]["seconds"],
        "rss": rss,
        "types": Counter(report["stats"]["types"]),
        "errors": {(e["type"], e["rowNumber"], e["fieldName"]) for e in report["errors"]},
        "listed": len(report["errors"]),
        "total": report["stats"]["errors"],
    }


def child_rows(path: str) -> None:
    """Our row engine alone (the fallback when DuckDB cannot read a file as Python's csv does), in-process."""
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from auzolan.datastore.validation import columnar, validate

    columnar.MIN_BYTES = 10**18
    started = time.perf_counter()
    report = validate(path, DESCRIPTOR, max_errors=None).as_dict()
    print(
        json.dumps(
            {
                "inner": time.perf_counter() - started,
                "types": report["stats"]["types"],
                "errors": [(e["type"], e["rowNumber"], e["fieldName"]) for e in report["errors"]],
            }
        )
    )


def child_frictionless(path: str) -> None:
    from frictionless import Resource, Schema

    descriptor = {key: value for key, value in DESCRIPTOR.items() if key != "custom_checks"}
    started = time.perf_counter()
    target = Path(path)
    report = Resource(target.name, basepath=str(target.parent), schema=Schema.from_descriptor(descriptor)).validate(
        limit_errors=10_000_000
    )
    inner = time.perf_counter() - started
    errors = [(t, r, f or None) for t, r, f in report.flatten(["type", "rowNumber", "fieldName"])]
    print(json.dumps({"inner": inner, "errors": errors}))


def child(kind: str, path: Path) -> dict:
    seconds, cpu, rss, stdout = run([sys.executable, __file__, f"--child-{kind}", str(path)])
    result = json.loads(stdout.strip().splitlines()[-1])
    errors = {tuple(error) for error in result["errors"]}
    return {
        "seconds": seconds,
        "cpu": cpu,
        "inner": result["inner"],
        "rss": rss,
        "types": Counter(result.get("types") or Counter(kind for kind, _row, _field in result["errors"])),
        "errors": errors,
        "listed": len(errors),
        "total": len(result["errors"]),
    }


def repeated(measure, repeat: int) -> dict:
    """Best run (by wall time) of `repeat`, with the median and the largest peak RSS."""
    results = [measure() for _ in range(repeat)]
    best = min(results, key=lambda result: result["seconds"])
    best["median"] = statistics.median(result["seconds"] for result in results)
    best["inner_median"] = statistics.median(result["inner"] for result in results)
    best["rss"] = max(result["rss"] for result in results)
    return best


def head(path: Path, target: Path, rows: int) -> None:
    with path.open(encoding="utf-8") as source, target.open("w", encoding="utf-8") as out:
        for index, line in enumerate(source):
            if index > rows:
                break
            out.write(line)


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


# --- The run -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measure (best and median reported)")
    parser.add_argument(
        "--frictionless-rows",
        type=int,
        default=0,
        help="run frictionless on the first N rows only and extrapolate its time linearly (0: the whole file)",
    )
    parser.add_argument("--write-docs", action="store_true", help="also write the figures into docs/performance.md")
    parser.add_argument("--child-rows")
    parser.add_argument("--child-frictionless")
    args = parser.parse_args()
    if args.child_rows:
        return child_rows(args.child_rows)
    if args.child_frictionless:
        return child_frictionless(args.child_frictionless)

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    started_at, load_before = time.strftime("%Y-%m-%d %H:%M"), load()
    published, expected, expected_counts = cached(args.rows, None)
    montant, _listed, montant_counts = cached(args.rows, "montant")
    siret, _listed, siret_counts = cached(args.rows, "siret")
    warm = VAR_DIR / "warm-up.csv"
    head(published, warm, 100)
    ours(warm, 0)  # writes the bytecode caches of the project's modules
    child("frictionless", warm)

    fields = {"blank-row", "type-error", "constraint-error", "missing-cell"}
    rows = []
    checks = []

    # 1. The published schema, custom checks on.
    mine = repeated(lambda: ours(published, 0), args.repeat)
    engine = repeated(lambda: child("rows", published), 1)
    small_rows = args.frictionless_rows if 0 < args.frictionless_rows < args.rows else args.rows
    small = published
    if small_rows != args.rows:
        small = VAR_DIR / f"{published.stem}-head-{small_rows}.csv"
        head(published, small, small_rows)
    reference = repeated(lambda: child("frictionless", small), args.repeat)
    scale = args.rows / small_rows
    expected_common = {error for error in expected if error[0] in fields}
    checks.append(("published: our errors = injected errors", mine["errors"] == expected))
    checks.append(("published: counts by type = injected", mine["types"] == expected_counts))
    checks.append(("published: row engine = DuckDB path", engine["errors"] == mine["errors"]))
    checks.append(
        (
            "published: frictionless = ours on the codes both report",
            reference["errors"] == {error for error in expected_common if error[1] <= small_rows + 1},
        )
    )
    rows.append(line("published, custom checks on", "Auzolan: manage.py validate (whole command)", args.rows, mine))
    rows.append(
        line(
            "published, custom checks on",
            "Auzolan: row engine (fallback), validate() only",
            args.rows,
            engine,
            inner=True,
        )
    )
    label = "frictionless 5.21 (no custom checks): whole process"
    rows.append(line("published, custom checks off", label, small_rows, reference))
    rows.append(
        line("published, custom checks off", "frictionless 5.21: validate() only", small_rows, reference, inner=True)
    )

    # The same file in Windows-1252, as spreadsheets write it: copied to UTF-8, then the same DuckDB path.
    windows = VAR_DIR / f"{published.stem}-cp1252.csv"
    if not windows.exists():
        windows.write_text(published.read_text(encoding="utf-8"), encoding="cp1252", newline="")
    result = repeated(lambda: ours(windows, 0), args.repeat)
    rows.append(line("published, Windows-1252", "Auzolan: manage.py validate (whole command)", args.rows, result))
    checks.append(("published in Windows-1252: same errors as in UTF-8", result["errors"] == mine["errors"]))

    # One column wrong on every row.
    for name, path, counts in (("montant", montant, montant_counts), ("SIRET", siret, siret_counts)):
        result = repeated(lambda path=path: ours(path, 1000), args.repeat)
        rows.append(
            line(f"{name} wrong on every row", "Auzolan: manage.py validate (whole command)", args.rows, result)
        )
        checks.append(
            (f"{name} wrong everywhere: exact counts ({result['total']:,} errors)", result["types"] == counts)
        )
        checks.append((f"{name} wrong everywhere: ≤ 15 s", result["seconds"] <= 15))
        checks.append((f"{name} wrong everywhere: peak memory < 1 GB", result["rss"] < 1024))

    extrapolated = " (frictionless extrapolated linearly)" if scale != 1 else ""
    real = reference["seconds"] * scale / mine["seconds"]
    strict = reference["inner"] * scale / mine["seconds"]
    engines = reference["inner"] * scale / mine["inner"]
    checks.append(("published: ≥ 10× faster than frictionless (whole command vs whole run)", real >= 10))
    summary = [
        f"Speed-up on {args.rows:,} rows, schema as published{extrapolated}:",
        f"- whole command vs frictionless's whole run (start-up included on both sides, the real comparison): "
        f"{real:.1f}× (best), {reference['median'] * scale / mine['median']:.1f}× (median)",
        f"- whole command vs frictionless's validate() alone (its start-up left out, strict): {strict:.1f}×",
        f"- our validate() vs frictionless's validate() (engines alone): {engines:.1f}×",
        f"- CPU time, whole processes (user + system, all threads; steadier than wall time on a busy machine): "
        f"{reference['cpu'] * scale / mine['cpu']:.1f}×",
        "",
        f"Load average (1, 5, 15 min): {load_before} before, {load()} after. On a busy machine the figures are "
        "indicative: DuckDB's threads suffer most from other work, frictionless runs on one core.",
    ]
    table = "\n".join(
        [
            "| File | Engine | Rows | Best s | Median s | of which validate() | CPU s | Peak RSS | Errors (listed) |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    verdicts = "\n".join(f"- {'OK  ' if ok else 'FAIL'} {label}" for label, ok in checks)
    print(table)
    print("\n".join(summary))
    print(verdicts)
    if args.write_docs:
        write_docs(table, "\n".join(summary), verdicts, args, started_at, published.stat().st_size / 1e6, expected)
    if not all(ok for _label, ok in checks):
        sys.exit(1)


def line(file: str, engine: str, rows: int, result: dict, *, inner: bool = False) -> str:
    """A row of the table: whole-process times, or (inner) the engine's own time only."""
    best, median = (result["inner"], result["inner_median"]) if inner else (result["seconds"], result["median"])
    return (
        f"| {file} | {engine} | {rows:,} | {best:.2f} | {median:.2f} | {result['inner']:.2f} | {result['cpu']:.2f} "
        f"| {result['rss']:.0f} MB | {result['total']:,} ({result['listed']:,}) |"
    )


START, END = "<!-- bench/validation.py: start -->", "<!-- bench/validation.py: end -->"


def write_docs(table: str, summary: str, verdicts: str, args, started_at: str, size: float, expected: set) -> None:
    """Replace the measured part of the "Validation" section of docs/performance.md (between the markers);
    the hand-written explanations around it stay."""
    docs = BASE_DIR / "docs" / "performance.md"
    text = docs.read_text(encoding="utf-8")
    block = (
        f"{START}\n"
        f"**Method** — `bench/validation.py --rows {args.rows} --repeat {args.repeat}` (run on demand, "
        f"{started_at}): generated CSV files following SCDL subventions ({args.rows:,} rows, {size:.0f} MB; "
        f"{len(expected):,} injected errors in the published case). Our side is the whole `manage.py validate` "
        "command against the schema as published (its custom checks — SIRET keys, one-of-required — on); "
        "frictionless 5.21 validates the same file without `custom_checks`, which it cannot run, in a fresh "
        "process; errors are compared on the codes both report. Two more files have one column wrong on every "
        "row (distinct values): amounts with a decimal comma, SIRETs with a bad key. Peak RSS and CPU time of "
        "each process from `wait4` (largest RSS of the runs).\n\n"
        f"{table}\n\n{summary}\n\n{verdicts}\n{END}"
    )
    marked = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if marked.search(text):
        text = marked.sub(lambda _match: block, text)
    else:
        section = re.compile(r"## Validation against Table Schemas[^\n]*\n.*?(?=\n## |\Z)", re.S)
        heading = "## Validation against Table Schemas (issues 4 and 9)\n\n"
        if section.search(text):
            text = section.sub(lambda _match: heading + block + "\n", text)
        else:
            text = text.rstrip("\n") + "\n\n" + heading + block + "\n"
    docs.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
