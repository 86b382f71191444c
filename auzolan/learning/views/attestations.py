"""Attestations: a person asks for theirs when a path is completed and downloads its PDF; anyone checks one on its
public verification page (`/formation/attestations/<id>/`), which shows the stored facts and checks a code or a PDF
against them (`attestation_document`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.http import public_url
from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action
from auzolan.learning import attestation_document, selectors, services
from auzolan.learning.attestation_document import Verdict
from auzolan.learning.forms import AttestationCheckForm
from auzolan.learning.views.common import get_path, posted_files

VERDICTS = {
    Verdict.VALID: gettext_lazy("Authentique : ce code correspond à l'attestation enregistrée ci-dessus."),
    Verdict.ALTERED: gettext_lazy(
        "Refusé : ce code ne correspond pas à l'attestation enregistrée (un nom, une date, un parcours ou une durée a "
        "été modifié, ou le code est incomplet)."
    ),
    Verdict.OTHER: gettext_lazy("Refusé : ce code est celui d'une autre attestation."),
    Verdict.REVOKED: gettext_lazy("Refusé : cette attestation a été révoquée."),
    Verdict.ERASED: gettext_lazy("Refusé : cette attestation n'existe plus."),
}


@require_POST
@login_required
def attestation_issue(request, path_slug: str):
    learning_path = get_path(path_slug)
    return submit_action(
        request,
        lambda: services.attestation_issue(user=request.user, path=learning_path),
        success=_("Votre attestation est prête : vous pouvez la télécharger."),
        redirect_to=learning_path.get_absolute_url(),
    )


def _verification_url(request, attestation) -> str:
    return public_url(attestation.get_absolute_url(), request)


@require_safe
@login_required
def attestation_pdf(request, public_id: str):
    attestation = selectors.attestation(public_id)
    if attestation is None or not can(request.user, "learning.download_attestation", attestation):
        raise Http404
    content = attestation_document.render_pdf(attestation, verification_url=_verification_url(request, attestation))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-{attestation.public_id}.pdf"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def attestation_verify(request, public_id: str):
    """Public, no login: what was attested (the stored facts), or "révoquée", or "n'existe plus"; a 404 for an
    unknown identifier. A POST checks a code or an uploaded PDF against the stored facts."""
    attestation = selectors.attestation(public_id)
    if attestation is None:
        raise Http404
    form = AttestationCheckForm(*posted_files(request))
    verdict, status = None, 410 if attestation.erased_at else 200
    if request.method == "POST":
        if form.is_valid():
            code = form.cleaned_data["code"].strip()
            if not code and form.cleaned_data.get("document"):
                code = attestation_document.code_in_pdf(form.cleaned_data["document"])
            verdict = attestation_document.verify_code(attestation, code)
            status = 200 if verdict == Verdict.VALID else 400
        else:
            status = 400
    return render(
        request,
        "learning/attestation_verify.html",
        {
            "attestation": attestation,
            "form": form,
            "verdict": verdict,
            "verdict_message": VERDICTS[verdict] if verdict else "",
            "duration": attestation_document.duration_label(attestation.minutes),
            "is_holder": can(request.user, "learning.download_attestation", attestation),
            "verification_url": _verification_url(request, attestation),
            "issuer": settings.AGENCY_NAME,
        },
        status=status,
    )


# --- Open Badges 2.0, hosted verification: the issuer, a badge per path, an assertion per attestation --------------
def _url(request, name: str, *args) -> str:
    return public_url(reverse(name, args=args), request)


@require_safe
def badge_issuer(request):
    data = attestation_document.badge_issuer(
        url=_url(request, "learning:badge_issuer"), site_url=public_url("/", request)
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
def badge_class(request, path_slug: str):
    learning_path = get_path(path_slug)
    data = attestation_document.badge_class(
        learning_path,
        url=_url(request, "learning:badge_class", learning_path.slug),
        issuer_url=_url(request, "learning:badge_issuer"),
        image_url=_url(request, "learning:badge_image", learning_path.slug),
        criteria_url=public_url(learning_path.get_absolute_url(), request),
        competences=selectors.path_competences(learning_path),
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
def badge_image(request, path_slug: str):
    learning_path = get_path(path_slug)
    return render(
        request,
        "learning/badge.svg",
        {"path": learning_path, "issuer": settings.AGENCY_NAME},
        content_type="image/svg+xml",
    )


@require_safe
def badge_assertion(request, public_id: str):
    """200 with the assertion; 410 Gone with `revoked: true` for a revoked or erased attestation (Open Badges 2.0
    hosted verification); 404 for an unknown identifier."""
    attestation = selectors.attestation(public_id)
    if attestation is None:
        raise Http404
    url = _url(request, "learning:badge_assertion", attestation.public_id)
    if attestation.revoked_at or attestation.erased_at or attestation.path_id is None or not attestation.badge_identity:
        return JsonResponse(attestation_document.revoked_assertion(attestation, url=url), status=410)
    data = attestation_document.badge_assertion(
        attestation,
        url=url,
        badge_url=_url(request, "learning:badge_class", attestation.path.slug),
        evidence_url=_verification_url(request, attestation),
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("formation/parcours/<slug:path_slug>/attestation/", attestation_issue, name="attestation_issue"),
    path("formation/attestations/<str:public_id>/", attestation_verify, name="attestation_verify"),
    path("formation/attestations/<str:public_id>/pdf/", attestation_pdf, name="attestation_pdf"),
    path("formation/attestations/<str:public_id>/badge.json", badge_assertion, name="badge_assertion"),
    path("formation/badges/emetteur.json", badge_issuer, name="badge_issuer"),
    path("formation/badges/parcours/<slug:path_slug>.json", badge_class, name="badge_class"),
    path("formation/badges/parcours/<slug:path_slug>.svg", badge_image, name="badge_image"),
]
