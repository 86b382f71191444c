"""Expire the waiting-list offers past their deadline and offer the seats to the next people (cron, every quarter of
an hour; the worker also runs it at each offer's deadline, and pages check lazily)."""

from django.core.management.base import BaseCommand

from auzolan.events.services import registrations


class Command(BaseCommand):
    help = "Fait expirer les places proposées dont le délai est passé et les propose aux personnes suivantes."

    def handle(self, *args, **options):
        expired = registrations.offers_expire()
        self.stdout.write(f"{expired} proposition(s) expirée(s).")
