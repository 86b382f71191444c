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

import csv
import datetime
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
from auzolan.core.permissions import can, require
from auzolan.core.spreadsheets import neutralise
from auzolan.observatory import selectors
from auzolan.observatory.models import ObservatoryDataset, ObservatorySnapshot
from auzolan.organisations.models import Membership, Organisation, OrganisationKind

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


def _cell(value):
    """Empty for a missing value; text neutralised for spreadsheets (auzolan.core.spreadsheets)."""
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if value is None else neutralise(value) if isinstance(value, str) else value for value in row]
        )
    return buffer.getvalue().encode("utf-8")


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
    return _csv(HISTORY_HEADER, rows)


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
    return _csv(ORGANISATIONS_HEADER, rows)


def agency_organisation() -> Organisation | None:
    """The agency, as an organisation of kind "agency" (the first public one)."""
    return Organisation.objects.public().filter(kind=OrganisationKind.AGENCY).order_by("pk").first()


def publisher(agency: Organisation):
    """Who publishes for a scheduled run: the first active administrator (then editor) of the agency's organisation
    who may still create its datasets, else the first active staff member; None when nobody may."""
    memberships = (
        Membership.objects.filter(organisation=agency, state=Membership.State.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("role", "pk")  # "admin" < "editor" < "member"
    )
    for membership in memberships:
        if can(membership.user, "catalog.create_dataset", agency):
            return membership.user
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk").first()


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
    require(actor, "catalog.create_dataset", agency)
    link = ObservatoryDataset.objects.select_for_update().first() or ObservatoryDataset.objects.create()
    metadata = _metadata(agency)
    dataset = Dataset.objects.filter(pk=link.dataset_id, organisation=agency).first() if link.dataset_id else None
    if dataset is None:
        dataset = catalog.dataset_create(actor=actor, organisation=agency, **metadata)
        link.resources = {}
    elif dataset.state == Dataset.State.ARCHIVED:
        dataset = catalog.dataset_restore(actor=actor, dataset=dataset)
    indicators = selectors.indicators()
    files = {
        HISTORY_FILE: (
            _("Indicateurs mois par mois"),
            _("Un relevé par mois : les indicateurs de l'observatoire (les cases vides : valeur non disponible)."),
            history_csv(),
        ),
        ORGANISATIONS_FILE: (
            _("Tableau actuel par organisation"),
            _(
                "Une ligne par organisation membre du territoire : jeux publiés, jeux SCDL valides, réutilisations, "
                "étape de la feuille de route et obligation d'ouverture (vides quand le programme ne les suit pas)."
            ),
            organisations_csv(indicators),
        ),
    }
    resources = dict(link.resources or {})
    existing = {
        str(r.identifier): r for r in Resource.objects.filter(dataset=dataset).select_related("current_version")
    }
    changed = []
    for name, (title, description, content) in files.items():
        resource = existing.get(resources.get(name, ""))
        upload = ContentFile(content, name=name)
        if resource is None:
            resource = catalog.resource_add(
                actor=actor, dataset=dataset, kind=Resource.Kind.FILE, title=title, description=description, file=upload
            )
            resources[name] = str(resource.identifier)
            changed.append(name)
        elif (resource.current_version.sha256 if resource.current_version else "") != hashlib.sha256(
            content
        ).hexdigest():
            catalog.resource_upload_version(actor=actor, resource=resource, file=upload)
            changed.append(name)
    if dataset.state != Dataset.State.PUBLISHED:
        dataset = catalog.dataset_publish(actor=actor, dataset=dataset)
    link.dataset = dataset
    link.resources = resources
    link.published_at = timezone.now()
    link.published_by = actor if getattr(actor, "is_authenticated", False) else None
    link.save()
    audit_log(
        actor=actor,
        action="observatory.dataset.published",
        obj=dataset,
        organisation=agency,
        data={"dataset": str(dataset.identifier), "changed": changed},
    )
    return dataset


def observatory_refresh(*, month: datetime.date | None = None) -> tuple[ObservatorySnapshot, Dataset | None, str]:
    """The scheduled work: take this month's snapshot, then publish the dataset as the agency's publisher.
    Returns (snapshot, dataset or None, a French message saying what was done)."""
    snapshot = snapshot_take(month=month)
    agency = agency_organisation()
    if agency is None:
        return snapshot, None, _("Relevé enregistré ; pas de publication : aucune organisation de type « Agence ».")
    actor = publisher(agency)
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
