"""Benchmark of ingestion (CSV → queryable Parquet table): our pipeline, raw DuckDB and `sqlite-utils insert`.

Run on demand (not part of the test suite):

    .venv/bin/python bench/ingestion.py [--rows 1000000] [--repeat 2] [--regenerate]

The CSV is the one of bench/validation.py (same deterministic generator, imported: SCDL subventions, 1M rows,
~187 MB, with its injected errors), in var/bench/. Each engine runs in a fresh process, `--repeat` times (best and
median reported), with its peak RSS taken from `getrusage` in a parent that waits for that one process only:

- Auzolan: what the `datastore.ingest` job does (`ingestion.run_table_load`) without its database rows: the stored
  file read in place (local storage), `ingestion.load_file` (sniff, check the encoding, infer the types on the
  head, one guarded `COPY` from the CSV to LZ4 Parquet), `stats.safe_compute` (column statistics), save the
  Parquet to the storage (MEDIA_ROOT of var/bench). The load_file part alone is also reported.
- raw DuckDB: `COPY (SELECT * FROM read_csv('file')) TO 'x.parquet' (FORMAT PARQUET)`, default settings: the
  issue's baseline, the one the 1.5x target is judged against. On this file its sniffer picks `|` as the delimiter
  (the short rows defeat it) and it copies each line as ONE text column: not a table one can query.
- raw DuckDB, real dialect: the same with `delim=','`, `null_padding=true` (16 typed columns): the like-for-like
  comparison of a queryable table, reported beside it.
- sqlite-utils: `sqlite-utils insert db subventions file.csv --csv` with type detection (the Datasette path), from a
  throwaway virtualenv: $BENCH_VENV (default /tmp/bench-venv; `python3 -m venv /tmp/bench-venv &&
  /tmp/bench-venv/bin/pip install sqlite-utils datasette`). Skipped with a message when absent.

The last Auzolan table (Parquet + columns, stats, report in var/bench/ingested-<rows>.json) and the last SQLite
database are kept for bench/data_api.py. The figures go to "### Ingestion" of the "Ingestion and data API" section
of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench"
BENCH_VENV = Path(os.environ.get("BENCH_VENV", "/tmp/bench-venv"))
ENV = {
    **os.environ,
    "AUZOLAN_ENV": "local",
    "AUZOLAN_VAR_DIR": str(VAR_DIR),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
}
ENV.pop("DATABASE_URL", None)
ENV.pop("MEDIA_ROOT", None)
SQLITE_UTILS_TYPES: list[str] = []  # filled by sqlite_utils_version(): 3.x needs --detect-types, 4.x detects by default
SECTION = "## Ingestion and data API (issue 4)"


def sqlite_utils_version() -> str:
    done = subprocess.run([str(BENCH_VENV / "bin" / "sqlite-utils"), "--version"], capture_output=True, text=True)
    version = done.stdout.strip().rsplit(" ", 1)[-1]
    if version.startswith("3."):
        SQLITE_UTILS_TYPES.append("--detect-types")
    return version


def csv_path(rows: int) -> Path:
    return VAR_DIR / f"subventions-{rows}.csv"


def ensure_csv(rows: int, regenerate: bool) -> Path:
    path = csv_path(rows)
    if path.exists() and path.stat().st_size and not regenerate:
        return path
    sys.path.insert(0, str(BASE_DIR / "bench"))
    from validation import generate  # the generator of the validation bench (deterministic)

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    expected = generate(path, rows)
    print(f"generated {path.name}: {len(expected)} injected errors, {time.perf_counter() - started:.0f} s")
    return path


# --- Children (each in its own process) ---------------------------------------------------------------------


def child_ours(path: str) -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.files import File
    from django.core.files.storage import default_storage

    from auzolan.datastore import rowstore, stats
    from auzolan.datastore.duck import connect
    from auzolan.datastore.ingestion.pipeline import load_file

    rows = int(re.search(r"-(\d+)\.csv$", path).group(1))
    workdir = VAR_DIR / "ingest-work"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    started = time.perf_counter()
    local = path  # run_table_load's local_source: a file of the local storage is read in place, never copied
    copied = time.perf_counter()
    result = load_file(str(local), name=Path(path).name, workdir=str(workdir))
    loaded = time.perf_counter()
    column_stats = stats.safe_compute(result.parquet_path, result.columns, result.row_count)
    computed = time.perf_counter()
    name = f"datastore/bench/subventions-{rows}.parquet"
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(result.parquet_path, "rb") as file:
        stored = default_storage.save(name, File(file, name=os.path.basename(name)))
    finished = time.perf_counter()
    # Then, the table being ready (the job has marked it so), the job writes its row file: timed apart, not in the
    # time to a queryable table.
    rows_local = str(workdir / "table.rows")
    con = connect(threads=1)
    rowstore.write_from_parquet(con, result.parquet_path, rows_local)
    con.close()
    rows_name = f"datastore/bench/subventions-{rows}.rows"
    if default_storage.exists(rows_name):
        default_storage.delete(rows_name)
    with open(rows_local, "rb") as file:
        rows_stored = default_storage.save(rows_name, File(file, name=os.path.basename(rows_name)))
    rows_written = time.perf_counter()
    # Then its text index (full-text q), as the job writes it next: timed apart too.
    from auzolan.datastore import textindex

    words_local = str(workdir / "table.words.parquet")
    con = connect(threads=1, temp_directory=str(workdir))
    texts = [c["name"] for c in result.columns if c.get("type", "text") == "text"]
    lexicon_local = str(workdir / "table.lexicon.parquet")
    words_figures = textindex.write_from_parquet(con, result.parquet_path, texts, words_local, lexicon_local)
    con.close()
    words_name = f"datastore/bench/subventions-{rows}{textindex.INDEX_SUFFIX}"
    lexicon_name = textindex.lexicon_name(words_name)
    for name, local_file in ((words_name, words_local), (lexicon_name, lexicon_local)):
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(local_file, "rb") as file:
            default_storage.save(name, File(file, name=os.path.basename(name)))
    words_stored = words_name
    words_written = time.perf_counter()
    shutil.rmtree(workdir, ignore_errors=True)
    meta = {
        "parquet": stored,
        "row_count": result.row_count,
        "columns": result.columns,
        "report": result.report,
        "stats": column_stats or {},
    }
    (VAR_DIR / f"ingested-{rows}.json").write_text(json.dumps(meta, default=str), encoding="utf-8")
    print(
        json.dumps(
            {
                "seconds": finished - started,
                "load_file": loaded - copied,
                "copy": copied - started,
                "stats": computed - loaded,
                "store": finished - computed,
                "rows_loaded": result.row_count,
                "rows_rejected": result.report.get("rejected_rows"),
                "types": {c["name"]: c["type"] for c in result.columns},
                "parquet_mb": default_storage.size(stored) / 1e6,
                "rows_file": rows_written - finished,
                "rows_mb": default_storage.size(rows_stored) / 1e6,
                "text_index": words_written - rows_written,
                "text_index_mb": (default_storage.size(words_stored) + default_storage.size(lexicon_name)) / 1e6,
                "text_index_tokens": words_figures["tokens"],
                "text_index_postings": words_figures["postings"],
            }
        )
    )


def child_duckdb(path: str, options: str = "") -> None:
    import duckdb

    target = VAR_DIR / "raw-duckdb.parquet"
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{path}'{options})) TO '{target}' (FORMAT PARQUET)")
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows_loaded": rows, "parquet_mb": target.stat().st_size / 1e6}))
    target.unlink()


def child_exec(command: list[str]) -> None:
    """Run one external command; print its time and peak RSS (this process waits for it alone)."""
    import resource

    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{command[0]} failed:\n{done.stderr[-3000:]}")
    print(done.stdout, end="")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": seconds, "rss": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime}))


# --- Parent ------------------------------------------------------------------------------------------------


def run_measured(args: list[str]) -> dict:
    """Run `bench/ingestion.py <args>` through --child-exec so that the peak RSS is that process's alone."""
    wrapper = [sys.executable, __file__, "--child-exec", "--", sys.executable, __file__, *args]
    done = subprocess.run(wrapper, env=ENV, cwd=BASE_DIR, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_engine(kind: str, path: Path, repeat: int, sqlite_target: Path | None = None) -> dict:
    results = []
    for _ in range(repeat):
        load_before = os.getloadavg()[0]
        if kind == "sqlite-utils":
            sqlite_target.unlink(missing_ok=True)
            command = [
                str(BENCH_VENV / "bin" / "sqlite-utils"),
                "insert",
                str(sqlite_target),
                "subventions",
                str(path),
                "--csv",
                *SQLITE_UTILS_TYPES,
            ]
            wrapper = [sys.executable, __file__, "--child-exec", "--", *command]
            done = subprocess.run(wrapper, env=ENV, cwd=BASE_DIR, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"sqlite-utils failed:\n{done.stderr[-3000:]}")
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            measured["inner"] = {}
        else:
            wrapper = [sys.executable, __file__, "--child-exec", "--", sys.executable, __file__]
            done = subprocess.run(
                [*wrapper, f"--child-{kind}", str(path)], env=ENV, cwd=BASE_DIR, capture_output=True, text=True
            )
            if done.returncode:
                sys.exit(f"{kind} failed:\n{done.stderr[-3000:]}")
            lines = done.stdout.strip().splitlines()
            measured = json.loads(lines[-1])
            inner = json.loads(lines[-2])  # the child's own timing (without interpreter start-up)
            measured["inner"] = inner
            measured["seconds"] = inner["seconds"]
        measured["load"] = (load_before + os.getloadavg()[0]) / 2
        results.append(measured)
        print(
            f"  {kind}: {measured['seconds']:.2f} s, CPU {measured['cpu']:.2f} s, peak RSS {measured['rss']:.0f} MB, "
            f"load ~{measured['load']:.1f}"
        )
    best = dict(min(results, key=lambda r: r["seconds"]))
    best["runs"] = sorted(r["seconds"] for r in results)
    best["median"] = statistics.median(best["runs"])
    best["rss"] = max(r["rss"] for r in results)
    best["cpu_best"] = min(r["cpu"] for r in results)
    best["loads"] = [r["load"] for r in results]
    if kind == "ours":
        best["load_file_best"] = min(r["inner"]["load_file"] for r in results)
        best["load_file_median"] = statistics.median(r["inner"]["load_file"] for r in results)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each engine (best and median reported)")
    parser.add_argument("--sqlite-repeat", type=int, default=None, help="runs of sqlite-utils (default --repeat)")
    parser.add_argument("--regenerate", action="store_true", help="write the CSV again even if it exists")
    parser.add_argument(
        "--write-docs", action="store_true", help="also write the figures into docs/performance.md (off by default)"
    )
    parser.add_argument("--child-ours")
    parser.add_argument("--child-duckdb")
    parser.add_argument("--child-duckdb-fair")
    parser.add_argument("--child-exec", action="store_true")
    parser.add_argument("command", nargs="*")
    args = parser.parse_args()
    if args.child_exec:
        return child_exec(args.command)
    if args.child_ours:
        return child_ours(args.child_ours)
    if args.child_duckdb:
        return child_duckdb(args.child_duckdb)
    if args.child_duckdb_fair:
        # The same file read with its real dialect: the sniffer of `read_csv('file')` picks '|' on this file (its
        # short rows), so the plain call above copies every line as ONE text column.
        return child_duckdb(args.child_duckdb_fair, ", delim=',', null_padding=true")

    path = ensure_csv(args.rows, args.regenerate)
    size = path.stat().st_size / 1e6
    print(
        f"{path.name}: {args.rows:,} rows, {size:.0f} MB; load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores"
    )
    ours = run_engine("ours", path, args.repeat)
    raw = run_engine("duckdb", path, args.repeat)
    fair = run_engine("duckdb-fair", path, args.repeat)
    sqlite_target = VAR_DIR / f"subventions-{args.rows}.sqlite"
    sqlite_utils = None
    if (BENCH_VENV / "bin" / "sqlite-utils").exists():
        sqlite_utils_name = f"sqlite-utils {sqlite_utils_version()}"
        sqlite_utils = run_engine("sqlite-utils", path, args.sqlite_repeat or args.repeat, sqlite_target)
    else:
        print(
            f"sqlite-utils skipped: {BENCH_VENV}/bin/sqlite-utils not found (python3 -m venv {BENCH_VENV} && "
            f"{BENCH_VENV}/bin/pip install sqlite-utils datasette; or set BENCH_VENV)"
        )

    base = raw["seconds"]
    base_median = raw["median"]

    def line(name: str, result: dict, best: float, median: float, rss: str) -> str:
        cpu = f"{result['cpu_best']:.2f}" if rss != "—" else "—"
        return (
            f"| {name} | {best:.2f} | {median:.2f} | {cpu} | {args.rows / best:,.0f} | {best / base:.2f}× "
            f"| {median / base_median:.2f}× | {best / fair['seconds']:.2f}× | {rss} |"
        )

    lines = [
        "| Engine | Best s | Median s | CPU s (best) | Rows/s (best) | vs raw DuckDB (best; the target) | (median) "
        "| vs raw DuckDB, real dialect (best; like-for-like) | Peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
        line(
            "Auzolan ingestion job (load_file + stats + store; file read in place)",
            ours,
            ours["seconds"],
            ours["median"],
            f"{ours['rss']:.0f} MB",
        ),
        line(
            "… of which `load_file` (sniff, head inference, one guarded COPY to Parquet)",
            ours,
            ours["load_file_best"],
            ours["load_file_median"],
            "—",
        ),
        line("raw DuckDB `read_csv` → Parquet", raw, raw["seconds"], raw["median"], f"{raw['rss']:.0f} MB"),
        line(
            "raw DuckDB, real dialect (`delim=','`, `null_padding`)",
            fair,
            fair["seconds"],
            fair["median"],
            f"{fair['rss']:.0f} MB",
        ),
    ]
    if sqlite_utils:
        lines.append(
            line(
                f"`{sqlite_utils_name} insert --csv` (types detected)",
                sqlite_utils,
                sqlite_utils["seconds"],
                sqlite_utils["median"],
                f"{sqlite_utils['rss']:.0f} MB",
            )
        )
    table = "\n".join(lines)
    inner = ours["inner"]
    loads = [load for result in (ours, raw, fair, sqlite_utils) if result for load in result["loads"]]
    summary = (
        f"Auzolan: {inner['rows_loaded']:,} rows loaded, {inner['rows_rejected']:,} rejected (cells that do not "
        f"cast to the inferred type), Parquet {inner['parquet_mb']:.0f} MB "
        f"(LZ4; raw DuckDB {raw['inner']['parquet_mb']:.0f} MB Snappy); best run split: "
        f"copy {inner['copy']:.2f} s, load_file {inner['load_file']:.2f} s, stats {inner['stats']:.2f} s, "
        f"store {inner['store']:.2f} s; then, the table ready, its row file {inner['rows_file']:.2f} s "
        f"({inner['rows_mb']:.0f} MB), its text index {inner['text_index']:.2f} s ({inner['text_index_mb']:.0f} MB, "
        f"{inner['text_index_tokens']:,} tokens, {inner['text_index_postings']:,} (token, row) pairs). "
        f"Runs (s): Auzolan {[round(s, 2) for s in ours['runs']]}, "
        f"raw DuckDB {[round(s, 2) for s in raw['runs']]}, real dialect {[round(s, 2) for s in fair['runs']]}"
        + (f", sqlite-utils {[round(s, 1) for s in sqlite_utils['runs']]}" if sqlite_utils else "")
        + f". Load average during the runs: {min(loads):.1f}–{max(loads):.1f} ({os.cpu_count()} cores)."
    )
    types = ", ".join(f"{name}: {type_}" for name, type_ in inner["types"].items())
    print()
    print(table)
    print(summary)
    print(f"Inferred types: {types}")
    if args.write_docs:
        write_docs(table, summary, args.rows, size, args.repeat)


def write_docs(table: str, summary: str, rows: int, size: float, repeat: int) -> None:
    docs = BASE_DIR / "docs" / "performance.md"
    text = docs.read_text(encoding="utf-8")
    block = (
        "### Ingestion\n\n"
        "**Method** — `bench/ingestion.py` (run on demand): the CSV of the validation bench (same generator, "
        f"{rows:,} rows, {size:.0f} MB, SCDL subventions with injected errors). Each engine runs {repeat}× in a fresh "
        "process (best and median); peak RSS from `getrusage` of a parent that waits for that process alone. "
        "*Auzolan* is what the `datastore.ingest` job does (`run_table_load`) minus its database rows: the stored "
        "file read in place, `ingestion.load_file` (sniff, encoding check, types inferred on the head, one guarded "
        "`COPY` from the CSV to LZ4 Parquet), `stats.safe_compute`, save the Parquet to the storage. *raw DuckDB* "
        "is `COPY (SELECT * FROM read_csv('file')) TO 'x.parquet' (FORMAT PARQUET)` with default settings, the "
        "issue's baseline (the 1.5× target is judged against it); on this file it sniffs `|` and copies each line "
        "as one text column. *Real dialect* reads the 16 columns (`delim=','`, `null_padding`): the like-for-like "
        "baseline of a queryable table. *sqlite-utils* (throwaway "
        "virtualenv) is `sqlite-utils insert db subventions file.csv --csv` with type detection (4.x default, "
        "`--detect-types` in 3.x), the Datasette path.\n\n"
        f"{table}\n\n{summary}\n"
    )
    pattern = re.compile(r"### Ingestion\n.*?(?=\n### |\n## |\Z)", re.S)
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n" + block
    elif pattern.search(text):
        text = pattern.sub(lambda _m: block.rstrip("\n") + "\n", text, count=1)
    else:
        text = text.replace(SECTION + "\n", f"{SECTION}\n\n{block}", 1)
    docs.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
