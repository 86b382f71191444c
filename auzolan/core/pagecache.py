"""The anonymous page cache: whole responses of public pages, for visitors who are not logged in.

A view opts in with `@cache_public_page("name")` (django-ninja operations with `decorate_view`). Its response is
taken from, or put in, the cache only when nothing in it can belong to one person:

- the request is a GET or HEAD from a visitor who is not logged in, sends no `Authorization` header, and has no
  session data (no session cookie, or an empty session: no flash messages, no verification state…);
- the response is a 200, not streamed, sets no cookie and did not change the session; the page never called
  `get_token` itself. CSRF tokens: while a cached page renders, `{% csrf_token %}` writes a marker (context processor
  `csrf_placeholder`), which each visitor's own token replaces when the page is served — the CSRF cookie is then set
  for that visitor as usual. A page that still made a token (any other use of `get_token`) is served but not stored.
- the key holds the view's name, the scheme, host, full path (query string included) and the active language.

Freshness: every entry carries the *content version* read before the view ran. The version lives in the shared
cache (`default`: the database cache, or Redis with CACHE_URL), so all processes and nodes see it, and it changes
when a transaction that wrote to a public table commits (`watch_writes`, a database execute wrapper: INSERT, UPDATE
and DELETE on any table but those of `settings.PAGE_CACHE_IGNORED_TABLES` — sessions, the cache itself, jobs, the
audit log, notifications, accounts). A publication, an unpublication, a new proposal or support therefore shows on the
next request after its commit, in every process. What changes with time alone (a phase that opens at midnight, "il y
a 3 minutes") is at most `PAGE_CACHE_SECONDS` old (60 s by default; 0 turns the cache off; off in tests).

Entries live in each process's memory (cache alias `pages`, a bounded LocMemCache): no write to a shared store on a
miss, and a hit costs one read of the small version key. Responses larger than MAX_BYTES are not stored.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, setting_changed
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
#: Responses above this size are served but not kept (a data API page of 1,000 rows, for instance).
MAX_BYTES = 256 * 1024
_REQUEST_FLAG = "_page_cache_rendering"


def _seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def _marker() -> str:
    """What `{% csrf_token %}` writes in a page being cached: stable across processes, unguessable."""
    return "csrf" + salted_hmac("auzolan.pagecache", "csrf-marker").hexdigest()[:40]


# --- The content version ------------------------------------------------------------------------------------


def content_version() -> str:
    """The current content version; a missing one (evicted, first start) is created, which only causes misses."""
    shared = caches["default"]
    version = shared.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        shared.add(VERSION_KEY, version, timeout=None)
        version = shared.get(VERSION_KEY) or version
    return version


_state = threading.local()


def _bump() -> None:
    """Run on commit (or once the statement that wrote is over). A transaction that wrote many rows registered as
    many calls: the first one changes the version, the others find nothing pending."""
    if not getattr(_state, "pending", False):
        return
    _state.pending = False
    try:
        caches["default"].set(VERSION_KEY, str(time.time_ns()), timeout=None)
    except DatabaseError as error:  # the database cache's table does not exist yet (during the first `migrate`)
        missing_table = "auzolan_cache" in str(error)  # the first `migrate`, before the cache table's migration
        level = logging.DEBUG if missing_table or getattr(_bump, "warned", False) else logging.WARNING
        _bump.warned = True
        logger.log(level, "Page cache: the content version could not be changed (%s).", error)


def content_changed(using: str = "default", *, deferred: bool = False) -> None:
    """Public content changed: every cached page is stale once the current transaction commits (now if none).

    `deferred`: the statement that wrote is not over yet (an INSERT … RETURNING outside a transaction, whose rows are
    read after it ran): the version changes before the next statement of this thread, at the end of the request, or
    when the process exits — never through the connection while that statement is still open."""
    _state.pending = True
    if connections[using].in_atomic_block:
        transaction.on_commit(_bump, using=using)
    elif deferred:
        _state.deferred = True
    else:
        _bump()


def _bump_deferred(**kwargs) -> None:
    if getattr(_state, "deferred", False):
        _state.deferred = False
        _bump()


request_finished.connect(_bump_deferred, dispatch_uid="auzolan.pagecache.deferred")
atexit.register(_bump_deferred)


_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+[`\"\[]?([\w.]+)",
    re.IGNORECASE,
)
_TRANSACTION = re.compile(r"^\s*(?:BEGIN|SAVEPOINT|RELEASE|COMMIT|ROLLBACK|END)\b", re.IGNORECASE)


def _ignored_tables() -> tuple[str, ...]:
    cache_tables = tuple(
        str(options.get("LOCATION"))
        for options in settings.CACHES.values()
        if options.get("BACKEND", "").endswith("DatabaseCache")
    )
    return tuple(getattr(settings, "PAGE_CACHE_IGNORED_TABLES", ())) + cache_tables


def _watch(execute, sql, params, many, context):
    connection = context["connection"]
    if getattr(_state, "deferred", False) and not connection.in_atomic_block and not _TRANSACTION.match(sql):
        _bump_deferred()  # the statement that wrote is over: this one has not started
    result = execute(sql, params, many, context)
    if sql[:1] in "IiUuDdRr \n" and _seconds():
        match = _WRITE.match(sql)
        if match and not match.group(1).lower().startswith(_ignored_tables()):
            content_changed(connection.alias, deferred="RETURNING" in sql.upper())
    return result


@receiver(connection_created)
def watch_writes(sender, connection, **kwargs):
    """Every database connection reports its writes to public tables (first wrapper, so that tests' own
    `execute_wrapper` blocks, which pop the last one, are undisturbed)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in ("PAGE_CACHE_SECONDS", "CACHES"):
        caches["pages"].clear()


# --- Serving ----------------------------------------------------------------------------------------------------


def _cacheable_request(request) -> bool:
    if not _seconds() or request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        session = getattr(request, "session", None)
        if session is None or list(session.keys()):
            return False
    return True


def _key(name: str, request) -> str:
    parts = "\n".join(
        (name, request.scheme, request.get_host(), translation.get_language() or "", request.get_full_path())
    )
    return "page:" + hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()


def _serve(request, status: int, headers: list[tuple[str, str]], content: bytes) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    marker = _marker().encode()
    if marker in content:
        response.content = content.replace(marker, get_token(request).encode())
    return response


def csrf_placeholder(request) -> dict:
    """Context processor: in a page being cached, `{% csrf_token %}` writes a marker instead of a token."""
    return {"csrf_token": _marker()} if getattr(request, _REQUEST_FLAG, False) else {}


def cache_public_page(name: str) -> Callable:
    """Serve this view's response from the anonymous page cache when it is safe (see the module's docstring)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(name, request)
            try:
                version = content_version()
            except Exception:  # the shared cache is down: serve the page as if there were no cache
                logger.warning("Page cache: the content version could not be read.", exc_info=True)
                return view(request, *args, **kwargs)
            entry = caches["pages"].get(key)
            if entry is not None and entry[0] == version:
                return _serve(request, *entry[1:])
            had_token = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
            setattr(request, _REQUEST_FLAG, True)
            try:
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                    response.render()
            finally:
                setattr(request, _REQUEST_FLAG, False)
                made_token = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
                if had_token or made_token:
                    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
            session = getattr(request, "session", None)
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies
                or made_token
                or (session is not None and session.modified)
                or "private" in response.get("Cache-Control", "")
                or "no-store" in response.get("Cache-Control", "")
                or len(response.content) > MAX_BYTES
            ):
                return response
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", "content-length")]
            entry = (version, response.status_code, headers, response.content)
            caches["pages"].set(key, entry, timeout=_seconds())
            return _serve(request, *entry[1:])

        return wrapped

    return decorator
