"""Benchmark of the DCAT-AP feed over HTTP: every page of the whole catalogue, as a harvester walks it.

Run on demand (not part of the test suite):

    .venv/bin/python bench/dcat_feed.py [--rebuild] [--page-size 100] [--formats ttl,jsonld]

It reuses the database of bench/catalog_search.py (var/bench/: 10,000 published datasets, 30,000 resources, 150
organisations; prepared by its `prepare`), starts gunicorn with 2 workers on a free local port, warms up, then
fetches every page of `/catalog.<format>?page=N&page_size=100` in turn (sequentially, as data.gouv.fr's harvester
does, then with 2 clients at once) and reports the median, p95 and max time of a page and the bytes per page.
Pages are larger than what the anonymous page cache keeps (256 KB), so every request builds its page.
Target (issue 11): each page <= 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data even if it exists")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--formats", default="ttl,jsonld")
    args = parser.parse_args()
    prepare(args.rebuild)
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
    print(f"\nFlux DCAT : {total} jeux de données, {pages} pages de {args.page_size}")
    header = f"{'format':8} {'clients':>7} {'pages':>6} {'p50':>8} {'p95':>8} {'max':>8} {'taille':>9} {'total':>8}"
    print(header + "  cible")
    for fmt, concurrency, count, p50, p95, worst, size, wall in rows:
        verdict = "ok" if worst <= TARGET_MS else ("p95 ok, max au-delà" if p95 <= TARGET_MS else "MANQUÉE")
        print(
            f"{fmt:8} {concurrency:>7} {count:>6} {p50:>6.0f}ms {p95:>6.0f}ms {worst:>6.0f}ms {size:>6.0f} Ko "
            f"{wall:>6.1f}s  ≤ {TARGET_MS} ms : {verdict}"
        )


if __name__ == "__main__":
    main()
