from datetime import datetime
from uuid import UUID

from ninja import Router, Schema
from ninja.security import django_auth

from auzolan.core.models import Job
from auzolan.core.permissions import get_object_for

router = Router(tags=["Tâches de fond"])


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None
    details: dict | None = None


class ErrorOut(Schema):
    """The one error shape of every API of the platform: `{"error": {"code", "message", "field"?, "details"?}}`
    (`ApplicationError.as_dict`, `core.api_errors` for parameter errors)."""

    error: ErrorBody


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Out, **errors(409, 429)}`: the error statuses an operation declares (config/api.py adds the
    ones the platform may answer to every operation: 400, 422, 404 with an object in the address, 401)."""
    return dict.fromkeys(statuses, ErrorOut)


class ProgressOut(Schema):
    """The progress of background work, as the job page's script reads it (static/js/auzolan.js)."""

    id: UUID
    state: str
    state_label: str
    percent: int | None
    progress_done: int
    progress_total: int
    message: str
    created_at: datetime
    finished_at: datetime | None


class JobOut(ProgressOut):
    kind: str
    label: str
    result: dict

    @staticmethod
    def resolve_state_label(job: Job) -> str:
        return str(job.get_state_display())


@router.get("/jobs/{job_id}", response=JobOut, auth=django_auth, summary="État et progression d'une tâche de fond")
def job_detail(request, job_id: UUID):
    """Visible to the person who started the job (and to agency staff)."""
    return get_object_for(request.user, "core.view_job", Job, pk=job_id)
