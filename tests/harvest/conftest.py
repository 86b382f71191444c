"""A local portal for the harvest tests: a threaded HTTP server on 127.0.0.1 whose answers each test writes
(`portal.route(path, handler)`: the handler gets the query parameters and returns a `Reply`). No network."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from auzolan.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


@dataclass
class Reply:
    body: object = None
    status: int = 200
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0
    headers: dict = field(default_factory=dict)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class Portal:
    def __init__(self):
        self.routes: dict[str, Callable[[dict], Reply]] = {}
        self.requests: list[str] = []
        self.base = ""

    def route(self, path: str, handler: Callable[[dict], Reply] | Reply) -> None:
        self.routes[path] = handler if callable(handler) else (lambda params, reply=handler: reply)

    def reset(self) -> None:
        self.routes.clear()
        self.requests.clear()


def _handler_class(portal: Portal):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            portal.requests.append(self.path)
            parts = urlsplit(self.path)
            params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            handler = portal.routes.get(parts.path)
            reply = handler(params) if handler else Reply({"error": "not found"}, status=404)
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.payload()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (a timeout test)
                pass

    return Handler


@pytest.fixture(scope="session")
def _portal_server():
    portal = Portal()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(portal))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    portal.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield portal
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def portal(_portal_server, settings):
    """The local portal, reachable (127.0.0.1 allowed), with short limits."""
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.HARVEST_TIMEOUT = 2
    _portal_server.reset()
    yield _portal_server
    _portal_server.reset()


@pytest.fixture
def editor(db):
    organisation = OrganisationFactory(name="Commune d'Anglet", slug="anglet")
    user = UserFactory()
    MembershipFactory(organisation=organisation, user=user, role=Membership.Role.EDITOR)
    return user, organisation
