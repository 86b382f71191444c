"""Delete the background exports of the data API and the preview past their retention (DATASTORE_EXPORT_RETENTION_HOURS,
24 hours by default): files, records and the jobs that led to them. Run it hourly or daily (cron, systemd timer); each
export also runs it when it ends."""

from django.core.management.base import BaseCommand

from auzolan.datastore.export_jobs import exports_prune, retention


class Command(BaseCommand):
    help = "Supprime les exports de données préparés en arrière-plan dont la durée de conservation est passée."

    def handle(self, *args, **options):
        count = exports_prune()
        hours = int(retention().total_seconds() // 3600)
        self.stdout.write(f"{count} export(s) supprimé(s) (conservation : {hours} h).")
