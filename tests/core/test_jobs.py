import pytest
from django.urls import reverse

from auzolan.core.errors import ApplicationError
from auzolan.core.jobs import job_follow, job_start, job_task
from auzolan.core.models import Job
from tests.accounts.factories import UserFactory
from tests.tasks import run_queued_tasks


@job_task
def count_to(progress, *, n: int) -> dict:
    for i in range(n):
        progress(i + 1, n, f"étape {i + 1}")
    return {"counted": n, "message": "Fini."}


@job_task
def refuse(progress) -> dict:
    raise ApplicationError("Le fichier est vide.")


@job_task
def crash(progress) -> dict:
    raise RuntimeError("boom")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_job_runs_in_the_worker_and_reports_progress(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=user, kind="test.count", label="Compter", task=count_to, n=3)
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.task_result_id
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.result == {"counted": 3}
    assert job.message == "Fini."
    assert job.started_at and job.finished_at


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_application_error_fails_the_job_with_its_message(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=user, kind="test.refuse", label="Refuser", task=refuse)
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.message == "Le fichier est vide."


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_unexpected_error_fails_the_job_without_leaking_details(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=user, kind="test.crash", label="Planter", task=crash)
    run_queued_tasks()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "boom" not in job.message and "inattendue" in job.message


@pytest.mark.django_db
def test_nothing_is_enqueued_when_the_transaction_rolls_back(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_start(owner=user, kind="test.count", label="Compter", task=count_to, n=1)
    assert len(callbacks) == 1  # enqueued only on commit
    assert Job.objects.get().task_result_id == ""


@pytest.mark.django_db
def test_the_tasks_page_lists_the_persons_jobs_only(client, user):
    mine = job_follow(
        owner=user, kind="test.count", label="Compter mes lignes", state=Job.State.RUNNING, done=1, total=4
    )
    job_follow(owner=UserFactory(), kind="test.count", label="La tâche de quelqu'un d'autre")
    url = reverse("core:job_list")
    assert url == "/moi/taches/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(user)
    html = client.get(url).content.decode()
    assert "Compter mes lignes" in html and f'href="/moi/taches/{mine.pk}/"' in html and "25 %" in html
    assert "quelqu&#x27;un d&#x27;autre" not in html and "<caption" in html
    detail = client.get(reverse("core:job_detail", args=[mine.pk])).content.decode()
    assert 'href="/moi/taches/"' in detail
