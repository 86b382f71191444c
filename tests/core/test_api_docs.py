"""/api/v1/docs, linked from every footer: Swagger UI served by the platform itself (django-ninja's copy of
swagger-ui-dist, pinned with it), started by a static script — nothing from another host, nothing inline."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_docs_page_loads_swagger_ui_from_the_platform_only(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html and "<h1" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith(".js") and "swagger-ui-bundle" in s for s in sources)
    assert any(s.endswith(".css") and "swagger-ui" in s for s in sources)
    assert all(s.startswith(("/", "#")) and not s.startswith("//") for s in sources), sources
    # no inline script: every <script> has a src, except the JSON settings (not executed)
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()
    assert "/api/v1/openapi.json" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_assets_are_found_by_staticfiles():
    for name in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "js/api-docs.js"):
        assert finders.find(name), name


def test_docs_page_presents_the_ckan_api(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "API compatible CKAN" in html and "/api/3/action/package_search?" in html


def test_openapi_document_has_no_duplicate_keys(client):
    """Swagger UI reads the document with a YAML parser, which refuses a key written twice (a status declared as the
    int 404 by a router and as the text "404" by the platform-wide errors printed both): the page then shows no
    operation at all."""
    duplicates = []

    def pairs(items):
        keys = [key for key, _value in items]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(items)

    response = client.get("/api/v1/openapi.json")
    document = json.loads(response.content, object_pairs_hook=pairs)
    assert duplicates == []
    assert "404" in document["paths"]["/api/v1/datasets/{slug_or_identifier}"]["get"]["responses"]
