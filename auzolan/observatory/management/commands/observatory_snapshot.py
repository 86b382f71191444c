"""`manage.py observatory_snapshot [--no-publish]`: take this month's snapshot of the observatory (run daily or
monthly by cron, see docs/observatory.md), then publish the observatory's dataset.

Idempotent per month: run again in the same month, it updates that month's snapshot (and the dataset only gets new
versions of the files whose content changed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from auzolan.core.errors import ApplicationError
from auzolan.observatory import services


class Command(BaseCommand):
    help = "Relève les indicateurs de l'observatoire pour le mois en cours et publie le jeu de données."

    def add_arguments(self, parser):
        parser.add_argument("--no-publish", action="store_true", help="relever sans publier le jeu de données")

    def handle(self, *args, no_publish=False, **options):
        try:
            if no_publish:
                snapshot = services.snapshot_take()
                message = f"Relevé de {snapshot} enregistré (sans publication)."
            else:
                _snapshot, _dataset, message = services.observatory_refresh()
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(message)
