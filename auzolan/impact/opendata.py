"""The anonymised aggregate results as an open dataset of the agency: one dataset, one resource
(`resultats-experimentations.csv`), a new version when the results changed (the file's SHA-256 is compared).

Updated on commit when an experiment's results are published or withdrawn and when a wave of a published experiment
closes. One row per experiment × group (intervention / comparison, pooled) × outcome × wave with n, mean and SD, and
the effect sizes on the rows of the last wave. Only experiments whose results are public, and never a cell under the
experiment's minimum cell size: the report has already left those out, and the rows are written from the report.
"""

from __future__ import annotations

import csv
import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset, Resource
from auzolan.core.audit import audit_log
from auzolan.core.http import public_url
from auzolan.core.spreadsheets import neutralise
from auzolan.events.services.opendata import agency_organisation, publisher
from auzolan.impact import report, selectors
from auzolan.impact.models import ResultsOpenData

FILE_NAME = "resultats-experimentations.csv"

HEADER = [
    "experimentation",
    "titre",
    "referentiel",
    "groupe",
    "nombre_de_classes",
    "indicateur",
    "temps_de_mesure",
    "n",
    "moyenne",
    "ecart_type",
    "g_z_avant_apres",
    "g_z_ic95_bas",
    "g_z_ic95_haut",
    "g_av_avant_apres",
    "difference_des_differences_standardisee",
    "taille_minimale_des_groupes",
    "url",
]


def _cell(value) -> str:
    return "" if value is None else neutralise(str(value))


def rows() -> list[list]:
    """The rows of the file: pooled groups only (a class is never a line of its own), cells above the threshold."""
    lines = []
    for experiment in selectors.experiments_public():
        data = report.experiment_report(experiment=experiment)
        last_wave = data["waves"][-1]["kind"] if data["waves"] else None
        for outcome in data["outcomes"]:
            for row in outcome["descriptives"]:
                if row["mean"] is None or not row["group_row"]:
                    continue
                change = outcome["changes"].get(row["kind"], {}) if row["wave"] == last_wave else {}
                did = (outcome.get("did") or {}) if row["wave"] == last_wave and row["kind"] == "intervention" else {}
                g_z_ci = change.get("g_z_ci") or [None, None]
                lines.append(
                    [
                        experiment.slug,
                        experiment.title,
                        data["framework"],
                        row["kind"],
                        row["classes"],
                        outcome["key"] if outcome["key"] == "overall" else outcome["label"].split(" ", 1)[0],
                        row["wave"],
                        row["n"],
                        row["mean"],
                        row["sd"],
                        change.get("g_z"),
                        g_z_ci[0],
                        g_z_ci[1],
                        change.get("g_av"),
                        did.get("standardised"),
                        data["min_cell_size"],
                        public_url(experiment.get_absolute_url()),
                    ]
                )
    return lines


def results_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for line in rows():
        writer.writerow([_cell(value) for value in line])
    return buffer.getvalue().encode("utf-8")


def _metadata() -> dict:
    return {
        "title": _("Résultats agrégés des expérimentations éducatives"),
        "description": _(
            "Résultats anonymisés des expérimentations du programme Jeunesse et éducation (ateliers dans les "
            "collèges…) : pour chaque expérimentation, groupe (expérimental ou de comparaison), compétence et temps "
            "de mesure, le nombre d'élèves, la moyenne et l'écart-type, et les tailles d'effet (g de Hedges avant/"
            "après, différence des différences standardisée). Aucune donnée individuelle : les élèves répondent avec "
            "un code, et un groupe de moins d'élèves que le seuil indiqué n'est jamais publié."
        ),
        "licence": "lov2",
        "frequency": "IRREG",
        "themes": ["EDUC"],
        "keywords": [_("éducation"), _("expérimentation"), _("entrepreneuriat"), _("EntreComp")],
    }


@transaction.atomic
def results_publish(*, actor=None) -> Dataset | None:
    """Publish (or update) the dataset. Idempotent; None when there is no agency or nobody to publish for it."""
    agency = agency_organisation()
    if agency is None:
        return None
    actor = actor or publisher(agency)
    if actor is None:
        return None
    link = ResultsOpenData.objects.select_for_update().first() or ResultsOpenData.objects.create()
    content = results_csv()
    sha256 = hashlib.sha256(content).hexdigest()
    dataset = Dataset.objects.filter(pk=link.dataset_id).first() if link.dataset_id else None
    if dataset is None:
        dataset = catalog.dataset_create(actor=actor, organisation=agency, **_metadata())
        link.resource_identifier = ""
    resource = Resource.objects.filter(dataset=dataset, identifier=link.resource_identifier or None).first()
    upload = ContentFile(content, name=FILE_NAME)
    if resource is None:
        resource = catalog.resource_add(
            actor=actor,
            dataset=dataset,
            kind=Resource.Kind.FILE,
            title=_("Résultats agrégés (une ligne par groupe, indicateur et temps de mesure)"),
            description=_("Fichier CSV (UTF-8, séparateur virgule)."),
            file=upload,
        )
    elif link.sha256 != sha256:
        catalog.resource_upload_version(actor=actor, resource=resource, file=upload)
    if dataset.state != Dataset.State.PUBLISHED:
        dataset = catalog.dataset_publish(actor=actor, dataset=dataset)
    changed = link.sha256 != sha256
    link.dataset = dataset
    link.resource_identifier = str(resource.identifier)
    link.sha256 = sha256
    link.published_at = timezone.now()
    link.save()
    if changed:
        audit_log(
            actor=actor,
            action="impact.results.open_data_published",
            obj=dataset,
            organisation=agency,
            data={"dataset": str(dataset.identifier), "sha256": sha256},
        )
    return dataset
