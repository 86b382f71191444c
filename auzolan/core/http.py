"""HTTP helpers: the visitor's IP address for rate limits, safe "next" redirections, absolute public addresses.

The visitor's IP address, for rate limits: behind a reverse proxy, the address the trusted proxies saw.

`TRUSTED_PROXY_COUNT` (config/env.py) says how many proxies in front of the platform append to X-Forwarded-For;
the client is the entry that many places from the right. Without trusted proxies, REMOTE_ADDR. allauth's own
rate limits read the same setting (ALLAUTH_TRUSTED_PROXY_COUNT), so every limit counts the same address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    """The client's address as a normalised string ("" when unknown or malformed)."""
    candidate = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate.strip("[]")))
    except ValueError:
        return ""


def safe_next(request, target: str, default: str) -> str:
    """Where to go back to: `target` if it is a path of this site (never another site, a view name or garbage)."""
    target = target or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return default


def public_url(path: str, request=None) -> str:
    """The absolute address of `path` (a path starting with "/") on the platform, for feeds, the sitemap, structured
    data, e-mails and printed documents.

    SITE_URL when it is configured (always in production: it never depends on the Host header). Without it (local
    mode), the address the request came to (its Host header was checked against ALLOWED_HOSTS), or, with no request,
    the address `manage.py serve` serves (`PORT=8790 make run` gives http://127.0.0.1:8790).
    """
    if request is not None and not getattr(settings, "SITE_URL_CONFIGURED", True):
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path
