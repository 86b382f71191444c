"""Re-use pages: submit, public list, the submitter's own list, moderation by the dataset's organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.catalog import reuses, selectors
from auzolan.catalog.forms_reuses import ModerationForm, ReuseForm
from auzolan.catalog.models import ReuseLink
from auzolan.core.permissions import get_object_for
from auzolan.core.submissions import submit_action, submit_form

PAGE_SIZE = 30


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def reuse_create(request):
    initial = {}
    slug = request.GET.get("dataset", "").strip()
    if slug and selectors.reuse_dataset_choices().filter(slug=slug).exists():
        initial["datasets"] = [slug]
    submitted = submit_form(
        request,
        ReuseForm(request.POST or None, initial=initial),
        lambda data: reuses.reuse_submit(
            actor=request.user,
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            url=data["url"],
            datasets=list(data["datasets"]),
        ),
        success=_("Merci ! Votre réutilisation sera publiée après validation par les producteurs des données."),
        redirect_to="catalog:reuse_mine",
    )
    if submitted.response:
        return submitted.response
    # A refusal keeps the 400 this page has always answered (the same address proposed twice is a 409 in the API).
    status = 400 if submitted.error else submitted.status
    return render(request, "catalog/reuses/form.html", {"form": submitted.form}, status=status)


@require_safe
def reuse_list(request):
    page = Paginator(selectors.reuse_public_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/reuses/list.html", {"page": page, "reuses": page.object_list})


@require_safe
@login_required
def reuse_mine(request):
    return render(request, "catalog/reuses/mine.html", {"reuses": selectors.reuses_of(user=request.user)})


@require_safe
@login_required
def reuse_moderation(request):
    links = selectors.reuse_pending_for(user=request.user)
    return render(
        request,
        "catalog/reuses/moderation.html",
        {"links": [(link, ModerationForm(prefix=f"l{link.pk}")) for link in links]},
    )


@require_POST
@login_required
def reuse_moderate(request, pk: int):
    link = get_object_for(
        request.user,
        "catalog.moderate_reuse",
        ReuseLink.objects.select_related("reuse", "dataset__organisation"),
        pk=pk,
    )
    form = ModerationForm(request.POST, prefix=f"l{link.pk}")
    if not form.is_valid():
        messages.error(request, _("Choisissez de publier ou de refuser la réutilisation."))
        return redirect("catalog:reuse_moderation")
    approve = form.cleaned_data["decision"] == "publish"
    done = _("« %(title)s » est publiée.") if approve else _("« %(title)s » est refusée.")
    return submit_action(
        request,
        lambda: reuses.reuse_moderate(
            actor=request.user, link=link, approve=approve, reason=form.cleaned_data["reason"]
        ),
        success=done % {"title": link.reuse.title},
        redirect_to="catalog:reuse_moderation",
    )


urlpatterns = [
    path("reutilisations/", reuse_list, name="reuse_list"),
    path("reutilisations/proposer/", reuse_create, name="reuse_create"),
    path("reutilisations/mes-propositions/", reuse_mine, name="reuse_mine"),
    path("publier/reutilisations/", reuse_moderation, name="reuse_moderation"),
    path("publier/reutilisations/<int:pk>/", reuse_moderate, name="reuse_moderate"),
]
