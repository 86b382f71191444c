"""Benchmark of the CKAN Action API over HTTP: package_search on the catalogue's 10,000 datasets and datastore_search on
the data API's table.

Run on demand (not part of the test suite), after bench/ingestion.py (its Parquet table):

    .venv/bin/python bench/ckan_api.py [--requests 400] [--rows 1000000] [--rebuild]

It reuses the bench database of bench/catalog_search.py (var/bench: 10,000 published datasets, 30,000 resources, 150
organisations, prepared by its `prepare`) and registers the ingested table as a published resource the way
bench/data_api.py does (`register_table`), starts gunicorn (2 sync workers) on a free port with the CKAN API's rate
limits and the anonymous page cache off (every request is computed: a repeated question would otherwise be served
from the cache in about a millisecond), warms up, then measures p50/p95/p99 with 1 and 2 concurrent clients
(keep-alive) of:

- package_search: pages of 10 to 50 results with a mix of full text, `fq` (organisation, tags, format, licence,
  negation, OR, date range), facets (`facet.field`), sorts (`score desc`, `metadata_modified desc`, `name asc`,
  `title_string asc`) and pages (`start`); and apart, a harvester's pages: 100 full package dictionaries sorted by
  id (ckanext-harvest);
- datastore_search: filters (equality and lists), sorts and `offset`, on the table; and apart, with a full-text `q`
  (every text column of every row is scanned: seconds on 1M rows, the engine's known cost, see docs/architecture.md).

The catalogue's HTML search page (/donnees/, bench/catalog_search.py's questions) is measured in the same run as a
reference: the machine is shared, and its figure shows what the load of the moment does to a page whose target
(p95 <= 100 ms, issue 3) was met on a quiet machine.

Targets (issue 11): package_search p95 <= 100 ms, datastore_search p95 <= 60 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
import catalog_search  # noqa: E402
import data_api  # noqa: E402

SEARCH_TARGET, DATASTORE_TARGET = 100, 60


def search_urls(rng: random.Random, tags: list[str]) -> list[str]:
    words = ["budget", "subventions", "deliberation", "velo", "eau", "energie", "remarquables", "cantines"]
    sorts = ["score desc, metadata_modified desc", "metadata_modified desc", "name asc", "title_string asc"]
    urls = []
    for _ in range(300):
        params: dict = {"rows": rng.choice([10, 10, 10, 20, 50])}
        kind = rng.random()
        if kind < 0.3:
            params["q"] = rng.choice(words)
        elif kind < 0.45:
            params["fq"] = f"organization:bench-{rng.randrange(catalog_search.ORGANISATIONS)}"
        elif kind < 0.55:
            params["q"] = rng.choice(words)
            params["fq"] = f'tags:"{rng.choice(tags)}" res_format:CSV'
        elif kind < 0.65:
            params["fq"] = f"license_id:{rng.choice(['lov2', 'odc-odbl', 'cc-by'])} -organization:bench-1"
        elif kind < 0.72:
            params["fq"] = "organization:bench-2 OR organization:bench-3 OR groups:envi"
        elif kind < 0.8:
            params["fq"] = "metadata_modified:[2020-01-01T00:00:00Z TO *]"
            params["sort"] = "id asc"
        if rng.random() < 0.6:
            params["facet.field"] = json.dumps(
                rng.sample(["organization", "tags", "res_format", "license_id", "groups"], rng.randint(1, 4))
            )
        params.setdefault("sort", rng.choice(sorts))
        if rng.random() < 0.25:
            params["start"] = rng.choice([10, 50, 200])
        urls.append("/api/3/action/package_search?" + urlencode(params))
    return urls


def harvest_urls(rng: random.Random) -> list[str]:
    """What ckanext-harvest's CKAN harvester sends: pages of 100 full package dictionaries, sorted by id."""
    return [
        "/api/3/action/package_search?" + urlencode({"rows": 100, "start": 100 * rng.randrange(100), "sort": "id asc"})
        for _ in range(100)
    ]


def datastore_urls(rng: random.Random, resource: str, columns: list[dict], *, text: bool) -> list[str]:
    """Questions with filters (equality, lists), sorts and offsets; with `text`, a full-text `q` (a scan of every
    text column of every row: reported apart)."""
    texts = [c["name"] for c in columns if c.get("type") == "text"]
    numbers = [c["name"] for c in columns if c.get("type") in ("integer", "number")]
    urls = []
    for _ in range(200):
        params: dict = {"resource_id": resource, "limit": rng.choice([10, 100])}
        kind = rng.random()
        if text:
            params["q"] = rng.choice(["association", "sport", "culture", "ecole"])
        elif kind < 0.5 and texts:
            column = rng.choice(texts[:4])
            params["filters"] = json.dumps({column: rng.choice(SAMPLES.get(column, ["x"]))})
        elif kind < 0.8 and texts:
            column = rng.choice(texts[:4])
            params["filters"] = json.dumps({column: rng.sample(SAMPLES.get(column, ["x", "y"]), 2)})
        if rng.random() < 0.5 and numbers:
            params["sort"] = f"{rng.choice(numbers)} desc"
        if rng.random() < 0.3:
            params["offset"] = rng.choice([100, 1000, 5000])
        urls.append("/api/3/action/datastore_search?" + urlencode(params))
    return urls


#: Values of the table's text columns, read from the table itself (filled by `samples`).
SAMPLES: dict[str, list[str]] = {}


def samples(resource: str) -> list[dict]:
    """The table's columns, and a few real values of its first text columns (so that filters match rows)."""
    from auzolan.catalog.models import Resource
    from auzolan.datastore import query, selectors

    table = selectors.current_table(Resource.objects.get(identifier=resource))
    for column in [c["name"] for c in table.columns if c.get("type") == "text"][:4]:
        rows, _total = query.query_table(table, fields=[column], limit=200, offset=5000)
        SAMPLES[column] = sorted({str(r[column]) for r in rows if r[column]})[:20] or ["x"]
    return table.columns


def check(port: int, urls: list[str]) -> None:
    """Every question answers 200 with success (a benchmark of errors would measure nothing)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for url in urls:
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or not json.loads(body).get("success"):
            raise SystemExit(f"{url} → {response.status} {body[:300]!r}")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--text-requests", type=int, default=20, help="datastore_search with q (slow: a full scan)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the table of bench/ingestion.py to serve")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the catalogue even if it exists")
    args = parser.parse_args()
    catalog_search.prepare(args.rebuild)
    resource = data_api.register_table(args.rows)
    columns = samples(resource)
    from auzolan.catalog.models import Keyword

    rng = random.Random(11)
    tags = list(Keyword.objects.order_by("name").values_list("name", flat=True)[:50])
    searches = search_urls(rng, tags)
    harvests = harvest_urls(rng)
    pages = catalog_search.search_urls(rng)  # the HTML search page, measured in the same run for reference
    rows = datastore_urls(rng, resource, columns, text=False)
    texts = datastore_urls(rng, resource, columns, text=True)

    port = catalog_search.free_port()
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
            "120",
        ],
        cwd=BASE_DIR,
        # rate limits off (one client address sends everything); q scans 1M rows: more time than the default 5 s
        env={
            **catalog_search.ENV,
            "CKAN_API_RATE_IP": "",
            "CKAN_API_CONCURRENCY_IP": "0",
            "DATASTORE_QUERY_TIMEOUT": "30",
            "PAGE_CACHE_SECONDS": "0",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = []
    try:
        data_api.wait_port(port, server)
        check(port, searches[:40] + rows[:40] + texts[:2])
        catalog_search.measure(port, searches, 150, 2)  # warm-up
        catalog_search.measure(port, rows, 60, 2)
        for name, urls, target, requests in (
            ("/donnees/ (reference)", pages, SEARCH_TARGET, args.requests // 2),
            ("package_search", searches, SEARCH_TARGET, args.requests),
            ("package_search 100", harvests, SEARCH_TARGET, args.requests // 4),
            ("datastore_search", rows, DATASTORE_TARGET, args.requests),
            ("datastore_search q", texts, DATASTORE_TARGET, args.text_requests),
        ):
            for concurrency in (1, 2):
                p50, p95, p99, mean = catalog_search.percentiles(
                    catalog_search.measure(port, urls, requests, concurrency)
                )
                results.append((name, concurrency, p50, p95, p99, mean, target))
    finally:
        server.terminate()
        server.wait(10)
    print(f"\n{len(searches)} package_search questions, {len(rows)} datastore_search questions ({args.rows:,} rows)")
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    print(f"{'action':22} {'clients':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8} {'target p95':>11}")
    for name, concurrency, p50, p95, p99, mean, target in results:
        verdict = "ok" if p95 <= target else "MISSED"
        print(
            f"{name:22} {concurrency:>7} {p50:>6.1f}ms {p95:>6.1f}ms {p99:>6.1f}ms {mean:>6.1f}ms "
            f"{target:>6} ms {verdict}"
        )


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
