"""The person's own pages: "Mon espace", profile, RGPD export and account deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.accounts import selectors
from auzolan.accounts.forms import DeleteAccountForm, ProfileForm
from auzolan.accounts.services import (
    EXPORT_RETENTION,
    user_delete,
    user_export_file_path,
    user_export_start,
    user_update_profile,
)
from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.models import Job
from auzolan.core.permissions import get_object_for, require
from auzolan.core.registry import dashboard_sections


@require_safe
@login_required
def dashboard(request):
    require(request.user, "accounts.view_own_space")
    return render(
        request,
        "accounts/dashboard.html",
        {
            # Each section is (template_name, section): the template is included with `section` (its context dict).
            "sections": dashboard_sections(request),
            "activity": selectors.user_activity(user=request.user),
            "jobs": selectors.user_jobs(user=request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request):
    require(request.user, "accounts.view_own_space")
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, current_role=user.territory_role)
        if form.is_valid():
            try:
                user_update_profile(actor=user, user=user, **form.cleaned_data)
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Votre profil est enregistré."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={"full_name": user.full_name, "territory_role": user.territory_role},
            current_role=user.territory_role,
        )
    return render(request, "accounts/profile.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def export(request):
    require(request.user, "accounts.view_own_space")
    if request.method == "POST":
        try:
            job = user_export_start(user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("accounts:export")
        messages.success(request, _("Votre export est en préparation. Cette page se met à jour quand il est prêt."))
        return redirect("core:job_detail", job_id=job.pk)
    return render(
        request,
        "accounts/export.html",
        {"exports": selectors.user_export_jobs(user=request.user), "retention_days": EXPORT_RETENTION.days},
    )


@require_safe
@login_required
def export_download(request, job_id):
    queryset = Job.objects.filter(kind="accounts.export", state=Job.State.SUCCEEDED)
    job = get_object_for(request.user, "accounts.download_export", queryset, pk=job_id)
    path = user_export_file_path(job=job)
    if not path:
        raise Http404
    day = timezone.localdate(job.finished_at or job.created_at)
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"auzolan-mes-donnees-{day:%Y-%m-%d}.json",
        content_type="application/json; charset=utf-8",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete(request):
    require(request.user, "accounts.view_own_space")
    user = request.user
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            try:
                user_delete(actor=user, user=user)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                logout(request)
                messages.success(request, _("Votre compte est supprimé. Merci d'avoir contribué."))
                return redirect("core:home")
    else:
        form = DeleteAccountForm(user=user)
    return render(request, "accounts/delete.html", {"form": form})
