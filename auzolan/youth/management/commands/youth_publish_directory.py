"""Publish the partners directory's open dataset now (the partnership services schedule it after each change)."""

from django.core.management.base import BaseCommand

from auzolan.youth import opendata


class Command(BaseCommand):
    help = "Publie (ou met à jour) le jeu de données de l'annuaire des partenaires jeunesse dans le catalogue."

    def handle(self, *args, **options):
        dataset = opendata.directory_publish()
        self.stdout.write(str(dataset.identifier) if dataset else "Aucune organisation « agence » pour publier.")
