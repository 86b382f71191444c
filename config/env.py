"""The only module that reads the process environment.

Every variable the platform understands is read here once, typed, and listed in
docs/environment.md and .env.example. Settings import the values from this module.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

_env = Env()
#: The settings file read at start-up, under the real environment (whose variables win): `.env` at the root by
#: default, which `make run` creates with AUZOLAN_ENV=local on a development machine. Empty: no file (the tests).
DOTENV: str = _env.str("AUZOLAN_DOTENV", str(BASE_DIR / ".env"))
if DOTENV:
    _env.read_env(DOTENV, recurse=False)

ENVIRONMENTS = ("production", "local", "test")

#: production (default), local (make run on one machine) or test (the test suite).
ENVIRONMENT: str = _env.str("AUZOLAN_ENV", "production").lower()
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"AUZOLAN_ENV must be one of {', '.join(ENVIRONMENTS)}, not {ENVIRONMENT!r}.")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG: bool = _env.bool("DEBUG", False)

VAR_DIR: Path = Path(_env.str("AUZOLAN_VAR_DIR", str(BASE_DIR / "var")))
if ENVIRONMENT != "test":
    VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A secret kept in var/ so that sessions survive restarts of a local installation."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY: str = _env.str("SECRET_KEY", "")
ALLOWED_HOSTS: list[str] = _env.list("ALLOWED_HOSTS", [])
if IS_PRODUCTION:
    missing = [name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value]
    if missing:
        raise ImproperlyConfigured(
            f"Production refuses to start without {' and '.join(missing)}. "
            "Set them in the environment (see docs/environment.md), or set AUZOLAN_ENV=local on a test machine "
            "(`make run` writes AUZOLAN_ENV=local into .env on a development machine)."
        )
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")
elif not SECRET_KEY:
    SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 20 if ENVIRONMENT == "test" else _local_secret_key()
if not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

DATABASE_URL: str = _env.str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'auzolan.sqlite3'}")
#: A cache shared by every process (login throttling needs it). Empty: the database cache.
CACHE_URL: str = _env.str("CACHE_URL", "")

#: The platform's public address (absolute links in e-mails, feeds, sitemap, JSON-LD). Required in production;
#: elsewhere, when empty, the address of the request, or the one `manage.py serve` serves (below, after PORT).
SITE_URL: str = _env.str("SITE_URL", "").strip().rstrip("/")
SITE_URL_CONFIGURED = bool(SITE_URL)
PLATFORM_NAME: str = _env.str("PLATFORM_NAME", "Auzolan")
DEFAULT_FROM_EMAIL: str = _env.str("DEFAULT_FROM_EMAIL", "Auzolan <ne-pas-repondre@auzolan.localhost>")
EMAIL_URL: str = _env.str(
    "EMAIL_URL", ""
)  # smtp://user:password@host:587 ; empty: console (local) or error (production)
if IS_PRODUCTION and not EMAIL_URL:
    raise ImproperlyConfigured("Production needs EMAIL_URL (smtp://...) to send verification and password emails.")

# Who runs the platform: named in the legal notice, the privacy page and the accessibility statement. Empty values
# are left out of those pages (never a placeholder); `manage.py check --deploy` warns about them.
#: The operator's name (the agency); a demonstration names "l'agence numérique du territoire".
AGENCY_NAME: str = _env.str("AGENCY_NAME", "l'agence numérique du territoire")
#: Its legal form, as the legal notice states it.
AGENCY_LEGAL_FORM: str = _env.str("AGENCY_LEGAL_FORM", "association régie par la loi du 1er juillet 1901")
#: Postal address of its registered office.
AGENCY_ADDRESS: str = _env.str("AGENCY_ADDRESS", "")
#: Its SIREN number.
AGENCY_SIREN: str = _env.str("AGENCY_SIREN", "")
#: The address visitors write to (accessibility feedback, legal questions).
AGENCY_EMAIL: str = _env.str("AGENCY_EMAIL", "")
#: Its telephone number.
AGENCY_PHONE: str = _env.str("AGENCY_PHONE", "")
#: Name and function of the director of publication (the agency's legal representative).
AGENCY_PUBLICATION_DIRECTOR: str = _env.str("AGENCY_PUBLICATION_DIRECTOR", "")
#: The data protection officer's address; empty: AGENCY_EMAIL.
AGENCY_DPO_EMAIL: str = _env.str("AGENCY_DPO_EMAIL", "")
#: The hosting provider: name, address, telephone and the country where the data are stored.
HOSTING_PROVIDER: str = _env.str("HOSTING_PROVIDER", "")
#: The date the accessibility statement was established (YYYY-MM-DD).
ACCESSIBILITY_STATEMENT_DATE = _env.date("ACCESSIBILITY_STATEMENT_DATE", None)

MEDIA_ROOT: Path = Path(_env.str("MEDIA_ROOT", str(VAR_DIR / "media")))
STATIC_ROOT: Path = Path(_env.str("STATIC_ROOT", str(VAR_DIR / "static")))

SECURE_COOKIES: bool = _env.bool("SECURE_COOKIES", IS_PRODUCTION)
SECURE_SSL_REDIRECT: bool = _env.bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
HSTS_SECONDS: int = _env.int("HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
#: Behind a reverse proxy that sets X-Forwarded-Proto.
BEHIND_PROXY: bool = _env.bool("BEHIND_PROXY", IS_PRODUCTION)
#: How many reverse proxies append to X-Forwarded-For in front of the platform (rate limits count the client's
#: address they saw). 0 trusts no header and counts REMOTE_ADDR.
TRUSTED_PROXY_COUNT: int = _env.int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)

PORT: int = _env.int("PORT", 8000)
WEB_WORKERS: int = _env.int("WEB_WORKERS", 2)
#: Threads per web worker process (gunicorn's gthread worker): a slow request (an export, a long query) holds one
#: thread, not a whole process. 1: gunicorn's sync worker, one request at a time per process.
WEB_THREADS: int = _env.int("WEB_THREADS", 8)
#: Seconds a public page is kept in the anonymous page cache (core.pagecache); data changes show at once anyway.
#: 0 turns the cache off (the default in tests).
PAGE_CACHE_SECONDS: int = _env.int("PAGE_CACHE_SECONDS", 0 if ENVIRONMENT == "test" else 60)
TASK_WORKERS: int = _env.int("TASK_WORKERS", 1)
LOG_LEVEL: str = _env.str("LOG_LEVEL", "INFO").upper()
HOST: str = _env.str("HOST", "127.0.0.1")
#: Largest file a publisher may upload, in megabytes.
UPLOAD_MAX_MB: int = _env.int("UPLOAD_MAX_MB", 500)
#: Seconds the availability check of a remote resource waits for an answer.
LINK_CHECK_TIMEOUT: float = _env.float("LINK_CHECK_TIMEOUT", 10.0)
#: Host names, addresses or networks (10.0.0.0/8) that the platform's outgoing requests (link checks, harvesting)
#: may reach although they are private, loopback or link-local (an intranet portal). Empty: none.
SAFE_HTTP_ALLOWED_HOSTS: list[str] = _env.list("SAFE_HTTP_ALLOWED_HOSTS", [])
#: Harvesting of members' portals: seconds per request, megabytes per response, pages per source.
HARVEST_TIMEOUT: float = _env.float("HARVEST_TIMEOUT", 30.0)
HARVEST_MAX_RESPONSE_MB: int = _env.int("HARVEST_MAX_RESPONSE_MB", 20)
HARVEST_MAX_PAGES: int = _env.int("HARVEST_MAX_PAGES", 500)
#: Megabytes a harvest reads from one source in all (every page is kept until the writes: memory).
HARVEST_MAX_TOTAL_MB: int = _env.int("HARVEST_MAX_TOTAL_MB", 100)
#: Events: hours a seat freed for the next person of a waiting list stays offered before it goes to the one after.
EVENTS_OFFER_HOURS: int = _env.int("EVENTS_OFFER_HOURS", 48)
#: Seconds a data API query, aggregation or SQL query may run before it is interrupted (exports get 12×).
DATASTORE_QUERY_TIMEOUT: float = _env.float("DATASTORE_QUERY_TIMEOUT", 5.0)
#: Megabytes a web process keeps of tables between requests (text index lexicons, sort orders of full-text pages).
DATASTORE_MEMORY_CACHE_MB: int = _env.int("DATASTORE_MEMORY_CACHE_MB", 128)
# The read-only SQL endpoint (/api/v1/sql): queries run in worker processes, at most this many per web process.
DATASTORE_SQL_WORKERS: int = _env.int("DATASTORE_SQL_WORKERS", 2)
#: Address-space limit of one SQL worker process, in megabytes (DuckDB alone reserves ~800 MB of it).
DATASTORE_SQL_WORKER_MEMORY_MB: int = _env.int("DATASTORE_SQL_WORKER_MEMORY_MB", 1536)
#: Largest value (JSON-encoded) an SQL query may return, in kilobytes; larger is a 400.
DATASTORE_SQL_MAX_VALUE_KB: int = _env.int("DATASTORE_SQL_MAX_VALUE_KB", 1024)
#: Largest response of an SQL query, in megabytes; larger is a 400.
DATASTORE_SQL_MAX_RESPONSE_MB: int = _env.int("DATASTORE_SQL_MAX_RESPONSE_MB", 10)
#: SQL queries per address (anonymous) and per account: count/period (`30/m`, `500/h`, `5/10s`); empty or 0: no limit.
DATASTORE_SQL_RATE_IP: str = _env.str("DATASTORE_SQL_RATE_IP", "30/m")
DATASTORE_SQL_RATE_ACCOUNT: str = _env.str("DATASTORE_SQL_RATE_ACCOUNT", "60/m")
#: SQL queries running at once per address (anonymous) and per account; 0: no limit.
DATASTORE_SQL_CONCURRENCY_IP: int = _env.int("DATASTORE_SQL_CONCURRENCY_IP", 1)
DATASTORE_SQL_CONCURRENCY_ACCOUNT: int = _env.int("DATASTORE_SQL_CONCURRENCY_ACCOUNT", 2)
#: New background exports (too large for the request) per address (anonymous) and per account: count/period.
DATASTORE_EXPORT_RATE_IP: str = _env.str("DATASTORE_EXPORT_RATE_IP", "6/h")
DATASTORE_EXPORT_RATE_ACCOUNT: str = _env.str("DATASTORE_EXPORT_RATE_ACCOUNT", "20/h")
#: CKAN API searches (`package_search`, `datastore_search`) per address (anonymous) and per account: count/period.
CKAN_API_RATE_IP: str = _env.str("CKAN_API_RATE_IP", "120/m")
CKAN_API_RATE_ACCOUNT: str = _env.str("CKAN_API_RATE_ACCOUNT", "240/m")
#: CKAN API searches running at once per address (anonymous) and per account; 0: no limit.
CKAN_API_CONCURRENCY_IP: int = _env.int("CKAN_API_CONCURRENCY_IP", 4)
CKAN_API_CONCURRENCY_ACCOUNT: int = _env.int("CKAN_API_CONCURRENCY_ACCOUNT", 4)
#: Writes to the platform API (/api/v1/: datasets, resources, uploads) per token, per account logged in on the site,
#: and per address whoever sends them: count/period; empty or 0: no limit.
API_WRITE_RATE_TOKEN: str = _env.str("API_WRITE_RATE_TOKEN", "60/m")
API_WRITE_RATE_ACCOUNT: str = _env.str("API_WRITE_RATE_ACCOUNT", "60/m")
API_WRITE_RATE_IP: str = _env.str("API_WRITE_RATE_IP", "120/m")
for _rate_name in (
    "CKAN_API_RATE_IP",
    "CKAN_API_RATE_ACCOUNT",
    "API_WRITE_RATE_TOKEN",
    "API_WRITE_RATE_ACCOUNT",
    "API_WRITE_RATE_IP",
    "DATASTORE_SQL_RATE_IP",
    "DATASTORE_SQL_RATE_ACCOUNT",
    "DATASTORE_EXPORT_RATE_IP",
    "DATASTORE_EXPORT_RATE_ACCOUNT",
):
    if not re.match(r"^\s*(0|[1-9]\d*\s*/\s*([1-9]\d*)?\s*[smhd])?\s*$", globals()[_rate_name]):
        raise ImproperlyConfigured(f"{_rate_name} must be count/period (30/m, 500/h, 5/10s), empty or 0.")

#: Map tiles of the data preview's map: an XYZ template (`https://tuiles.example.org/{z}/{x}/{y}.png`). Empty: no
#: base map (points on a plain background) and no request to another host.
MAP_TILE_URL: str = _env.str("MAP_TILE_URL", "").strip()
if MAP_TILE_URL and (
    not MAP_TILE_URL.startswith(("https://", "http://", "/"))
    or not all(part in MAP_TILE_URL for part in ("{z}", "{x}", "{y}"))
):
    raise ImproperlyConfigured(
        "MAP_TILE_URL must be an http(s) or /path URL template containing {z}, {x} and {y} (see docs/environment.md)."
    )
#: The attribution the tile server's licence asks for (plain text), shown on the map.
MAP_TILE_ATTRIBUTION: str = _env.str("MAP_TILE_ATTRIBUTION", "")

# Exports of the data API and the preview (auzolan.datastore.exports, export_jobs).
#: Size of an export produced during the request, in cells (rows × columns) weighted by the format's cost (CSV and
#: Parquet 1, JSON 2, XLSX 40: see docs/architecture.md). Above, the export becomes a background job.
DATASTORE_EXPORT_INLINE_CELLS: int = _env.int("DATASTORE_EXPORT_INLINE_CELLS", 4_000_000)
#: Background exports that run at once, across all the task workers of all the machines; the others wait in the queue.
DATASTORE_EXPORT_CONCURRENCY: int = _env.int("DATASTORE_EXPORT_CONCURRENCY", 2)
#: Background exports queued or running at once; beyond, a new one is refused (429 with Retry-After).
DATASTORE_EXPORT_QUEUE_LIMIT: int = _env.int("DATASTORE_EXPORT_QUEUE_LIMIT", 20)
#: Hours a background export's file stays downloadable before `manage.py prune_data_exports` deletes it.
DATASTORE_EXPORT_RETENTION_HOURS: int = _env.int("DATASTORE_EXPORT_RETENTION_HOURS", 24)
if DATASTORE_EXPORT_INLINE_CELLS < 0 or (
    min(DATASTORE_EXPORT_CONCURRENCY, DATASTORE_EXPORT_QUEUE_LIMIT, DATASTORE_EXPORT_RETENTION_HOURS) < 1
):
    raise ImproperlyConfigured(
        "DATASTORE_EXPORT_INLINE_CELLS must be 0 or more (0: every export in the background), and "
        "DATASTORE_EXPORT_CONCURRENCY, _QUEUE_LIMIT and _RETENTION_HOURS at least 1 (see docs/environment.md)."
    )

# Object storage (S3-compatible). Empty S3_BUCKET: files live under MEDIA_ROOT.
S3_BUCKET: str = _env.str("S3_BUCKET", "")
#: The provider's address (Scaleway, OVHcloud, MinIO, Garage…); empty: Amazon S3.
S3_ENDPOINT_URL: str = _env.str("S3_ENDPOINT_URL", "")
S3_REGION: str = _env.str("S3_REGION", "")
S3_ACCESS_KEY_ID: str = _env.str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY: str = _env.str("S3_SECRET_ACCESS_KEY", "")
#: A folder inside the bucket, to share one bucket between installations.
S3_PREFIX: str = _env.str("S3_PREFIX", "").strip("/")
if S3_BUCKET and IS_PRODUCTION:
    missing = [
        name
        for name, value in (("S3_ACCESS_KEY_ID", S3_ACCESS_KEY_ID), ("S3_SECRET_ACCESS_KEY", S3_SECRET_ACCESS_KEY))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"S3_BUCKET is set: production refuses to start without {' and '.join(missing)} (see docs/environment.md)."
        )

# Last, so that the other checks of production speak first.
if not SITE_URL:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "Production refuses to start without SITE_URL, the public address (https://…) written in e-mails, feeds, "
            "the sitemap and structured data (see docs/environment.md)."
        )
    # `manage.py serve` passes the port and address it serves to its processes: PORT=8790 make run gives :8790.
    _shown = "127.0.0.1" if HOST in ("", "0.0.0.0", "::") else (f"[{HOST}]" if ":" in HOST else HOST)  # noqa: S104
    SITE_URL = f"http://{_shown}:{PORT}"
