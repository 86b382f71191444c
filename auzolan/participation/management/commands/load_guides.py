"""Create the agency's methodology guides that do not exist yet (edited guides are left as they are)."""

from django.core.management.base import BaseCommand

from auzolan.participation.demo_guides import load_guides


class Command(BaseCommand):
    help = "Crée les guides méthodologiques qui n'existent pas encore (les guides modifiés restent)."

    def handle(self, *args, **options):
        created = load_guides()
        self.stdout.write(f"{created} guide(s) créé(s).")
