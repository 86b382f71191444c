"""The compatibility test: the real ckanapi client, unchanged, against a live test server — POST with JSON (its default,
on `api/action/`) and GET (`get_only=True`): list, search with facets and filters, show, organisations, datastore_search
with filters, and its error mapping."""

from __future__ import annotations

import json

import ckanapi
import pytest

from auzolan.accounts.services import api_token_create
from auzolan.catalog import search
from tests.catalog.factories import DatasetFactory, KeywordFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory


@pytest.fixture
def portal(live_server, transactional_db, settings):
    settings.CKAN_API_RATE_IP = ""
    membership = MembershipFactory(role="editor", organisation__slug="bayonne", organisation__name="Bayonne")
    dataset = DatasetFactory(organisation=membership.organisation, slug="subventions", title="Subventions versées")
    dataset.keywords.add(KeywordFactory(name="subventions", slug="subventions"))
    DatasetFactory(organisation=membership.organisation, slug="budget", title="Budget primitif")
    DatasetFactory(slug="ailleurs", title="Arbres d'ailleurs")
    resource, _table = load(membership.user, dataset)
    search.rebuild_index()
    return live_server.url, dataset, resource


@pytest.mark.parametrize("get_only", [False, True], ids=["post", "get"])
def test_ckanapi_client_works_unchanged(portal, get_only):
    url, dataset, resource = portal
    with ckanapi.RemoteCKAN(url, get_only=get_only, user_agent="auzolan-tests") as remote:
        assert remote.action.package_list() == ["ailleurs", "budget", "subventions"]

        found = remote.action.package_search(
            q="subventions", fq="organization:bayonne", rows=5, **{"facet.field": ["organization", "tags"]}
        )
        assert found["count"] == 1 and found["results"][0]["name"] == "subventions"
        assert found["facets"]["organization"] == {"bayonne": 1}
        assert found["search_facets"]["tags"]["items"][0]["name"] == "subventions"
        assert remote.action.package_search(fq="-organization:bayonne")["count"] == 1

        package = remote.action.package_show(id="subventions")
        assert package["id"] == str(dataset.identifier)
        (shown,) = package["resources"]
        assert shown["id"] == str(resource.identifier) and shown["datastore_active"] is True

        organisations = remote.action.organization_list(all_fields=True)
        assert (organisations[0]["name"], organisations[0]["package_count"]) == ("bayonne", 2)

        filters = {"commune": ["Bayonne", "Anglet"]}
        rows = remote.action.datastore_search(
            resource_id=shown["id"],
            # ckanapi's GET sends values as query parameters: a dict has to be given as its JSON text
            filters=json.dumps(filters) if get_only else filters,
            sort="montant desc",
        )
        assert [r["commune"] for r in rows["records"]] == ["Bayonne", "Anglet"] and rows["total"] == 2
        assert rows["fields"][0] == {"id": "_id", "type": "int"}
        assert remote.action.datastore_search(resource_id=shown["id"], limit=0)["records"] == []

        with pytest.raises(ckanapi.NotFound):
            remote.action.package_show(id="does-not-exist")
        with pytest.raises(ckanapi.NotFound):
            remote.action.datastore_search(resource_id="0f8fad5b-d9cb-469f-a165-70867728950e")
        with pytest.raises(ckanapi.ValidationError):
            remote.action.package_search(rows=5000)
        with pytest.raises(ckanapi.SearchQueryError):
            remote.action.package_search(fq="colour:blue")


def test_ckanapi_with_an_api_key_sees_its_organisations_private_datasets(portal):
    """ckanapi sends the key as `X-CKAN-API-Key` and `Authorization`: the platform's personal API token is that key, so
    `include_private` lists a member's drafts (and only to them)."""
    url, dataset, _resource = portal
    editor = dataset.organisation.memberships.get().user
    DatasetFactory(organisation=dataset.organisation, slug="brouillon", title="Brouillon interne", state="draft")
    DatasetFactory(slug="brouillon-d-ailleurs", title="Brouillon d'ailleurs", state="draft")
    _token, raw = api_token_create(actor=editor, name="ckanapi", lifetime_days=30)
    with ckanapi.RemoteCKAN(url, apikey=raw, user_agent="auzolan-tests") as remote:
        names = {p["name"] for p in remote.action.package_search(include_private=True, rows=50)["results"]}
        assert "brouillon" in names and "brouillon-d-ailleurs" not in names
        assert remote.action.package_show(id="brouillon")["private"] is True
    with ckanapi.RemoteCKAN(url, user_agent="auzolan-tests") as anonymous:
        names = {p["name"] for p in anonymous.action.package_search(include_private=True, rows=50)["results"]}
        assert "brouillon" not in names
        with pytest.raises(ckanapi.NotFound):
            anonymous.action.package_show(id="brouillon")
