"""The only module that reads the process environment.

Every variable the platform understands is read here once, typed, and listed in
docs/environment.md and .env.example. Settings import the values from this module.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

_env = Env()
_env.read_env(BASE_DIR / ".env", recurse=False)

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
            "Set them in the environment (see docs/environment.md), or set AUZOLAN_ENV=local on a test machine."
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
#: Let the availability check reach private, loopback and link-local addresses (an intranet portal).
LINK_CHECK_ALLOW_PRIVATE: bool = _env.bool("LINK_CHECK_ALLOW_PRIVATE", False)
#: Seconds a data API query, aggregation or SQL query may run before it is interrupted (exports get 12×).
DATASTORE_QUERY_TIMEOUT: float = _env.float("DATASTORE_QUERY_TIMEOUT", 5.0)

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
