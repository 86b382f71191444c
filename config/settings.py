"""The one settings module. Values that differ between installations come from config.env."""

from __future__ import annotations

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
PLATFORM_NAME = env.PLATFORM_NAME

INSTALLED_APPS = [
    "auzolan.core",
    "auzolan.accounts",
    "auzolan.notifications",
    "auzolan.organisations",
    "auzolan.catalog",
    "auzolan.datastore",
    "auzolan.participation",
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
    "allauth.account",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
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
    DATABASES["default"]["CONN_MAX_AGE"] = 0
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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "auzolan_cache"}}

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
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
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

# Static and uploaded files
STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Leaflet for the data preview's map, installed from PyPI (requirements.txt), served by the platform itself.
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
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
        "BACKEND": "storages.backends.s3.S3Storage",
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
LINK_CHECK_ALLOW_PRIVATE = env.LINK_CHECK_ALLOW_PRIVATE
# Datastore queries (data API, exports, SQL endpoint): time limit per query.
DATASTORE_QUERY_TIMEOUT = env.DATASTORE_QUERY_TIMEOUT
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file
# Map tiles of the data preview (auzolan.datastore.maps); empty: no base map.
MAP_TILE_URL = env.MAP_TILE_URL
MAP_TILE_ATTRIBUTION = env.MAP_TILE_ATTRIBUTION


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
