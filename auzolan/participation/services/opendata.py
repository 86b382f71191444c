"""Open data: a process's anonymised, aggregated data published as a dataset of its organisation in the catalogue.

Only through the catalogue's services (dataset_create / dataset_update / dataset_publish, resource_add /
resource_upload_version). One dataset per process: publishing again adds new versions of the same resources.

What is published — and what never is:
- proposals.csv: id, title, category, district, status, supports and comments counts, creation date of the
  proposals that are not hidden by moderation. No author, no text, nothing of hidden content.
- budget_results.csv: the budgets whose results are published: project, cost, votes online and on paper, rank,
  winner. No ballot, no voter.
- survey_aggregates.csv: for the surveys whose results are public: counts per choice (scale value, ranking mean
  rank), with the small-count rule of participation.small_counts (empty count, masque = oui). No free text, no
  individual response.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset
from auzolan.core.errors import ValidationError
from auzolan.core.jobs import job_start, job_task
from auzolan.core.permissions import require
from auzolan.core.spreadsheets import csv_bytes
from auzolan.core.text import elide
from auzolan.participation.models import Budget, Process, Project, Proposal, Question, Survey
from auzolan.participation.models.surveys import ProcessOpenData
from auzolan.participation.selectors.surveys import survey_results

#: Process theme -> EU data themes of the dataset (always with GOVE, government and public sector).
THEMES = {
    "urbanism": ["REGI"],
    "mobility": ["TRAN"],
    "environment": ["ENVI"],
    "culture": ["EDUC"],
    "education": ["EDUC"],
    "solidarity": ["SOCI", "HEAL"],
    "economy": ["ECON"],
    "digital": ["TECH"],
}


# --- The files -----------------------------------------------------------------------------------------------


def proposals_csv(process: Process) -> bytes:
    proposals = (
        Proposal.objects.filter(process=process, is_hidden=False).select_related("category", "district").order_by("pk")
    )
    statuses = dict(Proposal.Status.choices)
    rows = (
        [
            p.pk,
            p.title,
            p.category.name if p.category else "",
            p.district.name if p.district else "",
            str(statuses.get(p.status, p.status)),
            p.supports_count,
            p.comments_count,
            timezone.localtime(p.created_at).date().isoformat(),
        ]
        for p in proposals.iterator(chunk_size=1000)
    )
    return csv_bytes(
        ["id", "titre", "categorie", "quartier", "statut", "soutiens", "commentaires", "date_creation"], rows
    )


def budget_results_csv(process: Process) -> bytes | None:
    budgets = list(Budget.objects.filter(process=process, results_published_at__isnull=False).order_by("pk"))
    if not budgets:
        return None
    projects = (
        Project.objects.filter(budget__in=budgets)
        .select_related("budget", "budget__district")
        .order_by("budget", "rank", "pk")
    )
    rows = (
        [
            p.budget.title,
            p.budget.district.name if p.budget.district else "",
            p.title,
            p.cost,
            p.online_votes,
            p.paper_votes,
            p.online_votes + p.paper_votes,
            p.rank if p.rank is not None else "",
            p.is_winner,
        ]
        for p in projects
    )
    return csv_bytes(
        [
            "budget",
            "quartier",
            "projet",
            "cout_euros",
            "voix_en_ligne",
            "voix_papier",
            "voix_total",
            "rang",
            "laureat",
        ],
        rows,
    )


def survey_aggregates_csv(process: Process) -> bytes | None:
    surveys = list(Survey.objects.filter(process=process, results_public=True, published_at__isnull=False))
    if not surveys:
        return None
    rows = []
    kinds = dict(Question.Kind.choices)
    for survey in surveys:
        results = survey_results(survey=survey, for_organisation=False)
        for item in results["questions"]:
            question = item["question"]
            if question.kind == Question.Kind.TEXT:
                continue  # free texts are never published as open data
            for row in item["rows"]:
                # The public figures: a count under the small-count threshold is left empty (masque = oui).
                rows.append(
                    [
                        survey.title,
                        item["number"],
                        question.label,
                        str(kinds.get(question.kind, question.kind)),
                        row["label"],
                        "" if row["count"] is None else row["count"],
                        "oui" if row["count"] is None else "non",
                        row.get("mean_rank") if row.get("mean_rank") is not None else "",
                        results["total"],
                    ]
                )
    return csv_bytes(
        [
            "questionnaire",
            "numero_question",
            "question",
            "type",
            "choix",
            "nombre",
            "masque",
            "rang_moyen",
            "reponses_total",
        ],
        rows,
    )


def open_data_files(process: Process) -> list[catalog.GeneratedFile]:
    """The files published for `process`."""
    files = [
        catalog.GeneratedFile(
            name="proposals.csv",
            title=_("Propositions"),
            description=_(
                "Une ligne par proposition (hors contenus masqués par la modération) : catégorie, quartier, statut, "
                "nombre de soutiens et de commentaires, date. Sans auteur ni texte."
            ),
            content=proposals_csv(process),
        )
    ]
    budgets = budget_results_csv(process)
    if budgets is not None:
        files.append(
            catalog.GeneratedFile(
                name="budget_results.csv",
                title=_("Résultats des budgets participatifs"),
                description=_(
                    "Une ligne par projet : coût, voix en ligne et sur papier, rang, lauréat. Sans bulletin individuel."
                ),
                content=budgets,
            )
        )
    surveys = survey_aggregates_csv(process)
    if surveys is not None:
        files.append(
            catalog.GeneratedFile(
                name="survey_aggregates.csv",
                title=_("Résultats agrégés des questionnaires"),
                description=_(
                    "Nombre de réponses par choix (et rang moyen pour les classements) des questionnaires aux "
                    "résultats publics. Sans réponse libre ni réponse individuelle. Un nombre inférieur à 5 est laissé "
                    "vide (colonne masque = oui), comme sur les pages de résultats."
                ),
                content=surveys,
            )
        )
    return files


# --- Publication ---------------------------------------------------------------------------------------------


def _metadata(process: Process) -> dict:
    description = _(
        "Données anonymisées de la démarche participative « %(title)s » de %(organisation)s : propositions "
        "(avec leurs nombres de soutiens et de commentaires), résultats des budgets participatifs et résultats "
        "agrégés des questionnaires. Aucune donnée personnelle : ni auteur, ni votant, ni réponse individuelle, "
        "ni réponse libre, ni contenu masqué par la modération.\n\nPage de la démarche : %(url)s"
    ) % {"title": process.title, "organisation": process.organisation.name, "url": process.get_absolute_url()}
    description = elide(description, process.organisation.name)
    return {
        "title": (_("Démarche participative : %(title)s") % {"title": process.title})[:200],
        "description": description,
        "licence": "lov2",
        "frequency": "IRREG",
        "themes": sorted({"GOVE", *THEMES.get(process.theme, [])}),
        "keywords": [_("participation citoyenne"), _("démocratie participative"), str(process.get_theme_display())],
    }


@transaction.atomic
def process_publish_open_data(*, actor, process: Process) -> Dataset:
    """Publish (or update) the process's anonymised data as a dataset of its organisation in the catalogue.

    `actor` must manage the process (and therefore may publish the organisation's datasets). Idempotent: the same
    dataset and resources are reused; each changed file becomes a new version of its resource (an unchanged file
    keeps its current version).
    """
    process = Process.objects.select_related("organisation").get(pk=process.pk)
    require(actor, "participation.change_process", process)
    if process.state == Process.State.DRAFT:
        raise ValidationError(_("Une démarche en brouillon ne publie pas de données."))
    link, _created = ProcessOpenData.objects.select_for_update().get_or_create(process=process)
    publication = catalog.generated_files_publish(
        actor=actor,
        organisation=process.organisation,
        dataset_id=link.dataset_id,
        resources=link.resources or {},
        metadata=_metadata(process),
        files=open_data_files(process),
        audit_action="participation.process.open_data_published",
        audit_obj=process,
        update_metadata=True,
    )
    link.dataset = publication.dataset
    link.resources = publication.resources
    link.published_at = timezone.now()
    link.published_by = actor if getattr(actor, "is_authenticated", False) else None
    link.save()
    return publication.dataset


@job_task
def publish_open_data_task(progress, *, process_id: int, actor_id: int) -> dict:
    actor = get_user_model().objects.get(pk=actor_id)
    process = Process.objects.get(pk=process_id)
    progress(0, 1, _("Préparation des fichiers"))
    dataset = process_publish_open_data(actor=actor, process=process)
    progress(1, 1)
    return {
        "dataset": str(dataset.identifier),
        "url": dataset.get_absolute_url(),
        "message": _("Les données de la démarche sont publiées dans le catalogue."),
    }


def process_open_data_schedule(*, actor, process: Process):
    """Start the publication as a background job (after the current transaction commits); returns the Job.

    To call when a process's results are published (Process.results_published_at set), or from the button of the
    statistics page.
    """
    require(actor, "participation.change_process", process)
    if process.state == Process.State.DRAFT:
        raise ValidationError(_("Une démarche en brouillon ne publie pas de données."))
    return job_start(
        owner=actor,
        kind="participation.open_data",
        label=(_("Publication en open data : %(title)s") % {"title": process.title})[:255],
        task=publish_open_data_task,
        process_id=process.pk,
        actor_id=actor.pk,
    )
