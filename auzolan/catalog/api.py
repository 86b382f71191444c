"""The catalogue in the platform API (/api/v1/): search with facets, datasets, resources and their versions.

Reads only. Search goes through the one search service (catalog.search); published datasets are public,
the others are visible to those who may see them (`catalog.view_dataset`), and a 404 to everyone else.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, datetime

from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from auzolan.catalog import search, selectors
from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.vocabularies import LICENCES
from auzolan.core.api import ErrorOut
from auzolan.core.http import public_url
from auzolan.core.inputs import Text
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
