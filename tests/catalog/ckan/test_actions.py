"""The CKAN Action API over HTTP: every action, GET and POST, the envelope, the errors and their statuses."""

from __future__ import annotations

import json

import pytest

from auzolan.catalog.ckan import dictize

pytestmark = pytest.mark.django_db


def get(client, action: str, **params):
    return client.get(f"/api/3/action/{action}", params)


def post(client, action: str, body, path: str = "/api/action/"):
    return client.post(f"{path}{action}", json.dumps(body), content_type="application/json")


def ok(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["help"].startswith("http") and "help_show?name=" in body["help"]
    return body["result"]


def error(response, status: int, ckan_type: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["__type"] == ckan_type
    assert body["error"]["message"]
    return body["error"]


def test_site_status_help_and_licences(client, world):
    assert ok(get(client, "site_read")) is True
    status = ok(get(client, "status_show"))
    assert status["ckan_version"].startswith("2.") and status["locale_default"] == "fr"
    assert ok(get(client, "help_show", name="package_search")).startswith("Search the datasets")
    error(get(client, "help_show", name="nothing"), 404, "Not Found Error")
    licences = {licence["id"]: licence for licence in ok(get(client, "license_list"))}
    assert {"lov2", "odc-odbl", "cc-by", "cc-zero", "notspecified"} == set(licences)
    assert licences["lov2"]["url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"


def test_both_addresses_and_post(client, world):
    names = ["arbres", "budget-primitif", "stationnement-velos"]
    assert ok(get(client, "package_list")) == names
    assert ok(client.get("/api/action/package_list")) == names
    assert ok(post(client, "package_list", {"limit": 1, "offset": 1})) == ["budget-primitif"]
    assert ok(post(client, "package_list", {"limit": 2}, path="/api/3/action/")) == names[:2]
    form = client.post("/api/3/action/package_list", {"offset": "2"})
    assert ok(form) == names[2:]


def test_package_show_by_name_and_identifier(client, world):
    package = ok(get(client, "package_show", id="budget-primitif"))
    assert package == ok(get(client, "package_show", id=str(world.budget.identifier)))
    assert package["id"] == str(world.budget.identifier) and package["type"] == "dataset"
    assert package["license_id"] == "lov2" and package["isopen"] is True and package["private"] is False
    assert package["organization"]["name"] == "bayonne" and package["owner_org"] == package["organization"]["id"]
    assert [t["name"] for t in package["tags"]] == ["budget"] and package["num_tags"] == 1
    assert [g["name"] for g in package["groups"]] == ["econ"]
    assert package["maintainer_email"] == "finances@bayonne.fr"
    assert package["url"].endswith("/donnees/budget-primitif/")
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["frequency"] == "annual" and extras["temporal_start"] == "2024-01-01"
    assert extras["spatial-text"] == "Bayonne" and extras["schema"] == "scdl/subventions"
    assert extras["identifier"] == package["id"]
    (resource,) = package["resources"]
    assert resource["url_type"] == "upload" and resource["resource_type"] == "file.upload"
    assert resource["url"].startswith("http") and resource["url"].endswith("/telecharger/")
    assert resource["size"] == len(b"poste;montant\nvoirie;12\n") and len(resource["hash"]) == 64
    assert resource["format"] == "CSV" and resource["position"] == 0 and resource["datastore_active"] is False


def test_remote_and_api_resources(client, world):
    package = ok(post(client, "package_show", {"id": "stationnement-velos"}))
    remote, api = package["resources"]
    assert (remote["resource_type"], remote["url_type"], remote["url"]) == ("file", None, world.remote.url)
    assert (api["resource_type"], api["position"], api["format"]) == ("api", 1, "")
    assert package["license_id"] == "odc-odbl"
    assert ok(get(client, "resource_show", id=str(world.remote.identifier))) == remote


def test_drafts_never_leak(client, world):
    error(get(client, "package_show", id="brouillon"), 404, "Not Found Error")
    error(get(client, "package_show", id=str(world.draft.identifier)), 404, "Not Found Error")
    error(get(client, "resource_show", id=str(world.draft_resource.identifier)), 404, "Not Found Error")
    assert "brouillon" not in ok(get(client, "package_list"))
    client.force_login(world.outsider)
    error(get(client, "package_show", id="brouillon"), 404, "Not Found Error")
    result = ok(get(client, "package_search", include_private="true", rows=100))
    assert "brouillon" not in [p["name"] for p in result["results"]]
    client.force_login(world.editor)
    draft = ok(get(client, "package_show", id="brouillon"))
    assert draft["private"] is True and draft["state"] == "draft"
    assert "brouillon" not in [p["name"] for p in ok(get(client, "package_search", rows=100))["results"]]
    result = ok(get(client, "package_search", include_private="true", rows=100))
    assert "brouillon" in [p["name"] for p in result["results"]] and result["count"] == 4


def test_package_search_text_filters_and_facets(client, world):
    result = ok(get(client, "package_search", q="vélos"))
    assert [p["name"] for p in result["results"]] == ["stationnement-velos"] and result["count"] == 1
    result = ok(get(client, "package_search", fq="organization:anglet", **{"facet.field": '["tags", "res_format"]'}))
    assert result["count"] == 2
    assert result["facets"]["tags"] == {"vélo": 1}
    assert result["search_facets"]["res_format"]["items"] == [{"name": "CSV", "display_name": "CSV", "count": 1}]
    result = ok(get(client, "package_search", fq="-organization:anglet"))
    assert [p["name"] for p in result["results"]] == ["budget-primitif"]
    result = ok(get(client, "package_search", fq="organization:bayonne OR tags:vélo", sort="name asc"))
    assert [p["name"] for p in result["results"]] == ["budget-primitif", "stationnement-velos"]
    assert ok(get(client, "package_search", fq='tags:"vélo" res_format:CSV'))["count"] == 1
    assert ok(get(client, "package_search", fq="license_id:cc-by"))["results"][0]["name"] == "arbres"
    assert ok(get(client, "package_search", fq="groups:econ"))["count"] == 1
    assert ok(get(client, "package_search", fq=f"id:{world.budget.identifier}"))["count"] == 1
    assert ok(get(client, "package_search", fq="name:arbres +dataset_type:dataset"))["count"] == 1
    assert ok(get(client, "package_search", fq="metadata_modified:[2024-01-01T00:00:00Z TO *]"))["count"] == 2
    assert ok(get(client, "package_search", fq="metadata_modified:[* TO 2021-01-01T00:00:00Z]"))["count"] == 1
    # udata's form: filters in q
    assert ok(get(client, "package_search", q="organization:anglet AND tags:vélo"))["count"] == 1


def test_package_search_sort_rows_start_post_and_facet_options(client, world):
    names = lambda result: [p["name"] for p in result["results"]]  # noqa: E731
    result = ok(post(client, "package_search", {"sort": "id asc", "rows": 100}))
    assert names(result) == [
        d.slug for d in sorted([world.budget, world.velos, world.arbres], key=lambda d: str(d.identifier))
    ]
    assert result["sort"] == "id asc"
    assert names(ok(get(client, "package_search", sort="title_string asc"))) == [
        "arbres",
        "budget-primitif",
        "stationnement-velos",
    ]
    assert names(ok(get(client, "package_search", sort="metadata_modified desc")))[-1] == "arbres"
    page = ok(get(client, "package_search", sort="name asc", rows=1, start=1))
    assert names(page) == ["budget-primitif"] and page["count"] == 3
    assert ok(get(client, "package_search", rows=0))["results"] == []
    result = ok(
        post(
            client,
            "package_search",
            {"facet.field": ["organization", "license_id", "groups"], "facet.limit": 1, "facet.mincount": 1},
        )
    )
    assert result["facets"]["organization"] == {"anglet": 2}
    assert len(result["search_facets"]["license_id"]["items"]) == 1
    result = ok(get(client, "package_search", **{"facet.field": ["groups", "organization"]}))
    assert set(result["facets"]) == {"groups", "organization"}
    # the facet cache keeps each filter's counts apart
    for organisation, count in (("bayonne", 1), ("anglet", 2), ("bayonne", 1)):
        result = ok(
            get(client, "package_search", fq=f"organization:{organisation}", **{"facet.field": '["organization"]'})
        )
        assert result["facets"]["organization"] == {organisation: count}


def test_organizations_groups_and_tags(client, world):
    assert ok(get(client, "organization_list")) == ["anglet", "bayonne"]
    assert ok(get(client, "organization_list", sort="name desc", limit=1)) == ["bayonne"]
    orgs = ok(get(client, "organization_list", all_fields="true", sort="package_count desc"))
    assert [(o["name"], o["package_count"]) for o in orgs] == [("anglet", 2), ("bayonne", 1)]
    assert orgs[1]["title"] == "Ville de Bayonne" and orgs[1]["is_organization"] is True
    shown = ok(get(client, "organization_show", id="bayonne", include_datasets="true"))
    assert shown["package_count"] == 1 and [p["name"] for p in shown["packages"]] == ["budget-primitif"]
    assert ok(get(client, "organization_show", id=orgs[1]["id"]))["name"] == "bayonne"
    error(get(client, "organization_show", id="nowhere"), 404, "Not Found Error")
    assert "econ" in ok(get(client, "group_list"))
    groups = {g["name"]: g for g in ok(get(client, "group_list", all_fields="true", limit=100))}
    assert groups["econ"]["package_count"] == 1 and groups["envi"]["package_count"] == 0
    assert ok(get(client, "group_show", id="tran", include_datasets="true"))["packages"][0]["name"] == (
        "stationnement-velos"
    )
    error(get(client, "group_show", id="xxx"), 404, "Not Found Error")
    assert ok(get(client, "tag_list")) == ["budget", "vélo"]
    assert ok(get(client, "tag_list", query="vel", all_fields="true"))[0]["name"] == "vélo"


def test_errors(client, world):
    response = get(client, "nothing_here")
    assert response.status_code == 400 and "Action name not known" in response.json()
    invalid = error(get(client, "package_search", rows="-1"), 409, "Validation Error")
    assert invalid["rows"] == [invalid["message"]]
    error(get(client, "package_search", rows="1001"), 409, "Validation Error")
    error(get(client, "package_search", sort="popularity desc"), 400, "Search Query Error")
    error(get(client, "package_search", fq="colour:blue"), 400, "Search Query Error")
    error(get(client, "package_search", fq="organization:(a OR"), 400, "Search Query Error")
    error(get(client, "package_show"), 409, "Validation Error")
    error(get(client, "package_show", id="nope"), 404, "Not Found Error")
    error(get(client, "resource_show", id="not-a-uuid"), 404, "Not Found Error")
    response = client.post("/api/3/action/package_show", "{not json", content_type="application/json")
    error(response, 400, "Validation Error")
    error(post(client, "package_show", ["budget-primitif"]), 400, "Validation Error")
    assert client.put("/api/3/action/package_list").status_code == 405


GARBAGE = [
    {"rows": "abc"},
    {"rows": "99999999999999999999999"},
    {"start": "-5"},
    {"start": "100000000"},
    {"fq": ")))"},
    {"fq": "organization:"},
    {"fq": '"unterminated'},
    {"fq": "metadata_modified:[yesterday TO *]"},
    {"fq": "metadata_modified:[a b c]"},
    {"fq": "metadata_modified:[0001-01-01T00:00:00+05:00 TO 9999-12-31T23:59:59-05:00]"},
    {"offset": str(2**62)},
    {"limit": str(2**62)},
    {"fq": "(" * 200},
    {"fq": "x:" * 3000},
    {"fq": "id:\x01"},
    {"q": "((("},
    {"q": "*:*"},
    {"q": '"'},
    {"q": "name:"},
    {"q": "é" * 5000},
    {"sort": "name sideways"},
    {"sort": ",,,"},
    {"facet.field": "[not json"},
    {"facet.field": '{"a": 1}'},
    {"facet.field": '["unknown"]'},
    {"facet.limit": "-7"},
    {"facet.mincount": "x"},
    {"include_private": "maybe"},
    {"id": "\u2603"},
    {"limit": "1e9"},
    {"all_fields": "[1]"},
]


@pytest.mark.parametrize(
    "action",
    [
        "package_search",
        "package_show",
        "package_list",
        "organization_list",
        "organization_show",
        "group_list",
        "group_show",
        "tag_list",
        "resource_show",
        "help_show",
        "datastore_search",
    ],
)
def test_garbage_parameters_are_never_a_500(client, world, action):
    for params in GARBAGE:
        for response in (
            client.get(f"/api/3/action/{action}", params),
            post(client, action, params),
            post(client, action, {key: [value, {"x": [1]}] for key, value in params.items()}),
        ):
            assert response.status_code in (200, 400, 404, 409), (params, response.content)
            body = response.json()
            assert body["success"] is (response.status_code == 200)
    for body in ("[1, 2]", "null", "42", '"text"', "{" * 1000, "\xff\xfe"):
        response = client.post(f"/api/3/action/{action}", body, content_type="application/json")
        assert response.status_code in (400, 409, 404), (body, response.content)


def test_udata_required_keys(client, world):
    """A re-statement (without voluptuous) of the keys data.gouv.fr's CKAN harvester requires, with their types."""
    package = ok(get(client, "package_show", id="budget-primitif"))
    text_or_none = (str, type(None))
    required = {
        "id": str,
        "name": str,
        "title": str,
        "notes": text_or_none,
        "license_id": text_or_none,
        "license_title": text_or_none,
        "tags": list,
        "metadata_created": str,
        "metadata_modified": str,
        "organization": (dict, type(None)),
        "resources": list,
        "private": bool,
        "type": str,
        "author": text_or_none,
        "author_email": text_or_none,
        "maintainer": text_or_none,
        "maintainer_email": text_or_none,
        "state": text_or_none,
        "extras": list,
    }
    for key, kind in required.items():
        assert key in package and isinstance(package[key], kind), key
    assert package["type"] == "dataset"
    for tag in package["tags"]:
        assert isinstance(tag["id"], str) and isinstance(tag["name"], str)
    for extra in package["extras"]:
        assert set(extra) == {"key", "value"} and isinstance(extra["value"], str)
    for key in ("id", "name", "title", "created", "is_organization", "state", "type", "approval_status"):
        assert key in package["organization"]
    resource_keys = {
        "id": str,
        "position": int,
        "name": str,
        "description": text_or_none,
        "format": str,
        "mimetype": text_or_none,
        "size": (int, type(None)),
        "hash": text_or_none,
        "created": str,
        "last_modified": text_or_none,
        "url": str,
        "resource_type": str,
    }
    packages = [package, ok(get(client, "package_show", id="stationnement-velos"))]
    for resource in [r for p in packages for r in p["resources"]]:
        for key, kind in resource_keys.items():
            assert key in resource and isinstance(resource[key], kind), key
        assert resource["resource_type"] in ("file", "file.upload", "api", "documentation", "metadata")
        assert resource["hash"] == "" or len(resource["hash"]) in (32, 40, 64)
    assert package["metadata_created"][:4].isdigit() and "T" in package["metadata_created"]


def test_derived_identifiers_are_stable(world):
    assert dictize.derived_id("organisation", 1) == dictize.derived_id("organisation", 1)
    assert dictize.derived_id("organisation", 1) != dictize.derived_id("keyword", 1)


def test_page_cache_never_serves_a_members_answer_to_others(client, world, page_cache):
    url = "/api/3/action/package_search?include_private=true&rows=100"
    names = lambda response: [p["name"] for p in ok(response)["results"]]  # noqa: E731
    assert "brouillon" not in names(client.get(url))
    client.force_login(world.editor)
    assert "brouillon" in names(client.get(url))
    client.logout()
    assert "brouillon" not in names(client.get(url))
