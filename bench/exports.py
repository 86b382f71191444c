"""Exports: what each format costs per cell, and what a large export costs the request now that it is a background job.

Run on demand (not part of the test suite), on a quiet machine for figures to keep:

    .venv/bin/python bench/exports.py                  # 1,000,000 rows of 16 columns; XLSX on 100,000 of them
    .venv/bin/python bench/exports.py --rows 200000    # quicker
    .venv/bin/python bench/exports.py --full-xlsx      # also the whole table in XLSX as a job (~2 minutes)

Everything lives in its own database and storage, var/bench/exports/ (AUZOLAN_VAR_DIR), removed at the end unless
--keep. A synthetic table (text, numbers, dates, booleans; DuckDB writes its Parquet file) is registered as a ready
table of a published dataset. It prints three tables:

1. **Cost per cell.** `exports.export_file` (what the request and the job both call) of the table sorted by an amount,
   per format (CSV neutralised and raw): seconds, cells a second, and the cost relative to CSV, next to the weights
   the size rule uses (`exports.CELL_COST`) and the largest table of 16 columns produced during the request under
   `DATASTORE_EXPORT_INLINE_CELLS`.
2. **The request.** `GET /api/v1/resources/<id>/data/export?format=xlsx` of the whole table through Django's test
   client: before background exports it wrote the XLSX in the request (the audit measured 44 s on 1M rows); now the
   answer is a 202 with a status address. Then the same request again (reused: same export), and the job itself
   (`export_jobs.run_export`, in this process) when --full-xlsx.
3. **At most N at once.** With DATASTORE_EXPORT_CONCURRENCY=2, six distinct large exports (CSV of the whole table with
   six sorts) run by three task workers (`manage.py db_worker`) at once; the places held are sampled every 50 ms:
   never more than 2.

Figures depend on the machine and its load (printed with each table).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench" / "exports"
ENV = {
    **os.environ,
    "AUZOLAN_ENV": "local",
    "AUZOLAN_VAR_DIR": str(VAR_DIR),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "DATASTORE_EXPORT_CONCURRENCY": "2",
}
for _name in ("DATABASE_URL", "MEDIA_ROOT", "S3_BUCKET"):
    ENV.pop(_name, None)
COLUMNS = 16


def setup_django() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def make_table(rows: int):
    """A published dataset whose current table is a synthetic Parquet file of `rows` × 16 columns."""
    import datetime
    import uuid

    import duckdb
    from django.core.management import call_command
    from django.db import transaction

    from auzolan.catalog.models import Dataset, Resource, ResourceVersion
    from auzolan.datastore.models import Table
    from auzolan.organisations.models import Organisation, Territory

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    media = VAR_DIR / "media"
    (media / "bench").mkdir(parents=True, exist_ok=True)
    parquet = media / "bench" / f"exports-{rows}.parquet"
    select = (
        "SELECT i AS id, 'Commune ' || (i % 158) AS commune, round(i * 1.37 % 100000, 2) AS montant, "
        "DATE '2020-01-01' + (i % 1500)::INTEGER AS date, i % 7 AS nombre, 'Libellé numéro ' || i AS libelle, "
        "i % 2 = 0 AS actif, CASE WHEN i % 50 = 0 THEN '=1+' || i ELSE 'code-' || (i % 13) END AS code, "
        "i * 0.1 AS taux, i % 100 AS part, 'texte ' || (i % 1000) AS note, i * 3 AS cle, 'ABC' AS categorie, "
        "i * 2 AS autre, 'DEF' || i AS reference, 3.5 AS constante FROM range(?) t(i)"
    )
    duckdb.execute(f"COPY ({select}) TO '{parquet}' (FORMAT parquet, ROW_GROUP_SIZE 8192)", [rows])
    types = {
        "id": "integer",
        "commune": "text",
        "montant": "number",
        "date": "date",
        "nombre": "integer",
        "libelle": "text",
        "actif": "boolean",
        "code": "text",
        "taux": "number",
        "part": "integer",
        "note": "text",
        "cle": "integer",
        "categorie": "text",
        "autre": "integer",
        "reference": "text",
        "constante": "number",
    }
    now = datetime.datetime.now(tz=datetime.UTC)
    with transaction.atomic():
        territory, _ = Territory.objects.get_or_create(slug="bench", defaults={"name": "Territoire de test"})
        organisation, _ = Organisation.objects.get_or_create(
            slug="bench-exports",
            defaults={"territory": territory, "name": "Commune (banc exports)", "kind": "commune"},
        )
        dataset = Dataset.objects.create(
            identifier=uuid.uuid4(),
            organisation=organisation,
            slug=f"bench-exports-{uuid.uuid4().hex[:8]}",
            title="Banc exports",
            description="Jeu de données du banc d'essai des exports.",
            licence="lov2",
            frequency="ANNUAL",
            state="published",
            published_at=now,
            last_modified=now,
        )
        resource = Resource.objects.create(dataset=dataset, title="Table", kind="file", format="parquet", position=0)
        version = ResourceVersion.objects.create(
            resource=resource,
            number=1,
            file=f"bench/{parquet.name}",
            original_name=parquet.name,
            size=parquet.stat().st_size,
            sha256="0" * 64,
            mime_type="application/octet-stream",
        )
        table = Table.objects.create(
            resource=resource,
            version=version,
            state=Table.State.READY,
            is_current=True,
            parquet=f"bench/{parquet.name}",
            row_count=rows,
            columns=[{"name": name, "type": type_, "label": name} for name, type_ in types.items()],
            finished_at=now,
        )
    return resource, table


def cost_per_cell(table, xlsx_rows: int) -> None:
    from django.conf import settings

    from auzolan.datastore import exports

    print(f"\n### Cost per cell (`export_file`, sorted by an amount; load before {load()})\n")
    print("| Format | Rows | Cells | Time | Cells/s | Cost vs CSV | CELL_COST | Inline up to (16 columns) |")
    print("|---|---|---|---|---|---|---|---|")
    budget = settings.DATASTORE_EXPORT_INLINE_CELLS
    base = None
    for label, fmt, raw, rows in (
        ("CSV (neutralised)", "csv", False, table.row_count),
        ("CSV raw", "csv", True, table.row_count),
        ("JSON", "json", False, table.row_count),
        ("Parquet", "parquet", False, table.row_count),
        ("XLSX", "xlsx", False, min(xlsx_rows, table.row_count)),
    ):
        params = {"format": fmt, "sort": "-montant", "raw": "true" if raw else "false"}
        if rows < table.row_count:
            params["id__lt"] = str(rows)
        spec = exports.parse_spec(params)
        started = time.perf_counter()
        path = exports.export_file(table, spec, timeout=3600)
        seconds = time.perf_counter() - started
        os.unlink(path)
        cells = rows * COLUMNS
        speed = cells / seconds
        base = base or speed
        inline_rows = budget // (COLUMNS * exports.CELL_COST[fmt])
        print(
            f"| {label} | {rows:,} | {cells:,} | {seconds:.2f} s | {speed:,.0f} | {base / speed:.1f} | "
            f"{exports.CELL_COST[fmt]} | {inline_rows:,} rows |"
        )
    print(f"\nDATASTORE_EXPORT_INLINE_CELLS = {budget:,}; load after {load()}.")


def request_path(resource, full_xlsx: bool) -> None:
    from django.test import Client

    from auzolan.datastore import export_jobs
    from auzolan.datastore.models import TableExport

    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/api/v1/resources/{resource.identifier}/data/export"
    client.get("/api/v1/openapi.json")  # the first request of the process builds the API: not counted
    print(f"\n### The request of a large export (whole table in XLSX; load before {load()})\n")
    print("| Step | Status | Time |")
    print("|---|---|---|")
    for step in ("first request", "the same again (reused)"):
        started = time.perf_counter()
        response = client.get(url, {"format": "xlsx"})
        print(f"| {step} | {response.status_code} | {(time.perf_counter() - started) * 1000:.0f} ms |")
    export = TableExport.objects.filter(format="xlsx").latest("created_at")
    if full_xlsx:
        started = time.perf_counter()
        export_jobs.run_export(export_id=str(export.pk))
        export.refresh_from_db()
        print(
            f"| the job (`run_export`): {export.state}, {export.rows:,} rows, {export.size / 1e6:.0f} MB | — | "
            f"{time.perf_counter() - started:.1f} s |"
        )
        started = time.perf_counter()
        response = client.get(url, {"format": "xlsx"})
        print(f"| the same once ready | {response.status_code} | {(time.perf_counter() - started) * 1000:.0f} ms |")
    print(f"\nLoad after {load()}.")


def concurrency(resource, workers: int = 3, exports_count: int = 6) -> None:
    from django.test import Client, override_settings

    from auzolan.datastore.models import ExportSlot, TableExport

    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/api/v1/resources/{resource.identifier}/data/export"
    sorts = ["montant", "-montant", "date", "-date", "id", "-id", "libelle", "-libelle"][:exports_count]
    with override_settings(DATASTORE_EXPORT_INLINE_CELLS=0):  # whatever --rows: each one is a background export
        for sort in sorts:
            response = client.get(url, {"format": "csv", "sort": sort, "raw": "true"})
            assert response.status_code == 202, response.status_code
    print(f"\n### At most N at once ({exports_count} exports, {workers} task workers, N = 2; load before {load()})\n")
    peak, samples, stop = [0], [0], threading.Event()

    def sample() -> None:
        from django.db import connection

        while not stop.is_set():
            held = ExportSlot.objects.filter(export__isnull=False).count()
            running = TableExport.objects.filter(state="running").count()
            peak[0] = max(peak[0], held, running)
            samples[0] += 1
            time.sleep(0.05)
        connection.close()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.5"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen(command, cwd=BASE_DIR, env=ENV, **quiet) for _ in range(workers)]
    try:
        while TableExport.objects.filter(state__in=["queued", "running"]).exists():
            time.sleep(0.2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        stop.set()
        sampler.join()
    elapsed = time.perf_counter() - started
    states = list(TableExport.objects.filter(format="csv").values_list("state", flat=True))
    done = states.count("succeeded")
    print("| Exports | Succeeded | Most running at once (sampled) | Samples | Wall time |")
    print("|---|---|---|---|---|")
    print(f"| {len(states)} | {done} | {peak[0]} | {samples[0]} | {elapsed:.1f} s |")
    print(f"\nLoad after {load()}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the XLSX line of the first table")
    parser.add_argument("--full-xlsx", action="store_true", help="also run the whole table's XLSX job")
    parser.add_argument("--keep", action="store_true", help="keep var/bench/exports/")
    args = parser.parse_args()
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    setup_django()
    try:
        resource, table = make_table(args.rows)
        cost_per_cell(table, args.xlsx_rows)
        request_path(resource, args.full_xlsx)
        concurrency(resource)
    finally:
        if not args.keep:
            shutil.rmtree(VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
