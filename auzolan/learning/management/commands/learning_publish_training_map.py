"""`manage.py learning_publish_training_map`: publish (or update) the agency's open dataset of the territory training
map — élus and agents trained per commune, topic and month, small counts hidden (run monthly or daily by cron, like
`observatory_snapshot`; a run without change keeps the file's version)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from auzolan.core.errors import ApplicationError
from auzolan.learning import services


class Command(BaseCommand):
    help = "Publie le jeu de données de la carte des formations (élus et agents formés par commune)."

    def handle(self, *args, **options):
        try:
            message = services.training_dataset_refresh()
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(message)
