"""Load the SCDL Table Schemas shipped in data/schemas/scdl/ into the schema catalogue (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from auzolan.catalog.models import TableSchema

SCDL_DIRECTORY = settings.BASE_DIR / "data" / "schemas" / "scdl"


def _fields(path: Path) -> dict:
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        raise CommandError(f"{path.name} : ce fichier n'est pas un Table Schema (pas de liste « fields »).")
    return {
        "title": str(descriptor.get("title") or path.stem)[:200],
        "version": str(descriptor.get("version") or "")[:30],
        "description": str(descriptor.get("description") or ""),
        "url": str(descriptor.get("path") or descriptor.get("homepage") or "")[:500],
        "is_scdl": True,
        "descriptor": descriptor,
    }


@transaction.atomic
def load_scdl_schemas(directory: Path = SCDL_DIRECTORY) -> dict[str, int]:
    """Create or update one TableSchema per JSON file ("scdl/<stem>"); an unchanged schema is not touched."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for path in sorted(Path(directory).glob("*.json")):
        values = _fields(path)
        name = f"scdl/{path.stem}"
        schema = TableSchema.objects.filter(name=name).first()
        if schema is None:
            TableSchema.objects.create(name=name, **values)
            counts["created"] += 1
        elif any(getattr(schema, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(schema, key, value)
            schema.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


class Command(BaseCommand):
    help = "Charge les schémas du SCDL fournis avec la plateforme dans le catalogue des schémas (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=SCDL_DIRECTORY, help="Dossier des fichiers JSON.")

    def handle(self, *args, directory, **options):
        if not directory.is_dir():
            raise CommandError(f"Dossier introuvable : {directory}")
        counts = load_scdl_schemas(directory)
        self.stdout.write(
            self.style.SUCCESS(
                f"Schémas : {counts['created']} ajouté(s), {counts['updated']} mis à jour, "
                f"{counts['unchanged']} inchangé(s)."
            )
        )
