"""Load the demonstration data of every module: `python manage.py load_demo`.

Each app may have a `demo.py` module with `ORDER` (int), `load(*, stdout) -> list[str]` (lines to print at the
end) and optionally `summary() -> list[str]` (what to try with the data as it is now, such as the demo accounts that
exist: printed after a load, and by `manage.py serve`). Loaders are idempotent: running the command twice changes
nothing.
The command refuses to touch a database that holds real (non-demo) accounts, so it can never weaken a real
installation with known passwords.
"""

import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from config import env

REAL_ACCOUNTS_EXIT = 3


def demo_modules():
    autodiscover_modules("demo")
    modules = [m for name, m in sys.modules.items() if name.startswith("auzolan.") and name.endswith(".demo") and m]
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 50))


def summary_lines() -> list[str]:
    """What a person who just started the platform needs to try it: where e-mails land on a local installation,
    and the demo accounts as long as they exist (even after a real sign-up)."""
    lines = []
    if settings.EMAIL_BACKEND == "auzolan.core.mail.LocalFileBackend":
        lines.append(
            f"Courriels (confirmation d'adresse, mot de passe oublié…) : un fichier .eml par courriel dans "
            f"{settings.EMAIL_FILE_PATH}/, annoncé ici avec son lien."
        )
    for module in demo_modules():
        summary = getattr(module, "summary", None)
        if summary is not None:
            lines.extend(summary())
    return lines


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent ; refuse une base qui contient de vrais comptes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-if-real",
            action="store_true",
            help="S'il existe de vrais comptes, ne rien faire et sortir sans erreur (utilisé par make run).",
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Autorise le chargement quand AUZOLAN_ENV=production."
        )

    def handle(self, *args, skip_if_real=False, allow_production=False, **options):
        real = get_user_model().objects.filter(is_demo=False).count()
        if real:
            message = (
                f"La base contient {real} compte(s) réel(s) : la démonstration n'est pas chargée, "
                "pour ne jamais ajouter de comptes aux mots de passe connus à une installation réelle."
            )
            if skip_if_real:
                # make run: `manage.py serve` then prints the demo accounts that exist (summary_lines).
                self.stdout.write(message)
                return
            raise CommandError(message, returncode=REAL_ACCOUNTS_EXIT)
        if env.IS_PRODUCTION and not allow_production:
            raise CommandError("AUZOLAN_ENV=production : ajoutez --allow-production pour charger la démonstration.")
        lines: list[str] = []
        with transaction.atomic():
            for module in demo_modules():
                lines.extend(module.load(stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        if not skip_if_real:  # make run: `manage.py serve` prints the summary next
            lines += summary_lines()
        for line in lines:
            self.stdout.write(line)
