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
