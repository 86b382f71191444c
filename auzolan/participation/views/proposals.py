"""Participation pages: proposals (list, map, page, write/edit/withdraw, supports, the organisation's answer)."""

from __future__ import annotations

import random

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action, submit_form
from auzolan.core.text import file_extension
from auzolan.participation.eligibility import eligibility
from auzolan.participation.forms.comments import CommentForm
from auzolan.participation.forms.proposals import AnswerForm, FilterForm, ProposalForm
from auzolan.participation.models import Process, Proposal, ProposalImage
from auzolan.participation.selectors import comments as comment_selectors
from auzolan.participation.selectors import proposals as selectors
from auzolan.participation.services import proposals as services
from auzolan.participation.views.common import back_url, get_process, get_proposal

PAGE_SIZE = 20
MAP_LIMIT = 2000
SEED_KEY = "participation_proposal_seed"


def _seed(request) -> int:
    seed = request.session.get(SEED_KEY)
    if not isinstance(seed, int):
        seed = random.SystemRandom().randint(1, 2**31 - 1)
        request.session[SEED_KEY] = seed
    return seed


def _listing(request, process: Process):
    options = selectors.proposal_filters(process)
    form = FilterForm(request.GET or None, **options)
    values = form.values() if request.GET else {"category": None, "district": None, "status": None, "sort": "recent"}
    values["seed"] = _seed(request) if values["sort"] == "random" else 0
    return form, values


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def proposal_list(request, slug: str):
    process = get_process(request, slug)
    form, values = _listing(request, process)
    ids = selectors.proposal_ids(process=process, **values)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    proposals = selectors.proposals_by_ids(page.object_list)
    return render(
        request,
        "participation/proposals/list.html",
        {
            "process": process,
            "form": form,
            "page": page,
            "proposals": proposals,
            "supported": selectors.supported_ids(user=request.user, proposals=proposals),
            "query": _query_without_page(request),
            "can_propose": eligibility(request.user, process, "propose"),
            "sort": values["sort"],
        },
    )


@require_safe
def proposal_map(request, slug: str):
    process = get_process(request, slug)
    form, values = _listing(request, process)
    qs = selectors.proposal_list(process=process, **values)
    located = list(qs.filter(latitude__isnull=False, longitude__isnull=False)[:MAP_LIMIT])
    data_url = reverse("participation:proposal_map_data", kwargs={"slug": process.slug})
    query = _query_without_page(request)
    return render(
        request,
        "participation/proposals/map.html",
        {
            "process": process,
            "form": form,
            "located": located,
            "limit": MAP_LIMIT,
            "data_url": f"{data_url}?{query}" if query else data_url,
            "tiles": _tiles(),
            "query": query,
        },
    )


@require_safe
def proposal_map_data(request, slug: str):
    """GeoJSON of the located proposals the list shows (same filters), without personal data."""
    process = get_process(request, slug)
    _form, values = _listing(request, process)
    qs = selectors.proposal_list(process=process, **values)
    located = qs.filter(latitude__isnull=False, longitude__isnull=False)[:MAP_LIMIT]
    return JsonResponse(selectors.proposal_map_features(process=process, proposals=located))


@require_safe
def proposal_detail(request, slug: str, pk: int):
    process = get_process(request, slug)
    proposal = get_proposal(process, pk)
    is_moderator = can(request.user, "participation.moderate", process)
    # A hidden proposal hides its discussion too (moderators still see both).
    show_content = not proposal.is_hidden or is_moderator
    discussion = (
        comment_selectors.discussion(process=process, proposal=proposal, page=request.GET.get("commentaires"))
        if show_content
        else None
    )
    can_comment = eligibility(request.user, process, "comment")
    return render(
        request,
        "participation/proposals/detail.html",
        {
            "process": process,
            "proposal": proposal,
            "is_moderator": is_moderator,
            "show_content": show_content,
            "is_author": request.user.is_authenticated and proposal.author_id == request.user.pk,
            "can_edit": _can_edit(request.user, proposal),
            "can_support": eligibility(request.user, process, "support"),
            "supportable": proposal.status in services.SUPPORTABLE and not proposal.is_hidden,
            "supported": bool(selectors.supported_ids(user=request.user, proposals=[proposal])),
            "can_answer": can(request.user, "participation.change_process", process),
            "can_report": can(request.user, "participation.report", process),
            "can_comment": can_comment,
            "comment_form": CommentForm(prefix="c") if can_comment and not proposal.is_hidden else None,
            "discussion": discussion,
            "blocks": selectors.blocks_of(process=process),
        },
    )


def _can_edit(user, proposal: Proposal) -> bool:
    return (
        user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.status == Proposal.Status.PUBLISHED
        and not proposal.is_hidden
        and bool(eligibility(user, proposal.process, "propose"))
    )


def _form_kwargs(process: Process) -> dict:
    return selectors.proposal_filters(process)


def _files(data: dict) -> dict:
    images = [services.NewImage(data["image"], data.get("image_alt", ""))] if data.get("image") else []
    attachments = (
        [services.NewAttachment(data["attachment"], data.get("attachment_title", ""))] if data.get("attachment") else []
    )
    return {"images": images, "attachments": attachments}


def _place(data: dict) -> dict:
    return {
        "category": data.get("category"),
        "district": data.get("district"),
        "latitude": data.get("latitude"),
        "longitude": data.get("longitude"),
        "place": data.get("place") or "",
    }


def _tiles() -> dict:
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


def _form_page(request, process, form, proposal, status):
    """The proposal form, with the map on which the place is pointed (the districts' outlines as landmarks)."""
    return render(
        request,
        "participation/proposals/form.html",
        {
            "process": process,
            "form": form,
            "proposal": proposal,
            "tiles": _tiles(),
            "outlines": selectors.district_outlines(_form_kwargs(process)["districts"]),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def proposal_create(request, slug: str):
    process = get_process(request, slug)
    allowed = eligibility(request.user, process, "propose")
    if not allowed:
        return render(
            request,
            "participation/proposals/not_allowed.html",
            {"process": process, "eligibility": allowed},
            status=403,
        )
    submitted = submit_form(
        request,
        ProposalForm(request.POST or None, request.FILES or None, **_form_kwargs(process)),
        lambda data: services.proposal_create(
            actor=request.user, process=process, title=data["title"], body=data["body"], **_place(data), **_files(data)
        ),
        success=_("Votre proposition est publiée. Merci !"),
        redirect_to=lambda proposal: proposal.get_absolute_url(),
        duplicate=_("Cette proposition a déjà été envoyée."),
        duplicate_redirect_to=reverse("participation:proposal_list", kwargs={"slug": process.slug}),
    )
    if submitted.response:
        return submitted.response
    return _form_page(request, process, submitted.form, None, submitted.status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def proposal_edit(request, slug: str, pk: int):
    process = get_process(request, slug)
    proposal = get_proposal(process, pk)
    if proposal.author_id != request.user.pk:
        raise Http404
    if not _can_edit(request.user, proposal):
        messages.error(request, _("Cette proposition ne peut plus être modifiée."))
        return redirect(proposal.get_absolute_url())
    initial = {
        "title": proposal.title,
        "body": proposal.body,
        "category": proposal.category_id,
        "district": proposal.district_id,
        "latitude": proposal.latitude,
        "longitude": proposal.longitude,
        "place": proposal.place,
    }
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        images=list(proposal.images.all()),
        attachments=list(proposal.attachments.all()),
        **_form_kwargs(process),
    )
    submitted = submit_form(
        request,
        form,
        lambda data: services.proposal_update(
            actor=request.user,
            proposal=proposal,
            title=data["title"],
            body=data["body"],
            remove_images=data.get("remove_images") or (),
            remove_attachments=data.get("remove_attachments") or (),
            **_place(data),
            **_files(data),
        ),
        success=_("Votre proposition est modifiée."),
        redirect_to=proposal.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    return _form_page(request, process, submitted.form, proposal, submitted.status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def proposal_withdraw(request, slug: str, pk: int):
    process = get_process(request, slug)
    proposal = get_proposal(process, pk)
    if proposal.author_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        return submit_action(
            request,
            lambda: services.proposal_withdraw(actor=request.user, proposal=proposal),
            success=_("Votre proposition est retirée."),
            redirect_to=proposal.get_absolute_url(),
        )
    return render(request, "participation/proposals/withdraw.html", {"process": process, "proposal": proposal})


@require_POST
@login_required
def proposal_support(request, slug: str, pk: int):
    process = get_process(request, slug)
    proposal = get_proposal(process, pk)
    back = back_url(request, proposal.get_absolute_url())
    if request.POST.get("action") == "remove":
        return submit_action(
            request,
            lambda: services.support_remove(actor=request.user, proposal=proposal),
            success=_("Votre soutien est retiré."),
            redirect_to=back,
        )
    return submit_action(
        request,
        lambda: services.support_add(actor=request.user, proposal=proposal),
        success=_("Merci pour votre soutien !"),
        redirect_to=back,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def proposal_answer(request, slug: str, pk: int):
    process = get_process(request, slug, manage=True)
    proposal = get_proposal(process, pk)
    initial = {
        "status": proposal.status if proposal.status in Proposal.ANSWER_STATUSES else None,
        "answer": proposal.answer,
    }
    submitted = submit_form(
        request,
        AnswerForm(request.POST or None, initial=initial),
        lambda data: services.proposal_answer(actor=request.user, proposal=proposal, **data),
        success=_("La réponse est publiée et l'auteur est prévenu."),
        redirect_to=proposal.get_absolute_url(),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "participation/proposals/answer.html",
        {"process": process, "proposal": proposal, "form": submitted.form},
        status=submitted.status,
    )


@require_safe
def attachment_download(request, slug: str, pk: int, attachment: int):
    process = get_process(request, slug)
    proposal = get_proposal(process, pk)
    if proposal.is_hidden and not can(request.user, "participation.moderate", process):
        raise Http404
    item = next((a for a in proposal.attachments.all() if a.pk == attachment), None)
    if item is None:
        raise Http404
    extension = file_extension(item.file.name)
    filename = (
        f"{slugify(item.title) or 'piece-jointe'}.{extension}" if extension else slugify(item.title) or "piece-jointe"
    )
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def process_section(request, process) -> dict | None:
    """The proposals block of the process page."""
    if process.state == Process.State.DRAFT:
        return None
    counts = selectors.proposal_counts(process=process)
    allowed = eligibility(request.user, process, "propose")
    if not counts["proposals"] and not allowed and allowed.reason != "login":
        return None
    latest = list(selectors.proposal_list(process=process, sort="supports")[:3])
    return {"process": process, "count": counts["proposals"], "latest": latest, "can_propose": allowed}


def image_visible(request, name: str) -> bool:
    """May this visitor see the proposal image stored under `name` (/media/)? The rule of the proposal's page and of
    its attachments: the process is visible to them, and a hidden proposal only to its moderators."""
    image = ProposalImage.objects.select_related("proposal__process__organisation").filter(image=name).first()
    if image is None:
        return False
    proposal, process = image.proposal, image.proposal.process
    if not can(request.user, "participation.view_process", process):
        return False
    return not proposal.is_hidden or can(request.user, "participation.moderate", process)


def propose_url(process: Process) -> str:
    """The page where a participant proposes (the "what one can do now" list of the process page)."""
    return reverse("participation:proposal_create", kwargs={"slug": process.slug})


def support_url(process: Process) -> str:
    """Where a participant supports proposals: their list."""
    return reverse("participation:proposal_list", kwargs={"slug": process.slug})


urlpatterns = [
    path("<slug:slug>/propositions/", proposal_list, name="proposal_list"),
    path("<slug:slug>/propositions/carte/", proposal_map, name="proposal_map"),
    path("<slug:slug>/propositions/carte.geojson", proposal_map_data, name="proposal_map_data"),
    path("<slug:slug>/propositions/nouvelle/", proposal_create, name="proposal_create"),
    path("<slug:slug>/propositions/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("<slug:slug>/propositions/<int:pk>/modifier/", proposal_edit, name="proposal_edit"),
    path("<slug:slug>/propositions/<int:pk>/retirer/", proposal_withdraw, name="proposal_withdraw"),
    path("<slug:slug>/propositions/<int:pk>/soutenir/", proposal_support, name="proposal_support"),
    path("<slug:slug>/propositions/<int:pk>/repondre/", proposal_answer, name="proposal_answer"),
    path(
        "<slug:slug>/propositions/<int:pk>/pieces-jointes/<int:attachment>/",
        attachment_download,
        name="proposal_attachment",
    ),
]
