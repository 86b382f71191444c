"""Rate and concurrency limits that hold across every web process: the counts live in Django's cache (the database
cache by default, Redis when CACHE_URL is set).

Use it around an expensive operation::

    from auzolan.core import ratelimit

    with ratelimit.limit(request, "sql", rates={"ip": Rate.parse("30/m"), "user": Rate.parse("60/m")},
                         concurrency={"ip": 1, "user": 2}, hold=20, retry_after=5):
        ...  # at most 1 at a time and 30 a minute per address, 2 and 60 per account

Past a limit it raises `RateLimited` (an `ApplicationError`: HTTP 429, code `rate-limited` or `concurrency-limited`,
a French message, `details.retry_after`); the API adds the `Retry-After` header (config/api.py).

- Who is counted: `requester(request)` — `user:<pk>` for a logged-in account (a request with a personal API token,
  `request.api_token` set by `accounts.api_auth`, is its owner's), else `ip:<address>` (through `core.http.client_ip`;
  an IPv6 client by its /64, the network one subscriber gets). When `rates` has a `"token"` entry, `limit` counts
  each token apart (`token:<id>`). A kind missing from a mapping is not limited. `limit(…, per_address=True)` also
  counts every request by its address (the `"ip"` rate), whoever sends it: one address cannot spread its requests
  over many tokens or accounts.
- `hit(scope, who, rate)`: one more request in the rate's fixed window (`30/m`: 30 per calendar minute); Retry-After is
  the time left in the window. One cache key per window, created with `add` and increased with `incr`: atomic with
  Redis and the local-memory cache; the database cache's `incr` reads then writes, so it runs in a transaction that
  serialises writers (SQLite: the project's `BEGIN IMMEDIATE`; PostgreSQL: a transaction-level advisory lock).
- `slot(scope, who, limit, hold=…)`: holds one of `limit` concurrency slots — cache keys taken with `add` (atomic on
  every backend) and deleted on exit, however the block ends. A process killed while it holds one cannot release it:
  the key expires after `hold` seconds, so `hold` must exceed the longest time the block can take.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
import uuid
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, router, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.core.errors import ApplicationError
from auzolan.core.http import client_ip

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    """`count` requests per `seconds`."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """`30/m`, `100/h`, `5/10s`, `1000/d`; empty or `0`: no limit (None)."""
        text = (text or "").strip()
        if text in ("", "0"):
            return None
        match = _RATE.match(text)
        if not match or int(match[1]) < 1 or match[2] == "0":
            raise ImproperlyConfigured(f"Invalid rate {text!r}: write count/period, e.g. 30/m, 100/h, 5/10s.")
        return cls(int(match[1]), int(match[2] or 1) * UNITS[match[3]])


class RateLimited(ApplicationError):
    """Too many requests: HTTP 429 with `Retry-After` (seconds)."""

    code = "rate-limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int, code: str | None = None, extra: dict | None = None):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, code=code, extra={"retry_after": self.retry_after, **(extra or {})})


class ServerBusy(RateLimited):
    """Every worker of this kind is busy: HTTP 503 with `Retry-After`."""

    code = "busy"
    status = 503


def requester(request, *, tokens: bool = False) -> str:
    """Whom the limits count: `user:<pk>` for a logged-in account, else `ip:<address>` (`ip:` alone when unknown).
    A request with a personal API token is its owner's account (`user:<pk>`: a token is never a way around the
    account's limits), or the token itself (`token:<id>`) when the caller limits tokens apart (`tokens=True`)."""
    token = getattr(request, "api_token", None)
    if token is not None and tokens:
        return f"token:{token.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return address(request)


def address(request) -> str:
    """`ip:<address>` of the request's client (an IPv6 client by its /64)."""
    ip = client_ip(request)
    if ":" in ip:  # IPv6: one subscriber gets a /64, count it as one client
        ip = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return f"ip:{ip}"


def kind(who: str) -> str:
    """`ip`, `user` or `token`: the key of `rates` and `concurrency` that applies to `who`."""
    return who.partition(":")[0]


def _now() -> float:
    return time.time()


def _period(seconds: int) -> str:
    if seconds % 86400 == 0:
        return ngettext("%(n)s jour", "%(n)s jours", seconds // 86400) % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return ngettext("%(n)s heure", "%(n)s heures", seconds // 3600) % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return ngettext("%(n)s minute", "%(n)s minutes", seconds // 60) % {"n": seconds // 60}
    return ngettext("%(n)s seconde", "%(n)s secondes", seconds) % {"n": seconds}


@contextmanager
def _serialised(backend, key: str) -> Iterator[None]:
    """Around the database cache's read-then-write `incr`: a transaction that one writer at a time enters."""
    if not isinstance(backend, DatabaseCache):
        yield
        return
    alias = router.db_for_write(backend.cache_model_class)
    with transaction.atomic(using=alias):  # SQLite: BEGIN IMMEDIATE (settings), one writer at a time
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode())])
        yield


def _incr(key: str, timeout: int) -> int:
    backend = caches["default"]
    with _serialised(backend, key):
        if backend.add(key, 1, timeout):
            return 1
        try:
            return backend.incr(key)
        except ValueError:  # expired between add and incr
            backend.set(key, 1, timeout)
            return 1


def hit(scope: str, who: str, rate: Rate | None) -> None:
    """Count one request of `who` in `scope`; `RateLimited` past `rate` (None: no limit)."""
    if rate is None:
        return
    now = _now()
    window = int(now // rate.seconds)
    try:
        count = _incr(f"ratelimit:{scope}:{who}:{rate.seconds}:{window}", rate.seconds + 1)
    except DatabaseError:  # the database cache is locked or down: refuse for now rather than count nothing
        raise ServerBusy(_("Le serveur est très chargé : réessayez dans un instant."), retry_after=1) from None
    if count > rate.count:
        retry_after = math.ceil((window + 1) * rate.seconds - now)
        raise RateLimited(
            _("Trop de requêtes : %(count)s au plus en %(period)s. Réessayez dans %(seconds)s s.")
            % {"count": rate.count, "period": _period(rate.seconds), "seconds": max(1, retry_after)},
            retry_after=retry_after,
            extra={"limit": rate.count, "period": rate.seconds},
        )


@contextmanager
def slot(scope: str, who: str, limit: int, *, hold: int, retry_after: int = 1) -> Iterator[None]:
    """Hold one of `limit` concurrent slots of `who` in `scope` (0: no limit) for the block; `RateLimited` when all
    are taken. The slot is freed when the block ends, and by expiry `hold` seconds after it was taken."""
    if not limit:
        yield
        return
    backend = caches["default"]
    token = uuid.uuid4().hex
    for index in range(limit):
        key = f"concurrency:{scope}:{who}:{index}"
        if backend.add(key, token, max(1, int(hold))):
            break
    else:
        raise RateLimited(
            ngettext(
                "Trop de requêtes simultanées : %(limit)s à la fois au plus. Attendez la fin de la précédente et "
                "réessayez dans %(seconds)s s.",
                "Trop de requêtes simultanées : %(limit)s à la fois au plus. Attendez la fin des précédentes et "
                "réessayez dans %(seconds)s s.",
                limit,
            )
            % {"limit": limit, "seconds": max(1, int(retry_after))},
            retry_after=retry_after,
            code="concurrency-limited",
            extra={"limit": limit},
        )
    try:
        yield
    finally:
        if backend.get(key) == token:
            backend.delete(key)


@contextmanager
def limit(
    request,
    scope: str,
    *,
    rates: Mapping[str, Rate | None],
    concurrency: Mapping[str, int],
    hold: int,
    retry_after: int = 1,
    per_address: bool = False,
) -> Iterator[str]:
    """`hit` then `slot` for the request's requester, with the rate and the number of slots of its kind;
    `per_address`: the address's `"ip"` rate counts the request too when the requester is a token or an account."""
    who = requester(request, tokens="token" in rates)
    hit(scope, who, rates.get(kind(who)))
    if per_address and kind(who) != "ip":
        hit(scope, address(request), rates.get("ip"))
    with slot(scope, who, concurrency.get(kind(who), 0), hold=hold, retry_after=retry_after):
        yield who
