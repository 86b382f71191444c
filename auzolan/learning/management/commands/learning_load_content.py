"""Load the competence frameworks, topics, modules and paths of learning from JSON files (by default
`auzolan/learning/content/`). Idempotent: updated in place by slug and key; learners' progress is kept."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from auzolan.core.errors import ApplicationError
from auzolan.learning import services


class Command(BaseCommand):
    help = "Charge le référentiel de compétences, les thèmes, les modules et les parcours de formation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", default=str(services.CONTENT_DIR), help="Dossier du contenu (frameworks/, topics.json…)"
        )

    def handle(self, *args, **options):
        directory = Path(options["path"])
        if not directory.is_dir():
            raise CommandError(f"Dossier introuvable : {directory}")
        try:
            counts = services.content_load(directory=directory)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            "Formation : {frameworks} référentiel(s), {topics} thème(s), {modules} module(s) dont {modules_changed} "
            "mis à jour, {paths} parcours.".format(**counts)
        )
