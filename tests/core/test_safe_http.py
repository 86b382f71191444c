"""The platform's one HTTP client for addresses people give, against a local server (no network)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from auzolan.core import safe_http


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        Handler.seen.append((self.command, self.path))
        if self.path == "/json":
            self._send(200, b'{"ok": true}', {"Content-Type": "application/json; charset=utf-8"})
        elif self.path == "/html":
            self._send(200, b"<html></html>", {"Content-Type": "text/html"})
        elif self.path == "/broken":
            self._send(200, b"{not json", {"Content-Type": "application/json"})
        elif self.path == "/big":
            self._send(200, b"x" * 5000, {"Content-Type": "application/json"})
        elif self.path == "/big-chunked":  # no Content-Length: counted while reading
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"x" * 1000)
            self.close_connection = True
        elif self.path == "/drip":  # one byte at a time: each read is quick, the whole is not
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            self.close_connection = True
        elif self.path == "/see-other":
            self._send(303, headers={"Location": "/json"})
        elif self.path == "/to-private":
            self._send(302, headers={"Location": "http://10.0.0.7/"})
        elif self.path == "/to-credentials":
            self._send(302, headers={"Location": "http://user:secret@example.org/"})
        elif self.path == "/missing":
            self._send(404, b"nope", {"Content-Type": "text/plain"})
        else:
            self._send(500)

    do_GET = do_POST = do_HEAD = _handle


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local(settings, server):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    Handler.seen.clear()
    return server


def test_get_json(local):
    assert safe_http.get_json(f"{local}/json") == {"ok": True}


def test_a_303_becomes_a_get(local):
    response = safe_http.request(f"{local}/see-other", method="POST")
    assert response.status == 200 and response.url.endswith("/json")
    assert Handler.seen == [("POST", "/see-other"), ("GET", "/json")]


def test_wrong_content_type_and_invalid_json(local):
    with pytest.raises(safe_http.WrongContentType, match="text/html"):
        safe_http.get_json(f"{local}/html")
    with pytest.raises(safe_http.InvalidContent, match="JSON valide"):
        safe_http.get_json(f"{local}/broken")


def test_error_status(local):
    assert safe_http.request(f"{local}/missing").status == 404
    with pytest.raises(safe_http.HTTPStatusError, match="404"):
        safe_http.get_json(f"{local}/missing")


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_size_limit(local, path):
    with pytest.raises(safe_http.ResponseTooLarge):
        safe_http.request(f"{local}{path}", max_bytes=2000)
    assert len(safe_http.request(f"{local}{path}", max_bytes=10_000).body) in (5000, 10_000)


def test_a_slow_drip_hits_the_total_deadline(local):
    started = time.monotonic()
    with pytest.raises(safe_http.Timeout):
        safe_http.request(f"{local}/drip", read_timeout=1, total_timeout=0.3)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://127.0.0.1:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost/",
    ],
)
def test_non_public_addresses_are_refused_before_connecting(settings, url):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    with pytest.raises(safe_http.AddressRefused, match="réseau privé"):
        safe_http.request(url)
    with pytest.raises(safe_http.AddressRefused):
        safe_http.check_address(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "", "http://"])
def test_other_schemes_are_refused(url):
    with pytest.raises(safe_http.SchemeRefused, match="http ou https"):
        safe_http.request(url)


def test_credentials_are_refused():
    with pytest.raises(safe_http.CredentialsRefused, match="mot de passe"):
        safe_http.check_address("https://user:pass@example.org/")


def test_a_name_resolving_to_a_private_address(settings, monkeypatch):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    monkeypatch.setattr(
        safe_http.socket,
        "getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.0.10", port))],
    )
    with pytest.raises(safe_http.AddressRefused):
        safe_http.request("https://portail.exemple.fr/api/3/action/package_search")


def test_redirects_are_checked_at_each_hop(server, settings, monkeypatch):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    forbidden = safe_http.forbidden
    test_server = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(safe_http, "forbidden", lambda ip: ip != test_server and forbidden(ip))
    Handler.seen.clear()
    with pytest.raises(safe_http.AddressRefused):
        safe_http.request(f"{server}/to-private")
    with pytest.raises(safe_http.CredentialsRefused):
        safe_http.request(f"{server}/to-credentials")
    assert Handler.seen == [("GET", "/to-private"), ("GET", "/to-credentials")]


def test_allow_list_by_network_and_by_name(settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["10.0.0.0/8", "intranet.local"]
    assert safe_http.address_allowed("x", ipaddress.ip_address("10.3.4.5"))
    assert not safe_http.address_allowed("x", ipaddress.ip_address("192.168.1.1"))
    assert safe_http.address_allowed("intranet.local", ipaddress.ip_address("192.168.1.1"))
    assert safe_http.address_allowed("x", ipaddress.ip_address("93.184.215.14"))


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected(local, monkeypatch):
    """A rebinding DNS server answers a public address to the check and a private one to the connection: here there
    is no second resolution to answer."""
    port = int(local.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    asked = []

    def resolve(host, port_, **kwargs):
        asked.append(host)
        return real("127.0.0.1", port_, **kwargs)

    monkeypatch.setattr(safe_http.socket, "getaddrinfo", resolve)
    assert safe_http.get_json(f"http://portail.test:{port}/json") == {"ok": True}
    assert asked == ["portail.test"]


def test_the_socket_peer_is_checked_too(local, monkeypatch):
    checks = []
    allowed = safe_http.address_allowed

    def second_check_refuses(host, ip):
        checks.append(ip)
        return allowed(host, ip) and len(checks) == 1

    monkeypatch.setattr(safe_http, "address_allowed", second_check_refuses)
    with pytest.raises(safe_http.AddressRefused):
        safe_http.request(f"{local}/json")
    assert len(checks) == 2 and Handler.seen == []
