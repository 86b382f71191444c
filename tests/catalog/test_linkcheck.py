"""Availability check of remote resources, against a local HTTP server (no network)."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from auzolan.catalog import services
from auzolan.catalog.linkcheck import check_url, datasets_check_links, resource_check_availability
from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.quality import quality_report
from auzolan.catalog.signals import dataset_changed
from auzolan.core import safe_http
from auzolan.core.models import Job
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, ResourceFactory
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

SLOW_SECONDS = 0.6


class Handler(BaseHTTPRequestHandler):
    """/ok 200, /missing 404, /no-head 405 on HEAD (206 on a ranged GET), /redirect → /ok, /loop → itself,
    /slow answers late, /to-private and /to-metadata redirect to private addresses, /to-file to a file: URL."""

    requests: list[tuple[str, str, dict]] = []

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _handle(self) -> None:
        Handler.requests.append((self.command, self.path, dict(self.headers)))
        path = self.path
        if path == "/ok":
            self._answer(200)
        elif path == "/missing":
            self._answer(404)
        elif path == "/no-head":
            if self.command == "HEAD":
                self._answer(405)
            else:
                self._answer(206 if self.headers.get("Range") == "bytes=0-0" else 200)
        elif path == "/redirect":
            self._answer(302, {"Location": "/ok"})
        elif path == "/loop":
            self._answer(302, {"Location": "/loop"})
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._answer(200)
        elif path == "/to-private":
            self._answer(302, {"Location": "http://10.1.2.3/donnees.csv"})
        elif path == "/to-metadata":
            self._answer(301, {"Location": "http://169.254.169.254/latest/meta-data/"})
        elif path == "/to-file":
            self._answer(302, {"Location": "file:///etc/passwd"})
        else:
            self._answer(500)

    do_HEAD = _handle
    do_GET = _handle


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local(settings, server):
    """The local server is reachable (it is on the loopback address)."""
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.LINK_CHECK_TIMEOUT = 2
    Handler.requests.clear()
    return server


# --- check_url ------------------------------------------------------------------------------------------------


def test_available_with_a_head_and_a_user_agent(local):
    assert check_url(f"{local}/ok") == (True, 200, "Disponible")
    method, path, headers = Handler.requests[-1]
    assert (method, path) == ("HEAD", "/ok")
    assert "Auzolan" in headers["User-Agent"]


def test_error_status_is_unavailable(local):
    assert check_url(f"{local}/missing") == (False, 404, "Erreur 404")
    assert [r[0] for r in Handler.requests] == ["HEAD"]  # no second try for a 404


def test_head_refused_falls_back_to_a_one_byte_get(local):
    assert check_url(f"{local}/no-head") == (True, 206, "Disponible")
    assert [(r[0], r[2].get("Range")) for r in Handler.requests] == [("HEAD", None), ("GET", "bytes=0-0")]


def test_redirects_are_followed_keeping_the_method(local):
    assert check_url(f"{local}/redirect") == (True, 200, "Disponible")
    assert [(r[0], r[1]) for r in Handler.requests] == [("HEAD", "/redirect"), ("HEAD", "/ok")]


def test_too_many_redirects(local):
    available, status, message = check_url(f"{local}/loop")
    assert (available, status, message) == (False, 302, "Trop de redirections")
    assert len(Handler.requests) <= safe_http.MAX_REDIRECTS + 1


def test_timeout(local, settings):
    settings.LINK_CHECK_TIMEOUT = 0.1
    started = time.monotonic()
    assert check_url(f"{local}/slow") == (False, None, "Délai dépassé")
    assert time.monotonic() - started < SLOW_SECONDS


def test_connection_refused(local):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert check_url(f"http://127.0.0.1:{port}/") == (False, None, "Connexion refusée")


def test_unknown_domain(local, monkeypatch):
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(safe_http.socket, "getaddrinfo", no_such_name)
    assert check_url("https://nexiste-pas.exemple.fr/donnees.csv") == (False, None, "Nom de domaine introuvable")


@pytest.mark.parametrize("url", ["ftp://exemple.fr/f.csv", "file:///etc/passwd", "javascript:alert(1)", "", "http://"])
def test_only_http_and_https(url):
    available, status, message = check_url(url)
    assert (available, status) == (False, None)
    assert "http" in message


def test_redirect_to_another_scheme_is_refused(local):
    available, _status, message = check_url(f"{local}/to-file")
    assert not available and "refusée" in message


# --- Server-side request forgery ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_non_public_addresses_are_forbidden(address):
    assert safe_http.forbidden(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "194.5.17.1"])
def test_public_addresses_are_allowed(address):
    assert not safe_http.forbidden(ipaddress.ip_address(address))


def test_loopback_is_refused_unless_allowed(server, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    Handler.requests.clear()
    port = server.rsplit(":", 1)[1]
    for url in [f"{server}/ok", f"http://localhost:{port}/ok", f"http://[::1]:{port}/ok", "http://169.254.169.254/"]:
        available, status, message = check_url(url)
        assert (available, status) == (False, None), url
        assert message == "Adresse refusée (réseau privé ou adresse réservée)"
    assert Handler.requests == []  # refused before connecting


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_redirect_to_a_private_address_is_refused(server, settings, monkeypatch, path):
    """The first address is public (the test server counts as such here), the redirect target is not."""
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    forbidden = safe_http.forbidden
    test_server = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(safe_http, "forbidden", lambda ip: ip != test_server and forbidden(ip))
    Handler.requests.clear()
    assert check_url(f"{server}{path}") == (False, None, "Adresse refusée (réseau privé ou adresse réservée)")
    assert [r[1] for r in Handler.requests] == [path]


# --- Services -------------------------------------------------------------------------------------------------


@pytest.fixture
def changes():
    sent = []

    def receiver(sender, dataset, **kwargs):
        sent.append(dataset.pk)

    dataset_changed.connect(receiver, dispatch_uid="test.linkcheck.changes")
    yield sent
    dataset_changed.disconnect(dispatch_uid="test.linkcheck.changes")


@pytest.mark.django_db
def test_service_stores_the_result_and_refreshes_quality_only_on_change(local, changes):
    resource = ResourceFactory(url=f"{local}/missing", title="Budget 2025")
    dataset = resource.dataset
    revision, updated_at = dataset.revision, resource.updated_at

    resource_check_availability(resource=resource)
    resource.refresh_from_db()
    assert resource.availability == Resource.Availability.UNAVAILABLE
    assert (resource.check_status_code, resource.check_message) == (404, "Erreur 404")
    assert resource.checked_at is not None and resource.updated_at == updated_at
    assert changes == [dataset.pk]
    dataset.refresh_from_db()
    assert dataset.revision == revision
    criterion = next(c for c in dataset.quality["criteria"] if c["key"] == "all_resources_available")
    assert not criterion["ok"] and "« Budget 2025 »" in criterion["advice"]

    first_check = resource.checked_at
    resource_check_availability(resource=resource)  # same result: no signal
    resource.refresh_from_db()
    assert changes == [dataset.pk] and resource.checked_at >= first_check

    Resource.objects.filter(pk=resource.pk).update(url=f"{local}/ok")
    resource.refresh_from_db()
    resource_check_availability(resource=resource)
    assert changes == [dataset.pk, dataset.pk]
    dataset.refresh_from_db()
    assert next(c for c in dataset.quality["criteria"] if c["key"] == "all_resources_available")["ok"]


@pytest.mark.django_db
def test_uploaded_files_are_not_checked(local, changes):
    resource = ResourceFactory(kind=Resource.Kind.FILE, url="")
    resource_check_availability(resource=resource)
    resource.refresh_from_db()
    assert resource.availability == Resource.Availability.UNKNOWN and resource.checked_at is None
    assert Handler.requests == [] and changes == []


@pytest.mark.django_db
def test_a_new_address_is_unchecked_again(local):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation)
    resource = ResourceFactory(dataset=dataset, url=f"{local}/missing")
    resource_check_availability(resource=resource)
    services.resource_update(actor=editor, resource=resource, title="Nouveau titre")
    resource.refresh_from_db()
    assert resource.availability == Resource.Availability.UNAVAILABLE  # same address
    services.resource_update(actor=editor, resource=resource, url=f"{local}/ok")
    resource.refresh_from_db()
    assert resource.availability == Resource.Availability.UNKNOWN
    assert (resource.checked_at, resource.check_status_code, resource.check_message) == (None, None, "")
    dataset.refresh_from_db()
    assert next(c for c in dataset.quality["criteria"] if c["key"] == "all_resources_available")["ok"]


@pytest.mark.django_db
def test_datasets_check_links_checks_published_remote_resources_not_checked_recently(local):
    published = DatasetFactory()
    ok = ResourceFactory(dataset=published, url=f"{local}/ok")
    api = ResourceFactory(dataset=published, kind=Resource.Kind.API, url=f"{local}/missing")
    recent = ResourceFactory(
        dataset=published, url=f"{local}/missing", checked_at=timezone.now() - datetime.timedelta(hours=2)
    )
    old = ResourceFactory(
        dataset=published,
        kind=Resource.Kind.DOCUMENTATION,
        url=f"{local}/redirect",
        checked_at=timezone.now() - datetime.timedelta(days=2),
    )
    ResourceFactory(dataset=published, kind=Resource.Kind.FILE, url="")
    draft = ResourceFactory(dataset=DatasetFactory(state=Dataset.State.DRAFT), url=f"{local}/missing")
    calls = []

    counts = datasets_check_links(progress=lambda done, total=None, message="": calls.append((done, total)))

    assert counts == {"checked": 3, "available": 2, "unavailable": 1, "changed": 3}
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    availability = dict(Resource.objects.values_list("pk", "availability"))
    assert availability[ok.pk] == availability[old.pk] == "available"
    assert availability[api.pk] == "unavailable"
    assert availability[recent.pk] == availability[draft.pk] == "unknown"

    assert datasets_check_links(older_than_hours=None)["checked"] == 4  # --all: the recent one too


# --- Quality --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quality_counts_unknown_as_available_and_names_the_unavailable_resources():
    dataset = DatasetFactory()
    ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="", availability="unavailable")  # ignored
    ResourceFactory(dataset=dataset, title="Inconnue")
    ResourceFactory(dataset=dataset, title="Vérifiée", availability="available")

    def criterion():
        return next(c for c in quality_report(dataset)["criteria"] if c["key"] == "all_resources_available")

    assert criterion()["ok"]
    ResourceFactory(dataset=dataset, title="Cassée", kind=Resource.Kind.API, availability="unavailable")
    ResourceFactory(dataset=dataset, title="Partie", availability="unavailable")
    result = criterion()
    assert not result["ok"]
    assert "« Cassée », « Partie »" in result["advice"]
    assert "Inconnue" not in result["advice"]


# --- Command --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_links_command(local, capsys):
    resource = ResourceFactory(url=f"{local}/missing", checked_at=timezone.now())
    call_command("check_links")
    assert "Liens vérifiés : 0" in capsys.readouterr().out
    call_command("check_links", "--all")
    assert "Liens vérifiés : 1 ; disponibles : 0 ; indisponibles : 1" in capsys.readouterr().out
    resource.refresh_from_db()
    assert resource.availability == "unavailable"


# --- Pages and the background job -----------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    return MembershipFactory(role="editor").user


@pytest.fixture
def dataset(editor):
    return DatasetFactory(organisation=editor.memberships.get().organisation, slug="equipements")


@pytest.mark.django_db
def test_check_links_path_and_method(client, editor, dataset):
    url = reverse("catalog:dataset_check_links", args=[dataset.slug])
    assert url == "/publier/equipements/liens/"
    assert client.post(url).status_code == 302  # to the login page
    assert not Job.objects.exists()
    client.force_login(editor)
    assert client.get(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["outsider", "member", "other_editor"])
def test_non_editors_get_404(client, dataset, role):
    if role == "outsider":
        user = UserFactory()
    elif role == "member":
        user = MembershipFactory(organisation=dataset.organisation, role="member").user
    else:
        user = MembershipFactory(role="editor").user
    client.force_login(user)
    assert client.post(reverse("catalog:dataset_check_links", args=[dataset.slug])).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_editor_starts_the_check_and_follows_the_job(client, editor, dataset, local):
    broken = ResourceFactory(dataset=dataset, url=f"{local}/missing", title="Équipements sportifs")
    ResourceFactory(dataset=dataset, url=f"{local}/ok", title="Écoles")
    client.force_login(editor)
    page = client.get(reverse("catalog:dataset_edit", args=[dataset.slug])).content.decode()
    assert "Vérifier les liens" in page and reverse("catalog:dataset_check_links", args=[dataset.slug]) in page

    response = client.post(reverse("catalog:dataset_check_links", args=[dataset.slug]))
    job = Job.objects.get(owner=editor, kind="catalog.check_links")
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])

    run_queued_tasks()

    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.message == "2 liens vérifiés : 1 indisponible(s)."
    assert (job.progress_done, job.progress_total) == (2, 2)

    public = client.get(reverse("catalog:dataset", args=[dataset.slug])).content.decode()
    assert "Lien indisponible lors de la dernière vérification (Erreur 404)" in public
    assert "Lien vérifié le" in public
    edit = client.get(reverse("catalog:resource_edit", args=[dataset.slug, broken.identifier])).content.decode()
    assert "Lien indisponible lors de la dernière vérification (Erreur 404)" in edit
    assert (
        "lien indisponible lors de la dernière vérification"
        in client.get(reverse("catalog:dataset_edit", args=[dataset.slug])).content.decode()
    )


@pytest.mark.django_db
def test_no_button_without_remote_resources(client, editor, dataset):
    ResourceFactory(dataset=dataset, kind=Resource.Kind.FILE, url="")
    client.force_login(editor)
    page = client.get(reverse("catalog:dataset_edit", args=[dataset.slug])).content.decode()
    assert "Vérifier les liens" not in page
    public = client.get(reverse("catalog:dataset", args=[dataset.slug])).content.decode()
    assert "Lien vérifié" not in public and "Lien indisponible" not in public
