"""`python manage.py build_text_indexes [--all]`: write the text index of ready tables that have none (tables loaded
before text indexes existed; a failed write), so that their full-text `q` stops scanning, and the postings of indexes
written before postings existed (from the index: a few seconds for 1M rows), so that their pages of `q` need no
statement. Current tables by default, every ready table with `--all`. Safe to run again (what is there is skipped)."""

from django.core.management.base import BaseCommand

from auzolan.datastore.ingestion.job import build_postings, build_text_index
from auzolan.datastore.models import Table


class Command(BaseCommand):
    help = (
        "Écrit l'index des mots des tables prêtes qui n'en ont pas, et ses listes de lignes quand elles manquent "
        "(tables actuelles, ou toutes avec --all)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="toutes les tables prêtes, pas seulement les actuelles")

    def handle(self, *args, **options):
        tables = Table.objects.filter(state=Table.State.READY).exclude(parquet="").order_by("pk")
        if not options["all"]:
            tables = tables.filter(is_current=True)
        written = failed = 0
        for table in tables.filter(text_index="").iterator():
            if build_text_index(table) is not None:
                written += 1
            else:
                failed += 1
                self.stderr.write(f"Table {table.identifier} : index des mots non écrit (voir le journal).")
        for table in tables.exclude(text_index="").iterator():
            if not build_postings(table):
                failed += 1
                self.stderr.write(f"Table {table.identifier} : listes de lignes non écrites (voir le journal).")
        self.stdout.write(f"{written} index des mots écrit(s), {failed} échec(s).")
