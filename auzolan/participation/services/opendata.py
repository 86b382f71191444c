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

import csv
import hashlib
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset, Resource
from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError
from auzolan.core.jobs import job_start, job_task
from auzolan.core.permissions import require
from auzolan.core.spreadsheets import neutralise
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


def safe_cell(value):
    """A spreadsheet must not run a cell as a formula: text starting with = + - @ (or a tab/CR) gets a quote
    (auzolan.core.spreadsheets, shared with the datastore's exports)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


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
    return _csv(["id", "titre", "categorie", "quartier", "statut", "soutiens", "commentaires", "date_creation"], rows)


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
    return _csv(
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
    return _csv(
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


def open_data_files(process: Process) -> dict[str, tuple[str, str, bytes]]:
    """file name -> (title, description, content) of what is published for `process`."""
    files = {
        "proposals.csv": (
            _("Propositions"),
            _(
                "Une ligne par proposition (hors contenus masqués par la modération) : catégorie, quartier, statut, "
                "nombre de soutiens et de commentaires, date. Sans auteur ni texte."
            ),
            proposals_csv(process),
        )
    }
    budgets = budget_results_csv(process)
    if budgets is not None:
        files["budget_results.csv"] = (
            _("Résultats des budgets participatifs"),
            _("Une ligne par projet : coût, voix en ligne et sur papier, rang, lauréat. Sans bulletin individuel."),
            budgets,
        )
    surveys = survey_aggregates_csv(process)
    if surveys is not None:
        files["survey_aggregates.csv"] = (
            _("Résultats agrégés des questionnaires"),
            _(
                "Nombre de réponses par choix (et rang moyen pour les classements) des questionnaires aux "
                "résultats publics. Sans réponse libre ni réponse individuelle. Un nombre inférieur à 5 est laissé "
                "vide (colonne masque = oui), comme sur les pages de résultats."
            ),
            surveys,
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


def _current_sha256(resource: Resource) -> str:
    version = resource.current_version
    return version.sha256 if version is not None else ""


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
    metadata = _metadata(process)
    dataset = Dataset.objects.filter(pk=link.dataset_id).first() if link.dataset_id else None
    if dataset is None:
        dataset = catalog.dataset_create(actor=actor, organisation=process.organisation, **metadata)
        link.resources = {}
    else:
        dataset = catalog.dataset_update(actor=actor, dataset=dataset, revision=dataset.revision, **metadata)
    files = open_data_files(process)
    resources = dict(link.resources or {})
    existing = {
        str(r.identifier): r for r in Resource.objects.filter(dataset=dataset).select_related("current_version")
    }
    for name, (title, description, content) in files.items():
        resource = existing.get(resources.get(name, ""))
        upload = ContentFile(content, name=name)
        if resource is None:
            resource = catalog.resource_add(
                actor=actor, dataset=dataset, kind=Resource.Kind.FILE, title=title, description=description, file=upload
            )
            resources[name] = str(resource.identifier)
        elif _current_sha256(resource) != hashlib.sha256(content).hexdigest():
            catalog.resource_upload_version(actor=actor, resource=resource, file=upload)
    if dataset.state != Dataset.State.PUBLISHED:
        dataset = catalog.dataset_publish(actor=actor, dataset=dataset)
    link.dataset = dataset
    link.resources = resources
    link.published_at = timezone.now()
    link.published_by = actor if getattr(actor, "is_authenticated", False) else None
    link.save()
    audit_log(
        actor=actor,
        action="participation.process.open_data_published",
        obj=process,
        organisation=process.organisation,
        data={"dataset": str(dataset.identifier), "files": sorted(files)},
    )
    return dataset


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
