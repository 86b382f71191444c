"""CSV files of the programme: an organisation's inventory in the SCDL "catalogue" schema (data/schemas/scdl/
catalogue.json, version 0.1.3) and the SCDL coverage matrix.

The catalogue schema describes published datasets; a candidate not yet published is exported with its planned date
(the target date, else the day the line was written) as its publication, update and coverage dates, its licence the
Licence Ouverte (the platform's default) and its address the inventory page. The SIRET columns need the
organisation's SIRET (`Organisation.siret`): without it the file does not pass the schema, and the page says so.
"""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from auzolan.opendata_programme import observers
from auzolan.opendata_programme.models import InventoryLine
from auzolan.opendata_programme.selectors import CoverageRow

CATALOGUE_FIELDS = [
    "COLL_NOM",
    "COLL_SIRET",
    "ID",
    "TITRE",
    "DESCRIPTION",
    "THEME",
    "PRODUCTEUR_NOM",
    "PRODUCTEUR_SIRET",
    "COUV_SPAT_MAILLE",
    "COUV_SPAT_NOM",
    "COUV_TEMP_DEBUT",
    "COUV_TEMP_FIN",
    "DATE_PUBL",
    "FREQ_MAJ",
    "DATE_MAJ",
    "MOTS_CLES",
    "LICENCE",
    "NOMBRE_RESSOURCES",
    "FORMAT_RESSOURCES",
    "URL",
]

SPATIAL_LEVEL = {"commune": "Communale", "epci": "Intercommunale", "department": "Départementale"}
FREQUENCY = {
    "UNKNOWN": "Inconnue",
    "CONT": "Continuelle",
    "DAILY": "Quotidienne ou plusieurs fois par jour",
    "WEEKLY": "Hebdomadaire ou plusieurs fois par semaine",
    "MONTHLY": "Mensuelle ou plusieurs fois par mois",
    "QUARTERLY": "Trimestrielle",
    "BIANNUAL": "Semestrielle",
    "ANNUAL": "Annuelle",
    "IRREG": "Irrégulière",
    "NEVER": "Ponctuelle",
}
LICENCE = {
    "lov2": "Licence Ouverte-LO",
    "odc-odbl": "Open Database License-ODBL",
    "cc-by": "Creative Commons-CC",
    "cc-zero": "Creative Commons-CC",
}


def _keywords(text: str) -> str:
    words = [slugify(word) for word in (text or "").replace(";", ",").split(",")]
    return ";".join(word for word in words if word)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def catalogue_rows(organisation, lines: list[InventoryLine], *, url_of) -> list[dict]:
    """The inventory as rows of the SCDL catalogue. `url_of(path)` makes an absolute address."""
    siret = organisation.siret
    inventory_url = url_of(reverse("opendata_programme:inventory", kwargs={"slug": organisation.slug}))
    rows = []
    for line in lines:
        dataset = line.dataset
        planned = line.target_date or timezone.localtime(line.created_at).date()
        published = dataset is not None and dataset.state == "published"
        published_on = (
            timezone.localtime(dataset.published_at).date() if published and dataset.published_at else planned
        )
        updated_on = (
            timezone.localtime(dataset.last_modified).date() if published and dataset.last_modified else published_on
        )
        resources = list(dataset.resources.all()) if dataset is not None else []
        formats = sorted({(r.format or "").strip().lower().lstrip(".") for r in resources} - {""})
        rows.append(
            {
                "COLL_NOM": organisation.name,
                "COLL_SIRET": siret,
                "ID": dataset.slug if dataset is not None else f"inventaire-{line.pk}-{slugify(line.title)[:60]}",
                "TITRE": line.title,
                "DESCRIPTION": _one_line(line.description) or line.title,
                "THEME": (line.theme or "Administration locale")[:140],  # the SCDL file stays in French
                "PRODUCTEUR_NOM": line.owner_service,
                "PRODUCTEUR_SIRET": siret,
                "COUV_SPAT_MAILLE": SPATIAL_LEVEL.get(organisation.kind, "Autre"),
                "COUV_SPAT_NOM": organisation.name[:140],
                "COUV_TEMP_DEBUT": ((dataset.temporal_start if dataset else None) or published_on).isoformat(),
                "COUV_TEMP_FIN": ((dataset.temporal_end if dataset else None) or updated_on).isoformat(),
                "DATE_PUBL": published_on.isoformat(),
                "FREQ_MAJ": FREQUENCY.get(dataset.frequency if dataset else "UNKNOWN", "Inconnue"),
                "DATE_MAJ": updated_on.isoformat(),
                "MOTS_CLES": _keywords(line.keywords) or _keywords(line.theme) or "donnees-locales",
                "LICENCE": LICENCE.get(dataset.licence, "Spécifique ou autre") if dataset else "Licence Ouverte-LO",
                "NOMBRE_RESSOURCES": str(max(len(resources), 1)),
                "FORMAT_RESSOURCES": ";".join(formats) or "csv",
                "URL": url_of(dataset.get_absolute_url()) if published else inventory_url,
            }
        )
    return rows


def catalogue_csv(organisation, lines: list[InventoryLine], *, url_of) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CATALOGUE_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(catalogue_rows(organisation, lines, url_of=url_of))
    return out.getvalue()


STATE_LABELS = {
    observers.CellState.VALID: "publié et valide",
    observers.CellState.OUTDATED: "valide mais pas à jour",
    observers.CellState.NOT_VALIDATED: "publié, non validé",
    observers.CellState.INVALID: "invalide",
    observers.CellState.MISSING: "absent",
}


def coverage_csv(schemas, rows: list[CoverageRow], *, url_of) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["organisation", "soumise_obligation", *[s.name for s in schemas], *[f"{s.name}_url" for s in schemas]]
    )
    for row in rows:
        writer.writerow(
            [
                row.organisation.name,
                "oui" if row.bound else "non",
                *[STATE_LABELS[state] for _schema, state, _dataset in row.cells],
                *[url_of(dataset.get_absolute_url()) if dataset else "" for _schema, _state, dataset in row.cells],
            ]
        )
    return out.getvalue()
