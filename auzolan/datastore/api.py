import math
import uuid
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.decorators import decorate_view
from ninja.responses import NinjaJSONEncoder

from auzolan.catalog.models import Resource, ResourceVersion
from auzolan.catalog.uploads import megabytes, upload_max_bytes
from auzolan.core import ratelimit
from auzolan.core.api import ProgressOut, errors
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.inputs import BIGINT_MAX, MAX_OFFSET, BoundedInt
from auzolan.core.pagecache import cache_public_page
from auzolan.core.permissions import can
from auzolan.datastore import export_jobs, exports, selectors, services, sqlpool
from auzolan.datastore import query as _query
from auzolan.datastore import sql as _sql
from auzolan.datastore.models import Table, TableExport
from auzolan.datastore.validation.service import validate_upload

router = Router(tags=["Données tabulaires"])

# --- Ingestion: the table of a resource (columns, types, data dictionary, state) ----------------------------


class TableColumnOut(Schema):
    name: str
    original_label: str
    type: str
    inferred_type: str
    label: str
    description: str
    unit: str = ""  # the unit of the values (€, k€, %…): stripped from the cells at load, or given by the editor
    identifier: bool = False  # SIRET, code, number…: never summed nor averaged


class TableOut(Schema):
    resource: uuid.UUID
    version: int
    state: str
    row_count: int
    columns: list[TableColumnOut]
    loaded_at: str | None


@router.get(
    "/resources/{identifier}/table",
    response={200: TableOut, **errors(404)},
    summary="Table d'une ressource : colonnes, types, dictionnaire des données, nombre de lignes",
)
def resource_table(request, identifier: uuid.UUID):
    """The current (ready) table of a resource visible to the caller; 404 when there is none."""
    resource = Resource.objects.select_related("dataset").filter(identifier=identifier).first()
    if resource is None or not can(request.user, "catalog.view_dataset", resource.dataset):
        raise Http404
    table = selectors.current_table(resource)
    if table is None:
        raise Http404
    return {
        "resource": resource.identifier,
        "version": table.version.number,
        "state": table.state,
        "row_count": table.row_count,
        "columns": _query.table_columns(table),
        "loaded_at": table.finished_at.isoformat() if table.finished_at else None,
    }


# --- Validation: a file against a Table Schema (public, nothing stored) ------------------------------------


@router.post(
    "/validate",
    summary="Valider un fichier CSV contre un schéma (SCDL ou Table Schema) ; le fichier n'est pas conservé",
    response={200: dict, **errors(404)},
)
def validate_file(
    request,
    file: File[UploadedFile],
    schema_name: str = Form("", alias="schema", max_length=200),
    # File[UploadedFile | None], not File[UploadedFile] | None: wrapped in Optional, the marker is lost and ninja
    # reads the parameter from the query string (an uploaded schema was ignored)
    schema_file: File[UploadedFile | None] = None,
):
    """The validation report: frictionless error codes, row numbers counting the header as row 1, French messages."""
    for upload in (file, schema_file):
        if upload is not None and upload.size > upload_max_bytes():
            raise ValidationError(
                _("Le fichier dépasse la taille maximale de %(limit)s Mo.") % {"limit": megabytes(upload_max_bytes())},
                field="file",
                code="too-large",
            )
    return validate_upload(file=file, schema_name=schema_name, schema_file=schema_file).as_dict()


# --- Conformance: the stored validation report of a resource version (datastore.conformance) ----------------


@router.get(
    "/resources/{identifier}/versions/{number}/validation",
    summary="Rapport de validation d'une version de ressource contre le schéma déclaré du jeu de données",
    response=dict,
)
def resource_version_validation(request, identifier: uuid.UUID, number: BoundedInt(1, BIGINT_MAX)):
    """The latest stored report (same shape as POST /validate), with `state` (pending, running, done, failed),
    `error` and the schema validated against; 404 when the version was never validated."""
    resource = Resource.objects.select_related("dataset").filter(identifier=identifier).first()
    if resource is None or not can(request.user, "catalog.view_dataset", resource.dataset):
        raise Http404
    version = ResourceVersion.objects.filter(resource=resource, number=number).first()
    stored = selectors.latest_report(version) if version is not None else None
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


# --- Data API: rows, aggregations, exports and read-only SQL over resource tables (datastore.query) -----------
# One engine (auzolan.datastore.query) serves these endpoints, the preview and CKAN datastore_search (datastore.ckan).


_FILTERS_DOC = (
    "Filtres par colonne dans la chaîne de requête : `colonne=valeur` (égal), `colonne__not`, `colonne__contains` "
    "(sans casse ni accents), `colonne__in=a,b`, `colonne__gt`, `__gte`, `__lt`, `__lte` (valeur du type de la "
    "colonne : nombre, date AAAA-MM-JJ), `colonne__isnull=true|false`."
)


class DataFieldOut(Schema):
    name: str
    type: str
    label: str


class DataPageOut(Schema):
    fields: list[DataFieldOut]
    rows: list[dict]
    total: int
    total_estimated: bool
    next_cursor: str | None
    limit: int
    offset: int


class AggregateOut(Schema):
    group_by: list[str]
    aggregates: list[str]
    rows: list[dict]
    truncated: bool
    limit: int
    offset: int


class SqlColumnOut(Schema):
    name: str
    type: str


class SqlOut(Schema):
    columns: list[SqlColumnOut]
    rows: list[list]
    truncated: bool
    limit: int


class SqlIn(Schema):
    sql: str
    resources: list[uuid.UUID]
    limit: int = _sql.DEFAULT_ROWS


def _ready_table(request, identifier: uuid.UUID) -> tuple[Resource, Table]:
    """The current ready table of a resource visible to the caller: 404 if invisible or never loaded, 409 if loading."""
    resource = Resource.objects.select_related("dataset").filter(identifier=identifier).first()
    if resource is None or not can(request.user, "catalog.view_dataset", resource.dataset):
        raise Http404
    table = selectors.current_table(resource)
    if table is not None:
        return resource, table
    latest = selectors.latest_table(resource)
    if latest is None:
        raise Http404
    if latest.state == Table.State.FAILED:
        raise Conflict(
            _("Le chargement de cette table a échoué : aucune donnée n'est interrogeable."), code="not-ready"
        )
    raise Conflict(_("Cette table est en cours de chargement : réessayez dans un instant."), code="not-ready")


@router.get(
    "/resources/{identifier}/data",
    response={200: DataPageOut, **errors(409, 503)},
    summary="Lignes d'une ressource tabulaire : filtres, tri, champs, recherche, pagination",
    description=_FILTERS_DOC,
)
@decorate_view(cache_public_page("datastore.data"))
def resource_data(
    request,
    identifier: uuid.UUID,
    sort: str = Query(
        "",
        max_length=_query.MAX_LIST_LENGTH,
        description="Colonnes de tri séparées par des virgules ; `-colonne` pour décroissant.",
    ),
    fields: str = Query(
        "",
        max_length=_query.MAX_LIST_LENGTH,
        description="Colonnes à renvoyer, séparées par des virgules (toutes par défaut).",
    ),
    q: str = Query(
        "",
        max_length=_query.MAX_TEXT_LENGTH,
        description="Mots cherchés dans les colonnes de texte : chaque mot doit commencer un mot de la ligne "
        "(sans casse ni accents).",
    ),
    limit: int = Query(_query.DEFAULT_LIMIT, ge=1, le=_query.MAX_LIMIT, description="Lignes par page (1000 au plus)."),
    offset: int = Query(
        0, ge=0, le=MAX_OFFSET, description="Lignes à sauter (préférez `cursor` pour les pages lointaines)."
    ),
    cursor: str = Query(
        "",
        max_length=_query.MAX_CURSOR_LENGTH,
        description="Curseur opaque de la page suivante (`next_cursor` de la réponse précédente).",
    ),
):
    """`total` is exact when counted with a first page; a cursor page whose total is not cached counts it alone,
    exactly up to 100 000 matching rows and estimated above (`total_estimated`)."""
    _resource, table = _ready_table(request, identifier)
    page = _query.search(table, _query.parse_params(request.GET))
    return page.__dict__


@router.get(
    "/resources/{identifier}/data/aggregate",
    response={200: AggregateOut, **errors(409, 503)},
    summary="Agrégation d'une ressource tabulaire : regroupement et nombre, somme, moyenne, minimum, maximum",
    description=_FILTERS_DOC,
)
@decorate_view(cache_public_page("datastore.aggregate"))
def resource_data_aggregate(
    request,
    identifier: uuid.UUID,
    group_by: str = Query(
        "",
        max_length=_query.MAX_LIST_LENGTH,
        description="Une ou deux colonnes de regroupement, séparées par une virgule.",
    ),
    agg: str = Query(
        "count",
        max_length=_query.MAX_LIST_LENGTH,
        description="Agrégats séparés par des virgules : `count`, `sum:col`, `avg:col`, `min:col`, `max:col`.",
    ),
    sort: str = Query(
        "",
        max_length=_query.MAX_LIST_LENGTH,
        description="Tri des groupes (colonne ou agrégat, `-` pour décroissant) ; nombre décroissant.",
    ),
    limit: int = Query(
        _query.DEFAULT_LIMIT, ge=1, le=_query.MAX_GROUPS, description="Groupes par page (1000 au plus)."
    ),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    _resource, table = _ready_table(request, identifier)
    query = _query.parse_params(request.GET, max_limit=_query.MAX_GROUPS)
    return _query.aggregate(table, query, group_by=_query._list(group_by), aggregates=_query._list(agg) or ["count"])


# --- Exports: streamed when small, prepared in the background when large (datastore.exports, export_jobs) ---------


_EXPORT_DOC = (
    " Formats : csv, json (un tableau), parquet, xlsx (cellules typées : nombres, dates, booléens, texte ; jamais "
    "de formule ; au plus 1 048 575 lignes, sinon erreur 400 `too-large` : exportez en CSV ou en Parquet ; un "
    "texte de plus de 32 767 caractères est coupé, avec une note dans une seconde feuille)."
    "\n\n**Formules** : le CSV est destiné aux tableurs ; une cellule de texte (ou un nom de colonne) qui commence "
    "par `=`, `+`, `-`, `@`, une tabulation ou un retour chariot reçoit une apostrophe devant elle, pour qu'un "
    "tableur l'affiche sans l'exécuter (injection de formule). Les colonnes numériques ne sont jamais modifiées "
    "(-12.5 reste -12.5). `raw=true` garde les octets tels quels (pour les programmes). JSON et Parquet, formats "
    "pour les programmes, ne sont jamais modifiés ; le XLSX écrit ces textes comme des cellules de texte."
    "\n\n**Exports volumineux** : un export dont la taille (lignes × colonnes, pondérée par le coût du format : "
    "CSV et Parquet ×1, JSON ×2, XLSX ×40) dépasse le seuil du service (`DATASTORE_EXPORT_INLINE_CELLS`, 4 millions "
    "par défaut) est préparé en arrière-plan : la réponse est alors **202** avec l'état de la préparation "
    "(`status_url` à interroger, en-tête `Location`), puis, une fois prêt, `download_url`. Le même export demandé "
    "à nouveau (mêmes filtres, tri, champs, format) reprend la préparation en cours ; s'il est déjà prêt, la réponse "
    "est **303** vers le fichier. Le fichier reste disponible quelques heures (`expires_at`). Trop d'exports en "
    "préparation : **429** avec `Retry-After`."
)


class ExportStatusOut(ProgressOut):
    format: str
    raw: bool
    rows: int
    columns: int
    size: int
    expires_at: datetime | None
    status_url: str
    download_url: str | None
    page_url: str


@router.get(
    "/resources/{identifier}/data/export",
    summary="Export d'un résultat filtré et trié d'une ressource tabulaire (CSV, JSON, Parquet ou XLSX)",
    description=_FILTERS_DOC + _EXPORT_DOC,
    response={200: None, 202: ExportStatusOut, 303: ExportStatusOut, **errors(409, 429, 503)},
)
def resource_data_export(
    request,
    identifier: uuid.UUID,
    format: str = Query("csv", max_length=20, description="csv, json, parquet ou xlsx."),
    raw: str = Query(
        "false",
        max_length=10,
        description="true : garder les cellules telles quelles, sans neutraliser les textes qui ressemblent à une "
        "formule de tableur (CSV ; sans effet sur les autres formats).",
    ),
    sort: str = Query("", max_length=_query.MAX_LIST_LENGTH),
    fields: str = Query("", max_length=_query.MAX_LIST_LENGTH),
    q: str = Query("", max_length=_query.MAX_TEXT_LENGTH),
):
    """Small results are produced and streamed at once (200); large ones are prepared in the background (202)."""
    resource, table = _ready_table(request, identifier)
    spec = exports.parse_spec(request.GET)
    size = exports.measure(table, spec)
    filename = exports.filename_for(resource)
    if size.inline:
        return exports.export_response(table, spec, filename=filename)
    try:
        export = services.export_request(
            actor=request.user,
            table=table,
            spec=spec,
            size=size,
            filename=filename,
            requester=ratelimit.requester(request),
        )
    except services.QueueFull as error:
        response = JsonResponse({"error": error.as_dict()}, status=error.status)
        response["Retry-After"] = str(error.retry_after)
        return response
    ready = export.state == TableExport.State.SUCCEEDED
    body = export_jobs.status(export)
    response = JsonResponse(body, status=303 if ready else 202, encoder=NinjaJSONEncoder)
    response["Location"] = body["download_url"] if ready else body["status_url"]
    if not ready:
        response["Retry-After"] = "2"
    return response


@router.get(
    "/exports/{export_id}",
    response={200: ExportStatusOut, **errors(410)},
    summary="État de la préparation d'un export volumineux (progression, adresse du fichier une fois prêt)",
    description=(
        "L'identifiant est donné par la réponse 202 de l'export ; seul qui le détient peut suivre l'export. La "
        "visibilité du jeu de données est vérifiée à nouveau (404 sinon). `state` : queued, running, succeeded, "
        "failed ; `download_url` une fois l'export prêt ; `expires_at` : date à laquelle le fichier sera supprimé."
    ),
)
def export_status(request, export_id: uuid.UUID):
    return export_jobs.status(selectors.visible_export(request.user, export_id))


@router.get(
    "/exports/{export_id}/file",
    summary="Fichier d'un export volumineux une fois prêt",
    description=(
        "La visibilité du jeu de données est vérifiée à nouveau à chaque téléchargement (404 sinon). 409 tant que "
        "l'export est en préparation, 410 quand il a échoué ou expiré."
    ),
    response={200: None, **errors(409, 410)},
)
def export_file(request, export_id: uuid.UUID):
    export = selectors.visible_export(request.user, export_id)
    return exports.stored_response(export_jobs.open_file(export), export.format, filename=export.filename)


def _sql_tables(request, identifiers: list[uuid.UUID]) -> list[Table]:
    if not identifiers:
        raise ValidationError(_("Indiquez au moins une ressource (paramètre resource)."), field="resource")
    if len(identifiers) > 5:
        raise ValidationError(_("Cinq ressources au plus par requête."), field="resource")
    return [_ready_table(request, identifier)[1] for identifier in dict.fromkeys(identifiers)]


@router.get(
    "/sql",
    response={200: SqlOut, **errors(404, 409, 429, 503)},
    summary="Requête SQL en lecture seule (un seul SELECT) sur les tables de ressources",
    description=(
        "La première ressource est la vue `data` ; chaque ressource est aussi la vue `t_<8 premiers caractères "
        "hexadécimaux de son identifiant>`. Une seule instruction SELECT, sans accès aux fichiers, au réseau ni aux "
        "réglages ; limite de temps et de lignes (1000 par défaut, 10 000 au plus). Une valeur trop longue ou une "
        "réponse trop grande est une erreur 400 (utilisez `substr()`, moins de lignes ou des agrégats). Nombre de "
        "requêtes par minute et de requêtes simultanées limité par adresse et par compte : au-delà, erreur 429 avec "
        "l'en-tête `Retry-After` (secondes)."
    ),
)
def sql_query(
    request,
    sql: str = Query(..., description="La requête SELECT."),
    resource: list[uuid.UUID] = Query(..., description="Identifiant(s) de ressource ; répétez le paramètre."),  # noqa: B008
    limit: int = Query(_sql.DEFAULT_ROWS, description="Lignes au plus (10 000 au plus)."),
):
    return _sql_run(request, sql, resource, limit)


@router.post(
    "/sql",
    response={200: SqlOut, **errors(404, 409, 429, 503)},
    summary="Requête SQL en lecture seule (corps JSON : sql, resources, limit)",
)
def sql_query_post(request, payload: SqlIn):
    return _sql_run(request, payload.sql, payload.resources, payload.limit)


def _sql_limits() -> dict:
    """The SQL endpoint's rate and concurrency limits per kind of requester (`core.ratelimit.requester`)."""
    timeout = _query.timeout_seconds()
    return {
        "rates": {
            "ip": ratelimit.Rate.parse(settings.DATASTORE_SQL_RATE_IP),
            "user": ratelimit.Rate.parse(settings.DATASTORE_SQL_RATE_ACCOUNT),
        },
        "concurrency": {
            "ip": settings.DATASTORE_SQL_CONCURRENCY_IP,
            "user": settings.DATASTORE_SQL_CONCURRENCY_ACCOUNT,
        },
        # a slot outlives the longest call (waiting for a worker, then the query) even if this process dies
        "hold": math.ceil(2 * timeout + sqlpool.GRACE + 10),
        "retry_after": math.ceil(timeout),
    }


def _sql_run(request, sql: str, identifiers: list[uuid.UUID], limit: int):
    with ratelimit.limit(request, "sql", **_sql_limits()):
        if not 1 <= limit <= _sql.MAX_ROWS:
            raise ValidationError(
                _("Le paramètre limit doit être compris entre 1 et %(max)s.") % {"max": _sql.MAX_ROWS}, field="limit"
            )
        body = _sql.run(_sql_tables(request, identifiers), sql, limit=limit)
    # the worker's JSON, checked against the caps there, is sent as it is (no decoding and re-encoding here)
    return HttpResponse(body, content_type="application/json; charset=utf-8")
