"""The anonymous page cache (core.pagecache): public pages served from memory to visitors who are not logged in,
never one person's content to another, in the chosen language, and fresh as soon as a change is committed."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import Dataset, DatasetTheme
from auzolan.core import pagecache
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, KeywordFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory
from tests.participation.factories import ProposalFactory, process_with_phase

pytestmark = pytest.mark.django_db

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def editor(db):
    return MembershipFactory(role="editor").user


def draft(editor, title="Budget participatif des quartiers"):
    organisation = editor.memberships.get().organisation
    return DatasetFactory(organisation=organisation, title=title, state=Dataset.State.DRAFT, published_at=None)


def queries(client, url, **extra) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(captured), response.content.decode()


PUBLIC_PAGES = ["/", "/donnees/?q=budget", "/donnees/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_second_anonymous_visit_is_served_from_the_cache(client, page_cache, editor, url):
    DatasetFactory(title="Budget primitif", organisation=editor.memberships.get().organisation)
    first, body = queries(client, url)
    assert first > 0
    hit, cached = queries(Client(), url)  # another visitor: no cookie at all
    assert hit == 0  # the version lives in the shared cache (locmem in tests, one query with the database cache)
    assert TOKEN.sub("", cached) == TOKEN.sub("", body)


def test_dataset_page_is_cached_and_a_draft_never(client, page_cache, editor):
    dataset = DatasetFactory(title="Subventions 2025", organisation=editor.memberships.get().organisation)
    url = f"/donnees/{dataset.slug}/"
    assert queries(client, url)[0] > 0
    assert queries(client, url)[0] == 0
    hidden = draft(editor)
    for _ in range(2):
        assert client.get(f"/donnees/{hidden.slug}/").status_code == 404


def test_the_cache_is_off_by_default_in_tests(client, editor):
    DatasetFactory(organisation=editor.memberships.get().organisation)
    assert queries(client, "/")[0] > 0 and queries(client, "/")[0] > 0


def test_a_publication_shows_on_the_next_request(client, page_cache, editor, django_capture_on_commit_callbacks):
    dataset = draft(editor)
    assert "Budget participatif des quartiers" not in client.get("/donnees/?q=quartiers").content.decode()
    home = client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_publish(actor=editor, dataset=dataset)
    assert "Budget participatif des quartiers" in client.get("/donnees/?q=quartiers").content.decode()
    assert client.get("/").content.decode() != home  # the home page's figures count it
    url = f"/donnees/{dataset.slug}/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.dataset_unpublish(actor=editor, dataset=Dataset.objects.get(pk=dataset.pk))
    assert client.get(url).status_code == 404


def test_any_committed_write_to_a_public_table_refreshes_even_without_signals(
    client, page_cache, editor, django_capture_on_commit_callbacks
):
    dataset = DatasetFactory(title="Ancien titre", organisation=editor.memberships.get().organisation)
    url = f"/donnees/{dataset.slug}/"
    assert "Ancien titre" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Dataset.objects.filter(pk=dataset.pk).update(title="Nouveau titre")  # no save(), no signal
    assert "Nouveau titre" in client.get(url).content.decode()


def test_a_rolled_back_write_keeps_the_version(page_cache, editor, django_capture_on_commit_callbacks):
    before = pagecache.content_version()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Dataset.objects.create(organisation=editor.memberships.get().organisation, title="x", slug="x")
        raise RuntimeError
    assert callbacks == [] and pagecache.content_version() == before


def test_writes_to_private_tables_keep_the_cache(page_cache, editor, django_capture_on_commit_callbacks):
    before = pagecache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        client = Client()
        client.force_login(UserFactory())  # session, last login: private tables
        client.get("/moi/")
    assert pagecache.content_version() == before
    with django_capture_on_commit_callbacks(execute=True):
        DatasetFactory(organisation=editor.memberships.get().organisation)
    assert pagecache.content_version() != before


def test_participation_changes_refresh_the_cache(page_cache, django_capture_on_commit_callbacks):
    process = process_with_phase("ideas")
    before = pagecache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        ProposalFactory(process=process)
    assert pagecache.content_version() != before


def test_one_write_transaction_bumps_the_version_once(
    page_cache, editor, django_capture_on_commit_callbacks, monkeypatch
):
    organisation = editor.memberships.get().organisation
    versions = []
    real_set = caches["default"].set
    monkeypatch.setattr(
        caches["default"], "set", lambda key, value, **kw: (versions.append(value), real_set(key, value, **kw))
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        DatasetFactory(organisation=organisation)
        DatasetFactory(organisation=organisation)
    assert len(versions) == 1


def test_logged_in_people_never_get_or_fill_the_cache(client, page_cache, editor):
    anonymous = Client()
    anonymous.get("/")  # fills the cache
    person = UserFactory(full_name="Maïté Etcheverry")
    client.force_login(person)
    mine = client.get("/").content.decode()
    assert "Se déconnecter" in mine
    assert queries(client, "/")[0] > 0  # rendered for them, not taken from the cache
    other = Client().get("/").content.decode()
    assert "Se déconnecter" not in other and "Maïté" not in other and person.email not in other


def test_the_organisation_selector_is_never_cached(client, page_cache, editor):
    MembershipFactory(user=editor, role="editor")  # a second organisation: the header offers the selector
    client.force_login(editor)
    assert "org-switcher" in client.get("/donnees/").content.decode()
    assert "org-switcher" not in Client().get("/donnees/").content.decode()
    assert "org-switcher" in client.get("/donnees/").content.decode()


def test_each_visitor_gets_their_own_csrf_token(page_cache, db):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(first.get("/").content.decode()).group(1)
    assert queries(second, "/")[0] == 0  # the cached page…
    second_token = TOKEN.search(second.get("/").content.decode()).group(1)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value  # …with a cookie of its own
    # The token in the page works with its visitor's cookie (the language switcher), and not with another's.
    assert second.post("/i18n/setlang/", {"language": "eu", "next": "/"}).status_code == 403  # no token
    assert (
        second.post("/i18n/setlang/", {"language": "eu", "next": "/", "csrfmiddlewaretoken": first_token}).status_code
        == 403
    )
    answer = second.post("/i18n/setlang/", {"language": "eu", "next": "/", "csrfmiddlewaretoken": second_token})
    assert answer.status_code == 302
    # No page kept in the cache holds a real token: only the marker.
    for key in caches["pages"]._cache:
        entry = caches["pages"].get(key.split(":", 2)[-1])
        if entry:
            body = entry[3].decode()
            assert first_token not in body and second_token not in body


def test_the_chosen_language_is_respected(client, page_cache, settings):
    french = client.get("/").content.decode()
    basque = Client()
    basque.cookies[settings.LANGUAGE_COOKIE_NAME] = "eu"
    assert '<html lang="eu"' in basque.get("/").content.decode()
    assert '<html lang="fr"' in french and '<html lang="fr"' in Client().get("/").content.decode()
    assert '<html lang="eu"' in basque.get("/").content.decode()


def test_a_visitor_with_a_message_sees_it_and_it_is_not_cached(client, page_cache, user):
    Client().get("/")  # the cache holds the home page
    client.force_login(user)
    response = client.post("/comptes/logout/", follow=True)  # logged out, with a message in the session
    body = response.content.decode()
    assert response.redirect_chain and "notice" in body
    assert "notice" not in Client().get("/").content.decode()
    assert "notice" not in client.get("/").content.decode()  # the message was shown once


def test_other_methods_and_authorization_headers_bypass_the_cache(client, page_cache, db):
    client.get("/")
    assert queries(client, "/", HTTP_AUTHORIZATION="Bearer abc")[0] > 0
    assert client.post("/").status_code == 405


# --- Query counts of the cached pages when they are rendered (a miss) -----------------------------------------------


def _count(url) -> int:
    """Queries of a rendering, once the figures that their modules cache for a while are in the cache."""
    Client().get(url)
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    return len(captured)


def test_home_page_queries_do_not_grow_with_the_content(editor):
    def add(n):
        for _ in range(n):
            organisation = MembershipFactory(role="editor").organisation
            DatasetFactory(organisation=organisation)
            process_with_phase("ideas", organisation=organisation)

    add(1)
    few = _count("/")
    add(6)
    assert _count("/") == few <= 8


def test_dataset_page_queries_do_not_grow_with_keywords_themes_and_communes(editor):
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation)
    url = f"/donnees/{dataset.slug}/"
    few = _count(url)
    for n, code in enumerate(["ECON", "GOVE", "EDUC"]):
        DatasetTheme.objects.create(dataset=dataset, code=code)
        dataset.keywords.add(KeywordFactory())
        dataset.communes.add(CommuneFactory(insee_code=f"6410{n}"))
    assert _count(url) == few <= 15


def test_pages_still_answer_when_the_content_version_cannot_be_read(client, page_cache, monkeypatch):
    def broken():
        raise ConnectionError("cache server down")

    monkeypatch.setattr(pagecache, "content_version", broken)
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_writes_outside_a_transaction_work_and_refresh_the_cache(client, page_cache, settings):
    """An INSERT … RETURNING in autocommit (a bare `create()`): the version changes once the statement is over —
    before the next statement or at the end of the request — never in the middle of it."""

    # The database cache, as in production: the version is written through the same database connection.
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": DATABASE_CACHE, "LOCATION": "pagecache_test"}}
    call_command("createcachetable", verbosity=0)
    organisation = MembershipFactory(role="editor").organisation
    before = pagecache.content_version()
    dataset = Dataset.objects.create(organisation=organisation, title="Sans transaction", slug="sans-transaction")
    assert Dataset.objects.filter(pk=dataset.pk).exists()  # the next statement
    after_insert = pagecache.content_version()
    assert after_insert != before
    Dataset.objects.filter(pk=dataset.pk).update(title="Toujours sans transaction")  # UPDATE: at once
    assert pagecache.content_version() != after_insert
