"""Writes of the observatory: the monthly snapshot and the open dataset that publishes it.

- `snapshot_take(month=…)` records the current indicators (`selectors.indicators`) as the snapshot of the month;
  taken again in the same month, it updates that month (one row per month). Run by `manage.py observatory_snapshot`
  or the task `tasks.take_snapshot` (scheduled daily or monthly, see docs/observatory.md).
- `observatory_publish(actor=…)` publishes (or updates) the agency's dataset "Observatoire de l'open data du
  territoire" through the catalogue's services only: two CSV files (the monthly history, the current table per
  organisation), each a resource whose new content becomes a new version (an unchanged file keeps its version), so
  that the datastore ingests them and the data API and the DCAT feed include them. Aggregated figures only.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog import selectors as catalog_selectors
from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset
from auzolan.core.audit import audit_log
from auzolan.core.errors import ValidationError
from auzolan.core.spreadsheets import csv_bytes
from auzolan.observatory import selectors
from auzolan.observatory.models import ObservatoryDataset, ObservatorySnapshot
from auzolan.organisations.models import Organisation
from auzolan.organisations.selectors import agency_organisation

HISTORY_FILE = "observatoire-indicateurs-mensuels.csv"
ORGANISATIONS_FILE = "observatoire-organisations.csv"

HISTORY_HEADER = [
    "mois",
    "organisations_publiant",
    "jeux_publies",
    "jeux_scdl",
    "jeux_scdl_valides",
    "part_scdl_valides",
    "organisations_soumises",
    "organisations_soumises_publiant",
    "reutilisations",
    "etape_moyenne",
]
ORGANISATIONS_HEADER = [
    "organisation",
    "siren",
    "type",
    "communes_insee",
    "jeux_publies",
    "jeux_scdl_valides",
    "reutilisations",
    "etape",
    "etapes_total",
    "etape_libelle",
    "groupe_pilote",
    "soumise_obligation",
]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# --- Snapshots -----------------------------------------------------------------------------------------------


def snapshot_values(indicators: selectors.Indicators) -> dict:
    """The snapshot's columns from the current indicators."""
    return {
        "organisations_publishing": indicators.organisations_publishing,
        "datasets_published": indicators.datasets_published,
        "scdl_declared": indicators.scdl_declared,
        "scdl_valid": indicators.scdl_valid,
        "bound_total": indicators.bound_total,
        "bound_publishing": indicators.bound_publishing,
        "reuses": indicators.reuses,
        "stages": indicators.stages or [],
        "communes": [
            {
                "insee": row.commune.insee_code,
                "organisation": row.organisation.name if row.organisation is not None else "",
                "stage": row.stage,
                "label": row.facts["stage_label"] if row.facts else "",
                "bound": row.facts["bound"] if row.facts else None,
            }
            for row in indicators.communes
        ],
    }


@transaction.atomic
def snapshot_take(*, month: datetime.date | None = None, values: dict | None = None) -> ObservatorySnapshot:
    """Record the indicators as the snapshot of `month` (this month by default): created the first time, updated
    after. `values` replaces the computed figures (the demo's back-filled months only)."""
    month = month_start(month or timezone.localdate())
    if month > month_start(timezone.localdate()):
        raise ValidationError(_("Un relevé ne peut pas porter sur un mois à venir."), field="month")
    backfilled = values is not None
    values = values if values is not None else snapshot_values(selectors.indicators())
    snapshot, created = ObservatorySnapshot.objects.update_or_create(
        month=month, defaults={**values, "taken_at": timezone.now(), "backfilled": backfilled}
    )
    audit_log(
        actor=None,
        action="observatory.snapshot.taken" if created else "observatory.snapshot.updated",
        obj=snapshot,
        data={"month": month.isoformat()},
    )
    return snapshot


# --- The open dataset ----------------------------------------------------------------------------------------


def _yes_no(value) -> str:
    return "" if value is None else ("oui" if value else "non")


def history_csv() -> bytes:
    rows = (
        [
            snapshot.month.strftime("%Y-%m"),
            snapshot.organisations_publishing,
            snapshot.datasets_published,
            snapshot.scdl_declared,
            snapshot.scdl_valid,
            None if snapshot.scdl_share is None else round(snapshot.scdl_share * 100, 1),
            snapshot.bound_total,
            snapshot.bound_publishing,
            snapshot.reuses,
            None if snapshot.mean_stage is None else round(snapshot.mean_stage, 2),
        ]
        for snapshot in selectors.snapshot_history()
    )
    return csv_bytes(HISTORY_HEADER, rows)


def organisations_csv(indicators: selectors.Indicators) -> bytes:
    communes: dict[int, list[str]] = {}
    for row in indicators.communes:
        if row.organisation is not None:
            communes.setdefault(row.organisation.pk, []).append(row.commune.insee_code)
    rows = (
        [
            row.organisation.name,
            row.organisation.siren,
            str(row.organisation.get_kind_display()),
            " ".join(sorted(communes.get(row.organisation.pk, []))),
            row.published,
            row.scdl_valid,
            row.reuses,
            row.facts["stage"] if row.facts else None,
            row.facts["stage_total"] if row.facts else None,
            row.facts["stage_label"] if row.facts else None,
            row.facts["pilot_group"] if row.facts else None,
            _yes_no(row.facts["bound"]) if row.facts else None,
        ]
        for row in indicators.organisations
    )
    return csv_bytes(ORGANISATIONS_HEADER, rows)


def _metadata(agency: Organisation) -> dict:
    return {
        "title": _("Observatoire de l'open data du territoire"),
        "description": _(
            "Les indicateurs de l'ouverture des données publiques du territoire, relevés chaque mois par la "
            "plateforme : organisations qui publient, jeux de données publiés, part des jeux déclarant un schéma "
            "du SCDL qui y sont conformes, organisations soumises à l'obligation d'ouverture qui publient, "
            "réutilisations, étape de la feuille de route de chaque organisation suivie par le programme.\n\n"
            "Deux fichiers : l'historique mensuel des indicateurs et le tableau actuel par organisation. Données "
            "agrégées, sans donnée personnelle. Définitions : page « Observatoire » de la plateforme (/observatoire/)."
        ),
        "licence": "lov2",
        "frequency": "MONTHLY",
        "themes": ["GOVE"],
        "keywords": [_("open data"), _("observatoire"), _("indicateurs"), _("SCDL")],
        "whole_territory": True,
    }


@transaction.atomic
def observatory_publish(*, actor) -> Dataset:
    """Publish (or update) the observatory's dataset of the agency. Idempotent: the same dataset and resources are
    reused; a changed file becomes a new version of its resource."""
    agency = agency_organisation()
    if agency is None:
        raise ValidationError(_("Aucune organisation de type « Agence » : l'observatoire n'a pas d'éditeur."))
    link = ObservatoryDataset.objects.select_for_update().first() or ObservatoryDataset.objects.create()
    indicators = selectors.indicators()
    files = [
        catalog.GeneratedFile(
            name=HISTORY_FILE,
            title=_("Indicateurs mois par mois"),
            description=_(
                "Un relevé par mois : les indicateurs de l'observatoire (les cases vides : valeur non disponible)."
            ),
            content=history_csv(),
        ),
        catalog.GeneratedFile(
            name=ORGANISATIONS_FILE,
            title=_("Tableau actuel par organisation"),
            description=_(
                "Une ligne par organisation membre du territoire : jeux publiés, jeux SCDL valides, réutilisations, "
                "étape de la feuille de route et obligation d'ouverture (vides quand le programme ne les suit pas)."
            ),
            content=organisations_csv(indicators),
        ),
    ]
    publication = catalog.generated_files_publish(
        actor=actor,
        organisation=agency,
        dataset_id=link.dataset_id,
        resources=link.resources or {},
        metadata=_metadata(agency),
        files=files,
        audit_action="observatory.dataset.published",
    )
    link.dataset = publication.dataset
    link.resources = publication.resources
    link.published_at = timezone.now()
    link.published_by = actor if getattr(actor, "is_authenticated", False) else None
    link.save()
    return publication.dataset


def observatory_refresh(*, month: datetime.date | None = None) -> tuple[ObservatorySnapshot, Dataset | None, str]:
    """The scheduled work: take this month's snapshot, then publish the dataset as the agency's publisher.
    Returns (snapshot, dataset or None, a French message saying what was done)."""
    snapshot = snapshot_take(month=month)
    agency = agency_organisation()
    if agency is None:
        return snapshot, None, _("Relevé enregistré ; pas de publication : aucune organisation de type « Agence ».")
    actor = catalog_selectors.scheduled_publisher(organisation=agency)
    if actor is None:
        return (
            snapshot,
            None,
            _("Relevé enregistré ; pas de publication : personne ne peut publier pour %(agency)s.")
            % {"agency": agency.name},
        )
    dataset = observatory_publish(actor=actor)
    return (
        snapshot,
        dataset,
        _("Relevé enregistré et jeu de données « %(title)s » mis à jour.") % {"title": dataset.title},
    )
