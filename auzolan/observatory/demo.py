"""Demo observatory: a year of monthly history that ends at today's real figures, then the agency's dataset.

Runs after the catalogue's and participation's demos (ORDER 90), so that "today" counts their datasets. The demo
files' validations are queued for the worker; the pending ones are run here first (the datastore's own validator,
`conformance.run_validation`), so that today's SCDL figure is the real one. The eleven months before are
back-filled (`backfilled=True`): a plausible growth towards today's figures, different every month, never above
them; months that already have a snapshot are left as they are. Idempotent: when this month has a snapshot, nothing
is written (running `load_demo` again changes no row; the scheduled command keeps the month current). Stage
figures appear only when the programme provider is registered (with the programme app), back-filled by moving each
commune a few steps back.
"""

from __future__ import annotations

import contextlib
import datetime
import random

from django.utils import timezone

from auzolan.catalog import selectors as catalog_selectors
from auzolan.core.errors import ApplicationError
from auzolan.datastore.conformance import run_validation
from auzolan.datastore.models import ValidationReport
from auzolan.observatory import selectors, services
from auzolan.observatory.models import ObservatorySnapshot
from auzolan.organisations.selectors import agency_organisation

ORDER = 90
MONTHS = 12


def _months_before(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _grown(current: int, progress: float, start: float) -> int:
    """`current` scaled along a growth from `start` (a year ago) to 1 (today)."""
    return min(current, round(current * (start + (1 - start) * progress)))


def backfill_values(current: dict, months_ago: int, rng: random.Random) -> dict:
    """Plausible figures `months_ago` months before `current` (a snapshot's values)."""
    progress = max(0.0, 1 - months_ago / MONTHS + rng.uniform(-0.03, 0.03))
    declared = _grown(current["scdl_declared"], progress, 0.4)
    share_now = current["scdl_valid"] / current["scdl_declared"] if current["scdl_declared"] else 0
    share = share_now * (0.55 + 0.45 * progress)
    values = {
        "organisations_publishing": _grown(current["organisations_publishing"], progress, 0.5),
        "datasets_published": _grown(current["datasets_published"], progress, 0.45),
        "scdl_declared": declared,
        "scdl_valid": min(declared, round(declared * share)),
        "reuses": _grown(current["reuses"], progress, 0.3),
        "bound_total": current["bound_total"],
        "bound_publishing": None
        if current["bound_publishing"] is None
        else _grown(current["bound_publishing"], progress, 0.4),
        "communes": [],
        "stages": [],
    }
    if current["stages"]:
        communes = []
        for item in current["communes"]:
            stage = item["stage"]
            if stage is not None:
                stage = max(0, stage - round(stage * (1 - progress) + rng.uniform(0, 0.6)))
            communes.append({**item, "stage": stage, "label": item["label"] if stage == item["stage"] else ""})
        counts: dict[int, int] = {}
        for item in communes:
            if item["stage"] is not None:
                counts[item["stage"]] = counts.get(item["stage"], 0) + 1
        # Organisations per stage: today's distribution shifted back like the communes.
        shifted: dict[int, int] = {}
        for entry in current["stages"]:
            stage = max(0, entry["stage"] - round(entry["stage"] * (1 - progress)))
            shifted[stage] = shifted.get(stage, 0) + entry["count"]
        labels = {entry["stage"]: entry["label"] for entry in current["stages"]}
        values["stages"] = [
            {"stage": entry["stage"], "label": labels.get(entry["stage"], ""), "count": shifted.get(entry["stage"], 0)}
            for entry in current["stages"]
        ]
        values["communes"] = communes
    return values


def _validate_pending() -> int:
    done = 0
    for report in ValidationReport.objects.filter(state=ValidationReport.State.PENDING).select_related(
        "version", "schema"
    ):
        with contextlib.suppress(ApplicationError):  # a failure is stored in the report, as the worker does
            run_validation(report=report)
        done += 1
    return done


def load(*, stdout) -> list[str]:
    month = services.month_start(timezone.localdate())
    if ObservatorySnapshot.objects.filter(month=month).exists():
        # Loaded already this month: left as it is (the scheduled `observatory_snapshot` keeps it current).
        return [f"Observatoire : {ObservatorySnapshot.objects.count()} relevés mensuels (déjà chargés)."]
    _validate_pending()
    current = services.snapshot_values(selectors.indicators())
    rng = random.Random("auzolan-demo-observatory")  # the same history on every run
    created = 0
    for months_ago in range(MONTHS - 1, 0, -1):
        values = backfill_values(current, months_ago, rng)
        earlier = _months_before(month, months_ago)
        if ObservatorySnapshot.objects.filter(month=earlier).exists():
            continue
        services.snapshot_take(month=earlier, values=values)
        created += 1
    services.snapshot_take()
    agency = agency_organisation()
    actor = catalog_selectors.scheduled_publisher(organisation=agency) if agency is not None else None
    published = ""
    if actor is not None:
        dataset = services.observatory_publish(actor=actor)
        published = f" ; jeu de données « {dataset.title} » publié par {agency.name}"
    return [
        f"Observatoire : {ObservatorySnapshot.objects.count()} relevés mensuels ({created} reconstitués){published}."
    ]
