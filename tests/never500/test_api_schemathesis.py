"""Schemathesis over the OpenAPI document of /api/v1/: for every operation, requests generated from the document
(valid and invalid ones) never get a 5xx, and every answer conforms to the document — its status is declared, its
content type and body match the declared schema.

The requests go through Django's WSGI handler (the whole middleware stack, CSRF included), in the never-500 world
(built once for the package, each test in a savepoint). Writes carry an editor's personal API token, and half of the
cases name the world's real objects in their address (the others the generated, mostly unknown, ones).
Bounded: schemathesis's deterministic coverage cases (boundaries, missing and wrong-typed fields) plus 4
derandomised examples per operation (API_FUZZ_EXAMPLES=40 for a deeper run); about 50 s, so `exhaustive` (SQLite).
"""

from __future__ import annotations

import itertools
import os
import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from auzolan.accounts import services as accounts_services
from auzolan.catalog.models import Dataset
from config.api import api
from tests.catalog.factories import ReuseLinkFactory

PREFIX = "/api/v1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Operations whose answer is not a JSON document the schema can describe (files, streams, redirects).
NOT_JSON = re.compile(r"/(file|export)$")

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=PREFIX))
schema.app = WSGIHandler()
_counter = itertools.count()


@pytest.fixture
def fuzz(world, db, settings):
    """An editor's token; a published re-use; rate limits off; Django's test habit of keeping the connection across
    requests (its handler closes it at each request's start and end, which would end the world's transaction)."""
    settings.API_WRITE_RATE_TOKEN = settings.API_WRITE_RATE_IP = ""
    settings.DATASTORE_SQL_RATE_IP = settings.DATASTORE_SQL_RATE_ACCOUNT = ""
    _token, raw = accounts_services.api_token_create(actor=world.editor, name="fuzz", lifetime_days=30)
    reuse = ReuseLinkFactory(dataset=world.dataset, state="published").reuse
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "headers": {"Authorization": f"Bearer {raw}"},
            "real": {
                "identifier": str(world.resource.identifier),
                "slug_or_identifier": world.draft.slug,
                "slug": world.organisation.slug,
                "job_id": str(world.job.pk),
                "export_id": str(world.export.pk),
                "insee_code": world.commune.insee_code,
                "number": world.version.number,
                "reuse_id": reuse.pk,
            },
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _use_real_objects(case, real: dict) -> None:
    """Name the world's objects in the address and the body, and send the dataset's current revision, so that the
    writes get past "not found" and "stale revision" (the other half of the cases keep what was generated)."""
    if case.path_parameters:
        case.path_parameters = {name: real.get(name, value) for name, value in case.path_parameters.items()}
    if isinstance(case.body, dict):
        if "organisation" in case.body:
            case.body["organisation"] = real["slug"]
        if "revision" in case.body:
            case.body["revision"] = Dataset.objects.get(slug=real["slug_or_identifier"]).revision


@pytest.mark.exhaustive
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "4")),
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_document(case, fuzz):
    if next(_counter) % 2 == 0:
        _use_real_objects(case, fuzz["real"])
    response = case.call(headers=fuzz["headers"])
    checks = CHECKS if not NOT_JSON.search(case.operation.path) else [not_a_server_error, status_code_conformance]
    case.validate_response(response, checks=checks)
