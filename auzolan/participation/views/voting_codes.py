"""Participation pages of one-time voting codes: a person without an account types the code handed out by the
commune (it stays in their session, `budget_common`); the organisation's editors generate batches of codes (shown
once: a printable page or a CSV file, stored only hashed) and revoke the unused codes of a batch.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from auzolan.core.http import client_ip, public_url
from auzolan.core.submissions import submit_action, submit_form
from auzolan.participation.forms.budgets import CodeEntryForm, CodeGenerateForm, CodeRevokeForm
from auzolan.participation.models import AccessCode, Process
from auzolan.participation.selectors import budgets as selectors
from auzolan.participation.services import budgets as budget_services
from auzolan.participation.services import codes as services
from auzolan.participation.views import processes  # noqa: F401  (registers the process_slug converter used below)
from auzolan.participation.views.budget_common import remember_access_code, session_access_code
from auzolan.participation.views.common import get_process


def _client_keys(request) -> list[str]:
    if not request.session.session_key:
        request.session.save()
    return [f"ip:{client_ip(request)}", f"session:{request.session.session_key}"]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code_entry(request, slug: str):
    """A person without an account types the code handed out by the commune; it stays in their session."""
    process = get_process(request, slug)

    def check(data: dict) -> AccessCode:
        access_code = services.access_code_check(process=process, code=data["code"], client_keys=_client_keys(request))
        remember_access_code(request, process, access_code)
        return access_code

    def where_to_vote(access_code: AccessCode) -> str:
        budgets = budget_services.allowed_budgets(process, access_code=access_code)
        if len(budgets) == 1:
            return reverse("participation:budget_detail", kwargs={"slug": slug, "pk": budgets[0].pk})
        return reverse("participation:budget_list", kwargs={"slug": slug})

    submitted = submit_form(
        request,
        CodeEntryForm(request.POST or None),
        check,
        success=_("Votre code est valable : vous pouvez voter une fois."),
        redirect_to=where_to_vote,
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/codes/entry.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "form": submitted.form,
            "refusal": services.code_voting_refusal(process),
            "has_code": session_access_code(request, process) is not None,
        },
        status=submitted.status,
    )


# --- Management (the organisation's editors) ------------------------------------------------------------------


def _generated_codes(request, process: Process, codes: list[str], *, output: str) -> HttpResponse:
    """The clear codes, the only time they exist: a printable page or a CSV file, never kept by any cache."""
    url = public_url(reverse("participation:code_entry", kwargs={"slug": process.slug}), request)
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["code", "adresse"])
        writer.writerows([code, url] for code in codes)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="codes-{process.slug}-{stamp}.csv"'
    else:
        response = render(
            request,
            "participation/codes/generated.html",
            {"process": process, "process_url": process.get_absolute_url(), "codes": codes, "entry_url": url},
        )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage_codes(request, slug: str):
    """Generate codes (shown once: printable page or CSV, stored only hashed) and see the batches."""
    process = get_process(request, slug, manage=True)
    submitted = submit_form(
        request,
        CodeGenerateForm(request.POST or None, process=process),
        lambda data: services.access_codes_generate(
            actor=request.user, process=process, count=data["count"], batch=data["batch"], district=data["district"]
        ),
        success=None,
        # Never followed: the clear codes cannot be shown after a redirect (they are not stored), so the answer to
        # a successful generation is the codes themselves (below).
        redirect_to=request.get_full_path(),
    )
    if submitted.result is not None:
        return _generated_codes(request, process, submitted.result, output=submitted.form.cleaned_data["output"])
    return render(
        request,
        "participation/codes/manage.html",
        {
            "process": process,
            "process_url": process.get_absolute_url(),
            "form": submitted.form,
            "batches": selectors.code_batches(process),
        },
        status=submitted.status,
    )


@require_POST
@login_required
def manage_codes_revoke(request, slug: str):
    process = get_process(request, slug, manage=True)
    form = CodeRevokeForm(request.POST)
    manage_url = reverse("participation:manage_codes", kwargs={"slug": slug})
    if not form.is_valid():
        messages.error(request, _("Cette demande n'est pas valable."))
        return redirect(manage_url)
    return submit_action(
        request,
        lambda: services.access_codes_revoke(actor=request.user, process=process, batch=form.cleaned_data["batch"]),
        success=lambda revoked: (
            ngettext("%(count)s code non utilisé est révoqué.", "%(count)s codes non utilisés sont révoqués.", revoked)
            % {"count": revoked}
        ),
        redirect_to=manage_url,
    )


urlpatterns = [
    path("<process_slug:slug>/code/", code_entry, name="code_entry"),
    path("gerer/<slug:slug>/codes/", manage_codes, name="manage_codes"),
    path("gerer/<slug:slug>/codes/revoquer/", manage_codes_revoke, name="manage_codes_revoke"),
]
