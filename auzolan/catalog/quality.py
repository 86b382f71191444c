"""The quality score of a dataset: udata's nine criteria, plus conformance to a schema when one is declared.

Each criterion is worth one point; the score is points / 9 (udata's QUALITY_MAX_SCORE), or points / 10 when the
dataset declares a schema (the tenth point: conformance). `quality_report` computes it with the current time
(the "updated in time" criterion depends on it); `refresh_quality` stores it on the dataset, and runs after
every write of the publishing services (receiver of `dataset_changed`).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.vocabularies import CLOSED_FORMATS, FREQUENCY_DAYS, Frequency

DESCRIPTION_MIN_LENGTH = 100  # udata's QUALITY_DESCRIPTION_LENGTH: the description must be longer than this
MAX_SCORE = 9
TABULAR_FORMATS = {"csv", "xlsx", "ods", "json"}
# udata tolerates one day of delay past the expected update.
UPDATE_GRACE = datetime.timedelta(days=1)


# The datastore validates files against the declared schema; it registers here how conformant a dataset is
# (catalog may not import datastore). provider(dataset, resources) -> {"ok", "advice", "links"}.
_schema_conformance: list = []


def register_schema_conformance(provider) -> None:
    """Called by DatastoreConfig.ready(): the last registered provider decides the "schema" criterion."""
    if provider not in _schema_conformance:
        _schema_conformance.append(provider)


def _format(resource: Resource) -> str:
    return (resource.format or "").strip().lower().lstrip(".")


def _criterion(key: str, label: str, ok: bool, advice: str) -> dict:
    return {"key": key, "label": label, "ok": bool(ok), "advice": "" if ok else advice}


def update_fulfilled_in_time(dataset: Dataset, *, now: datetime.datetime | None = None) -> bool:
    """Is the next expected update (frequency applied to the last update) at most one day in the past?"""
    if not dataset.frequency or dataset.frequency == Frequency.UNKNOWN:
        return False
    days = FREQUENCY_DAYS.get(dataset.frequency)
    if days is None:  # continuous, irregular, never: no deadline
        return True
    last = dataset.last_modified or dataset.published_at or dataset.created_at
    if last is None:
        return False
    now = now or timezone.now()
    return last + datetime.timedelta(days=days) >= now - UPDATE_GRACE


def quality_report(dataset: Dataset, *, resources: list[Resource] | None = None) -> dict:
    """{"score": 0..1, "criteria": [{"key", "label", "ok", "advice"}]} for the dataset as it is stored now."""
    if resources is None:
        resources = list(Resource.objects.filter(dataset=dataset))
    has_communes = dataset.whole_territory or (dataset.pk is not None and dataset.communes.exists())
    frequency_set = bool(dataset.frequency) and dataset.frequency != Frequency.UNKNOWN
    formats = [_format(r) for r in resources]
    unavailable = [r for r in resources if r.is_remote and r.availability == Resource.Availability.UNAVAILABLE]
    no_resource = _("Ajoutez d'abord au moins une ressource (un fichier, une adresse ou une API).")

    criteria = [
        _criterion(
            "license",
            _("Une licence est indiquée"),
            bool(dataset.licence) and (dataset.licence != "other" or bool(dataset.licence_url)),
            _("Choisissez une licence ; la Licence Ouverte 2.0 convient dans la plupart des cas."),
        ),
        _criterion(
            "temporal_coverage",
            _("La période couverte est indiquée"),
            dataset.temporal_start is not None,
            _("Indiquez la période que couvrent les données (au moins sa date de début)."),
        ),
        _criterion(
            "spatial",
            _("La couverture géographique est indiquée"),
            has_communes,
            _("Indiquez les communes couvertes, ou cochez « couvre tout le territoire »."),
        ),
        _criterion(
            "update_frequency",
            _("La fréquence de mise à jour est indiquée"),
            frequency_set,
            _("Indiquez la fréquence de mise à jour (annuelle, mensuelle, irrégulière…)."),
        ),
        _criterion(
            "update_fulfilled_in_time",
            _("Les données sont à jour par rapport à la fréquence annoncée"),
            frequency_set and update_fulfilled_in_time(dataset),
            _("Indiquez d'abord une fréquence de mise à jour.")
            if not frequency_set
            else _("La mise à jour attendue est en retard : déposez une nouvelle version ou corrigez la fréquence."),
        ),
        _criterion(
            "dataset_description_quality",
            _("La description est suffisamment détaillée"),
            len((dataset.description or "").strip()) > DESCRIPTION_MIN_LENGTH,
            _(
                "Décrivez les données en plus de %(count)d caractères : ce qu'elles contiennent, d'où elles "
                "viennent, comment les lire."
            )
            % {"count": DESCRIPTION_MIN_LENGTH},
        ),
        _criterion(
            "has_open_format",
            _("Au moins une ressource est dans un format ouvert"),
            bool(resources) and any(f and f not in CLOSED_FORMATS for f in formats),
            no_resource
            if not resources
            else _("Publiez aussi les données dans un format ouvert (CSV, JSON, ODS…), pas seulement en PDF ou Excel."),
        ),
        # Like udata: no remote resource (remote file, API, documentation) found unavailable by the last check of
        # catalog.linkcheck; a resource not checked yet ("unknown") counts as available, and uploaded files are
        # stored by the platform itself (always available).
        _criterion(
            "all_resources_available",
            _("Toutes les ressources sont disponibles"),
            bool(resources) and not unavailable,
            no_resource
            if not resources
            else ngettext(
                "Cette adresse ne répondait pas lors de la dernière vérification : %(titles)s. Corrigez-la, puis "
                "cliquez sur « Vérifier les liens ».",
                "Ces adresses ne répondaient pas lors de la dernière vérification : %(titles)s. Corrigez-les, puis "
                "cliquez sur « Vérifier les liens ».",
                len(unavailable),
            )
            % {"titles": ", ".join(f"« {r.title} »" for r in unavailable)},
        ),
        _criterion(
            "resources_documentation",
            _("Les ressources sont documentées"),
            any(r.kind == Resource.Kind.DOCUMENTATION or (r.description or "").strip() for r in resources),
            no_resource
            if not resources
            else _(
                "Décrivez au moins une ressource, ou ajoutez une ressource de documentation (dictionnaire des champs…)."
            ),
        ),
    ]
    if dataset.schema_id and _schema_conformance:
        conformance = _schema_conformance[-1](dataset, resources)
        criterion = _criterion(
            "schema", _("Les données suivent le schéma déclaré"), conformance["ok"], conformance["advice"]
        )
        if not criterion["ok"] and conformance.get("links"):
            criterion["links"] = conformance["links"]
        criteria.append(criterion)
    elif dataset.schema_id:
        # Without the datastore (no validation), a declared schema with a tabular resource counts as conformant.
        criteria.append(
            _criterion(
                "schema",
                _("Les données suivent le schéma déclaré"),
                any(f in TABULAR_FORMATS for f in formats),
                _("Ajoutez une ressource tabulaire (CSV, XLSX, ODS ou JSON) qui suit le schéma déclaré."),
            )
        )
    points = sum(1 for criterion in criteria if criterion["ok"])
    maximum = MAX_SCORE + (1 if dataset.schema_id else 0)
    return {"score": round(points / maximum, 4), "criteria": criteria}


def refresh_quality(dataset: Dataset) -> dict:
    """Compute and store the score (with .update(): no save signal, no revision change)."""
    report = quality_report(dataset)
    Dataset.objects.filter(pk=dataset.pk).update(quality_score=report["score"], quality=report)
    dataset.quality_score = report["score"]
    dataset.quality = report
    return report
