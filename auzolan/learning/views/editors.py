"""The editors' pages (agency staff, and editors of partner organisations that staff authorised): the list of the
modules they may edit, the module form, its pieces and quiz questions, the lifecycle buttons (publish, archive), and
the feedback summary. A draft is previewed in the player itself, which only its editors may open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can
from auzolan.core.submissions import submit_action, submit_form
from auzolan.learning import lifecycle, selectors, services, workshops
from auzolan.learning.forms import (
    ModuleCreateForm,
    ModuleForm,
    PieceCreateForm,
    PieceForm,
    QuestionCreateForm,
    QuestionForm,
)
from auzolan.learning.models import Piece
from auzolan.learning.views.common import get_module, get_piece, posted, posted_files


def _require_editor(request) -> None:
    """The editors' pages do not exist for anyone else (a 404)."""
    if not can(request.user, "learning.add_module"):
        raise Http404


def manage_url(module) -> str:
    return reverse("learning:module_edit", kwargs={"module_slug": module.slug})


@require_safe
@login_required
def manage_list(request):
    _require_editor(request)
    return render(
        request, "learning/manage/module_list.html", {"modules": list(selectors.editable_modules(request.user))}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def module_create(request):
    _require_editor(request)
    form = ModuleCreateForm(
        posted(request), organisations=selectors.editor_organisations(request.user), staff=request.user.is_staff
    )
    submitted = submit_form(
        request,
        form,
        lambda data: services.module_create(actor=request.user, **data),
        success=_("Le module est créé en brouillon. Ajoutez-lui des étapes."),
        redirect_to=manage_url,
    )
    if submitted.response:
        return submitted.response
    return render(request, "learning/manage/module_form.html", {"form": submitted.form}, status=submitted.status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def module_edit(request, module_slug: str):
    module = get_module(request, module_slug, "learning.change_module")
    form = ModuleForm(posted(request), initial=ModuleForm.initial_for(module))
    submitted = submit_form(
        request,
        form,
        lambda data: services.module_update(actor=request.user, module=module, **data),
        success=_("Le module est enregistré."),
        redirect_to=manage_url(module),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/manage/module_form.html",
        {
            "form": submitted.form,
            "module": module,
            "pieces": selectors.module_pieces(module),
            "transitions": lifecycle.allowed(module.state),
            "kinds": Piece.Kind.choices,
        },
        status=submitted.status,
    )


@require_POST
@login_required
def module_transition(request, module_slug: str, transition: str):
    module = get_module(request, module_slug, "learning.change_module")
    move = lifecycle.transition(transition)
    if move is None:
        raise Http404
    return submit_action(
        request,
        lambda: services.module_transition(actor=request.user, module=module, name=transition),
        success=str(move.message),
        redirect_to=manage_url(module),
    )


@require_safe
@login_required
def feedback_summary(request, module_slug: str):
    module = get_module(request, module_slug, "learning.view_feedback")
    return render(
        request, "learning/manage/feedback.html", {"module": module, "summary": selectors.feedback_summary(module)}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def piece_create(request, module_slug: str):
    module = get_module(request, module_slug, "learning.change_module")
    kind = request.GET.get("type", "")
    if kind not in Piece.Kind.values:
        raise Http404
    form = PieceCreateForm(*posted_files(request), kind=kind)
    submitted = submit_form(
        request,
        form,
        lambda data: services.piece_create(
            actor=request.user, module=module, kind=kind, key=data.get("key", ""), **_piece_fields(form)
        ),
        success=_("L'étape est ajoutée."),
        redirect_to=manage_url(module),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/manage/piece_form.html",
        {"form": submitted.form, "module": module, "kind_label": Piece.Kind(kind).label},
        status=submitted.status,
    )


def _piece_fields(form, *, keep_files: bool = False) -> dict:
    data = form.cleaned_piece(keep_files=keep_files)
    data.pop("key", None)
    return data


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def piece_edit(request, module_slug: str, piece_key: str):
    module = get_module(request, module_slug, "learning.change_module")
    piece = get_piece(module, piece_key)
    form = PieceForm(*posted_files(request), kind=piece.kind, initial=PieceForm.initial_for(piece))
    submitted = submit_form(
        request,
        form,
        lambda data: services.piece_update(actor=request.user, piece=piece, **_piece_fields(form, keep_files=True)),
        success=_("L'étape est enregistrée ; la progression des personnes est conservée."),
        redirect_to=manage_url(module),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/manage/piece_form.html",
        {
            "form": submitted.form,
            "module": module,
            "piece": piece,
            "kind_label": piece.get_kind_display(),
            "questions": list(piece.questions.prefetch_related("answers")) if piece.is_quiz else [],
            "workshop_reference": workshops.reference(piece) if piece.kind == Piece.Kind.WORKSHOP else "",
        },
        status=submitted.status,
    )


@require_POST
@login_required
def piece_delete(request, module_slug: str, piece_key: str):
    module = get_module(request, module_slug, "learning.change_module")
    piece = get_piece(module, piece_key)
    return submit_action(
        request,
        lambda: services.piece_delete(actor=request.user, piece=piece),
        success=_("L'étape est supprimée."),
        redirect_to=manage_url(module),
    )


@require_POST
@login_required
def piece_move(request, module_slug: str, piece_key: str):
    module = get_module(request, module_slug, "learning.change_module")
    piece = get_piece(module, piece_key)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    return submit_action(
        request,
        lambda: services.piece_move(actor=request.user, piece=piece, direction=direction),
        success=_("L'ordre des étapes est enregistré."),
        redirect_to=manage_url(module),
    )


def _quiz(request, module_slug: str, piece_key: str):
    module = get_module(request, module_slug, "learning.change_module")
    piece = get_piece(module, piece_key)
    if not piece.is_quiz:
        raise Http404
    return module, piece


def _piece_edit_url(module, piece) -> str:
    return reverse("learning:piece_edit", kwargs={"module_slug": module.slug, "piece_key": piece.key})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_create(request, module_slug: str, piece_key: str):
    module, piece = _quiz(request, module_slug, piece_key)
    form = QuestionCreateForm(posted(request))
    submitted = submit_form(
        request,
        form,
        lambda data: services.question_save(actor=request.user, piece=piece, **data),
        success=_("La question est ajoutée."),
        redirect_to=_piece_edit_url(module, piece),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/manage/question_form.html",
        {"form": submitted.form, "module": module, "piece": piece},
        status=submitted.status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_edit(request, module_slug: str, piece_key: str, question_key: str):
    module, piece = _quiz(request, module_slug, piece_key)
    question = piece.questions.prefetch_related("answers").filter(key=question_key).first()
    if question is None:
        raise Http404
    form = QuestionForm(posted(request), initial=QuestionForm.initial_for(question))
    submitted = submit_form(
        request,
        form,
        lambda data: services.question_save(actor=request.user, piece=piece, question=question, **data),
        success=_("La question est enregistrée."),
        redirect_to=_piece_edit_url(module, piece),
    )
    if submitted.response:
        return submitted.response
    return render(
        request,
        "learning/manage/question_form.html",
        {"form": submitted.form, "module": module, "piece": piece, "question": question},
        status=submitted.status,
    )


@require_POST
@login_required
def question_delete(request, module_slug: str, piece_key: str, question_key: str):
    module, piece = _quiz(request, module_slug, piece_key)
    question = piece.questions.filter(key=question_key).first()
    if question is None:
        raise Http404
    return submit_action(
        request,
        lambda: services.question_delete(actor=request.user, question=question),
        success=_("La question est supprimée."),
        redirect_to=_piece_edit_url(module, piece),
    )


M = "formation/gestion/<slug:module_slug>/"
P = M + "etapes/<slug:piece_key>/"
urlpatterns = [
    path("formation/gestion/", manage_list, name="manage_list"),
    path("formation/gestion/nouveau/", module_create, name="module_create"),
    path(M, module_edit, name="module_edit"),
    path(M + "etat/<slug:transition>/", module_transition, name="module_transition"),
    path(M + "avis/", feedback_summary, name="feedback_summary"),
    path(M + "etapes/nouvelle/", piece_create, name="piece_create"),
    path(P, piece_edit, name="piece_edit"),
    path(P + "supprimer/", piece_delete, name="piece_delete"),
    path(P + "deplacer/", piece_move, name="piece_move"),
    path(P + "questions/nouvelle/", question_create, name="question_create"),
    path(P + "questions/<slug:question_key>/", question_edit, name="question_edit"),
    path(P + "questions/<slug:question_key>/supprimer/", question_delete, name="question_delete"),
]
