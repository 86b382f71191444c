"""Small tables for the data API, SQL and export tests, loaded through the real ingestion path."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from auzolan.catalog import services as catalog_services
from auzolan.datastore import selectors
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
