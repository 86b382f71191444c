"""Availability of remote resources: is the address of a remote file, an API or a documentation still answering?

udata's quality criterion `all_resources_available` needs it (an unknown availability counts as available; the
files the platform stores are always available and never checked).

`check_url(url)` asks the address with urllib (HEAD, then a one-byte GET when HEAD is refused), follows at most
`MAX_REDIRECTS` redirects, and never raises: a network error is an unavailable link with a short French message.
It guards against server-side request forgery: every connection — the first one and the one of each redirect —
resolves the host name itself and refuses private, loopback, link-local, multicast and reserved addresses
(unless `settings.LINK_CHECK_ALLOW_PRIVATE`), then connects to the very address it checked (no second resolution
that a rebinding DNS server could answer differently). No proxy from the environment is used.

The services `resource_check_availability` and `datasets_check_links` store the result (the interfaces: the
`check_links` command, the "Vérifier les liens" button of the publish page, through `catalog.tasks`).
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import logging
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.signals import dataset_changed

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
#: HEAD refused: ask again with GET (one byte).
HEAD_REFUSED = (405, 501)
MESSAGE_MAX_LENGTH = 200

Result = tuple[bool, int | None, str]


class AddressRefused(OSError):
    """The host resolves to an address the check must not reach."""


class SchemeRefused(AddressRefused):
    """A redirect to an address that is not http(s) (file:, ftp:…)."""


def _user_agent() -> str:
    return f"{settings.PLATFORM_NAME}-linkcheck/1.0 (+{settings.SITE_URL}; vérification de la disponibilité)"


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Is this an address of a private network, of the machine itself, or otherwise not of the public internet?"""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _guarded_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, but to an address checked first (used for every connection, redirects included)."""
    host, port = address
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not settings.LINK_CHECK_ALLOW_PRIVATE:
        for *_rest, sockaddr in infos:
            if _forbidden(ipaddress.ip_address(sockaddr[0].split("%", 1)[0])):
                raise AddressRefused(f"{host} resolves to a non-public address")
    error: OSError | None = None
    for family, type_, proto, _canonname, sockaddr in infos:
        sock = None
        try:
            sock = socket.socket(family, type_, proto)
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)  # the address checked above, not a new resolution
            return sock
        except OSError as exc:
            error = exc
            if sock is not None:
                sock.close()
    raise error or OSError(f"no address for {host}")


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection  # TLS is then set up with the host name (SNI, certificate)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("location") or headers.get("uri")
        if location and urlsplit(urljoin(req.full_url, location)).scheme.lower() not in SCHEMES:
            fp.close()
            raise SchemeRefused(f"redirect to a non-http address: {location}")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()  # a HEAD stays a HEAD (urllib would turn it into a GET)
        return new


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),  # never a proxy from the environment: connections are checked
        urllib.request.UnknownHandler(),
        _HTTPHandler(),
        _HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _request(opener, url: str, method: str, timeout: float) -> int:
    """The final status code (after redirects); HTTPError for an error status."""
    headers = {"User-Agent": _user_agent(), "Accept": "*/*"}
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - http(s) only, checked
    if method == "GET":
        request.add_header("Range", "bytes=0-0")
    with opener.open(request, timeout=timeout) as response:
        return response.status


def _status_result(code: int) -> Result:
    if 300 <= code < 400:  # a redirect left unresolved: too many, or a loop
        return False, code, _("Trop de redirections")
    if code < 400 or code == 416:  # 416: the range of an empty file; the file exists
        return True, code, _("Disponible")
    return False, code, _("Erreur %(code)d") % {"code": code}


def _error_result(error: BaseException) -> Result:
    while isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, SchemeRefused):
        return False, None, _("Redirection refusée (http ou https seulement)")
    if isinstance(error, AddressRefused):
        return False, None, _("Adresse refusée (réseau privé ou adresse réservée)")
    if isinstance(error, TimeoutError | socket.timeout):
        return False, None, _("Délai dépassé")
    if isinstance(error, socket.gaierror):
        return False, None, _("Nom de domaine introuvable")
    if isinstance(error, ssl.SSLCertVerificationError):
        return False, None, _("Certificat de sécurité invalide")
    if isinstance(error, ssl.SSLError):
        return False, None, _("Erreur de connexion sécurisée")
    if isinstance(error, ConnectionRefusedError):
        return False, None, _("Connexion refusée")
    if isinstance(error, http.client.HTTPException | ConnectionResetError):
        return False, None, _("Réponse invalide du serveur")
    return False, None, _("Erreur de connexion")


def check_url(url: str) -> Result:
    """(available, HTTP status code or None, short French message). Never raises."""
    try:
        parts = urlsplit((url or "").strip())
        if parts.scheme.lower() not in SCHEMES or not parts.hostname:
            return False, None, _("Adresse non prise en charge (http ou https seulement)")
        timeout = float(getattr(settings, "LINK_CHECK_TIMEOUT", 10))
        opener = _opener()
        try:
            return _status_result(_request(opener, url, "HEAD", timeout))
        except urllib.error.HTTPError as error:
            error.close()
            if error.code not in HEAD_REFUSED:
                return _status_result(error.code)
        try:
            return _status_result(_request(opener, url, "GET", timeout))
        except urllib.error.HTTPError as error:
            error.close()
            return _status_result(error.code)
    except Exception as error:  # a check never fails: the link is unavailable
        if not isinstance(error, OSError | http.client.HTTPException | ValueError):
            logger.warning("Unexpected error while checking %s", url, exc_info=True)
        return _error_result(error)


# --- Services -----------------------------------------------------------------------------------------------


def resource_check_availability(*, resource: Resource) -> Resource:
    """Check the address of a remote resource and store the result.

    A measure by the platform, not an edit: no revision bump, no audit entry, `updated_at` unchanged. The request
    runs outside any transaction; the write and `dataset_changed` (sent only when the availability changed, so that
    the quality score follows) are atomic. An uploaded file is left as it is: it is always available.
    """
    if not resource.is_remote or not resource.url:
        return resource
    available, status_code, message = check_url(resource.url)
    resource.availability = Resource.Availability.AVAILABLE if available else Resource.Availability.UNAVAILABLE
    resource.checked_at = timezone.now()
    resource.check_status_code = status_code if status_code is not None and 0 < status_code < 1000 else None
    resource.check_message = (message or "")[:MESSAGE_MAX_LENGTH]
    fields = ["availability", "checked_at", "check_status_code", "check_message"]
    with transaction.atomic():
        stored = Resource.objects.select_for_update().filter(pk=resource.pk).values_list("availability", "url").first()
        if stored is None or stored[1] != resource.url:  # deleted, or its address changed, meanwhile
            return resource
        Resource.objects.filter(pk=resource.pk).update(**{field: getattr(resource, field) for field in fields})
        if stored[0] != resource.availability:
            dataset_changed.send(sender=Dataset, dataset=Dataset.objects.get(pk=resource.dataset_id))
    return resource


def resource_reset_availability(*, resource_id: int) -> None:
    """A new address has not been checked yet (the `Resource` receiver calls it when an address changes)."""
    Resource.objects.filter(pk=resource_id).update(
        availability=Resource.Availability.UNKNOWN, checked_at=None, check_status_code=None, check_message=""
    )


def links_to_check(*, datasets=None, older_than_hours: float | None = 24):
    """Remote resources of published datasets (or of `datasets`) not checked in the last `older_than_hours`."""
    resources = Resource.objects.filter(kind__in=Resource.REMOTE_KINDS).exclude(url="")
    if datasets is None:
        resources = resources.filter(dataset__state=Dataset.State.PUBLISHED)
    else:
        resources = resources.filter(dataset__in=datasets)
    if older_than_hours is not None:
        limit = timezone.now() - datetime.timedelta(hours=older_than_hours)
        resources = resources.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=limit))
    return resources.order_by(F("checked_at").asc(nulls_first=True), "pk")


def datasets_check_links(
    *,
    progress: Callable[..., None] | None = None,
    older_than_hours: float | None = 24,
    datasets=None,
) -> dict:
    """Check the remote resources of published datasets (or of `datasets`, in any state) not checked recently.

    `older_than_hours=None` checks them all. `progress(done, total, message)` follows the work.
    Returns {"checked", "available", "unavailable", "changed"} (counts).
    """
    ids = list(links_to_check(datasets=datasets, older_than_hours=older_than_hours).values_list("pk", flat=True))
    total = len(ids)
    counts = {"checked": 0, "available": 0, "unavailable": 0, "changed": 0}
    if progress:
        progress(
            0, total, ngettext("%(total)d lien à vérifier", "%(total)d liens à vérifier", total) % {"total": total}
        )
    for done, pk in enumerate(ids, start=1):
        resource = Resource.objects.filter(pk=pk).first()
        if resource is not None:
            before = resource.availability
            resource_check_availability(resource=resource)
            counts["checked"] += 1
            key = "available" if resource.availability == Resource.Availability.AVAILABLE else "unavailable"
            counts[key] += 1
            counts["changed"] += int(before != resource.availability)
        if progress:
            progress(
                done,
                total,
                ngettext("%(done)d lien vérifié sur %(total)d", "%(done)d liens vérifiés sur %(total)d", done)
                % {"done": done, "total": total},
            )
    return counts
