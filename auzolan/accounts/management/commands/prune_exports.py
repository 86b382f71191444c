"""Delete personal data exports older than their retention period (7 days). Run it daily (cron, systemd timer)."""

from django.core.management.base import BaseCommand

from auzolan.accounts.services import EXPORT_RETENTION, user_exports_prune


class Command(BaseCommand):
    help = (
        f"Supprime les exports de données personnelles de plus de {EXPORT_RETENTION.days} jours (fichiers et tâches)."
    )

    def handle(self, *args, **options):
        count = user_exports_prune()
        self.stdout.write(f"{count} export(s) supprimé(s).")
