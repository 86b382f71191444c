"""The anonymised aggregate results as an open dataset of the agency: one dataset, one resource
(`resultats-experimentations.csv`), a new version when the results changed (the file's SHA-256 is compared).

Updated on commit when an experiment's results are published or withdrawn and when a wave of a published experiment
closes. One row per experiment × group (intervention / comparison, pooled) × outcome × wave with n, mean and SD, and
the effect sizes on the rows of the last wave. Only experiments whose results are public, and never a cell under the
experiment's minimum cell size: the report has already left those out, and the rows are written from the report.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset
from auzolan.core.http import public_url
from auzolan.core.spreadsheets import csv_bytes
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
    return csv_bytes(HEADER, rows())


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


def results_publish(*, actor=None) -> Dataset | None:
    """Publish (or update) the dataset. Idempotent; None when there is no agency or nobody to publish for it."""
    return catalog.agency_file_publish(
        actor=actor,
        link_model=ResultsOpenData,
        name=FILE_NAME,
        title=_("Résultats agrégés (une ligne par groupe, indicateur et temps de mesure)"),
        description=_("Fichier CSV (UTF-8, séparateur virgule)."),
        content=results_csv,
        metadata=_metadata(),
        audit_action="impact.results.open_data_published",
    )
