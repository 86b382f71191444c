from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from auzolan.accounts.services import EXPORT_RETENTION
from auzolan.core.models import Job

pytestmark = pytest.mark.django_db


def _export(user, *, age: timedelta) -> tuple[Job, str]:
    job = Job.objects.create(owner=user, kind="accounts.export", label="Export", state=Job.State.SUCCEEDED)
    path = default_storage.save(f"private/exports/{user.pk}/{job.pk}.json", ContentFile(b"{}"))
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - age, result={"path": path})
    return job, path


def test_retention_is_seven_days():
    assert timedelta(days=7) == EXPORT_RETENTION


def test_prune_exports_deletes_old_files_and_jobs_only(user):
    old_job, old_path = _export(user, age=timedelta(days=8))
    new_job, new_path = _export(user, age=timedelta(days=2))
    other = Job.objects.create(owner=user, kind="organisations.import", label="Import")
    Job.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(days=30))

    call_command("prune_exports", verbosity=0)

    assert not default_storage.exists(old_path)
    assert not Job.objects.filter(pk=old_job.pk).exists()
    assert default_storage.exists(new_path)
    assert Job.objects.filter(pk=new_job.pk).exists()
    assert Job.objects.filter(pk=other.pk).exists()
