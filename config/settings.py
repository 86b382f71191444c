"""The one settings module. Values that differ between installations come from config.env."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
import xstatic.pkg.leaflet
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
ENVIRONMENT = env.ENVIRONMENT
SECRET_KEY = env.SECRET_KEY
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
SITE_URL = env.SITE_URL
# False when SITE_URL was not set (local mode): absolute links then follow the request's address (core.urls).
SITE_URL_CONFIGURED = env.SITE_URL_CONFIGURED
PLATFORM_NAME = env.PLATFORM_NAME

# Who runs the platform (legal notice, privacy page, accessibility statement); see auzolan.core.legal.
AGENCY_NAME = env.AGENCY_NAME
AGENCY_LEGAL_FORM = env.AGENCY_LEGAL_FORM
AGENCY_ADDRESS = env.AGENCY_ADDRESS
AGENCY_SIREN = env.AGENCY_SIREN
AGENCY_EMAIL = env.AGENCY_EMAIL
AGENCY_PHONE = env.AGENCY_PHONE
AGENCY_PUBLICATION_DIRECTOR = env.AGENCY_PUBLICATION_DIRECTOR
AGENCY_DPO_EMAIL = env.AGENCY_DPO_EMAIL
HOSTING_PROVIDER = env.HOSTING_PROVIDER
ACCESSIBILITY_STATEMENT_DATE = env.ACCESSIBILITY_STATEMENT_DATE

INSTALLED_APPS = [
    "auzolan.core",
    "auzolan.accounts",
    "auzolan.notifications",
    "auzolan.organisations",
    "auzolan.catalog",
    "auzolan.datastore",
    "auzolan.harvest",
    "auzolan.opendata_programme",
    "auzolan.participation",
    "auzolan.events",
    "auzolan.observatory",
    "auzolan.learning",
    "auzolan.youth",
    "auzolan.impact",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "auzolan.core.third_party_apps.EmailAddressesConfig",  # allauth.account, named in French for the back office
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "auzolan.core.third_party_apps.BackgroundTasksConfig",  # django_tasks_db, named in French for the back office
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "auzolan.core.middleware.ChosenLanguageMiddleware",
    # The API's errors in its JSON shape; NUL characters refused, ids beyond the database's range a 404 (core/guards).
    "auzolan.core.guards.ApiErrorMiddleware",
    "auzolan.core.guards.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Personal API tokens on /api/… (accounts.api_auth): the request is the token owner's.
    "auzolan.accounts.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auzolan.organisations.middleware.CurrentOrganisationMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "auzolan.core.context_processors.platform",
                "auzolan.organisations.context_processors.organisations",
                # In a page being put in the anonymous page cache, {% csrf_token %} writes a marker (core.pagecache).
                "auzolan.core.pagecache.csrf_placeholder",
            ],
            "builtins": ["auzolan.core.templatetags.permissions"],
            # Unknown variables fail loudly in tests (see tests/conftest.py).
            "string_if_invalid": "",
        },
    }
]

# Database: SQLite in var/ by default, PostgreSQL when DATABASE_URL says so.
DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections (one per web thread, kept 60 s): opening one runs the PRAGMAs below, ~1 ms of CPU, as
    # much as serving a cached page. No transaction stays open between requests, so no lock is held.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker read while one of them writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.CACHE_URL}}
elif ENVIRONMENT == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Rate-limit counters and slots live in the cache: enough entries that culling does not drop them under load.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "auzolan_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# The anonymous page cache (core.pagecache): public pages of visitors who are not logged in, kept in each process's
# memory; the content version that invalidates them on every committed write lives in the shared cache above.
PAGE_CACHE_SECONDS = env.PAGE_CACHE_SECONDS
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "auzolan-pages",
    "TIMEOUT": PAGE_CACHE_SECONDS or 1,
    "OPTIONS": {"MAX_ENTRIES": 300},
}
# Writes to these tables (prefixes) do not change public pages: they leave the content version alone.
PAGE_CACHE_IGNORED_TABLES = [
    "django_session",
    "django_admin_log",
    "django_migrations",
    "django_content_type",
    "django_tasks",
    "auth_",
    "account_",
    "accounts_",
    "notifications_",
    "core_job",
    "core_auditlogentry",
]

# Background tasks: Django's tasks framework (backport) with the database backend; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Accounts
AUTH_USER_MODEL = "accounts.User"
# The model that owns tenant data (core refers to it by name, never imports it).
AUZOLAN_TENANT_MODEL = "organisations.Organisation"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Confirming the address logs the person in when they open the link in the browser where they signed up; allauth keeps
# that pending login 15 minutes by default — too short to find the e-mail — so keep it a day. Elsewhere (another
# browser), the link confirms the address and the person logs in with their password: the link alone never logs in.
ACCOUNT_LOGIN_TIMEOUT = 24 * 60 * 60
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_SIGNUP_FORM_CLASS = "auzolan.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "auzolan.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PLATFORM_NAME}] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Brute-force protection: failed logins are throttled per IP and per account (allauth rate limits, cache-backed).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

# Email
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
if env.EMAIL_URL:
    _email = urlparse(env.EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme in ("smtp+tls", "submission") or EMAIL_PORT == 587
    EMAIL_USE_SSL = _email.scheme == "smtps" or EMAIL_PORT == 465
else:
    # One readable .eml file per e-mail in var/emails/, announced on the console with its link (auzolan.core.mail).
    EMAIL_BACKEND = "auzolan.core.mail.LocalFileBackend"
    EMAIL_FILE_PATH = env.VAR_DIR / "emails"

# Internationalisation: French first; Basque, English and Spanish follow.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("eu", "Euskara"), ("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True
LANGUAGE_COOKIE_SECURE = env.SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Dates: named formats everywhere, adjusted per language in auzolan/core/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["auzolan.core.formats"]

# Static and uploaded files
STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Leaflet for the data preview's map, installed from PyPI (requirements.txt), served by the platform itself.
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    # Swagger UI for /api/v1/docs: the copy of swagger-ui-dist that django-ninja ships (pinned with it).
    # (found without importing ninja: its import reads the settings, which are not made yet)
    ("vendor/swagger-ui", Path(importlib.util.find_spec("ninja").origin).parent / "static" / "ninja"),
]
WHITENOISE_USE_FINDERS = ENVIRONMENT == "test"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ENVIRONMENT != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env.S3_BUCKET:
    # Uploaded and generated files in an S3-compatible bucket. Objects are private; the platform streams
    # downloads itself (permissions, names, headers), so no public or signed URL is ever handed out.
    STORAGES["default"] = {
        # django-storages' S3Storage whose file URLs are the platform's /media/ (auzolan.core.storage).
        "BACKEND": "auzolan.core.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.S3_BUCKET,
            "endpoint_url": env.S3_ENDPOINT_URL or None,
            "region_name": env.S3_REGION or None,
            "access_key": env.S3_ACCESS_KEY_ID or None,
            "secret_key": env.S3_SECRET_ACCESS_KEY or None,
            "location": env.S3_PREFIX,
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
            # A download is copied from the bucket to a temporary file before it streams; keep at most 5 Mo of it
            # in memory (the default, 0, would hold a 500 Mo file in memory).
            "max_memory_size": 5 * 1024 * 1024,
        },
    }

# Security
SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Rate limits by IP (ours through core.http.client_ip, allauth's) count the address the trusted proxies saw.
TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT
CSRF_TRUSTED_ORIGINS = [env.SITE_URL] if env.SITE_URL.startswith("https://") else []
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Catalogue uploads: larger files are refused with a clear message (the web server must allow this size too).
UPLOAD_MAX_BYTES = env.UPLOAD_MAX_MB * 1024 * 1024
# Availability check of remote resources (catalog.linkcheck).
LINK_CHECK_TIMEOUT = env.LINK_CHECK_TIMEOUT
# Outgoing requests to addresses people give (core.safe_http): non-public hosts that may be reached anyway.
SAFE_HTTP_ALLOWED_HOSTS = env.SAFE_HTTP_ALLOWED_HOSTS
# Harvesting of members' portals (auzolan.harvest).
HARVEST_TIMEOUT = env.HARVEST_TIMEOUT
HARVEST_MAX_RESPONSE_BYTES = env.HARVEST_MAX_RESPONSE_MB * 1024 * 1024
HARVEST_MAX_PAGES = env.HARVEST_MAX_PAGES
HARVEST_MAX_TOTAL_BYTES = env.HARVEST_MAX_TOTAL_MB * 1024 * 1024
EVENTS_OFFER_HOURS = env.EVENTS_OFFER_HOURS
# Writes to the platform API per personal API token, per account (session) and per address (auzolan.catalog.api).
API_WRITE_RATE_TOKEN = env.API_WRITE_RATE_TOKEN
API_WRITE_RATE_ACCOUNT = env.API_WRITE_RATE_ACCOUNT
API_WRITE_RATE_IP = env.API_WRITE_RATE_IP
# Datastore queries (data API, exports, SQL endpoint): time limit per query.
DATASTORE_QUERY_TIMEOUT = env.DATASTORE_QUERY_TIMEOUT
# What a process keeps of tables between requests (auzolan.datastore.loaded), in megabytes.
DATASTORE_MEMORY_CACHE_MB = env.DATASTORE_MEMORY_CACHE_MB
# The SQL endpoint (auzolan.datastore.sql): worker processes, caps, rate and concurrency limits.
DATASTORE_SQL_WORKERS = env.DATASTORE_SQL_WORKERS
DATASTORE_SQL_WORKER_MEMORY_MB = env.DATASTORE_SQL_WORKER_MEMORY_MB
DATASTORE_SQL_MAX_VALUE_KB = env.DATASTORE_SQL_MAX_VALUE_KB
DATASTORE_SQL_MAX_RESPONSE_MB = env.DATASTORE_SQL_MAX_RESPONSE_MB
DATASTORE_SQL_RATE_IP = env.DATASTORE_SQL_RATE_IP
DATASTORE_SQL_RATE_ACCOUNT = env.DATASTORE_SQL_RATE_ACCOUNT
DATASTORE_SQL_CONCURRENCY_IP = env.DATASTORE_SQL_CONCURRENCY_IP
DATASTORE_SQL_CONCURRENCY_ACCOUNT = env.DATASTORE_SQL_CONCURRENCY_ACCOUNT
CKAN_API_RATE_IP = env.CKAN_API_RATE_IP
CKAN_API_RATE_ACCOUNT = env.CKAN_API_RATE_ACCOUNT
CKAN_API_CONCURRENCY_IP = env.CKAN_API_CONCURRENCY_IP
CKAN_API_CONCURRENCY_ACCOUNT = env.CKAN_API_CONCURRENCY_ACCOUNT
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file
# Map tiles of the data preview (auzolan.datastore.maps); empty: no base map.
MAP_TILE_URL = env.MAP_TILE_URL
MAP_TILE_ATTRIBUTION = env.MAP_TILE_ATTRIBUTION
# The communes' outlines of the observatory's map (auzolan.observatory.geo; a file shipped with the project, see
# data/geo/SOURCES.md). Another territory replaces the file (same shape: INSEE code in properties.code).
OBSERVATORY_OUTLINES = BASE_DIR / "data" / "geo" / "communes-capb.geojson"
# Datastore exports: above this weighted size a background job; how many at once; queue cap; file retention.
DATASTORE_EXPORT_INLINE_CELLS = env.DATASTORE_EXPORT_INLINE_CELLS
DATASTORE_EXPORT_CONCURRENCY = env.DATASTORE_EXPORT_CONCURRENCY
DATASTORE_EXPORT_QUEUE_LIMIT = env.DATASTORE_EXPORT_QUEUE_LIMIT
DATASTORE_EXPORT_RETENTION_HOURS = env.DATASTORE_EXPORT_RETENTION_HOURS
DATASTORE_EXPORT_RATE_IP = env.DATASTORE_EXPORT_RATE_IP
DATASTORE_EXPORT_RATE_ACCOUNT = env.DATASTORE_EXPORT_RATE_ACCOUNT


def tile_source(url: str) -> str:
    """The CSP source of a tile URL template: its scheme and host (`{s}` subdomains as `*`); "" for a local path."""
    if not url or url.startswith("/"):
        return ""
    parsed = urlparse(url.replace("{s}", "SUBDOMAIN"))
    host = (parsed.netloc or "").replace("SUBDOMAIN", "*")
    return f"{parsed.scheme}://{host}" if host else ""


# Content Security Policy: nothing is loaded from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The tile server's host only when one is configured.
        "img-src": ["'self'", "data:", *([tile_source(MAP_TILE_URL)] if tile_source(MAP_TILE_URL) else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

ADMIN_SITE_HEADER = _("Auzolan — back office de l'agence")

# Forms render with the project's accessible field templates (templates/django/forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
