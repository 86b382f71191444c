"""Load benchmark: many concurrent visitors on the pages anonymous people hit most, through real HTTP.

Run on demand (not part of the test suite):

    .venv/bin/python bench/load.py                  # starts `manage.py serve` itself (what `make run` ends with)
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000   # against a server already running (make run)

Without --url it prepares its own SQLite database under var/bench-load/ (migrate, collectstatic, the demo data of
`load_demo`, plus a generated table of --big-rows rows published as a dataset, the target of the heavy exports),
starts `manage.py serve` on a free port (gunicorn with the worker model of config/env.py — WEB_WORKERS,
WEB_THREADS — and the task worker), waits until every demo table is loaded, and stops the server at the end.
--web-workers / --web-threads / --page-cache-seconds are passed to that server as environment variables.

Scenario 1 (targets: >= 100 req/s and p95 <= 500 ms each): --clients (50) concurrent keep-alive clients for
--seconds on each of: the home page, the catalogue search (realistic queries with facets, 8 URLs cycled), a dataset
page (every published dataset cycled), a data API page (`/api/v1/resources/<id>/data` with a filter and a sort, one
URL per loaded table).

Scenario 2 (target: home page p95 <= 1 s): the same clients on the home page while --heavy-clients (4) clients send,
without pause, the heaviest requests the public API allows: an SQL query that runs until the time limit, an SQL query
building a huge value, and CSV and XLSX exports of the largest table. The heavy requests are sent as they are
allowed today and after the SQL and export work of issue 9: a 429 (rate limit) is counted as refused, a 202 (export
job) is followed to its end. Both the home page's figure and what the heavy clients really got are printed: judge
by the home page's figure with the heavy work that really ran.

The load generator is one asyncio process (raw HTTP/1.1 over keep-alive connections, no parsing beyond the status
line and the body's length); it prints its own CPU use and, when it started the server, the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench-load"
PYTHON = sys.executable
BIG_TITLE = "Banc de charge grande table {rows}"  # its slug: banc-de-charge-grande-table-<rows>
TARGET_RPS, TARGET_P95, TARGET_HEAVY_P95 = 100.0, 0.5, 1.0
GRACE = 10.0  # seconds a request begun in the measured window may take after its end before it counts as a timeout
SECTION = "## Load: anonymous pages under 50 concurrent clients (issue 9)"


# --- HTTP: a minimal keep-alive client on asyncio streams --------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closed it (sync workers close each time)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, *, cookie: str = "") -> tuple[int, int]:
        """GET path: (status, body length). Raises OSError / asyncio errors on a broken exchange."""
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        request = (request + "\r\n").encode("latin-1")
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(request)
                await self.writer.drain()
                status, length, close = await self._response()
            except (ConnectionError, asyncio.IncompleteReadError, EOFError):
                self.close()
                if fresh or attempt:  # a new connection that fails is a real error; a stale one is retried once
                    raise
                continue
            if close:
                self.close()
            return status, length
        raise ConnectionError("unreachable")

    async def _response(self) -> tuple[int, int, bool]:
        line = await self.reader.readline()
        if not line:
            raise EOFError
        status = int(line.split()[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        close = headers.get("connection", "").lower() == "close"
        if "content-length" in headers:
            length = int(headers["content-length"])
            await self.reader.readexactly(length)
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            length = 0
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                await self.reader.readexactly(size + 2)
                length += size
        else:
            body = await self.reader.read()
            length, close = len(body), True
        return status, length, close

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Result:
    name: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != "200")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


async def _client(host, port, urls, offset, start, stop, result: Result) -> None:
    """Requests one after the other on one keep-alive connection; those that begin in [start, stop) are measured.
    One that has not ended GRACE seconds after the end counts as a timeout, with the time it waited."""
    connection = Connection(host, port)
    index = offset
    try:
        while (began := time.perf_counter()) < stop:
            path = urls[index % len(urls)]
            index += 1
            try:
                status, length = await asyncio.wait_for(connection.get(path), max(1.0, stop + GRACE - began))
                key = str(status)
            except TimeoutError:
                connection.close()
                key, length = "timeout", 0
            except (OSError, EOFError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
                connection.close()
                key, length = type(error).__name__, 0
                await asyncio.sleep(0.05)
            if began >= start:
                result.latencies.append(time.perf_counter() - began)
                result.statuses[key] = result.statuses.get(key, 0) + 1
                result.bytes += length
    finally:
        connection.close()


async def _run(host, port, urls, clients, warmup, seconds, name) -> Result:
    result = Result(name, clients, seconds)
    begin = time.perf_counter()
    start, stop = begin + warmup, begin + warmup + seconds
    await asyncio.gather(*(_client(host, port, urls, i * 7, start, stop, result) for i in range(clients)))
    return result


def run_load(base: str, urls: list[str], *, clients: int, warmup: float, seconds: float, name: str) -> Result:
    parts = urlsplit(base)
    return asyncio.run(_run(parts.hostname, parts.port or 80, urls, clients, warmup, seconds, name))


# --- Heavy clients: the most expensive requests the public API allows ---------------------------------------


@dataclass
class Heavy:
    kind: str
    paths: list[str]  # heaviest first: a 400 `too-large` moves to the next, lighter one (the heaviest allowed)
    outcomes: dict[str, int] = field(default_factory=dict)
    busy: float = 0.0  # seconds the server spent on requests that really ran (not refused)
    bytes: int = 0
    index: int = 0


def _heavy_loop(base: str, heavy: Heavy, stop: threading.Event, connections: list) -> None:
    parts = urlsplit(base)
    cookies: dict[str, str] = {}  # a heavy client keeps its cookies (a job may be followed through the session)
    while not stop.is_set():
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=600)
        connections.append(connection)
        began = time.perf_counter()
        try:
            connection.request("GET", heavy.paths[heavy.index], headers=_cookie_header(cookies))
            response = connection.getresponse()
            _keep_cookies(response, cookies)
            status = response.status
            size, head = 0, b""
            while not stop.is_set():
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                head = head or chunk
                size += len(chunk)
            heavy.bytes += size
            if status == 400 and b'"too-large"' in head and heavy.index + 1 < len(heavy.paths):
                key = "400 too-large: lighter request next"
                heavy.index += 1
            elif status == 202:
                key = _follow_job(base, response, head, cookies, stop)
            elif status == 429:
                key = "429 refused (rate limit)"
                delay = float(response.getheader("Retry-After") or 1)
                stop.wait(min(delay, 5))
            else:
                key = str(status)
        except (OSError, http.client.HTTPException) as error:
            status, key = 0, type(error).__name__
        finally:
            connection.close()
        if status != 429:
            heavy.busy += time.perf_counter() - began
        if not stop.is_set():
            heavy.outcomes[key] = heavy.outcomes.get(key, 0) + 1


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


def _keep_cookies(response, cookies: dict[str, str]) -> None:
    for header in response.msg.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        cookies[name.strip()] = value.strip()


def _job_url(response, head: bytes) -> str:
    """Where a 202 says its job can be followed: the Location header, a URL in the JSON body, or /api/v1/jobs/<id>."""
    if response.getheader("Location"):
        return response.getheader("Location")
    try:
        body = json.loads(head or b"{}")
    except ValueError:
        return ""
    job = body.get("job", body) if isinstance(body, dict) else {}
    job = job if isinstance(job, dict) else {"id": job}
    for key in ("status_url", "job_url", "url", "api_url"):
        if isinstance(job.get(key), str) and job[key].startswith(("/", "http")):
            return job[key]
    return f"/api/v1/jobs/{job['id']}" if job.get("id") else ""


def _follow_job(base: str, response, head: bytes, cookies: dict[str, str], stop: threading.Event) -> str:
    """An export answered 202 (a background job): follow its status until the job ends (it keeps a worker busy)."""
    url = _job_url(response, head)
    parts = urlsplit(base)
    while not stop.is_set() and url:
        target = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        try:
            connection.request(
                "GET", target.path + (f"?{target.query}" if target.query else ""), headers=_cookie_header(cookies)
            )
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        if answer.status != 200 or not answer.getheader("Content-Type", "").startswith("application/json"):
            return f"202 job, then {answer.status}"
        state = str(json.loads(body or b"{}").get("state", ""))
        if state in ("succeeded", "failed", "cancelled"):
            return f"202 job {state}"
        stop.wait(0.5)
    return "202 job (unfinished)" if url else "202 (no job address found)"


def run_heavy(base: str, heavies: list[Heavy], stop: threading.Event) -> tuple[list[threading.Thread], list]:
    connections: list = []
    threads = [threading.Thread(target=_heavy_loop, args=(base, h, stop, connections), daemon=True) for h in heavies]
    for thread in threads:
        thread.start()
    return threads, connections


# --- Discovering what to ask from the running server -----------------------------------------------------------


def get_json(base: str, path: str):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, (json.loads(body) if body and body[:1] in (b"{", b"[") else None)


def discover(base: str) -> dict:
    """Datasets, search URLs and data API URLs of whatever the server holds (the demo data)."""
    datasets, page = [], 1
    while True:
        status, body = get_json(base, f"/api/v1/datasets?page={page}")
        if status != 200 or not body:
            raise SystemExit(f"L'API du catalogue ne répond pas ({status}) sur {base}.")
        datasets += body["results"]
        if page >= body.get("num_pages", 1):
            break
        page += 1
    tables = []
    for dataset in datasets:
        _status, detail = get_json(base, f"/api/v1/datasets/{quote(dataset['slug'])}")
        for res in (detail or {}).get("resources", []):
            status, table = get_json(base, f"/api/v1/resources/{res['identifier']}/table")
            if status == 200 and table and table.get("state") == "ready":
                tables.append({"resource": res["identifier"], "dataset": dataset["slug"], **table})
    return {"datasets": datasets, "tables": tables}


def search_urls(datasets: list[dict]) -> list[str]:
    """Realistic catalogue searches: a word, a word with a facet, facets alone, a sort; each computes the facets."""
    keywords = sorted({k for d in datasets for k in d.get("keywords", [])}, key=len)
    themes = sorted({t for d in datasets for t in d.get("themes", [])})
    organisations = sorted({d["organisation"]["slug"] for d in datasets})
    words = [k.split()[0] for k in keywords if len(k.split()[0]) > 3][:4] or ["budget", "subventions"]
    urls = [f"/donnees/?{urlencode({'q': w})}" for w in words]
    if themes:
        urls.append(f"/donnees/?{urlencode({'q': words[0], 'theme': themes[0]})}")
        urls.append(f"/donnees/?{urlencode({'theme': themes[-1], 'format': 'csv'})}")
    if organisations:
        urls.append(f"/donnees/?{urlencode({'organisation': organisations[0], 'sort': 'updated'})}")
    urls.append("/donnees/?sort=quality")
    return urls


def data_urls(base: str, tables: list[dict]) -> list[str]:
    """One data API page per table: a filter on a text column (a value that exists) and a sort on a number."""
    urls = []
    for table in tables:
        columns = table["columns"]
        numbers = [c["name"] for c in columns if c["type"] in ("integer", "number")]
        texts = [c["name"] for c in columns if c["type"] == "string"]
        params: dict[str, str] = {"limit": "50"}
        if numbers:
            params["sort"] = f"-{numbers[0]}"
        if texts:
            _status, sample = get_json(base, f"/api/v1/resources/{table['resource']}/data?limit=1")
            value = str(((sample or {}).get("rows") or [{}])[0].get(texts[0]) or "")
            if value:
                params[f"{texts[0]}__contains"] = value[:4]
        urls.append(f"/api/v1/resources/{table['resource']}/data?{urlencode(params)}")
    return urls


def heavy_requests(tables: list[dict]) -> list[Heavy]:
    """The heaviest requests of the public API: SQL at its limits, exports of the largest table (XLSX: all the
    columns, then fewer while the API answers `too-large`)."""
    largest = max(tables, key=lambda t: t.get("row_count", 0))
    resource_id, rows = largest["resource"], largest["row_count"]
    names = [c["name"] for c in largest["columns"]]
    until_timeout = "SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3"
    huge_value = "SELECT length(repeat('x', 1000000000)) AS n"
    export = f"/api/v1/resources/{resource_id}/data/export"
    xlsx = [f"{export}?format=xlsx"] + [
        f"{export}?{urlencode({'format': 'xlsx', 'fields': ','.join(names[:n])})}" for n in range(len(names) - 1, 0, -1)
    ]
    return [
        Heavy(
            "SQL until the time limit", [f"/api/v1/sql?{urlencode({'resource': resource_id, 'sql': until_timeout})}"]
        ),
        Heavy("SQL huge value", [f"/api/v1/sql?{urlencode({'resource': resource_id, 'sql': huge_value})}"]),
        Heavy(f"CSV export, {rows:,} rows", [f"{export}?format=csv"]),
        Heavy(f"XLSX export, {rows:,} rows", xlsx),
    ]


# --- A server of our own: `manage.py serve` on the demo data ------------------------------------------------


def server_env(args) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL")}
    env.update(AUZOLAN_ENV="local", AUZOLAN_VAR_DIR=str(VAR_DIR), DEBUG="false")
    for option, variable in (
        ("web_workers", "WEB_WORKERS"),
        ("web_threads", "WEB_THREADS"),
        ("page_cache_seconds", "PAGE_CACHE_SECONDS"),
    ):
        if getattr(args, option) is not None:
            env[variable] = str(getattr(args, option))
    return env


def manage(env: dict, *arguments: str, timeout: float = 1800) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {arguments[0]} a échoué :\n{done.stdout}\n{done.stderr}")
    return done.stdout


BIG_TABLE_SCRIPT = """
import csv, os, random, tempfile
from django.core.files import File
from django.db.models import Q
from auzolan.catalog import services
from auzolan.catalog.models import Dataset, Resource
from auzolan.organisations.models import Membership

rows, title = int(os.environ["BENCH_BIG_ROWS"]), os.environ["BENCH_BIG_TITLE"]
if not Dataset.objects.filter(title=title).exists():
    membership = (
        Membership.objects.filter(state="active", role__in=["admin", "editor"], organisation__datasets__isnull=False)
        .select_related("user", "organisation").order_by("pk").first()
    )
    actor, organisation = membership.user, membership.organisation
    rng = random.Random(9)
    communes = ["Bayonne", "Anglet", "Biarritz", "Hendaye", "Saint-Jean-de-Luz", "Ustaritz", "Cambo-les-Bains"]
    kinds = ["fonctionnement", "investissement", "subvention", "travaux", "études"]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8", delete=False) as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "commune", "nature", "libelle", "montant", "date_mandat"])
        for n in range(rows):
            writer.writerow([n, rng.choice(communes), rng.choice(kinds), "Mandat %d : prestation de service" % n,
                             round(rng.uniform(10, 500000), 2), "2025-%02d-%02d" % (1 + n % 12, 1 + n % 28)])
    dataset = services.dataset_create(
        actor=actor, organisation=organisation, title=title,
        description="Table générée par bench/load.py pour mesurer les exports lourds.", keywords=["banc"],
        themes=["ECON"], frequency="ANNUAL", licence="lov2", contact_name="Banc de charge",
    )
    with open(handle.name, "rb") as raw:
        services.resource_add(actor=actor, dataset=dataset, kind=Resource.Kind.FILE, title="Mandats (CSV)",
                              file=File(raw, name="mandats.csv"), format="csv")
    os.unlink(handle.name)
    services.dataset_publish(actor=actor, dataset=Dataset.objects.get(pk=dataset.pk))
print("ok")
"""


def prepare(env: dict, big_rows: int) -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_demo", "--skip-if-real")
    if big_rows:
        # Published right away; the task worker of `serve` loads its table (waited for before measuring).
        title = BIG_TITLE.format(rows=big_rows)
        manage({**env, "BENCH_BIG_ROWS": str(big_rows), "BENCH_BIG_TITLE": title}, "shell", "-c", BIG_TABLE_SCRIPT)
    print(f"Base prête dans {VAR_DIR} ({time.perf_counter() - started:.0f} s).")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**env, "PORT": str(port), "HOST": "127.0.0.1"}
    log = open(VAR_DIR / "serve.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen([PYTHON, "manage.py", "serve"], cwd=BASE_DIR, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        with contextlib.suppress(OSError):
            if get_json(base, "/sante/")[0] in (200, 503):
                return server, base
        if server.poll() is not None:
            raise SystemExit(f"manage.py serve s'est arrêté : voir {VAR_DIR / 'serve.log'}")
        time.sleep(0.5)
    raise SystemExit("Le serveur ne répond pas.")


def wait_for_tables(base: str, big_rows: int, timeout: float = 900) -> dict:
    """Every table the demo and the big dataset declare must be loaded by the worker before measuring."""
    deadline = time.monotonic() + timeout
    while True:
        found = discover(base)
        largest = max((t.get("row_count", 0) for t in found["tables"]), default=0)
        pending = [
            d
            for d in found["datasets"]
            if d.get("formats") and not any(t["dataset"] == d["slug"] for t in found["tables"])
        ]
        if (not big_rows or largest >= big_rows) and not pending:
            return found
        if time.monotonic() > deadline:
            print(f"Tables encore en chargement après {timeout:.0f} s : {[d['slug'] for d in pending]}")
            return found
        time.sleep(2)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and all its descendants (from /proc; 0 when unavailable)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, 0.0)
        todo += children.get(current, [])
    return total


# --- Report ----------------------------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def row(result: Result, target_p95: float, target_rps: float | None) -> str:
    p95 = result.percentile(95)
    met = p95 <= target_p95 and (target_rps is None or result.rps >= target_rps) and not result.errors
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()) if k != "200") or "—"
    target = f"≥ {target_rps:.0f} req/s, p95 ≤ {ms(target_p95)}" if target_rps else f"p95 ≤ {ms(target_p95)}"
    return (
        f"| {result.name} | {result.clients} | {result.requests} | {result.rps:.1f} | {ms(result.percentile(50))} | "
        f"{ms(p95)} | {ms(result.percentile(99))} | {result.errors} ({statuses}) | {target} — "
        f"{'met' if met else 'NOT met'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (make run); default: start manage.py serve on the demo data")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--heavy-clients", type=int, default=4)
    parser.add_argument("--big-rows", type=int, default=1_000_000, help="rows of the generated table (0: none)")
    parser.add_argument("--web-workers", type=int, help="WEB_WORKERS of the server started here")
    parser.add_argument("--web-threads", type=int, help="WEB_THREADS of the server started here")
    parser.add_argument("--page-cache-seconds", type=int, help="PAGE_CACHE_SECONDS of the server (0: no page cache)")
    parser.add_argument("--only", default="home,search,dataset,data,heavy", help="scenarios to run, comma-separated")
    parser.add_argument("--fresh", action="store_true", help="delete var/bench-load first")
    parser.add_argument("--write-docs", action="store_true", help="also write the figures into docs/performance.md")
    args = parser.parse_args()
    only = set(args.only.split(","))

    server = None
    if args.url:
        base = args.url.rstrip("/")
        found = discover(base)
    else:
        if args.fresh and VAR_DIR.exists():
            shutil.rmtree(VAR_DIR)
        env = server_env(args)
        prepare(env, args.big_rows)
        server, base = start_server(env)
        print(f"Serveur : {base} (journal : {VAR_DIR / 'serve.log'})")
        found = wait_for_tables(base, args.big_rows)
    try:
        report(args, only, base, found, server)
    finally:
        if server is not None:
            stop_server(server)


def report(args, only: set[str], base: str, found: dict, server) -> None:
    datasets, tables = found["datasets"], found["tables"]
    scenarios = {
        "home": ["/"],
        "search": search_urls(datasets),
        "dataset": [f"/donnees/{quote(d['slug'])}/" for d in datasets],
        "data": data_urls(base, tables),
    }
    names = {
        "home": "home page",
        "search": "catalogue search with facets",
        "dataset": "dataset page",
        "data": "data API page (filter + sort)",
    }
    load_before = os.getloadavg()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    server_before = tree_cpu_seconds(server.pid) if server else 0.0
    wall_before = time.perf_counter()
    results: list[Result] = []
    print(f"\n{args.clients} clients, {args.seconds:.0f} s mesurées par scénario après {args.warmup:.0f} s de chauffe.")
    for key in ("home", "search", "dataset", "data"):
        if key in only and scenarios[key]:
            result = run_load(
                base, scenarios[key], clients=args.clients, warmup=args.warmup, seconds=args.seconds, name=names[key]
            )
            results.append(result)
            print(row(result, TARGET_P95, TARGET_RPS), flush=True)
    heavy_result, heavies, heavy_window = None, [], 0.0
    if "heavy" in only and tables and args.heavy_clients:
        kinds = heavy_requests(tables)
        heavies = [Heavy(kinds[i % len(kinds)].kind, kinds[i % len(kinds)].paths) for i in range(args.heavy_clients)]
        stop = threading.Event()
        heavy_started = time.perf_counter()
        threads, connections = run_heavy(base, heavies, stop)
        time.sleep(2)  # let the heavy requests start
        heavy_result = run_load(
            base, ["/"], clients=args.clients, warmup=args.warmup, seconds=args.seconds, name="home page + heavy"
        )
        stop.set()
        heavy_window = time.perf_counter() - heavy_started
        for connection in connections:
            with contextlib.suppress(OSError):
                if connection.sock is not None:
                    connection.sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout=5)
        print(row(heavy_result, TARGET_HEAVY_P95, None), flush=True)
    wall = time.perf_counter() - wall_before
    usage = resource.getrusage(resource.RUSAGE_SELF)
    own_cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    server_cpu = (tree_cpu_seconds(server.pid) - server_before) if server else None
    load_after = os.getloadavg()

    header = (
        "| Scenario | Clients | Requests | req/s | p50 | p95 | p99 | Errors (statuses) | Target |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header] + [row(r, TARGET_P95, TARGET_RPS) for r in results]
    if heavy_result:
        lines.append(row(heavy_result, TARGET_HEAVY_P95, None))
    table = "\n".join(lines)
    heavy_lines = []
    for heavy in heavies:
        outcomes = ", ".join(f"{k} × {v}" for k, v in sorted(heavy.outcomes.items())) or "still running at the end"
        fields = parse_qs(urlsplit(heavy.paths[heavy.index]).query).get("fields")
        heavy_lines.append(
            f"- {heavy.kind}{f' ({fields[0]})' if fields else ''}: {outcomes}; requests running "
            f"{min(100, 100 * heavy.busy / heavy_window):.0f} % of the {heavy_window:.0f} s (refusals excluded), "
            f"{heavy.bytes / 1e6:.0f} MB received"
        )
    cpu = (
        f"Load generator: {own_cpu:.1f} s CPU over {wall:.0f} s ({100 * own_cpu / wall:.0f} % of one core)"
        + (
            f"; server (web + task workers): {server_cpu:.1f} s CPU ({100 * server_cpu / wall:.0f} % of one core)"
            if server_cpu is not None
            else ""
        )
        + f". Load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (2 cores)."
    )
    print()
    print(table)
    if heavy_lines:
        print("\nHeavy clients during the last row:")
        print("\n".join(heavy_lines))
    print(cpu)
    if args.write_docs:
        write_docs(args, table, heavy_lines, cpu, base if args.url else None)


def write_docs(args, table: str, heavy_lines: list[str], cpu: str, url: str | None) -> None:
    docs = BASE_DIR / "docs" / "performance.md"
    text = docs.read_text(encoding="utf-8")
    stamp = time.strftime("%Y-%m-%d %H:%M")
    server = f"the server at {url}" if url else "`manage.py serve` started by the bench on the demo data"
    block = (
        "### Latest run\n\n"
        f"`bench/load.py --clients {args.clients} --seconds {args.seconds:g} --big-rows {args.big_rows}` against "
        f"{server}, {stamp}. **Indicative**: the 2-core machine was shared with other work (load average below).\n\n"
        f"{table}\n\n"
        + ("Heavy clients during the last row:\n\n" + "\n".join(heavy_lines) + "\n\n" if heavy_lines else "")
        + f"{cpu}\n"
    )
    pattern = re.compile(r"### Latest run\n.*?(?=\n### |\n## |\Z)", re.S)
    match = re.search(re.escape(SECTION) + r"\n.*?(?=\n## |\Z)", text, re.S)
    if match is None:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n" + block
    else:
        section = match.group(0)
        section = (
            pattern.sub(lambda _m: block.rstrip("\n") + "\n", section, count=1)
            if pattern.search(section)
            else section.rstrip("\n") + "\n\n" + block
        )
        text = text[: match.start()] + section + text[match.end() :]
    docs.write_text(text, encoding="utf-8")
    print(f"Écrit dans {docs}.")


if __name__ == "__main__":
    main()
