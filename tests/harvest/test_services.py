"""Sources: the address checked at save time (SSRF), filters, permissions, starting a run."""

from __future__ import annotations

import socket

import pytest
from django.utils import timezone

from auzolan.core import safe_http
from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry, Job
from auzolan.harvest import services
from auzolan.harvest.models import HarvestRun
from auzolan.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def create(editor, **fields):
    user, organisation = editor
    values = {"name": "Portail", "kind": "ckan", "url": "http://127.0.0.1:8000/"} | fields
    return services.source_create(actor=user, organisation=organisation, **values)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.1.2.3/", "réseau privé"),
        ("http://127.0.0.1:8000/", "réseau privé"),
        ("http://169.254.169.254/latest/meta-data/", "réseau privé"),
        ("http://[::1]/", "réseau privé"),
        ("http://localhost/", "réseau privé"),
        ("file:///etc/passwd", "http ou https"),
        ("ftp://data.exemple.fr/", "http ou https"),
        ("https://user:secret@data.exemple.fr/", "mot de passe"),
    ],
)
def test_a_non_public_address_is_refused_at_save_time(editor, settings, url, message):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    with pytest.raises(ValidationError, match=message) as error:
        create(editor, url=url)
    assert error.value.field == "url"


def test_a_name_resolving_to_a_private_address_is_refused(editor, settings, monkeypatch):
    settings.SAFE_HTTP_ALLOWED_HOSTS = []
    monkeypatch.setattr(
        safe_http.socket,
        "getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))],
    )
    with pytest.raises(ValidationError, match="réseau privé"):
        create(editor, url="https://portail-interne.exemple.fr/")


def test_the_allow_list_lets_a_local_portal_in_and_the_source_is_audited(editor, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    source = create(editor, config={"organization": "ville-anglet", "fq": ""})
    assert source.config == {"organization": "ville-anglet"} and source.schedule == "daily"
    assert source.archive_after_runs == 3 and source.created_by == editor[0]
    assert AuditLogEntry.objects.filter(action="harvest.source.created").count() == 1


def test_filters_a_kind_does_not_know_are_refused(editor, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    with pytest.raises(ValidationError, match="where") as error:
        create(editor, kind="udata", config={"where": "x"})
    assert error.value.field == "config"


def test_another_organisations_editor_can_neither_create_nor_run(editor, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    source = create(editor)
    stranger = UserFactory()
    MembershipFactory(user=stranger, role=Membership.Role.EDITOR)
    with pytest.raises(NotFound):
        services.source_create(
            actor=stranger, organisation=source.organisation, name="x", kind="ckan", url="http://127.0.0.1/"
        )
    with pytest.raises(NotFound):
        services.harvest_start(actor=stranger, source=source)
    with pytest.raises(NotFound):
        services.source_update(actor=stranger, source=source, name="Pris")


def test_harvest_start_queues_one_run_at_a_time(editor, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    source = create(editor)
    run = services.harvest_start(actor=editor[0], source=source, dry_run=True)
    assert (run.state, run.dry_run, run.started_by) == ("queued", True, editor[0])
    assert Job.objects.filter(owner=editor[0], kind="harvest.run").count() == 1
    with pytest.raises(Conflict):
        services.harvest_start(actor=editor[0], source=source)
    assert HarvestRun.objects.count() == 1
    HarvestRun.objects.update(created_at=timezone.now() - services.STALE_AFTER)  # its worker died long ago
    assert services.harvest_start(actor=editor[0], source=source).pk != run.pk


def test_an_editor_takes_over_a_source_whose_creator_left(editor, settings):
    settings.SAFE_HTTP_ALLOWED_HOSTS = ["127.0.0.1"]
    source = create(editor)
    Membership.objects.filter(user=editor[0]).delete()
    successor = UserFactory()
    MembershipFactory(user=successor, organisation=source.organisation, role=Membership.Role.ADMIN)
    updated = services.source_update(actor=successor, source=source, name="Portail de la ville")
    assert (updated.name, updated.created_by) == ("Portail de la ville", successor)
