"""Background jobs of harvesting (run by the task worker; started by `services.harvest_start`)."""

from __future__ import annotations

from auzolan.core.jobs import job_task
from auzolan.harvest import runs
from auzolan.harvest.models import HarvestRun


@job_task
def run_harvest(progress, *, run_id: int) -> dict:
    """Carry out one queued run; the job's message is the run's summary (or the source's failure)."""
    run = runs.harvest_run(run=HarvestRun.objects.get(pk=run_id), progress=progress)
    return {"run": run.pk, "state": run.state, "message": run.message}
