"""Load (or refresh) the territory and its communes from the official files (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from auzolan.core.errors import ApplicationError
from auzolan.organisations import services

DEFAULT_EPCI = Path("data/territory/capb-communes-epcicom2025.csv")
DEFAULT_COG = Path("data/territory/capb-communes-cog.csv")


class Command(BaseCommand):
    help = "Charge le territoire et ses communes depuis le fichier DGCL (EPCI) et le COG de l'INSEE."

    def add_arguments(self, parser):
        parser.add_argument("--epci", type=Path, default=None, help="Fichier CSV de composition de l'EPCI (DGCL).")
        parser.add_argument("--cog", type=Path, default=None, help="Fichier CSV des communes (COG de l'INSEE).")

    def handle(self, *args, epci: Path | None, cog: Path | None, **options):
        epci_csv = epci or Path(settings.BASE_DIR) / DEFAULT_EPCI
        cog_csv = cog or Path(settings.BASE_DIR) / DEFAULT_COG
        try:
            report = services.territory_load(epci_csv=epci_csv, cog_csv=cog_csv)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(territory)s : %(created)d communes créées, %(updated)d mises à jour, %(unchanged)d inchangées.")
                % {
                    "territory": report.territory.name,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
        )
