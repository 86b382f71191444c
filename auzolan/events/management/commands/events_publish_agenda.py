"""Publish the agenda's open dataset now (the pages schedule it after each change of a published event)."""

from django.core.management.base import BaseCommand

from auzolan.events.services import opendata


class Command(BaseCommand):
    help = "Publie (ou met à jour) le jeu de données de l'agenda dans le catalogue."

    def handle(self, *args, **options):
        dataset = opendata.agenda_publish()
        self.stdout.write(str(dataset.identifier) if dataset else "Aucune organisation « agence » pour publier.")
