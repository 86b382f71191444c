"""Benchmark of the DCAT-AP feed over HTTP: every page of the whole catalogue, as a harvester walks it.

Run on demand (not part of the test suite):

    .venv/bin/python bench/dcat_feed.py [--rebuild] [--page-size 100] [--formats ttl,jsonld]

It reuses the database of bench/catalog_search.py (var/bench/: 10,000 published datasets, 30,000 resources, 150
organisations; prepared by its `prepare`), turns the first resource of each dataset into an uploaded file with a
current version (size, SHA-256, media type: what the feed says of files; once, idempotent), starts gunicorn with 2
workers on a free local port, warms up, then fetches every page of `/catalog.<format>?page=N&page_size=100` in turn
(sequentially, as data.gouv.fr's harvester does, then with 2 clients at once) and reports the median, p95 and max
time of a page and the bytes per page. Last, the same pages in this process (Django's test client), timed in CPU
time (`time.process_time`): the work a page costs, whatever else the machine runs at the time (the wall-clock
figures depend on it: the benchmark machine is shared).
Pages are larger than what the anonymous page cache keeps (256 KB), so every request builds its page.
Target (issue 11): each page <= 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalog_search import BASE_DIR, ENV, free_port, prepare  # the catalogue benchmark's database

TARGET_MS = 300


def fetch(port: int, paths: list[str], concurrency: int) -> list[tuple[float, int]]:
    """(milliseconds, bytes) for each path, fetched by `concurrency` clients sharing the list."""

    def worker(indices: list[int]) -> list[tuple[float, int]]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out = []
        for index in indices:
            started = time.perf_counter()
            conn.request("GET", paths[index])
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise SystemExit(f"{paths[index]} → {response.status}")
            out.append((elapsed, len(body)))
        conn.close()
        return out

    chunks = [list(range(c, len(paths), concurrency)) for c in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        return [row for rows in pool.map(worker, chunks) for row in rows]


def ensure_file_versions() -> int:
    """The first resource of each dataset becomes an uploaded CSV file with one version (catalog_search's resources
    are all remote addresses). Only the rows the feed reads: no file is written."""
    import hashlib

    from django.db import transaction

    from auzolan.catalog.models import Resource, ResourceVersion

    # (a resource that already has versions, such as the table bench/ckan_api.py registers, is left as it is)
    firsts = Resource.objects.filter(position=0, current_version__isnull=True, versions__isnull=True)
    if not firsts.exists():
        return 0
    with transaction.atomic():
        resources = list(firsts.select_related("dataset").only("pk", "dataset__identifier", "identifier"))
        versions = ResourceVersion.objects.bulk_create(
            [
                ResourceVersion(
                    resource=resource,
                    number=1,
                    file=f"catalog/{resource.dataset.identifier}/{resource.identifier}/bench/donnees.csv",
                    original_name="donnees.csv",
                    size=1000 + resource.pk * 37 % 500_000,
                    sha256=hashlib.sha256(str(resource.pk).encode()).hexdigest(),
                    mime_type="text/csv",
                )
                for resource in resources
            ],
            batch_size=2000,
        )
        for resource, version in zip(resources, versions, strict=True):
            resource.kind, resource.url, resource.format, resource.current_version = "file", "", "csv", version
        Resource.objects.bulk_update(resources, ["kind", "url", "format", "current_version"], batch_size=2000)
    return len(resources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data even if it exists")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--formats", default="ttl,jsonld")
    args = parser.parse_args()
    prepare(args.rebuild)
    files = ensure_file_versions()
    if files:
        print(f"{files} ressources devenues des fichiers déposés (une version chacune).")
    from auzolan.catalog.models import Dataset

    total = Dataset.objects.published().count()
    pages = -(-total // args.page_size)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for fmt in args.formats.split(","):
            paths = [f"/catalog.{fmt}?page={n}&page_size={args.page_size}" for n in range(1, pages + 1)]
            fetch(port, paths[:10] * 2, 2)  # warm-up: both workers, every code path
            for concurrency in (1, 2):
                started = time.perf_counter()
                results = fetch(port, paths, concurrency)
                wall = time.perf_counter() - started
                times = [ms for ms, _size in results]
                p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
                size = statistics.mean(size for _ms, size in results) / 1024
                rows.append((fmt, concurrency, len(paths), statistics.median(times), p95, max(times), size, wall))
    finally:
        server.terminate()
        server.wait(10)
    cpu_rows = []
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    for fmt in args.formats.split(","):
        paths = [f"/catalog.{fmt}?page={n}&page_size={args.page_size}" for n in range(1, pages + 1)]
        client.get(paths[0])
        times = []
        for path in paths:
            started = time.process_time()
            response = client.get(path)
            times.append((time.process_time() - started) * 1000)
            assert response.status_code == 200, path
        p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
        cpu_rows.append((fmt, statistics.median(times), p95, max(times)))
    print(f"\nFlux DCAT : {total} jeux de données, {pages} pages de {args.page_size}")
    print(f"Charge de la machine (1, 5, 15 min) : {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    header = f"{'format':8} {'clients':>7} {'pages':>6} {'p50':>8} {'p95':>8} {'max':>8} {'taille':>9} {'total':>8}"
    print(header + "  cible")
    for fmt, concurrency, count, p50, p95, worst, size, wall in rows:
        verdict = "ok" if worst <= TARGET_MS else ("p95 ok, max au-delà" if p95 <= TARGET_MS else "MANQUÉE")
        print(
            f"{fmt:8} {concurrency:>7} {count:>6} {p50:>6.0f}ms {p95:>6.0f}ms {worst:>6.0f}ms {size:>6.0f} Ko "
            f"{wall:>6.1f}s  ≤ {TARGET_MS} ms : {verdict}"
        )
    print("\nTemps CPU d'une page dans ce processus (client de test de Django) :")
    for fmt, p50, p95, worst in cpu_rows:
        print(f"{fmt:8} p50 {p50:>5.0f} ms   p95 {p95:>5.0f} ms   max {worst:>5.0f} ms")


if __name__ == "__main__":
    main()
