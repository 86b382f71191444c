"""`python manage.py ingest RESOURCE_VERSION_ID [--sheet NAME]`: load a resource version now (operators)."""

from django.core.management.base import BaseCommand, CommandError

from auzolan.catalog.models import ResourceVersion
from auzolan.core.errors import ApplicationError
from auzolan.datastore.ingestion.job import build_row_file, build_text_index, is_tabular, run_table_load
from auzolan.datastore.models import Table


class Command(BaseCommand):
    help = "Charge une version de ressource tabulaire dans sa table Parquet, sans passer par la file de tâches."

    def add_arguments(self, parser):
        parser.add_argument("version_id", type=int)
        parser.add_argument("--sheet", default="", help="Feuille du classeur (nom ou numéro à partir de 0)")

    def handle(self, *args, version_id, sheet, **options):
        try:
            version = ResourceVersion.objects.select_related("resource").get(pk=version_id)
        except ResourceVersion.DoesNotExist:
            raise CommandError(f"Aucune version de ressource n° {version_id}.") from None
        if not is_tabular(version):
            raise CommandError("Ce fichier n'est pas un tableau que la plateforme sait charger.")
        table = Table.objects.create(resource=version.resource, version=version, sheet=sheet)

        def progress(done, total=None, message=""):
            if options["verbosity"] > 1 and message:
                self.stdout.write(f"{done}% {message}")

        try:
            table = run_table_load(table=table, progress=progress)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        build_row_file(table)
        build_text_index(table)
        report = table.report
        self.stdout.write(
            f"{table.row_count} lignes chargées, {report.get('rejected_rows', 0)} rejetées, "
            f"{len(table.columns)} colonnes → {table.parquet}"
        )
