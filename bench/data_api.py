"""Benchmark of the data API over HTTP on the 1M-row table, against Datasette serving the same rows.

Run on demand (not part of the test suite), after bench/ingestion.py (it reuses its Parquet and SQLite files):

    .venv/bin/python bench/data_api.py [--rows 1000000] [--requests 200]

It registers the ingested Parquet as the current ready `Table` of a published resource in the bench database
(var/bench, like bench/catalog_search.py), starts gunicorn (2 sync workers) on a free port, and measures p50/p95 of
`--requests` sequential requests (keep-alive, after 20 warm-up requests) of:

- a filtered, sorted page: /api/v1/resources/<id>/data?montant__gte=1000&sort=-montant&limit=50
- a group-by aggregation: /api/v1/resources/<id>/data/aggregate?group_by=nomAttribuant&agg=sum:montant

and the same two questions to Datasette (from the throwaway virtualenv $BENCH_VENV, default /tmp/bench-venv) serving
the database written by `sqlite-utils insert`. Then one full CSV export of the table through
/api/v1/resources/<id>/data/export?format=csv, with the peak RSS (VmHWM) of the gunicorn worker that served it.
The figures go to "### Data API" of the "Ingestion and data API" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from ingestion import BENCH_VENV, ENV, SECTION, VAR_DIR  # noqa: E402

WARMUP = 20
COLD = "same page, a new filter value per request (total counted, not cached)"


def setup_django():
    os.environ.update(ENV)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def register_table(rows: int) -> str:
    """The ingested table as the current ready table of a published resource. Returns the resource identifier."""
    import datetime
    import uuid

    from django.core.management import call_command
    from django.db import transaction

    from auzolan.catalog.models import Dataset, Resource, ResourceVersion
    from auzolan.datastore.ingestion.job import build_postings, build_row_file, build_text_index
    from auzolan.datastore.models import Table
    from auzolan.organisations.models import Organisation, Territory

    meta_path = VAR_DIR / f"ingested-{rows}.json"
    if not meta_path.exists():
        sys.exit(f"{meta_path} not found: run bench/ingestion.py --rows {rows} first")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    now = datetime.datetime.now(tz=datetime.UTC)
    with transaction.atomic():
        territory, _ = Territory.objects.get_or_create(slug="bench", defaults={"name": "Territoire de test"})
        organisation, _ = Organisation.objects.get_or_create(
            slug="bench-data-api",
            defaults={
                "territory": territory,
                "name": "Commune de Bayonne (banc)",
                "kind": "commune",
                "membership_status": "member",
            },
        )
        Dataset.objects.filter(slug="bench-subventions-data-api").delete()
        dataset = Dataset.objects.create(
            identifier=uuid.uuid4(),
            organisation=organisation,
            slug="bench-subventions-data-api",
            title="Subventions aux associations (banc d'essai)",
            description="Jeu de données du banc d'essai de l'API de données.",
            licence="lov2",
            frequency="ANNUAL",
            state="published",
            published_at=now,
            last_modified=now,
        )
        resource = Resource.objects.create(dataset=dataset, title="Subventions", kind="file", format="csv", position=0)
        csv = VAR_DIR / f"subventions-{rows}.csv"
        version = ResourceVersion.objects.create(
            resource=resource,
            number=1,
            file=f"bench/{csv.name}",
            original_name=csv.name,
            size=csv.stat().st_size,
            sha256="0" * 64,
            mime_type="text/csv",
        )
        table = Table.objects.create(
            resource=resource,
            version=version,
            state=Table.State.READY,
            is_current=True,
            parquet=meta["parquet"],
            row_count=meta["row_count"],
            columns=meta["columns"],
            report=meta["report"],
            stats=meta["stats"],
            finished_at=now,
        )
    # The row file the ingestion job writes once the table is ready (pages read their rows from it); kept while the
    # Parquet file is unchanged.
    rows_name = meta["parquet"].rsplit(".", 1)[0] + ".rows"
    media = VAR_DIR / "media"  # MEDIA_ROOT of the bench settings (AUZOLAN_VAR_DIR=var/bench)
    parquet_file, rows_file = media / meta["parquet"], media / rows_name
    if rows_file.exists() and rows_file.stat().st_mtime >= parquet_file.stat().st_mtime:
        Table.objects.filter(pk=table.pk).update(rows_file=rows_name)
    else:
        rows_file.unlink(missing_ok=True)
        started = time.perf_counter()
        if not build_row_file(table):
            sys.exit("the row file could not be written (see the log)")
        print(f"Fichier des lignes écrit en {time.perf_counter() - started:.1f} s.")
    # The text index the ingestion job writes next (a full-text q reads its rows from it); kept the same way.
    words_name = meta["parquet"].rsplit(".", 1)[0] + ".words.parquet"
    words_file = media / words_name
    lexicon_file = media / words_name.replace(".words.parquet", ".lexicon.parquet")
    if words_file.exists() and lexicon_file.exists() and words_file.stat().st_mtime >= parquet_file.stat().st_mtime:
        Table.objects.filter(pk=table.pk).update(text_index=words_name)
        started = time.perf_counter()
        if not build_postings(Table.objects.get(pk=table.pk)):  # an index written before its postings existed
            sys.exit("the postings could not be written (see the log)")
        print(f"Listes de lignes de l'index vérifiées ou écrites en {time.perf_counter() - started:.1f} s.")
    else:
        words_file.unlink(missing_ok=True)
        started = time.perf_counter()
        figures = build_text_index(Table.objects.get(pk=table.pk))
        if figures is None:
            sys.exit("the text index could not be written (see the log)")
        print(
            f"Index des mots écrit en {time.perf_counter() - started:.1f} s : {figures['tokens']:,} mots, "
            f"{figures['postings']:,} couples (mot, ligne), {figures['bytes'] / 1e6:.0f} Mo."
        )
    return str(resource.identifier)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"the server on port {port} exited ({server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on port {port}")


def measure(port: int, url: str, total: int, start: int = 0) -> tuple[list[float], bytes]:
    """`url` may hold `{i}`: the request's number (a new filter value each time, so nothing cached answers it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times, body = [], b""
    for i in range(start, start + total):
        started = time.perf_counter()
        conn.request("GET", url.replace("{i}", str(i)))
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{url} → {response.status}: {body[:500]!r}")
        times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return times, body


def question(port: int, url: str, requests: int, first: int = 0) -> dict:
    measure(port, url, WARMUP, start=first)
    times, body = measure(port, url, requests, start=first + WARMUP)
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": statistics.median(times), "p95": q[94], "body": body}


def vm(pid: int, key: str) -> float:
    """VmHWM / VmRSS of a process in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def export(port: int, url: str, workers: list[int]) -> dict:
    before = {pid: vm(pid, "VmHWM") for pid in workers}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", url)
    response = conn.getresponse()
    size, lines, peak_rss = 0, 0, 0.0
    while chunk := response.read(1024 * 1024):
        size += len(chunk)
        lines += chunk.count(b"\n")
        peak_rss = max(peak_rss, *(vm(pid, "VmRSS") for pid in workers))
    seconds = time.perf_counter() - started
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{url} → {response.status}")
    after = {pid: vm(pid, "VmHWM") for pid in workers}
    served_by = max(workers, key=lambda pid: after[pid] - before[pid])
    return {
        "seconds": seconds,
        "mb": size / 1e6,
        "lines": lines,
        "hwm_before": before[served_by],
        "hwm_after": after[served_by],
        "rss_sampled": peak_rss,
    }


COMMON = ["association", "sport", "culture", "ecole", "fetes", "festival", "nature", "comite", "aide", "bayonne"]


def text_urls(identifier: str, *, rare: bool, ckan: bool, count: int = 200, seed: int = 11) -> list[str]:
    """Full-text `q` questions as bench/ckan_api.py asks them (limit 10 or 100, half sorted by amount, a third with
    an offset). Common words match 17–100 % of the rows (every question after the first of a word finds its total
    in the cache, as a repeated question would); rare ones are a word and a beneficiary's number (`sportive 41234`:
    1–11 rows, a new total at every request)."""
    import random
    from urllib.parse import urlencode

    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        q = f"{rng.choice(['sportive', 'association', 'comite', 'fetes'])} {rng.randrange(100_000)}" if rare else None
        q = q or rng.choice(COMMON)
        if ckan:
            params: dict = {"resource_id": identifier, "q": q, "limit": rng.choice([10, 100])}
            if rng.random() < 0.5:
                params["sort"] = "montant desc"
            if rng.random() < 0.3:
                params["offset"] = rng.choice([100, 1000, 5000])
            urls.append("/api/3/action/datastore_search?" + urlencode(params))
        else:
            params = {"q": q, "limit": rng.choice([10, 100])}
            if rng.random() < 0.5:
                params["sort"] = "-montant"
            if rng.random() < 0.3:
                params["offset"] = rng.choice([100, 1000, 5000])
            urls.append(f"/api/v1/resources/{identifier}/data?" + urlencode(params))
    return urls


def text_search(identifier: str, requests: int, scan_requests: int) -> None:
    """`--text`: full-text `q` over HTTP, with the text index and (fewer requests) without it, 1 and 2 clients."""
    from catalog_search import measure as measure_concurrent
    from catalog_search import percentiles

    from auzolan.catalog.models import Resource
    from auzolan.datastore.models import Table

    table = Table.objects.get(resource__in=Resource.objects.filter(identifier=identifier), is_current=True)
    index = table.text_index
    results = []
    for indexed in (True, False):
        Table.objects.filter(pk=table.pk).update(text_index=index if indexed else "")
        port = free_port()
        env = {
            **ENV,
            "CKAN_API_RATE_IP": "",
            "CKAN_API_CONCURRENCY_IP": "0",
            "PAGE_CACHE_SECONDS": "0",
            "DATASTORE_QUERY_TIMEOUT": "30",
        }
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "2", "--timeout", "120"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_port(port, server)
            total = requests if indexed else scan_requests
            for name, urls in (
                ("datastore_search q, common words", text_urls(identifier, rare=False, ckan=True)),
                ("datastore_search q, rare words", text_urls(identifier, rare=True, ckan=True)),
                ("data API q, common words", text_urls(identifier, rare=False, ckan=False, seed=12)),
                ("data API q, rare words", text_urls(identifier, rare=True, ckan=False, seed=12)),
            ):
                measure_concurrent(port, urls[-10:], 10 if indexed else 2, 1)  # warm-up (other questions)
                for concurrency in (1, 2):
                    load = os.getloadavg()[0]
                    times = measure_concurrent(port, urls, total, concurrency)
                    p50, p95, p99, _mean = percentiles(times)
                    results.append((name, "index" if indexed else "scan", concurrency, p50, p95, p99, load))
                    print(results[-1], flush=True)
        finally:
            server.terminate()
            server.wait(10)
    Table.objects.filter(pk=table.pk).update(text_index=index)
    print("\n| Question | q answered by | Clients | p50 | p95 | p99 | Target p95 | Load average |")
    print("|---|---|---|---|---|---|---|---|")
    for name, how, concurrency, p50, p95, p99, load in results:
        verdict = "met" if p95 <= 60 else "missed"
        print(
            f"| {name} | {how} | {concurrency} | {p50:.1f} ms | {p95:.1f} ms | {p99:.1f} ms | 60 ms — {verdict} "
            f"| {load:.1f} |"
        )
    print(f"{requests} requests per row with the index, {scan_requests} without; {os.cpu_count()} cores.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="only the full-text q questions (index and scan)")
    parser.add_argument("--scan-requests", type=int, default=10, help="requests per q question without the index")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--datasette-requests", type=int, default=None, help="for Datasette (default --requests)")
    parser.add_argument(
        "--write-docs", action="store_true", help="also write the figures into docs/performance.md (off by default)"
    )
    args = parser.parse_args()
    setup_django()
    identifier = register_table(args.rows)
    if args.text:
        text_search(identifier, args.requests, args.scan_requests)
        return
    base = f"/api/v1/resources/{identifier}/data"
    page_url = f"{base}?montant__gte=1000&sort=-montant&limit=50"
    # The same page with a new filter value at every request (1000, 1001, ...): its total is never in the cache.
    cold_url = f"{base}?montant__gte={{i}}&sort=-montant&limit=50"
    aggregate_url = f"{base}/aggregate?group_by=nomAttribuant&agg=sum:montant"
    export_url = f"{base}/export?format=csv"
    sqlite = VAR_DIR / f"subventions-{args.rows}.sqlite"
    datasette = BENCH_VENV / "bin" / "datasette"
    results: list[tuple[str, str, dict]] = []
    loads = [os.getloadavg()[0]]

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "600",
        ],
        cwd=BASE_DIR,
        # The full export is measured in the request, as before background exports (bench/exports.py measures those).
        env={**ENV, "DATASTORE_EXPORT_INLINE_CELLS": str(10**12)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port, server)
        page = question(port, page_url, args.requests)
        first = json.loads(page["body"])
        print(f"Auzolan page: total {first.get('total')}, first montant {first['rows'][0].get('montant')}")
        results.append(("Auzolan", "filtered, sorted page (50 rows)", page))
        loads.append(os.getloadavg()[0])
        cold = question(port, cold_url, args.requests, first=1000)
        print(f"Auzolan page, new filter each time: total {json.loads(cold['body']).get('total')}")
        results.append(("Auzolan", COLD, cold))
        loads.append(os.getloadavg()[0])
        grouped = question(port, aggregate_url, args.requests)
        print(f"Auzolan aggregate: {grouped['body'][:200]!r}")
        results.append(("Auzolan", "group-by aggregation (sum)", grouped))
        loads.append(os.getloadavg()[0])
        exported = export(port, export_url, children(server.pid))
        loads.append(os.getloadavg()[0])
    finally:
        server.terminate()
        server.wait(10)

    if datasette.exists() and sqlite.exists():
        port = free_port()
        server = subprocess.Popen(
            [
                str(datasette),
                "serve",
                str(sqlite),
                "--port",
                str(port),
                "--setting",
                "sql_time_limit_ms",
                "60000",
                "--setting",
                "facet_time_limit_ms",
                "1",
                "--setting",
                "num_sql_threads",
                "2",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_port(port, server)
            db = sqlite.stem
            sql = "select nomAttribuant, sum(montant) as montant from subventions group by nomAttribuant"
            urls = (
                (
                    "filtered, sorted page (50 rows)",
                    f"/{db}/subventions.json?_sort_desc=montant&montant__gte=1000&_size=50&_shape=array",
                ),
                ("group-by aggregation (sum)", f"/{db}.json?sql={quote(sql)}&_shape=array"),
            )
            for name, url in urls:
                result = question(port, url, args.datasette_requests or args.requests)
                print(f"Datasette {name}: {result['body'][:200]!r}")
                results.append(("Datasette 0.65 (sqlite-utils database)", name, result))
                loads.append(os.getloadavg()[0])
        finally:
            server.terminate()
            server.wait(10)
    else:
        print(f"Datasette skipped: {datasette} or {sqlite} missing (see bench/ingestion.py)")

    targets = {"filtered, sorted page (50 rows)": 50, COLD: 50, "group-by aggregation (sum)": 100}
    lines = ["| Server | Question | p50 | p95 | Target p50 (Auzolan) |", "|---|---|---|---|---|"]
    for server_name, name, result in results:
        target = targets[name]
        verdict = ("met" if result["p50"] <= target else "missed") if server_name == "Auzolan" else "—"
        lines.append(
            f"| {server_name} | {name} | {result['p50']:.1f} ms | {result['p95']:.1f} ms | {target} ms — {verdict} |"
        )
    table = "\n".join(lines)
    summary = (
        f"Full CSV export (`/data/export?format=csv`, {exported['lines'] - 1:,} rows, {exported['mb']:.0f} MB) in "
        f"{exported['seconds']:.1f} s; peak RSS (VmHWM) of the gunicorn worker that served it "
        f"{exported['hwm_after']:.0f} MB (it was {exported['hwm_before']:.0f} MB after the latency runs; largest "
        f"RSS sampled during the download {exported['rss_sampled']:.0f} MB). Load average during the run: "
        f"{min(loads):.1f}–{max(loads):.1f} ({os.cpu_count()} cores); {args.requests} sequential requests per row "
        f"after {WARMUP} warm-up requests"
        + (f" ({args.datasette_requests} for Datasette)." if args.datasette_requests else ".")
    )
    print()
    print(table)
    print(summary)
    if args.write_docs:
        write_docs(table, summary, args.rows, args.requests)


def write_docs(table: str, summary: str, rows: int, requests: int) -> None:
    docs = BASE_DIR / "docs" / "performance.md"
    text = docs.read_text(encoding="utf-8")
    block = (
        "### Data API\n\n"
        "**Method** — `bench/data_api.py` (run on demand, after `bench/ingestion.py`): the Parquet written by the "
        f"ingestion bench ({rows:,} rows) is registered as the current ready table of a published resource in the "
        "bench database (`var/bench`, `DEBUG=false`); gunicorn, 2 sync workers, free local port; `http.client` with "
        f"keep-alive, one client, {requests} requests per question after {WARMUP} warm-up requests. Questions: "
        "`/data?montant__gte=1000&sort=-montant&limit=50` (with its exact/estimated `total`) and "
        "`/data/aggregate?group_by=nomAttribuant&agg=sum:montant`. Datasette 0.65 (throwaway virtualenv, "
        "`sql_time_limit_ms` 60000) serves the database written by `sqlite-utils insert` (no index added): "
        "`/db/subventions.json?_sort_desc=montant&montant__gte=1000&_size=50&_shape=array` and "
        "`/db.json?sql=select nomAttribuant, sum(montant) ... group by nomAttribuant&_shape=array`. Export peak "
        "memory: `VmHWM` of the worker in `/proc`.\n\n"
        f"{table}\n\n{summary}\n"
    )
    pattern = re.compile(r"### Data API\n.*?(?=\n### |\n## |\Z)", re.S)
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n" + block
    elif pattern.search(text):
        text = pattern.sub(lambda _m: block.rstrip("\n") + "\n", text, count=1)
    else:
        match = re.search(re.escape(SECTION) + r"\n.*?(?=\n## |\Z)", text, re.S)
        end = match.end()
        text = text[:end].rstrip("\n") + "\n\n" + block + text[end:]
    docs.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
