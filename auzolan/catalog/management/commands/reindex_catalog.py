"""Rebuild the catalogue's full-text index from the published datasets."""

from django.core.management.base import BaseCommand

from auzolan.catalog.search import rebuild_index


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche plein texte du catalogue (jeux de données publiés)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Index du catalogue reconstruit : {count} jeu(x) de données publié(s)."))
