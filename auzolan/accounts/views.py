"""The person's own pages: "Mon espace", profile, API tokens, RGPD export and account deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.accounts import selectors
from auzolan.accounts.forms import ApiTokenForm, DeleteAccountForm, ProfileForm
from auzolan.accounts.models import ApiToken
from auzolan.accounts.services import (
    EXPORT_RETENTION,
    MAX_API_TOKENS,
    api_token_create,
    api_token_revoke,
    user_delete,
    user_export_file_path,
    user_export_start,
    user_update_profile,
)
from auzolan.core.errors import ApplicationError
from auzolan.core.http import public_url
from auzolan.core.models import Job
from auzolan.core.permissions import get_object_for, require
from auzolan.core.registry import dashboard_sections
from auzolan.core.submissions import submit_action, submit_form


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
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "territory_role": user.territory_role},
        current_role=user.territory_role,
    )
    submitted = submit_form(
        request,
        form,
        lambda data: user_update_profile(actor=user, user=user, **data),
        success=_("Votre profil est enregistré."),
        redirect_to="accounts:profile",
    )
    if submitted.response:
        return submitted.response
    # A refused form keeps the 200 this page has always answered.
    return render(request, "accounts/profile.html", {"form": submitted.form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def api_tokens(request):
    """Create (the clear token is shown once, on the answer to the creation: it is never stored), list and revoke
    personal API tokens."""
    require(request.user, "accounts.view_own_space")
    submitted = submit_form(
        request,
        ApiTokenForm(request.POST or None),
        lambda data: api_token_create(actor=request.user, **data),
        success=None,
        # Followed only by a repeated submission: after a success the answer is the page with the new token.
        redirect_to=reverse("accounts:api_tokens"),
        duplicate=_("Ce jeton a déjà été créé : il figure dans la liste, mais sa valeur ne peut plus être affichée."),
    )
    if submitted.response and submitted.result is None:
        return submitted.response
    created, raw = submitted.result if submitted.result is not None else (None, "")
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": ApiTokenForm() if created else submitted.form,
            "created": created,
            "raw_token": raw,
            "tokens": selectors.user_api_tokens(user=request.user),
            "now": timezone.now(),
            "max_tokens": MAX_API_TOKENS,
            "api_url": public_url("/api/v1/", request),
        },
        status=submitted.status,
    )


@require_POST
@login_required
def revoke_api_token(request, pk: int):
    token = get_object_for(request.user, "accounts.revoke_api_token", ApiToken, pk=pk)
    return submit_action(
        request,
        lambda: api_token_revoke(actor=request.user, token=token),
        success=_("Le jeton « %(name)s » est révoqué : il ne fonctionne plus.") % {"name": token.name},
        redirect_to=reverse("accounts:api_tokens"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def export(request):
    require(request.user, "accounts.view_own_space")
    if request.method == "POST":
        return submit_action(
            request,
            lambda: user_export_start(user=request.user),
            success=_("Votre export est en préparation. Cette page se met à jour quand il est prêt."),
            redirect_to=lambda job: reverse("core:job_detail", kwargs={"job_id": job.pk}),
            error_redirect_to=reverse("accounts:export"),
        )
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

    def delete_account(data) -> None:
        user_delete(actor=user, user=user)
        logout(request)

    def refused(error: ApplicationError) -> None:
        messages.error(request, error.message)  # a rule of another app (the last administrator of an organisation…)

    submitted = submit_form(
        request,
        DeleteAccountForm(request.POST or None, user=user),
        delete_account,
        success=_("Votre compte est supprimé. Merci d'avoir contribué."),
        redirect_to="core:home",
        on_error=refused,
    )
    if submitted.response:
        return submitted.response
    # A refused form keeps the 200 this page has always answered.
    return render(request, "accounts/delete.html", {"form": submitted.form})
