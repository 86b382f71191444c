"""Load (or update in place) a competence framework from a JSON file in the format of
`auzolan/learning/content/frameworks/` — EntreComp ships there; this loads other frameworks for experiments."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from auzolan.core.errors import ApplicationError
from auzolan.learning import services


class Command(BaseCommand):
    help = "Charge un référentiel de compétences (fichier JSON) pour les expérimentations."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier JSON du référentiel (format de learning/content/frameworks/)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            framework = services.framework_load(path=path)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Référentiel {framework.code} {framework.version} : {framework.areas.count()} domaine(s), "
            f"{framework.competences.count()} compétence(s), {framework.levels.count()} niveau(x)."
        )
