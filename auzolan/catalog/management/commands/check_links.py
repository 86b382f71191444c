"""Check the addresses of the remote resources of published datasets (daily, from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from auzolan.catalog.linkcheck import datasets_check_links


class Command(BaseCommand):
    help = (
        "Vérifie la disponibilité des adresses des ressources distantes (fichiers, API, documentation) des jeux de "
        "données publiés qui n'ont pas été vérifiées depuis 24 heures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Vérifier toutes les adresses, même celles vérifiées récemment."
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(done, total=None, message=""):
            if verbosity >= 2 and message:
                self.stdout.write(message)

        counts = datasets_check_links(progress=progress, older_than_hours=None if options["all"] else 24)
        self.stdout.write(
            self.style.SUCCESS(
                f"Liens vérifiés : {counts['checked']} ; disponibles : {counts['available']} ; "
                f"indisponibles : {counts['unavailable']} ; changements : {counts['changed']}."
            )
        )
