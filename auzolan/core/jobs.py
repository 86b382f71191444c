"""Background jobs that people start and follow.

A job is a Django task (django-tasks, database backend, run by `manage.py db_worker`) plus a
`Job` row that records who started it, its state and its progress, so that the person sees
how far it has gone. Write a job with `@job_task` and start it with `job_start`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from auzolan.core.errors import ApplicationError
from auzolan.core.models import Job

logger = logging.getLogger(__name__)


class Progress:
    """Handed to a job function so that it reports how far it has gone."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        jobs_update([self.job.pk], done=done, total=total, message=message or None)


def job_task(func: Callable[..., dict | None]):
    """Turn `func(progress, **kwargs) -> dict` into a task that keeps its Job up to date."""

    @functools.wraps(func)
    def run(job_id: str, **kwargs: Any) -> dict | None:
        job = Job.objects.get(pk=job_id)
        jobs_update([job.pk], state=Job.State.RUNNING)
        try:
            result = func(Progress(job), **kwargs) or {}
        except ApplicationError as error:
            _finish(job, Job.State.FAILED, error.message)
            return None
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, Job.State.FAILED, _("Une erreur inattendue est survenue. L'équipe technique est prévenue."))
            raise
        _finish(job, Job.State.SUCCEEDED, result.pop("message", ""), result)
        return result

    return task()(run)


def _finish(job: Job, state: str, message: str, result: dict | None = None) -> None:
    jobs_update([job.pk], state=state, message=message, result=result)


def job_start(*, owner, kind: str, label: str, task, **kwargs: Any) -> Job:
    """Record a job for `owner` and enqueue `task` once the current transaction commits."""
    job = Job.objects.create(owner=owner, kind=kind, label=label)

    def enqueue() -> None:
        result = task.enqueue(job_id=str(job.pk), **kwargs)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


# --- Jobs that follow work run elsewhere ------------------------------------------------------------------------
# Some work is shared: the same data export asked by several people runs once (auzolan.datastore.export_jobs). The app
# keeps the work's own state and runs one task; each person who asked gets a Job row that mirrors it (`job_follow`,
# then `jobs_update` from the task), so that it shows in their space (/moi/taches/<id>/) like any other job.


def job_follow(
    *,
    owner,
    kind: str,
    label: str,
    state: str = Job.State.QUEUED,
    done: int = 0,
    total: int = 0,
    message: str = "",
    result: dict | None = None,
) -> Job:
    """A Job row for `owner` that another app's task keeps up to date with `jobs_update` (it enqueues nothing)."""
    now = timezone.now()
    running = state != Job.State.QUEUED
    finished = state in (Job.State.SUCCEEDED, Job.State.FAILED)
    return Job.objects.create(
        owner=owner,
        kind=kind,
        label=label[:255],
        state=state,
        progress_done=done,
        progress_total=total,
        message=message[:500],
        result=result or {},
        started_at=now if running else None,
        finished_at=now if finished else None,
    )


def jobs_update(
    job_ids: Iterable,
    *,
    state: str | None = None,
    done: int | None = None,
    total: int | None = None,
    message: str | None = None,
    result: dict | None = None,
) -> None:
    """Record the state and progress of jobs (`None`: unchanged); starting sets `started_at`, finishing
    `finished_at`."""
    fields = progress_fields(done=done, total=total, message=message)
    if state is not None:
        fields["state"] = state
        if state == Job.State.RUNNING:
            fields["started_at"] = fields["updated_at"]
        elif state in (Job.State.SUCCEEDED, Job.State.FAILED):
            fields["finished_at"] = fields["updated_at"]
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk__in=list(job_ids)).update(**fields)


def progress_fields(*, done: int | None = None, total: int | None = None, message: str | None = None) -> dict:
    """The fields of a progress report (`None`: unchanged) of a Job, or of any `core.models.Progressing` model."""
    fields: dict[str, Any] = {"updated_at": timezone.now()}
    if done is not None:
        fields["progress_done"] = done
    if total is not None:
        fields["progress_total"] = total
    if message is not None:
        fields["message"] = message[:500]
    return fields


def jobs_delete(job_ids: Iterable) -> None:
    """Delete jobs whose work is gone (a pruned export file): they no longer lead anywhere."""
    Job.objects.filter(pk__in=list(job_ids)).delete()


def task_enqueue_debounced(task, *, key: str, seconds: int) -> bool:
    """Enqueue `task` (no arguments) to run in `seconds`, unless one is already waiting under `key`: a burst of changes
    gives one run. The mark lives in the shared cache (for 5 × `seconds`, in case the task never runs); the task calls
    `task_debounce_release(key)` before it reads what it works on, so that a change made while it runs schedules the
    next one. True when enqueued."""
    if not cache.add(key, True, seconds * 5):
        return False
    task.using(run_after=timezone.now() + dt.timedelta(seconds=seconds)).enqueue()
    return True


def task_debounce_release(key: str) -> None:
    cache.delete(key)
