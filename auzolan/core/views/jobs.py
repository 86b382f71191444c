from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from auzolan.core.models import Job
from auzolan.core.permissions import get_object_for


@require_safe
@login_required
def job_detail(request, job_id):
    job = get_object_for(request.user, "core.view_job", Job, pk=job_id)
    context = {
        "job": job,
        "job_url": f"/api/v1/jobs/{job.pk}",
        "download_url": (job.result or {}).get("download_url", ""),
    }
    return render(request, "core/job_detail.html", context)


#: Jobs listed on a person's tasks page (the latest first).
JOB_LIST_SIZE = 100


@require_safe
@login_required
def job_list(request):
    """The person's background jobs (imports, exports of data, personal data exports…), the latest first."""
    jobs = Job.objects.filter(owner=request.user).order_by("-created_at")[:JOB_LIST_SIZE]
    return render(request, "core/job_list.html", {"jobs": jobs, "limit": JOB_LIST_SIZE})
