from ninja import Router

router = Router(tags=["Données tabulaires"])

# --- Ingestion: the table of a resource (columns, types, data dictionary, state) ----------------------------

import uuid  # noqa: E402

from django.http import Http404  # noqa: E402
from ninja import Schema  # noqa: E402

from auzolan.catalog.models import Resource  # noqa: E402
from auzolan.core.permissions import can  # noqa: E402
from auzolan.datastore import selectors as datastore_selectors  # noqa: E402


class TableColumnOut(Schema):
    name: str
    original_label: str
    type: str
    inferred_type: str
    label: str
    description: str


class TableOut(Schema):
    resource: uuid.UUID
    version: int
    state: str
    row_count: int
    columns: list[TableColumnOut]
    loaded_at: str | None


@router.get(
    "/resources/{identifier}/table",
    response=TableOut,
    summary="Table d'une ressource : colonnes, types, dictionnaire des données, nombre de lignes",
)
def resource_table(request, identifier: uuid.UUID):
    """The current (ready) table of a resource visible to the caller; 404 when there is none."""
    resource = Resource.objects.select_related("dataset").filter(identifier=identifier).first()
    if resource is None or not can(request.user, "catalog.view_dataset", resource.dataset):
        raise Http404
    table = datastore_selectors.current_table(resource)
    if table is None:
        raise Http404
    return {
        "resource": resource.identifier,
        "version": table.version.number,
        "state": table.state,
        "row_count": table.row_count,
        "columns": datastore_selectors.table_columns(table),
        "loaded_at": table.finished_at.isoformat() if table.finished_at else None,
    }


# --- Validation: a file against a Table Schema (public, nothing stored) ------------------------------------

from django.utils.translation import gettext as _  # noqa: E402
from ninja import File, Form, UploadedFile  # noqa: E402

from auzolan.catalog.services import megabytes, upload_max_bytes  # noqa: E402
from auzolan.core.errors import ValidationError as _ValidationRefused  # noqa: E402
from auzolan.datastore.validation.service import validate_upload  # noqa: E402


@router.post(
    "/validate",
    summary="Valider un fichier CSV contre un schéma (SCDL ou Table Schema) ; le fichier n'est pas conservé",
    response=dict,
)
def validate_file(
    request,
    file: File[UploadedFile],
    schema_name: str = Form("", alias="schema"),
    schema_file: File[UploadedFile] | None = None,
):
    """The validation report: frictionless error codes, row numbers counting the header as row 1, French messages."""
    for upload in (file, schema_file):
        if upload is not None and upload.size > upload_max_bytes():
            raise _ValidationRefused(
                _("Le fichier dépasse la taille maximale de %(limit)s Mo.") % {"limit": megabytes(upload_max_bytes())},
                field="file",
                code="too-large",
            )
    return validate_upload(file=file, schema_name=schema_name, schema_file=schema_file).as_dict()


# --- Conformance: the stored validation report of a resource version (datastore.conformance) ----------------

from auzolan.catalog.models import ResourceVersion as _ResourceVersion  # noqa: E402
from auzolan.datastore import conformance as _conformance  # noqa: E402


@router.get(
    "/resources/{identifier}/versions/{number}/validation",
    summary="Rapport de validation d'une version de ressource contre le schéma déclaré du jeu de données",
    response=dict,
)
def resource_version_validation(request, identifier: uuid.UUID, number: int):
    """The latest stored report (same shape as POST /validate), with `state` (pending, running, done, failed),
    `error` and the schema validated against; 404 when the version was never validated."""
    resource = Resource.objects.select_related("dataset").filter(identifier=identifier).first()
    if resource is None or not can(request.user, "catalog.view_dataset", resource.dataset):
        raise Http404
    version = _ResourceVersion.objects.filter(resource=resource, number=number).first()
    stored = _conformance.latest_report(version) if version is not None else None
    if stored is None:
        raise Http404
    report = dict(stored.report) if stored.state == "done" else {}
    report.update(
        {
            "state": stored.state,
            "error": stored.error,
            "resource": str(resource.identifier),
            "version": version.number,
            "validated_schema": {"name": stored.schema_name, "version": stored.schema_version},
            "finished_at": stored.finished_at.isoformat() if stored.finished_at else None,
        }
    )
    report.setdefault("valid", stored.valid)
    return report

