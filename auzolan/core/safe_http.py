"""The platform's one HTTP client for addresses that people give (remote resources, harvest sources).

Server-side request forgery is the danger: an address typed in a form must not make the server talk to its own
network. Every connection — the first one and the one of each redirect — goes through `_guarded_connection`, which
resolves the host name, refuses private, loopback, link-local, multicast, reserved and unspecified addresses, then
connects to the very address it checked (no second resolution that a rebinding DNS server could answer differently).
Only http and https, no credentials in the address, at most `max_redirects` redirects (each one checked again),
a connection timeout, a read timeout, a total deadline (a server sending one byte a second does not hold a worker),
and a size limit counted while the body arrives (`Content-Length` is not trusted). No proxy from the environment,
no compression asked (no decompression bomb).

`settings.SAFE_HTTP_ALLOWED_HOSTS` lists the exceptions: host names, addresses or networks (`10.0.0.0/8`) that may be
non-public (an intranet portal; the tests' server on 127.0.0.1).

Errors are `SafeHTTPError` subclasses carrying a short French `message`; a response with an error status is not an
error here (`Response.raise_for_status()` makes it one).
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from auzolan.core.inputs import load_json

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_CODES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
CHUNK_SIZE = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class SafeHTTPError(OSError):
    """The request could not be made or its answer was refused. `message`: short, French, for people."""

    def __init__(self, message: str = "", *, status: int | None = None):
        self.status = status
        self.message = message or self.default_message()
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("Erreur de connexion")


class AddressRefused(SafeHTTPError):
    """The host resolves to an address that must not be reached."""

    def default_message(self) -> str:
        return _("Adresse refusée (réseau privé ou adresse réservée)")


class SchemeRefused(AddressRefused):
    """Not http or https (the first address or a redirect: file:, ftp:, gopher:…)."""

    def default_message(self) -> str:
        return _("Adresse non prise en charge (http ou https seulement)")


class CredentialsRefused(AddressRefused):
    def default_message(self) -> str:
        return _("Adresse refusée : elle contient un identifiant ou un mot de passe")


class TooManyRedirects(SafeHTTPError):
    def default_message(self) -> str:
        return _("Trop de redirections")


class Timeout(SafeHTTPError):
    def default_message(self) -> str:
        return _("Délai dépassé")


class ResponseTooLarge(SafeHTTPError):
    def default_message(self) -> str:
        return _("Réponse trop volumineuse")


class WrongContentType(SafeHTTPError):
    def default_message(self) -> str:
        return _("Type de contenu inattendu")


class InvalidContent(SafeHTTPError):
    def default_message(self) -> str:
        return _("Contenu invalide")


class HTTPStatusError(SafeHTTPError):
    def default_message(self) -> str:
        return _("Erreur %(code)d") % {"code": self.status or 0}


# --- Addresses ------------------------------------------------------------------------------------------------


def forbidden(ip: IPAddress) -> bool:
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


def _allowed_hosts() -> tuple[frozenset[str], tuple]:
    names, networks = set(), []
    for entry in getattr(settings, "SAFE_HTTP_ALLOWED_HOSTS", ()) or ():
        entry = str(entry).strip().lower().strip("[]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry)
    return frozenset(names), tuple(networks)


def address_allowed(host: str, ip: IPAddress) -> bool:
    """May a connection to `host` go to `ip`? Public addresses always; others only when allowed by the settings."""
    if not forbidden(ip):
        return True
    names, networks = _allowed_hosts()
    if host.lower().strip("[]") in names:
        return True
    candidates = [ip, mapped] if (mapped := getattr(ip, "ipv4_mapped", None)) else [ip]
    return any(c in n for n in networks for c in candidates if c.version == n.version)


def _ip(sockaddr) -> IPAddress:
    return ipaddress.ip_address(sockaddr[0].split("%", 1)[0])


def _resolve(host: str, port: int) -> list:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise SafeHTTPError(_("Nom de domaine introuvable")) from error
    except UnicodeError as error:
        raise SafeHTTPError(_("Nom de domaine invalide")) from error


def _checked_infos(host: str, port: int) -> list:
    infos = _resolve(host, port)
    for *_rest, sockaddr in infos:
        if not address_allowed(host, _ip(sockaddr)):
            raise AddressRefused()
    return infos


def check_address(url: str) -> None:
    """Refuse an address before it is stored (a form, a service): scheme, credentials, and where its host resolves.

    The check is made again at every connection (the name may resolve elsewhere later)."""
    parts = _split(url)
    _checked_infos(parts.hostname, _port(parts))


def _split(url: str):
    try:
        parts = urlsplit((url or "").strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise SchemeRefused(_("Adresse invalide")) from error
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise SchemeRefused()
    if parts.username is not None or parts.password is not None:
        raise CredentialsRefused()
    return parts


def _port(parts) -> int:
    return parts.port or DEFAULT_PORTS[parts.scheme.lower()]


def _guarded_connection(address, timeout=None, source_address=None, *, read_timeout: float):
    """socket.create_connection, but to an address checked first (used for every connection, redirects included).

    `timeout` (http.client's) bounds the connection; `read_timeout` then bounds each read."""
    host, port = address
    infos = _checked_infos(host, port)
    error: OSError | None = None
    for family, type_, proto, _canonname, sockaddr in infos:
        sock = None
        try:
            sock = socket.socket(family, type_, proto)
            sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)  # the address checked above, not a new resolution
            peer = sock.getpeername()
            if not address_allowed(host, _ip(peer)):  # belt and braces: what the socket really reached
                raise AddressRefused()
            sock.settimeout(read_timeout)
            return sock
        except AddressRefused:
            sock.close()
            raise
        except OSError as exc:
            error = exc
            if sock is not None:
                sock.close()
    raise error or OSError(f"no address for {host}")


# --- Requests -------------------------------------------------------------------------------------------------


@dataclass
class Response:
    url: str  # the final address, after redirects
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()

    def raise_for_status(self) -> Response:
        if self.status >= 400:
            raise HTTPStatusError(status=self.status)
        return self

    def require_content_type(self, *accepted: str) -> Response:
        """Refuse a body of another type. An entry ending in `/` or starting with `+` matches a family
        (`text/`, `+json`, `+xml`)."""
        kind = self.content_type
        for wanted in accepted:
            if (
                kind == wanted
                or (wanted.endswith("/") and kind.startswith(wanted))
                or (wanted.startswith("+") and kind.endswith(wanted))
            ):
                return self
        raise WrongContentType(
            _("Type de contenu inattendu : %(found)s (attendu : %(expected)s)")
            % {"found": kind or _("aucun"), "expected": ", ".join(accepted)}
        )

    def json(self):
        try:
            return load_json(self.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidContent(_("La réponse n'est pas du JSON valide")) from error


def _connection(parts, connect_timeout: float, read_timeout: float) -> http.client.HTTPConnection:
    scheme = parts.scheme.lower()
    if scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, _port(parts), timeout=connect_timeout, context=ssl.create_default_context()
        )  # TLS is set up with the host name (SNI, certificate) over the checked socket
    else:
        connection = http.client.HTTPConnection(parts.hostname, _port(parts), timeout=connect_timeout)
    connection._create_connection = functools.partial(_guarded_connection, read_timeout=read_timeout)
    return connection


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise ResponseTooLarge()
    chunks, size = [], 0
    while True:
        chunk = response.read1(CHUNK_SIZE) if hasattr(response, "read1") else response.read(CHUNK_SIZE)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge()
        if time.monotonic() > deadline:
            raise Timeout()
        chunks.append(chunk)
    return b"".join(chunks)


def request(
    url: str,
    *,
    method: str = "GET",
    headers: dict | None = None,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    total_timeout: float | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    max_redirects: int = MAX_REDIRECTS,
    read_body: bool = True,
) -> Response:
    """Ask `url`, following redirects (each one checked); the body read up to `max_bytes` (`read_body=False`: not
    read, for a HEAD or an availability check). Raises a `SafeHTTPError` subclass; an error status is a Response."""
    deadline = time.monotonic() + (total_timeout if total_timeout is not None else connect_timeout + 4 * read_timeout)
    method = method.upper()
    sent_headers = {"User-Agent": f"{settings.PLATFORM_NAME}/1.0 (+{settings.SITE_URL})", "Accept": "*/*"}
    sent_headers.update(headers or {})
    current = url
    for hop in range(max_redirects + 1):
        try:
            parts = _split(current)
        except SchemeRefused as error:
            if hop == 0 or isinstance(error, CredentialsRefused):
                raise
            raise SchemeRefused(_("Redirection refusée (http ou https seulement)")) from error
        connection = _connection(parts, connect_timeout, read_timeout)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        try:
            try:
                connection.request(method, target, headers=sent_headers)
                response = connection.getresponse()
                location = response.getheader("Location")
                if response.status in REDIRECT_CODES and location:
                    if hop == max_redirects:
                        raise TooManyRedirects(status=response.status)
                    current = urljoin(current, location.strip())
                    if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                        method = "GET"
                    continue
                body = _read_body(response, max_bytes, deadline) if read_body and method != "HEAD" else b""
                return Response(url=current, status=response.status, headers=response.headers, body=body)
            except SafeHTTPError:
                raise
            except TimeoutError as error:
                raise Timeout() from error
            except ssl.SSLCertVerificationError as error:
                raise SafeHTTPError(_("Certificat de sécurité invalide")) from error
            except ssl.SSLError as error:
                raise SafeHTTPError(_("Erreur de connexion sécurisée")) from error
            except ConnectionRefusedError as error:
                raise SafeHTTPError(_("Connexion refusée")) from error
            except (http.client.HTTPException, ConnectionResetError) as error:
                raise SafeHTTPError(_("Réponse invalide du serveur")) from error
            except (OSError, ValueError) as error:
                raise SafeHTTPError() from error
        finally:
            connection.close()
    raise TooManyRedirects()  # not reached: the last hop raises or returns


def get_json(url: str, **kwargs):
    """GET a JSON document: status < 400, a JSON content type, valid JSON within the size limit."""
    headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
    response = request(url, headers=headers, **kwargs).raise_for_status()
    response.require_content_type("application/json", "+json", "text/json", "text/javascript")
    return response.json()
