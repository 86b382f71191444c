"""Send the reminder e-mail of tomorrow's sessions (cron, once a day; idempotent: each registration gets one)."""

from django.core.management.base import BaseCommand

from auzolan.events.services import registrations


class Command(BaseCommand):
    help = "Envoie les rappels des séances de demain (une fois par inscription)."

    def handle(self, *args, **options):
        sent = registrations.reminders_send()
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
