"""`manage.py harvest [--source ID] [--dry-run] [--all]`: harvest the sources now (run daily, see deployment.md).

Without `--source`: every active daily source not harvested in the last 20 hours (`--all`: every active source,
whatever its schedule). Each run is written as the runs started from the pages are; the summary is printed."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from auzolan.harvest import runs
from auzolan.harvest.models import HarvestRun, HarvestSource


class Command(BaseCommand):
    help = "Moissonne les portails des membres (sources actives quotidiennes, ou --source ID)."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, help="identifiant de la source à moissonner")
        parser.add_argument("--dry-run", action="store_true", help="prévisualiser : ne rien écrire")
        parser.add_argument("--all", action="store_true", help="toutes les sources actives, même « à la demande »")

    def handle(self, *args, source=None, dry_run=False, all=False, **options):
        if source is not None:
            sources = HarvestSource.objects.filter(pk=source)
            if not sources.exists():
                raise CommandError(f"Source {source} introuvable.")
        else:
            sources = HarvestSource.objects.filter(active=True)
            if not all:
                recent = timezone.now() - datetime.timedelta(hours=20)
                sources = sources.filter(schedule=HarvestSource.Schedule.DAILY).filter(
                    Q(last_run_at__isnull=True) | Q(last_run_at__lt=recent)
                )
        for item in sources.order_by("pk"):
            if HarvestRun.objects.filter(source=item, state=HarvestRun.State.RUNNING).exists():
                self.stdout.write(f"{item.name} : moisson déjà en cours, ignorée.")
                continue
            run = runs.harvest_run(run=HarvestRun.objects.create(source=item, dry_run=dry_run))
            self.stdout.write(f"{item.name} : {run.get_state_display()} — {run.message}")
