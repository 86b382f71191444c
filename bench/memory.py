"""Peak memory and time of ingestion and export on large files: issue 4's "under 1 GB whatever the file size".

Run on demand (not part of the test suite):

    .venv/bin/python bench/memory.py              # 1,000,000 and 3,000,000 rows (~190 and ~560 MB of CSV)
    .venv/bin/python bench/memory.py --quick      # 100,000 and 300,000 rows, a minute
    .venv/bin/python bench/memory.py --rows 1000000 --large-rows 0   # one size only

The CSVs come from the generator of bench/validation.py (imported: SCDL subventions, deterministic, with its
injected errors). Everything lives in its own bench database and storage, var/bench/memory/ (AUZOLAN_VAR_DIR), removed
at the end unless --keep. For each size, in a fresh process each, with the machine's default settings:

- ingestion: `ingestion.run_table_load`, the function the `datastore.ingest` job runs (copy of the stored file to a
  work directory, reading, typing, Parquet, statistics, storage, the table's rows), on a pending `Table` of a resource
  whose version is the CSV;
- exports of the whole table: `exports.export_response` (the API's path) in CSV, Parquet and XLSX, the response read
  chunk by chunk as a client would; XLSX on the sizes that fit a sheet (the others must be refused, also measured);
- ingestion of the XLSX export of the first size (a spreadsheet of that many rows, read through calamine).

Peak RSS is the child's own high-water mark (`VmHWM` of /proc/<pid>/status, DuckDB's threads included), checked
against `ru_maxrss` from `os.wait4` on that child alone. Nothing is asserted: the table is printed and any peak over
1 GB is flagged. The figures and method go by hand to "Memory of ingestion and export (issue 4)" in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
VAR_DIR = BENCH_DIR / "memory"
ENV = {
    **os.environ,
    "AUZOLAN_ENV": "local",
    "AUZOLAN_VAR_DIR": str(VAR_DIR),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
}
for _name in ("DATABASE_URL", "MEDIA_ROOT", "S3_BUCKET"):
    ENV.pop(_name, None)
LIMIT_MB = 1024
EXPORTS = ("csv", "parquet", "xlsx")


# --- Children (each in its own process) ---------------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def vmhwm_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child_setup(path: str) -> None:
    """A published dataset whose resource's version is the file, and a pending Table for it (not measured)."""
    setup_django()
    import datetime
    import uuid

    from django.core.management import call_command
    from django.db import transaction

    from auzolan.catalog.models import Dataset, Resource, ResourceVersion
    from auzolan.datastore.models import Table
    from auzolan.organisations.models import Organisation, Territory

    call_command("migrate", "datastore", verbosity=0)  # and what it depends on (not the apps being built)
    source = Path(path)
    media = VAR_DIR / "media" / "bench"
    media.mkdir(parents=True, exist_ok=True)
    stored = media / source.name
    stored.unlink(missing_ok=True)
    os.link(source, stored)  # the stored upload, without a second copy on disk
    now = datetime.datetime.now(tz=datetime.UTC)
    with transaction.atomic():
        territory, _ = Territory.objects.get_or_create(slug="bench", defaults={"name": "Territoire de test"})
        organisation, _ = Organisation.objects.get_or_create(
            slug="bench-memory",
            defaults={
                "territory": territory,
                "name": "Commune (banc mémoire)",
                "kind": "commune",
                "membership_status": "member",
            },
        )
        slug = f"bench-memory-{source.stem}-{uuid.uuid4().hex[:8]}"  # a fresh database each run: nothing to delete
        dataset = Dataset.objects.create(
            identifier=uuid.uuid4(),
            organisation=organisation,
            slug=slug,
            title=f"Banc mémoire {source.name}",
            description="Jeu de données du banc d'essai de mémoire.",
            licence="lov2",
            frequency="ANNUAL",
            state="published",
            published_at=now,
            last_modified=now,
        )
        fmt = source.suffix.lstrip(".")
        resource = Resource.objects.create(dataset=dataset, title="Subventions", kind="file", format=fmt, position=0)
        version = ResourceVersion.objects.create(
            resource=resource,
            number=1,
            file=f"bench/{source.name}",
            original_name=source.name,
            size=source.stat().st_size,
            sha256="0" * 64,
            mime_type="text/csv" if fmt == "csv" else "application/octet-stream",
        )
        table = Table.objects.create(resource=resource, version=version)
    print(json.dumps({"table": table.pk}))


def child_ingest(table_id: str) -> None:
    setup_django()
    from auzolan.core.errors import ApplicationError
    from auzolan.datastore.ingestion.job import run_table_load
    from auzolan.datastore.models import Table

    table = Table.objects.select_related("version", "resource").get(pk=table_id)
    started = time.perf_counter()
    try:
        table = run_table_load(table=table)
    except ApplicationError as error:
        result = {"refused": f"{error.code}: {error.message}", "rows": 0}
    else:
        result = {"rows": table.row_count, "state": table.state}
    result.update(seconds=time.perf_counter() - started, vmhwm=vmhwm_mb())
    print(json.dumps(result))


def child_export(table_id: str, fmt: str, keep: str = "", params: str = "") -> None:
    """The API's export path: export_response, read chunk by chunk. `keep`: also write the bytes to that path;
    `params`: the export's filters (a query string)."""
    setup_django()
    from django.http import QueryDict

    from auzolan.core.errors import ApplicationError
    from auzolan.datastore import exports, query
    from auzolan.datastore.models import Table

    table = Table.objects.get(pk=table_id)
    started = time.perf_counter()
    size = 0
    try:
        spec = exports.ExportSpec(query=query.parse_params(QueryDict(params)), fmt=fmt)
        response = exports.export_response(table, spec, filename="banc")
    except ApplicationError as error:
        result = {"refused": f"{error.code}: {error.message}"}
    else:
        out = open(keep, "wb") if keep else None  # noqa: SIM115
        for chunk in response.streaming_content:
            size += len(chunk)
            if out:
                out.write(chunk)
        response.close()
        if out:
            out.close()
        result = {"bytes": size}
    result.update(seconds=time.perf_counter() - started, vmhwm=vmhwm_mb())
    print(json.dumps(result))


# --- Parent ------------------------------------------------------------------------------------------------


def run_child(*args: str, env: dict | None = None) -> dict:
    """Run `bench/memory.py --child <args>` alone; its JSON result plus wall time and ru_maxrss from wait4."""
    out_path = VAR_DIR / "child.out"
    err_path = VAR_DIR / "child.err"
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        command = [sys.executable, __file__, "--child", *args]
        process = subprocess.Popen(command, env={**ENV, **(env or {})}, cwd=BASE_DIR, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode:
        sys.exit(f"child {args} failed ({process.returncode}):\n{err_path.read_text()[-3000:]}")
    result = json.loads(out_path.read_text().strip().splitlines()[-1])
    result.update(wall=wall, maxrss=usage.ru_maxrss / 1024, load=(load + os.getloadavg()[0]) / 2)
    return result


def ensure_csv(rows: int) -> Path:
    path = VAR_DIR / f"subventions-{rows}.csv"
    if path.exists() and path.stat().st_size:
        return path
    shared = BENCH_DIR / f"subventions-{rows}.csv"  # the same generator's file, kept by bench/ingestion.py
    if shared.exists() and shared.stat().st_size:
        os.link(shared, path)
        return path
    sys.path.insert(0, str(BASE_DIR / "bench"))
    from validation import generate  # the generator of the validation bench (deterministic)

    started = time.perf_counter()
    generate(path, rows)
    print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")
    return path


def fmt_rows(n: int) -> str:
    return f"{n:,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="first size (its XLSX export is re-ingested)")
    parser.add_argument("--large-rows", type=int, default=3_000_000, help="second size (0: none)")
    parser.add_argument("--quick", action="store_true", help="100,000 and 300,000 rows")
    parser.add_argument("--keep", action="store_true", help="keep var/bench/memory/")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        {"setup": child_setup, "ingest": child_ingest, "export": child_export}[kind](*rest)
        return
    if args.quick:
        args.rows, args.large_rows = 100_000, 300_000
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    sizes = [n for n in (args.rows, args.large_rows) if n]
    lines = []

    def record(label: str, rows: int, source_mb: float, result: dict, output: str = "") -> None:
        peak = max(result["vmhwm"], result["maxrss"])
        flag = " **over 1 GB**" if peak > LIMIT_MB else ""
        if "refused" in result:
            output = "refused: " + result["refused"].split(":")[0]
        line = (
            f"| {label} | {fmt_rows(rows)} | {source_mb:,.0f} MB | {result['seconds']:.1f} s | {result['wall']:.1f} s "
            f"| {peak:,.0f} MB{flag} | {output} | {result['load']:.1f} |"
        )
        lines.append(line)
        print(line, flush=True)

    print("| Step | Rows | Input | Time | Wall (process) | Peak RSS | Output | Load |")
    print("|---|---|---|---|---|---|---|---|")
    xlsx_copies = []
    try:
        for index, rows in enumerate(sizes):
            csv = ensure_csv(rows)
            csv_mb = csv.stat().st_size / 1e6
            table = run_child("setup", str(csv))["table"]
            result = run_child("ingest", str(table))
            record("ingestion of the CSV (`run_table_load`)", result["rows"], csv_mb, result, result.get("state", ""))
            parquet_mb = sum(p.stat().st_size for p in (VAR_DIR / "media" / "datastore").rglob("*.parquet")) / 1e6
            # XLSX is written by Python at ~10,000-13,000 rows/s (16 columns): past the default deadline (query
            # timeout 5 s x 12) on 1M rows, so its limit is raised here to measure its memory (said in the docs).
            xlsx_env = {"DATASTORE_QUERY_TIMEOUT": "60"}
            for fmt in EXPORTS:
                keep = ""
                if fmt == "xlsx" and index == 0:
                    keep = str(VAR_DIR / f"export-{rows}.xlsx")
                    xlsx_copies.append(Path(keep))
                exported = run_child("export", str(table), fmt, keep, env=xlsx_env if fmt == "xlsx" else None)
                size = f"{exported['bytes'] / 1e6:,.0f} MB" if "bytes" in exported else ""
                record(f"export {fmt.upper()} of the whole table", result["rows"], parquet_mb, exported, size)
            if index == 0:  # a filtered XLSX export, small enough to be ingested again (~35 % of the rows)
                keep = VAR_DIR / f"export-{rows}-filtered.xlsx"
                xlsx_copies.append(keep)
                exported = run_child("export", str(table), "xlsx", str(keep), "montant__lt=7000", env=xlsx_env)
                size = f"{exported['bytes'] / 1e6:,.0f} MB" if "bytes" in exported else ""
                record("export XLSX, `montant__lt=7000`", result["rows"], parquet_mb, exported, size)
            (VAR_DIR / "media" / "bench" / csv.name).unlink(missing_ok=True)
            shutil.rmtree(VAR_DIR / "media" / "datastore", ignore_errors=True)
            csv.unlink()
        for copy in xlsx_copies:  # spreadsheets go through calamine: whole sheets in memory, hence a size limit
            if not copy.exists():
                continue
            table = run_child("setup", str(copy))["table"]
            result = run_child("ingest", str(table))
            label = f"ingestion of that XLSX ({copy.name})"
            record(label, result["rows"], copy.stat().st_size / 1e6, result, result.get("state", ""))
            copy.unlink()
            shutil.rmtree(VAR_DIR / "media", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(VAR_DIR, ignore_errors=True)
    over = [line for line in lines if "over 1 GB" in line]
    print(f"\n{len(over)} step(s) over 1 GB." if over else "\nEvery step stayed under 1 GB.")


if __name__ == "__main__":
    main()
