"""`python manage.py table_stats [--all]`: compute the column statistics of the ready tables that lack them."""

from django.core.management.base import BaseCommand

from auzolan.datastore import stats
from auzolan.datastore.models import Table


class Command(BaseCommand):
    help = "Calcule les statistiques des colonnes des tables prêtes qui n'en ont pas encore (--all : toutes)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recalculer aussi les tables qui en ont déjà")

    def handle(self, *args, **options):
        tables = Table.objects.filter(state=Table.State.READY, is_current=True).exclude(parquet="")
        done = failed = 0
        for table in tables.iterator():
            if options["all"]:
                table.stats = {}
            if table.stats:
                continue
            if stats.ensure_stats(table, timeout=stats.TIMEOUT):
                done += 1
            else:
                failed += 1
        self.stdout.write(f"{done} table(s) mises à jour, {failed} en échec.")
