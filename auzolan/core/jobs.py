"""Background jobs that people start and follow.

A job is a Django task (django-tasks, database backend, run by `manage.py db_worker`) plus a
`Job` row that records who started it, its state and its progress, so that the person sees
how far it has gone. Write a job with `@job_task` and start it with `job_start`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

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
        fields = {"progress_done": done, "updated_at": timezone.now()}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["message"] = message[:500]
        Job.objects.filter(pk=self.job.pk).update(**fields)


def job_task(func: Callable[..., dict | None]):
    """Turn `func(progress, **kwargs) -> dict` into a task that keeps its Job up to date."""

    @functools.wraps(func)
    def run(job_id: str, **kwargs: Any) -> dict | None:
        job = Job.objects.get(pk=job_id)
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
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
    fields = {"state": state, "finished_at": timezone.now(), "message": message[:500]}
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk=job.pk).update(**fields)


def job_start(*, owner, kind: str, label: str, task, **kwargs: Any) -> Job:
    """Record a job for `owner` and enqueue `task` once the current transaction commits."""
    job = Job.objects.create(owner=owner, kind=kind, label=label)

    def enqueue() -> None:
        result = task.enqueue(job_id=str(job.pk), **kwargs)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job
