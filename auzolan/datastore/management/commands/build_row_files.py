"""`python manage.py build_row_files [--all]`: write the row file of ready tables that have none (tables loaded before
row files existed; a failed write). Current tables by default, every ready table with `--all`. Safe to run again."""

from django.core.management.base import BaseCommand

from auzolan.datastore.ingestion.job import build_row_file
from auzolan.datastore.models import Table


class Command(BaseCommand):
    help = "Écrit le fichier des lignes des tables prêtes qui n'en ont pas (tables actuelles, ou toutes avec --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="toutes les tables prêtes, pas seulement les actuelles")

    def handle(self, *args, **options):
        tables = Table.objects.filter(state=Table.State.READY, rows_file="").exclude(parquet="").order_by("pk")
        if not options["all"]:
            tables = tables.filter(is_current=True)
        written = failed = 0
        for table in tables.iterator():
            if build_row_file(table):
                written += 1
            else:
                failed += 1
                self.stderr.write(f"Table {table.identifier} : fichier des lignes non écrit (voir le journal).")
        self.stdout.write(f"{written} fichier(s) des lignes écrit(s), {failed} échec(s).")
