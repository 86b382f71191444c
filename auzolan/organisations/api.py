"""The territory and member organisations in the platform API (/api/v1/)."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Field, Query, Router, Schema

from auzolan.core.api import ErrorOut
from auzolan.core.inputs import Offset
from auzolan.core.permissions import get_object_for
from auzolan.organisations import selectors
from auzolan.organisations.models import College, Commune, Organisation, OrganisationKind

router = Router(tags=["Organisations et territoire"])

MAX_LIMIT = 100


class Page(Schema):
    limit: int = Field(30, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page (100 au plus).")
    offset: Offset = Field(0, description="Nombre d'éléments à sauter.")


class OrganisationFilters(Page):
    kind: OrganisationKind | None = Field(None, description="Type d'organisation.")
    college: College | None = Field(None, description="Collège de l'assemblée générale.")
    q: str = Field("", max_length=100, description="Texte cherché dans le nom ou les communes couvertes.")


class CommuneFilters(Page):
    q: str = Field("", max_length=100, description="Début du code INSEE ou partie du nom.")


class CommuneRef(Schema):
    insee_code: str
    name: str


class OrganisationRef(Schema):
    slug: str
    name: str
    kind: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    college: str
    college_label: str
    membership_status: str
    membership_status_label: str
    member_since: date | None
    population: int | None
    agents_count: int | None
    website: str
    url: str

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_college_label(obj: Organisation) -> str:
        return str(obj.get_college_display()) if obj.college else ""

    @staticmethod
    def resolve_membership_status_label(obj: Organisation) -> str:
        return str(obj.get_membership_status_display())

    @staticmethod
    def resolve_url(obj: Organisation) -> str:
        return obj.get_absolute_url()


class OrganisationDetailOut(OrganisationOut):
    siren: str
    siret: str
    description: str
    contact_email: str
    communes: list[CommuneRef]

    @staticmethod
    def resolve_communes(obj: Organisation) -> list:
        return list(obj.communes.all())


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[OrganisationOut]


class TerritoryOut(Schema):
    name: str
    slug: str
    siren: str
    communes_count: int
    population: int
    member_communes_count: int
    source: str


class CommuneOut(Schema):
    insee_code: str
    siren: str
    name: str
    department: str
    population: int | None
    population_municipal: int | None
    population_year: int | None


class CommuneDetailOut(CommuneOut):
    organisations: list[OrganisationRef]

    @staticmethod
    def resolve_organisations(obj: Commune) -> list:
        return obj.member_organisations


class CommunePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[CommuneOut]


def _page(queryset, filters: Page) -> dict:
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "results": list(queryset[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/organisations",
    response=OrganisationPage,
    summary="Liste des organisations membres",
    description="Les organisations membres de l'agence (adhésion en cours ou suspendue comprise pour les secondes), "
    "filtrables par type, collège et texte, paginées par `limit` et `offset` ; `count` donne le total.",
)
def organisation_list(request, filters: Query[OrganisationFilters]):
    queryset = selectors.organisation_list_public(
        kind=filters.kind or "", college=filters.college or "", q=filters.q.strip()
    )
    return _page(queryset, filters)


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, 404: ErrorOut},
    summary="Détail d'une organisation",
    description="Une organisation et les communes qu'elle couvre. 404 si elle n'existe pas ou n'est pas visible.",
)
def organisation_detail(request, slug: str):
    return get_object_for(
        request.user, "organisations.view_organisation", selectors.organisation_detail_queryset(), slug=slug
    )


@router.get(
    "/territory",
    response={200: TerritoryOut, 404: ErrorOut},
    summary="Le territoire",
    description="Le territoire servi par l'agence : nom, SIREN de l'EPCI, nombre de communes et population totale.",
)
def territory(request):
    current = selectors.territory_current()
    if current is None:
        raise Http404
    summary = selectors.territory_summary(territory=current)
    return {"name": current.name, "slug": current.slug, "siren": current.siren, "source": current.source, **summary}


@router.get(
    "/communes",
    response=CommunePage,
    summary="Liste des communes du territoire",
    description="Les communes du territoire avec leur population légale, filtrables par nom ou code INSEE, paginées.",
)
def commune_list(request, filters: Query[CommuneFilters]):
    return _page(selectors.commune_list(territory=selectors.territory_current(), q=filters.q.strip()), filters)


@router.get(
    "/communes/{insee_code}",
    response={200: CommuneDetailOut, 404: ErrorOut},
    summary="Détail d'une commune",
    description="Une commune (code INSEE) et les organisations membres qui la couvrent.",
)
def commune_detail(request, insee_code: str):
    commune = selectors.commune_detail_queryset().filter(insee_code=insee_code).first()
    if commune is None:
        raise Http404
    return commune
