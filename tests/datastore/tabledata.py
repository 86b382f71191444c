"""Small tables for the data API, SQL and export tests, loaded through the real ingestion path."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auzolan.catalog import services as catalog_services
from auzolan.datastore import selectors
from tests.catalog.factories import DatasetFactory
from tests.organisations.factories import MembershipFactory
from tests.tasks import run_queued_tasks

CSV = (
    "commune;montant;date;nombre;libelle\n"
    "Bayonne;1234.5;2024-01-15;10;Équipement sportif\n"
    "Anglet;12.5;2025-02-01;3;école de musique\n"
    "Biarritz;;2023-03-03;7;Culture\n"
    "Hendaye;300;2024-06-30;;Voirie\n"
    "Ustaritz;300;;2;Fête du village\n"
)


def load(editor, dataset, content: str | bytes = CSV, name: str = "subventions.csv"):
    """Upload a CSV as a resource of `dataset`, run the ingestion job, return (resource, table)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    resource = catalog_services.resource_add(
        actor=editor, dataset=dataset, kind="file", title="Subventions", file=SimpleUploadedFile(name, data)
    )
    run_queued_tasks()
    table = selectors.current_table(resource)
    assert table is not None, "the table did not load"
    return resource, table


def load_published(content: str | bytes = CSV, name: str = "subventions.csv"):
    """A published dataset of a new organisation whose editor uploads `content`: (dataset, resource, table)."""
    membership = MembershipFactory(role="editor")
    dataset = DatasetFactory(organisation=membership.organisation, state="published")
    resource, table = load(membership.user, dataset, content, name)
    return dataset, resource, table


def preview_path(dataset, resource) -> str:
    return reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier})


def equipements_csv(rows: int = 6) -> str:
    """A file shaped like the demo's "Équipements publics" (SCDL équipements: 21 columns, EQUIP_LAT/EQUIP_LONG)."""
    schema = json.loads((Path(settings.BASE_DIR) / "data/schemas/scdl/equipements.json").read_text(encoding="utf-8"))
    names = [field["name"] for field in schema["fields"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for index in range(rows):
        writer.writerow(
            {
                **dict.fromkeys(names, ""),
                "COLL_NOM": "Commune de Bayonne",
                "COLL_SIRET": "21640102200014",
                "EQUIP_UID": f"64102-0601010{index}-001",
                "EQUIP_THEME": "Equipement sportif",
                "EQUIP_CODE": f"0601010{index}-001",
                "EQUIP_TYPE": "Salle multisports",
                "EQUIP_NOM": f"Salle des sports municipale numéro {index}",
                "ADR_NUMERO": str(index + 1),
                "ADR_NOMVOIE": "Avenue du Maréchal de Lattre de Tassigny",
                "ADR_CODEPOSTAL": "64100",
                "ADR_COMMUNE": "Bayonne",
                "ERP_CATEGORIE": "3",
                "EQUIP_LAT": f"{43.4933 + index / 1000:.6f}",
                "EQUIP_LONG": f"{-1.4751 - index / 1000:.6f}",
                "EQUIP_OUVERTURE": "Mo-Fr 08:30-12:00,13:30-17:30",
                "EQUIP_WEB": "https://www.bayonne.fr/equipements/sports/salles-municipales/salle-des-sports",
            }
        )
    return buffer.getvalue()
