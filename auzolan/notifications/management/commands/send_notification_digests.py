"""Daily: notify the day's events (registered checks), send the digests, prune old read notifications.

Idempotent: run it twice, nobody gets a second digest nor a second notification of the same event.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from auzolan.notifications import services
from auzolan.notifications.registry import daily_checks


class Command(BaseCommand):
    help = (
        "Notifie les événements du jour (phases qui commencent, résultats publiés), envoie le résumé quotidien des "
        "notifications et supprime les notifications lues anciennes. À lancer une fois par jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retention-days",
            type=int,
            default=services.READ_RETENTION_DAYS,
            help="Supprimer les notifications lues plus anciennes que ce nombre de jours (défaut : %(default)s).",
        )
        parser.add_argument("--no-prune", action="store_true", help="Ne supprimer aucune notification.")

    def handle(self, *args, retention_days, no_prune, **options):
        if retention_days < 1:
            raise CommandError("--retention-days doit être au moins 1.")
        now = timezone.now()
        for name, check in daily_checks():
            count = check(now)
            self.stdout.write(f"{name} : {count} événement(s) notifié(s)")
        sent = services.digests_send(now=timezone.now())  # after the checks: their notifications go out today
        self.stdout.write(f"Résumés envoyés : {sent['people']} personne(s), {sent['notifications']} notification(s)")
        if not no_prune:
            pruned = services.notifications_prune(now=now, days=retention_days)
            self.stdout.write(f"Notifications lues supprimées : {pruned}")
