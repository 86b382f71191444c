"""Background tasks of youth (run by `manage.py db_worker`): the debounced publication of the partners directory's
open dataset, scheduled by the partnership services (`opendata.directory_schedule`)."""

from __future__ import annotations

from django_tasks import task

from auzolan.youth import opendata


@task()
def publish_directory() -> str:
    opendata.directory_publication_started()
    dataset = opendata.directory_publish()
    return str(dataset.identifier) if dataset is not None else ""
