"""Citizen participation in the platform API (/api/v1/participation/…): reads only, no personal data.

Only public processes (published, closed, archived) are visible — a draft is a 404 for everyone, members included.
Proposals come without their author (no name, no e-mail, no account id); proposals hidden by moderation are left
out of the list (the `hidden_count` of the page says how many). Budget results (votes, rank, winner) appear only
once the budget's results are published; ballots never appear.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from ninja import Field, Query, Router, Schema

from auzolan.core.api import ErrorOut
from auzolan.core.inputs import Id
from auzolan.participation import phases as phase_types
from auzolan.participation.models import (
    Budget,
    FollowUp,
    Phase,
    Process,
    Project,
    Proposal,
    Theme,
)
from auzolan.participation.selectors import budgets as budget_selectors
from auzolan.participation.selectors import followup as followup_selectors
from auzolan.participation.selectors import processes as process_selectors
from auzolan.participation.selectors import proposals as proposal_selectors

router = Router(tags=["Participation citoyenne"])

MAX_LIMIT = 100


class Page(Schema):
    limit: int = Field(30, ge=1, le=MAX_LIMIT, description="Nombre d'éléments par page (100 au plus).")
    offset: int = Field(0, ge=0, le=1_000_000, description="Nombre d'éléments à sauter.")


class ProcessFilters(Page):
    organisation: str = Field("", max_length=120, description="Identifiant (slug) de l'organisation.")
    theme: Theme | None = Field(None, description="Thème de la démarche.")
    state: str = Field(
        "", pattern="^(|published|closed|archived)$", description="État : `published`, `closed` ou `archived`."
    )
    q: str = Field("", max_length=100, description="Texte cherché dans le titre ou le résumé.")


class ProposalFilters(Page):
    status: Proposal.Status | None = Field(None, description="Statut de la proposition.")
    category: Id | None = Field(None, description="Identifiant de la catégorie.")
    district: str = Field("", max_length=120, description="Identifiant (slug) du quartier.")
    sort: str = Field(
        "recent", pattern="^(recent|supports)$", description="Tri : `recent` (plus récentes) ou `supports`."
    )


class OrganisationRef(Schema):
    slug: str
    name: str


class PhaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    start_at: datetime
    end_at: datetime
    actions: list[str] = Field(description="Ce que les participants peuvent faire pendant cette phase.")
    verification: str = Field(description="Vérification demandée pour participer.")

    @staticmethod
    def resolve_kind_label(obj: Phase) -> str:
        return str(obj.type.label)

    @staticmethod
    def resolve_title(obj: Phase) -> str:
        return str(obj)

    @staticmethod
    def resolve_actions(obj: Phase) -> list[str]:
        return sorted(phase_types.get(obj.kind).actions) if obj.kind in dict(phase_types.choices()) else []


class ProcessSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    theme: str
    organisation: OrganisationRef
    state: str
    published_at: datetime | None
    results_published_at: datetime | None
    page_url: str

    @staticmethod
    def resolve_page_url(obj: Process) -> str:
        return obj.get_absolute_url()


class ProcessPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ProcessSummaryOut]


class ProcessDetailOut(ProcessSummaryOut):
    description: str = Field(description="Description en Markdown.")
    template: str
    communes: list[str] = Field(description="Codes INSEE des communes concernées.")
    districts: list[str] = Field(description="Identifiants (slug) des quartiers concernés.")
    phases: list[PhaseOut]
    active_phase: PhaseOut | None = Field(None, description="La phase en cours, s'il y en a une.")
    proposals_count: int = Field(description="Propositions visibles (hors contenus masqués par la modération).")

    @staticmethod
    def resolve_communes(obj: Process) -> list[str]:
        return [c.insee_code for c in obj.communes.all()]

    @staticmethod
    def resolve_districts(obj: Process) -> list[str]:
        return [d.slug for d in obj.districts.all()]

    @staticmethod
    def resolve_phases(obj: Process) -> list:
        return list(obj.phases.all())

    @staticmethod
    def resolve_active_phase(obj: Process):
        return obj.active_phase()


class ProposalOut(Schema):
    """A proposal, without its author: no name, no e-mail, no account identifier."""

    id: int
    title: str
    body: str = Field(description="Texte en Markdown.")
    status: str
    status_label: str
    category: str | None
    district: str | None = Field(description="Identifiant (slug) du quartier.")
    latitude: Decimal | None
    longitude: Decimal | None
    place: str = Field(description="Le lieu décrit en mots (adresse, repère), quand l'auteur l'a donné.")
    supports_count: int
    comments_count: int
    answer: str = Field(description="Réponse publique de l'organisation (Markdown).")
    answered_at: datetime | None
    created_at: datetime
    page_url: str

    @staticmethod
    def resolve_status_label(obj: Proposal) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_category(obj: Proposal) -> str | None:
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_district(obj: Proposal) -> str | None:
        return obj.district.slug if obj.district_id else None

    @staticmethod
    def resolve_page_url(obj: Proposal) -> str:
        return obj.get_absolute_url()


class ProposalPage(Schema):
    count: int
    limit: int
    offset: int
    hidden_count: int = Field(description="Propositions masquées par la modération, non listées.")
    results: list[ProposalOut]


class ProjectOut(Schema):
    id: int
    title: str
    description: str
    cost: int = Field(description="Coût estimé, en euros.")
    latitude: Decimal | None
    longitude: Decimal | None
    is_feasible: bool
    proposal_id: int | None = Field(description="La proposition d'origine, s'il y en a une.")
    votes: int | None = Field(
        description="Voix (en ligne et papier) ; null tant que les résultats ne sont pas publiés."
    )
    rank: int | None = Field(description="Rang ; null tant que les résultats ne sont pas publiés.")
    is_winner: bool | None = Field(description="Lauréat ; null tant que les résultats ne sont pas publiés.")

    @staticmethod
    def resolve_proposal_id(obj: Project) -> int | None:
        return obj.proposal_id if obj.proposal_id and not obj.proposal.is_hidden else None

    @staticmethod
    def resolve_votes(obj: Project) -> int | None:
        return obj.total_votes if obj.budget.results_published_at else None

    @staticmethod
    def resolve_rank(obj: Project) -> int | None:
        return obj.rank if obj.budget.results_published_at else None

    @staticmethod
    def resolve_is_winner(obj: Project) -> bool | None:
        return obj.is_winner if obj.budget.results_published_at else None


class BudgetOut(Schema):
    id: int
    title: str
    description: str
    district: str | None
    envelope: int = Field(description="Enveloppe, en euros.")
    rule: str
    min_share_percent: int
    min_projects: int
    max_projects: int | None
    result_method: str
    results_published_at: datetime | None
    paper_ballots: int | None = Field(description="Bulletins papier dépouillés ; null avant la publication.")
    projects: list[ProjectOut]

    @staticmethod
    def resolve_district(obj: Budget) -> str | None:
        return obj.district.slug if obj.district_id else None

    @staticmethod
    def resolve_paper_ballots(obj: Budget) -> int | None:
        return obj.paper_ballots if obj.results_published_at else None

    @staticmethod
    def resolve_projects(obj: Budget) -> list:
        projects = list(obj.projects.all())
        for project in projects:
            project.budget = obj
        if obj.results_published_at:
            projects.sort(key=lambda p: (p.rank is None, p.rank or 0, p.title))
        return projects


class FollowUpUpdateOut(Schema):
    date: date
    text: str = Field(description="Markdown.")
    status: str
    progress: int


class FollowUpOut(Schema):
    id: int
    title: str
    description: str = Field(description="Markdown.")
    status: str
    status_label: str
    progress: int = Field(description="Avancement, en pourcentage.")
    proposal_id: int | None
    project_id: int | None
    updated_at: datetime
    updates: list[FollowUpUpdateOut]

    @staticmethod
    def resolve_status_label(obj: FollowUp) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_proposal_id(obj: FollowUp) -> int | None:
        return obj.proposal_id if obj.proposal_id and not obj.proposal.is_hidden else None

    @staticmethod
    def resolve_updates(obj: FollowUp) -> list:
        return list(obj.updates.all())


def _process(slug: str) -> Process:
    process = process_selectors.api_processes().filter(slug=slug).first()
    if process is None:
        raise Http404
    return process


def _page(queryset, page: Page, **extra) -> dict:
    return {
        "count": queryset.count(),
        "limit": page.limit,
        "offset": page.offset,
        **extra,
        "results": list(queryset[page.offset : page.offset + page.limit]),
    }


@router.get(
    "/participation/processes",
    response={200: ProcessPage, 422: ErrorOut},
    summary="Démarches participatives",
    description="Les démarches publiques (publiées, closes ou archivées), les plus récentes d'abord, filtrables par "
    "organisation, thème, état et texte, paginées par `limit` et `offset` ; `count` donne le total.",
)
def process_list(request, filters: Query[ProcessFilters]):
    queryset = process_selectors.api_processes().order_by("-published_at", "-pk")
    if filters.organisation:
        queryset = queryset.filter(organisation__slug=filters.organisation)
    if filters.theme:
        queryset = queryset.filter(theme=filters.theme)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(summary__icontains=filters.q))
    return _page(queryset, filters)


@router.get(
    "/participation/processes/{slug}",
    response={200: ProcessDetailOut, 404: ErrorOut},
    summary="Détail d'une démarche participative",
    description="Une démarche avec ses phases (dates, type, ce que chacun peut y faire) et la phase en cours. "
    "404 si elle n'est pas publique (brouillon).",
    url_name="participation_process_detail",
)
def process_detail(request, slug: str):
    process = process_selectors.api_process_detail(slug=slug)
    if process is None:
        raise Http404
    return process


@router.get(
    "/participation/processes/{slug}/proposals",
    response={200: ProposalPage, 404: ErrorOut, 422: ErrorOut},
    summary="Propositions d'une démarche",
    description="Les propositions visibles d'une démarche, sans données personnelles (ni nom, ni adresse "
    "électronique, ni identifiant de leur auteur). Les propositions masquées par la modération ne sont pas "
    "listées ; `hidden_count` dit combien il y en a. Filtres : statut, catégorie, quartier ; tri : récentes ou "
    "soutiens.",
)
def proposal_list(request, slug: str, filters: Query[ProposalFilters]):
    process = _process(slug)
    queryset = proposal_selectors.api_visible_proposals(process=process)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(category_id=filters.category)
    if filters.district:
        queryset = queryset.filter(district__slug=filters.district)
    order = ("-supports_count", "-pk") if filters.sort == "supports" else ("-created_at", "-pk")
    queryset = queryset.order_by(*order)
    return _page(queryset, filters, hidden_count=Proposal.objects.filter(process=process, is_hidden=True).count())


@router.get(
    "/participation/processes/{slug}/budgets",
    response={200: list[BudgetOut], 404: ErrorOut},
    summary="Budgets participatifs d'une démarche",
    description="Les budgets d'une démarche avec leurs règles de vote et leurs projets. Les résultats (voix, rang, "
    "lauréat) n'apparaissent qu'une fois publiés ; avant, ces champs valent null. Aucun bulletin n'est exposé.",
)
def budget_list(request, slug: str):
    return list(budget_selectors.api_budgets(process=_process(slug)))


@router.get(
    "/participation/processes/{slug}/followups",
    response={200: list[FollowUpOut], 404: ErrorOut},
    summary="Suivi des réalisations d'une démarche",
    description="Ce que deviennent les propositions retenues et les projets lauréats : statut, avancement et points "
    "d'étape datés (les plus récents d'abord).",
)
def followup_list(request, slug: str):
    return list(followup_selectors.api_followups(process=_process(slug)))
