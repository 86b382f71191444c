"""The catalogue in the platform API (/api/v1/): search with facets, datasets, resources and their versions,
re-uses; and the writes a publisher's software needs (create and update datasets, add and update resources, upload
new versions, move datasets along their lifecycle).

Reads: search goes through the one search service (catalog.search); published datasets are public, the others are
visible to those who may see them (`catalog.view_dataset`), and a 404 to everyone else. Re-uses: only those with a
published (moderated) link, and only their links to published datasets.

Writes: authenticated by a personal API token or by the session with its CSRF token (`accounts.api_auth`); they call
the catalogue's services (`catalog.services`), which check the permissions as for the web pages — an organisation or
a dataset out of the caller's reach is a 404 — and are limited per token (or account) and per address
(`API_WRITE_RATE_*`, 429 with Retry-After). Uploads are bounded by UPLOAD_MAX_BYTES while the body arrives (413).
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from auzolan.accounts.api_auth import api_auth
from auzolan.catalog import lifecycle, search, selectors, services
from auzolan.catalog.models import Dataset, Resource, Reuse, ReuseLink
from auzolan.catalog.uploads import limit_api_upload_size, refuse_oversized_upload
from auzolan.catalog.vocabularies import LICENCES, Frequency, Licence, Theme
from auzolan.core import ratelimit
from auzolan.core.api import ErrorOut
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.http import public_url
from auzolan.core.inputs import MAX_OFFSET, Id, Text, refuse_nul
from auzolan.core.permissions import can, get_object_for
from auzolan.organisations.models import Organisation

router = Router(tags=["Catalogue"])


SortField = Field(
    "relevance",
    pattern="^(relevance|updated|quality|title)$",
    description="Tri : `relevance` (pertinence, avec `q` ; sinon dernière mise à jour), `updated`, `quality`, `title`.",
)


#: A value of a search filter (a slug, a code).
FilterValue = Text(200)


class SearchParams(Schema):
    q: str = Field("", max_length=search.MAX_QUERY_LENGTH, description="Texte cherché (accents et pluriels ignorés).")
    organisation: list[FilterValue] = Field([], description="Identifiant (slug) d'organisation ; plusieurs possibles.")
    theme: list[FilterValue] = Field([], description="Code de thème européen (ENVI, GOVE…).")
    keyword: list[FilterValue] = Field([], description="Identifiant (slug) de mot-clé.")
    licence: list[FilterValue] = Field([], description="Code de licence (lov2, odc-odbl, cc-by, cc-zero, other).")
    format: list[FilterValue] = Field([], description="Format de ressource (csv, json…).")
    schema_: list[FilterValue] = Field([], alias="schema", description="Nom du schéma de données (scdl/subventions…).")
    commune: list[FilterValue] = Field([], description="Code INSEE d'une commune couverte.")
    frequency: list[FilterValue] = Field([], description="Fréquence de mise à jour (code européen : ANNUAL, MONTHLY…).")
    sort: str = SortField
    page: int = Field(1, ge=1, le=10_000, description="Numéro de page.")
    page_size: int = Field(20, ge=1, le=search.MAX_PAGE_SIZE, description="Taille de page (100 au plus).")
    facets: bool = Field(True, description="Calculer les facettes (false : plus rapide).")

    def filters(self) -> dict[str, list[str]]:
        return {
            "organisation": self.organisation,
            "theme": self.theme,
            "keyword": self.keyword,
            "licence": self.licence,
            "format": self.format,
            "schema": self.schema_,
            "commune": self.commune,
            "frequency": self.frequency,
        }


class Page(Schema):
    page: int = Field(1, ge=1, le=10_000, description="Numéro de page.")
    page_size: int = Field(20, ge=1, le=search.MAX_PAGE_SIZE, description="Taille de page (100 au plus).")
    sort: str = SortField


class OrganisationRef(Schema):
    slug: str
    name: str


class FacetItem(Schema):
    value: str
    label: str
    count: int


def _page_url(dataset: Dataset) -> str:
    return dataset.get_absolute_url()


class DatasetSummaryOut(Schema):
    identifier: uuid.UUID
    slug: str
    title: str
    excerpt: str = Field(description="Début de la description, en texte brut.")
    organisation: OrganisationRef
    themes: list[str]
    keywords: list[str]
    formats: list[str]
    licence: str
    frequency: str
    last_modified: datetime | None
    quality_score: float = Field(description="Score de qualité, de 0 à 1.")
    page_url: str
    api_url: str

    @staticmethod
    def resolve_excerpt(obj: Dataset) -> str:
        return getattr(obj, "excerpt", None) or search.plain_excerpt(obj.description)

    @staticmethod
    def resolve_themes(obj: Dataset) -> list[str]:
        return [t.code for t in obj.themes.all()]

    @staticmethod
    def resolve_keywords(obj: Dataset) -> list[str]:
        return [k.name for k in obj.keywords.all()]

    @staticmethod
    def resolve_formats(obj: Dataset) -> list[str]:
        return getattr(obj, "format_list", None) or sorted({r.format.upper() for r in obj.resources.all() if r.format})

    @staticmethod
    def resolve_page_url(obj: Dataset) -> str:
        return _page_url(obj)

    @staticmethod
    def resolve_api_url(obj: Dataset) -> str:
        return reverse("api:dataset_detail", kwargs={"slug_or_identifier": obj.slug})


class SearchOut(Schema):
    total: int
    page: int
    page_size: int
    num_pages: int
    sort: str
    results: list[DatasetSummaryOut]
    facets: dict[str, list[FacetItem]]


class CommuneRef(Schema):
    insee_code: str
    name: str


class SchemaRef(Schema):
    name: str
    title: str
    version: str
    url: str


class VersionOut(Schema):
    number: int
    original_name: str
    size: int
    sha256: str
    mime_type: str
    created_at: datetime
    download_url: str


class ResourceOut(Schema):
    identifier: uuid.UUID
    title: str
    description: str
    kind: str
    format: str
    url: str = Field(description="Adresse du fichier distant, de l'API ou de la documentation (vide pour un dépôt).")
    current_version: int | None
    api_url: str

    @staticmethod
    def resolve_current_version(obj: Resource) -> int | None:
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_api_url(obj: Resource) -> str:
        return reverse("api:resource_detail", kwargs={"identifier": obj.identifier})


class ResourceDetailOut(ResourceOut):
    dataset: str = Field(description="Identifiant (slug) du jeu de données.")
    versions: list[VersionOut]

    @staticmethod
    def resolve_dataset(obj: Resource) -> str:
        return obj.dataset.slug

    @staticmethod
    def resolve_versions(obj: Resource) -> list:
        return obj.versions_out


class DatasetDetailOut(DatasetSummaryOut):
    description: str
    state: str
    revision: int = Field(description="Révision des métadonnées : à renvoyer dans une modification (PATCH).")
    licence_title: str
    licence_url: str
    temporal_start: date | None
    temporal_end: date | None
    whole_territory: bool
    communes: list[CommuneRef]
    contact_name: str
    conforms_to: SchemaRef | None = Field(
        None, description="Le schéma de données auquel il se conforme (dct:conformsTo)."
    )
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    resources: list[ResourceOut]

    @staticmethod
    def resolve_licence_title(obj: Dataset) -> str:
        info = LICENCES.get(obj.licence)
        return info.title if info else obj.licence

    @staticmethod
    def resolve_licence_url(obj: Dataset) -> str:
        info = LICENCES.get(obj.licence)
        return obj.licence_url or (info.url if info else "")

    @staticmethod
    def resolve_conforms_to(obj: Dataset):
        return obj.schema

    @staticmethod
    def resolve_communes(obj: Dataset) -> list:
        return list(obj.communes.all())

    @staticmethod
    def resolve_resources(obj: Dataset) -> list:
        return list(obj.resources.all())


def _search_out(result: search.SearchResult) -> dict:
    return {
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "num_pages": result.num_pages,
        "sort": result.sort,
        "results": result.results,
        "facets": {
            name: [{"value": v, "label": label, "count": n} for v, label, n in items]
            for name, items in result.facets.items()
        },
    }


def _dataset_for(request, slug_or_identifier: str) -> Dataset:
    lookup: dict = {"slug": slug_or_identifier}
    with contextlib.suppress(ValueError):
        lookup = {"identifier": uuid.UUID(slug_or_identifier)}
    return get_object_for(request.user, "catalog.view_dataset", selectors.api_dataset_queryset(), **lookup)


@router.get(
    "/datasets",
    response={200: SearchOut, 422: ErrorOut},
    summary="Recherche dans le catalogue",
    description="Les jeux de données publiés, avec recherche plein texte (français : accents et pluriels ignorés), "
    "filtres (répétables ; OU au sein d'un filtre, ET entre filtres), facettes avec leurs effectifs, tris et pages. "
    "Les mêmes règles que la page /donnees/.",
)
def dataset_search(request, params: Query[SearchParams]):
    result = search.search_datasets(
        q=params.q,
        filters=params.filters(),
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        actor=request.user,
        facets=params.facets,
    )
    return _search_out(result)


@router.get(
    "/datasets/{slug_or_identifier}",
    response={200: DatasetDetailOut, 404: ErrorOut},
    summary="Détail d'un jeu de données",
    description="Un jeu de données par son identifiant dans l'adresse (slug) ou son identifiant stable (UUID), "
    "avec ses métadonnées et ses ressources. 404 s'il n'est pas publié (sauf pour son organisation).",
    url_name="dataset_detail",
)
def dataset_detail(request, slug_or_identifier: str):
    dataset = _dataset_for(request, slug_or_identifier)
    dataset.format_list = sorted({r.format.upper() for r in dataset.resources.all() if r.format})
    return dataset


@router.get(
    "/datasets/{slug_or_identifier}/resources",
    response={200: list[ResourceOut], 404: ErrorOut},
    summary="Ressources d'un jeu de données",
    description="Les fichiers, adresses, API et documentations du jeu de données, dans leur ordre.",
)
def dataset_resources(request, slug_or_identifier: str):
    return list(_dataset_for(request, slug_or_identifier).resources.all())


@router.get(
    "/resources/{identifier}",
    response={200: ResourceDetailOut, 404: ErrorOut},
    summary="Détail d'une ressource et de ses versions",
    description="Une ressource par son identifiant stable, avec toutes ses versions (numéro, taille, empreinte "
    "SHA-256, date, adresse de téléchargement).",
    url_name="resource_detail",
)
def resource_detail(request, identifier: uuid.UUID):
    try:
        resource = selectors.api_resource_queryset().get(identifier=identifier)
    except Resource.DoesNotExist:
        raise Http404 from None
    if not can(request.user, "catalog.view_dataset", resource.dataset):
        raise Http404
    return _with_versions(request, resource)


def _with_versions(request, resource: Resource) -> Resource:
    """The resource with `versions_out`, what ResourceDetailOut returns (`api_resource_queryset` prefetched them)."""
    resource.versions_out = [
        {
            "number": v.number,
            "original_name": v.original_name,
            "size": v.size,
            "sha256": v.sha256,
            "mime_type": v.mime_type,
            "created_at": v.created_at,
            "download_url": _version_url(request, resource, v),
        }
        for v in resource.versions.all()
    ]
    return resource


def _version_url(request, resource: Resource, version) -> str:
    url = reverse("catalog:version_download", args=(resource.dataset.slug, resource.identifier, version.number))
    return public_url(url, request)


@router.get(
    "/organisations/{slug}/datasets",
    response={200: SearchOut, 404: ErrorOut, 422: ErrorOut},
    summary="Jeux de données d'une organisation",
    description="Les jeux de données publiés par une organisation, paginés, avec les facettes.",
)
def organisation_datasets(request, slug: str, params: Query[Page]):
    organisation = get_object_for(request.user, "organisations.view_organisation", Organisation, slug=slug)
    result = search.search_datasets(
        filters={"organisation": [organisation.slug]},
        sort=params.sort,
        page=params.page,
        page_size=params.page_size,
        actor=request.user,
    )
    return _search_out(result)


# --- Re-uses (reads) ---------------------------------------------------------------------------------------


class DatasetRef(Schema):
    slug: str
    title: str


class ReuseOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    kind_label: str
    url: str = Field(description="Adresse de la réutilisation (application, article, visualisation…).")
    created_at: datetime
    datasets: list[DatasetRef] = Field(description="Jeux de données publiés réutilisés.")

    @staticmethod
    def resolve_kind_label(obj: Reuse) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_datasets(obj: Reuse) -> list[dict]:
        return [
            {"slug": link.dataset.slug, "title": link.dataset.title}
            for link in obj.published_links
            if link.dataset.state == Dataset.State.PUBLISHED
        ]


class ReuseListOut(Schema):
    total: int
    limit: int
    offset: int
    results: list[ReuseOut]


class ReusePage(Schema):
    limit: int = Field(20, ge=1, le=100, description="Nombre de réutilisations par page (100 au plus).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Nombre de réutilisations à sauter.")


def _reuse_page(queryset, params: ReusePage) -> dict:
    return {
        "total": queryset.count(),
        "limit": params.limit,
        "offset": params.offset,
        "results": list(queryset[params.offset : params.offset + params.limit]),
    }


@router.get(
    "/reuses",
    response={200: ReuseListOut, 422: ErrorOut},
    summary="Réutilisations",
    description="Les réutilisations publiées (modérées par les organisations des jeux de données), des plus "
    "récentes aux plus anciennes, avec les jeux de données publiés qu'elles réutilisent.",
)
def reuse_list(request, params: Query[ReusePage]):
    return _reuse_page(selectors.reuse_public_list(), params)


@router.get(
    "/reuses/{reuse_id}",
    response={200: ReuseOut, 404: ErrorOut, 422: ErrorOut},
    summary="Détail d'une réutilisation",
    description="Une réutilisation publiée par son numéro ; 404 si elle n'existe pas ou n'est pas publiée.",
)
def reuse_detail(request, reuse_id: Id):
    try:
        return selectors.reuse_public_list().get(pk=reuse_id)
    except Reuse.DoesNotExist:
        raise Http404 from None


@router.get(
    "/datasets/{slug_or_identifier}/reuses",
    response={200: ReuseListOut, 404: ErrorOut, 422: ErrorOut},
    summary="Réutilisations d'un jeu de données",
    description="Les réutilisations publiées d'un jeu de données.",
)
def dataset_reuses(request, slug_or_identifier: str, params: Query[ReusePage]):
    dataset = _dataset_for(request, slug_or_identifier)
    reuses = selectors.reuse_public_list().filter(links__dataset=dataset, links__state=ReuseLink.State.PUBLISHED)
    return _reuse_page(reuses, params)


# --- Writes: datasets and resources ------------------------------------------------------------------------

#: The error statuses every write may answer (the body is always ErrorOut).
WRITE_ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 422, 429, 503), ErrorOut)
UPLOAD_ERRORS = {**WRITE_ERRORS, 413: ErrorOut}

LicenceCode = Literal[tuple(Licence.values)]
FrequencyCode = Literal[tuple(Frequency.values)]
ThemeCode = Literal[tuple(Theme.values)]
ResourceKind = Literal[tuple(Resource.Kind.values)]
InseeCode = Text(5)


def _write_limit(request):
    """Writes per token (or account) and per address: API_WRITE_RATE_* (core.ratelimit)."""
    return ratelimit.limit(
        request,
        "api-write",
        rates={
            "token": ratelimit.Rate.parse(settings.API_WRITE_RATE_TOKEN),
            "user": ratelimit.Rate.parse(settings.API_WRITE_RATE_ACCOUNT),
            "ip": ratelimit.Rate.parse(settings.API_WRITE_RATE_IP),
        },
        concurrency={},
        hold=60,
        per_address=True,
    )


class DatasetFieldsIn(Schema):
    """The metadata of a dataset (all optional in a modification: only the fields sent change)."""

    description: str = Field("", max_length=20000, description="Description (Markdown simple).")
    licence: LicenceCode = Field(Licence.LOV2.value, description="Code de licence ; `other` demande `licence_url`.")
    licence_url: str = Field("", max_length=500, description="Adresse de la licence, pour une autre licence.")
    frequency: FrequencyCode = Field(Frequency.UNKNOWN.value, description="Fréquence de mise à jour (code européen).")
    temporal_start: date | None = Field(None, description="Début de la période couverte.")
    temporal_end: date | None = Field(None, description="Fin de la période couverte.")
    whole_territory: bool = Field(False, description="Les données couvrent tout le territoire.")
    communes: list[InseeCode] = Field([], max_length=500, description="Codes INSEE des communes couvertes.")
    contact_name: str = Field("", max_length=150, description="Nom du contact.")
    contact_email: str = Field("", max_length=254, description="Adresse électronique du contact.")
    schema_: str | None = Field(
        None, alias="schema", max_length=120, description="Nom du schéma de données (scdl/subventions…) ; null : aucun."
    )
    keywords: list[Text(100)] = Field([], max_length=services.MAX_KEYWORDS, description="Mots-clés.")
    themes: list[ThemeCode] = Field([], max_length=len(Theme.values), description="Thèmes européens (ENVI, GOVE…).")


class DatasetCreateIn(DatasetFieldsIn):
    organisation: str = Field(..., max_length=120, description="Identifiant (slug) de l'organisation qui publie.")
    title: str = Field(..., min_length=1, max_length=200, description="Titre.")


class DatasetUpdateIn(DatasetFieldsIn):
    revision: int = Field(
        ...,
        ge=1,
        le=2**31 - 1,
        description="La révision lue (champ `revision` du détail) : si le jeu de données a changé depuis, 409.",
    )
    title: str = Field("", min_length=1, max_length=200, description="Titre.")


def _dataset_fields(payload: DatasetFieldsIn, organisation, *, only_set: bool) -> dict:
    """The services' keyword arguments from a body: the schema by its name, communes by INSEE code."""
    data = payload.dict(exclude_unset=only_set, by_alias=False)
    data.pop("organisation", None)
    data.pop("revision", None)
    if "schema_" in data:
        name = data.pop("schema_")
        data["schema"] = None
        if name:
            data["schema"] = selectors.api_schema_by_name(name)
            if data["schema"] is None:
                raise ValidationError(_("Schéma de données inconnu : %(name)s.") % {"name": name}, field="schema")
    if "communes" in data:
        codes = sorted(set(data["communes"]))
        found = selectors.api_communes_by_code(organisation=organisation, codes=codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError(
                _("Communes hors du territoire de l'organisation : %(codes)s.") % {"codes": ", ".join(unknown)},
                field="communes",
            )
        data["communes"] = list(found.values())
    return data


def _dataset_out(dataset: Dataset) -> Dataset:
    dataset = selectors.api_dataset_queryset().get(pk=dataset.pk)
    dataset.format_list = sorted({r.format.upper() for r in dataset.resources.all() if r.format})
    return dataset


def _editable_dataset(request, slug_or_identifier: str, action: str = "catalog.change_dataset") -> Dataset:
    lookup: dict = {"slug": slug_or_identifier}
    with contextlib.suppress(ValueError):
        lookup = {"identifier": uuid.UUID(slug_or_identifier)}
    return get_object_for(request.user, action, Dataset.objects.select_related("organisation"), **lookup)


def _editable_resource(request, identifier: uuid.UUID) -> Resource:
    try:
        resource = Resource.objects.select_related("dataset__organisation").get(identifier=identifier)
    except Resource.DoesNotExist:
        raise Http404 from None
    if not can(request.user, "catalog.change_dataset", resource.dataset):
        raise Http404
    return resource


def _resource_out(request, resource: Resource) -> Resource:
    return _with_versions(request, selectors.api_resource_queryset().get(pk=resource.pk))


@router.post(
    "/datasets",
    auth=api_auth,
    response={201: DatasetDetailOut, 200: DatasetDetailOut, **WRITE_ERRORS},
    summary="Créer un jeu de données (brouillon)",
    description="Crée un brouillon dans une organisation dont vous êtes éditeur ou administrateur (sinon 404). "
    "Son identifiant dans l'adresse (slug) vient du titre et ne change plus ; deux envois du même titre créent deux "
    "brouillons (`…-2`), sauf avec l'en-tête `Idempotency-Key` (une valeur unique choisie par le client, 200 "
    "caractères au plus) : renvoyée avec le même corps dans les 24 heures, la requête ne crée rien et la réponse est "
    "200 avec le jeu de données déjà créé (409 si la même clé accompagne un autre corps). Publiez-le ensuite avec "
    "`POST /datasets/{slug}/publish`.",
)
def dataset_create(request, payload: DatasetCreateIn):
    with _write_limit(request):
        organisation = get_object_for(request.user, "catalog.create_dataset", Organisation, slug=payload.organisation)
        fields = _dataset_fields(payload, organisation, only_set=False)
        key = _idempotency_key(request)
        if key and (known := _idempotent_replay(request, key)) is not None:
            return Status(200, _dataset_out(known))
        try:
            dataset = services.dataset_create(
                actor=request.user, organisation=organisation, title=fields.pop("title"), **fields
            )
        except BaseException:
            if key:
                cache.delete(key)
            raise
        if key:
            cache.set(key, {"dataset": dataset.pk, "body": _body_digest(request)}, IDEMPOTENCY_SECONDS)
    return Status(201, _dataset_out(dataset))


#: How long a creation's `Idempotency-Key` is remembered.
IDEMPOTENCY_SECONDS = 24 * 3600


def _body_digest(request) -> str:
    return hashlib.sha256(request.body).hexdigest()


def _idempotency_key(request) -> str:
    """The cache key of the request's `Idempotency-Key` header (per person), or "" without one."""
    value = (request.headers.get("Idempotency-Key") or "").strip()
    if not value:
        return ""
    if len(value) > 200:
        raise ValidationError(_("L'en-tête Idempotency-Key compte 200 caractères au plus."), field="Idempotency-Key")
    return f"api-idempotency:datasets:{request.user.pk}:{hashlib.sha256(value.encode()).hexdigest()}"


def _idempotent_replay(request, key: str) -> Dataset | None:
    """None when the key is new (it is then claimed, atomically: `cache.add`); the dataset the same key created before
    (same body); a Conflict when the key is in use by a request still running or was sent with another body."""
    if cache.add(key, {"pending": True}, IDEMPOTENCY_SECONDS):
        return None
    known = cache.get(key) or {}
    if known.get("pending"):
        raise Conflict(
            _("Une requête avec la même clé Idempotency-Key est en cours : attendez sa réponse."),
            code="idempotency-in-progress",
        )
    if known.get("body") != _body_digest(request):
        raise Conflict(
            _("Cette clé Idempotency-Key a déjà servi pour une autre création : choisissez une nouvelle clé."),
            code="idempotency-key-reused",
        )
    dataset = Dataset.objects.filter(pk=known.get("dataset")).first()
    if dataset is None or not can(request.user, "catalog.change_dataset", dataset):
        raise Conflict(
            _("Le jeu de données créé avec cette clé Idempotency-Key n'existe plus : choisissez une nouvelle clé."),
            code="idempotency-key-reused",
        )
    return dataset


@router.patch(
    "/datasets/{slug_or_identifier}",
    auth=api_auth,
    response={200: DatasetDetailOut, **WRITE_ERRORS},
    summary="Modifier un jeu de données",
    description="Modifie les champs envoyés (les autres ne changent pas). `revision` est la révision lue : si "
    "quelqu'un a modifié le jeu de données depuis, la réponse est 409 (`stale-revision`, la révision actuelle "
    "dans `details.revision`) et rien n'est enregistré.",
)
def dataset_update(request, slug_or_identifier: str, payload: DatasetUpdateIn):
    with _write_limit(request):
        dataset = _editable_dataset(request, slug_or_identifier)
        fields = _dataset_fields(payload, dataset.organisation, only_set=True)
        dataset = services.dataset_update(actor=request.user, dataset=dataset, revision=payload.revision, **fields)
    return Status(200, _dataset_out(dataset))


def _transition_operation(transition) -> None:
    """One operation per move of the lifecycle table (catalog.lifecycle): POST /datasets/{…}/<name>."""

    def operation(request, slug_or_identifier: str):
        with _write_limit(request):
            dataset = _editable_dataset(request, slug_or_identifier, "catalog.publish_dataset")
            if dataset.state not in transition.sources:
                raise Conflict(
                    _("Un jeu de données « %(state)s » ne peut pas faire cette action (%(action)s).")
                    % {"state": dataset.get_state_display(), "action": transition.label},
                    code="illegal-transition",
                    extra={"state": dataset.state},
                )
            dataset = services.dataset_transition(actor=request.user, dataset=dataset, to=transition.target)
        return Status(200, _dataset_out(dataset))

    operation.__name__ = f"dataset_{transition.name}"
    sources = ", ".join(str(Dataset.State(state).label).lower() for state in transition.sources)
    router.post(
        f"/datasets/{{slug_or_identifier}}/{transition.name}",
        auth=api_auth,
        response={200: DatasetDetailOut, **WRITE_ERRORS},
        summary=f"{transition.label} (jeu de données)",
        description=f"{transition.message} Possible depuis l'état : {sources} ; sinon 409 (`illegal-transition`).",
        operation_id=f"dataset_{transition.name}",
    )(operation)


for _transition in lifecycle.TRANSITIONS:
    _transition_operation(_transition)


class ResourceCreateIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, description="Titre.")
    kind: ResourceKind = Field(
        Resource.Kind.FILE.value, description="`file` (fichier déposé), `remote`, `api` ou `documentation`."
    )
    description: str = Field("", max_length=5000, description="Description.")
    url: str = Field("", max_length=1000, description="Adresse, pour une ressource qui n'est pas un fichier déposé.")
    format: str = Field("", max_length=20, description="Format (csv, json…) ; déduit de l'adresse s'il manque.")


@router.post(
    "/datasets/{slug_or_identifier}/resources",
    auth=api_auth,
    response={201: ResourceDetailOut, **UPLOAD_ERRORS},
    summary="Ajouter une ressource",
    description="Formulaire multipart : `kind` (`file` avec `file`, le fichier déposé ; `remote`, `api` ou "
    "`documentation` avec `url`), `title`, `description`, `format`. Un fichier au-delà de la taille maximale des "
    "dépôts est refusé avec 413 pendant l'envoi.",
)
@decorate_view(limit_api_upload_size)
def resource_create(
    request,
    slug_or_identifier: str,
    payload: Form[ResourceCreateIn],
    # File[UploadedFile | None]: a file refused for its size is missing, and the answer must be the 413 below
    file: File[UploadedFile | None] = None,
):
    refuse_oversized_upload(request)
    refuse_nul(payload.dict())
    with _write_limit(request):
        dataset = _editable_dataset(request, slug_or_identifier)
        resource = services.resource_add(
            actor=request.user,
            dataset=dataset,
            file=file,
            **payload.dict(),
        )
    return Status(201, _resource_out(request, resource))


@router.post(
    "/resources/{identifier}/versions",
    auth=api_auth,
    response={201: ResourceDetailOut, **UPLOAD_ERRORS},
    summary="Déposer une nouvelle version d'un fichier",
    description="Formulaire multipart avec `file`. Les versions précédentes restent téléchargeables ; la nouvelle "
    "devient la version courante (et les données sont rechargées pour l'aperçu et l'API de données).",
)
@decorate_view(limit_api_upload_size)
def resource_version_create(request, identifier: uuid.UUID, file: File[UploadedFile | None] = None):
    refuse_oversized_upload(request)
    with _write_limit(request):
        resource = _editable_resource(request, identifier)
        if file is None:
            raise ValidationError(_("Choisissez le fichier à déposer."), field="file")
        services.resource_upload_version(actor=request.user, resource=resource, file=file)
    return Status(201, _resource_out(request, resource))


class ResourceUpdateIn(Schema):
    title: str = Field("", min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    url: str = Field("", max_length=1000, description="Adresse (ressources distantes, API, documentation).")
    format: str = Field(
        "",
        max_length=20,
        description="Format (ressources distantes ; celui d'un fichier vient de sa version courante).",
    )


@router.patch(
    "/resources/{identifier}",
    auth=api_auth,
    response={200: ResourceDetailOut, **WRITE_ERRORS},
    summary="Modifier une ressource",
    description="Modifie les champs envoyés (titre, description, adresse, format).",
)
def resource_update(request, identifier: uuid.UUID, payload: ResourceUpdateIn):
    with _write_limit(request):
        resource = _editable_resource(request, identifier)
        resource = services.resource_update(actor=request.user, resource=resource, **payload.dict(exclude_unset=True))
    return Status(200, _resource_out(request, resource))
