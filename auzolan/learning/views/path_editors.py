"""The editors' pages of learning paths (agency staff; editors of authorised partner organisations for the paths
their organisation owns): the list, the path form, and its steps — a published module or an in-person workshop —
added, removed and reordered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auzolan.core.permissions import can, get_object_for
from auzolan.core.submissions import submit_action, submit_form
from auzolan.learning import selectors, services
from auzolan.learning.forms import PathCreateForm, PathForm, PathItemForm
from auzolan.learning.models import Path, PathItem
from auzolan.learning.views.common import posted


def _require_editor(request) -> None:
    if not can(request.user, "learning.add_path"):
        raise Http404


def _get_path(request, slug: str) -> Path:
    return get_object_for(request.user, "learning.change_path", Path.objects.select_related("organisation"), slug=slug)


def _get_item(path: Path, item_id: int) -> PathItem:
    item = path.items.select_related("path", "module").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def edit_url(path_obj) -> str:
    return reverse("learning:path_edit", kwargs={"path_slug": path_obj.slug})


@require_safe
@login_required
def path_list(request):
    _require_editor(request)
    return render(request, "learning/manage/path_list.html", {"paths": list(selectors.editable_paths(request.user))})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def path_create(request):
    _require_editor(request)
    form = PathCreateForm(
        posted(request), organisations=selectors.editor_organisations(request.user), staff=request.user.is_staff
    )
    submitted = submit_form(
        request,
        form,
        lambda data: services.path_create(actor=request.user, **data),
        success=_("Le parcours est créé. Ajoutez-lui des étapes."),
        redirect_to=edit_url,
    )
    if submitted.response:
        return submitted.response
    return render(request, "learning/manage/path_form.html", {"form": submitted.form}, status=submitted.status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def path_edit(request, path_slug: str):
    path_obj = _get_path(request, path_slug)
    form = PathForm(posted(request), initial=PathForm.initial_for(path_obj))
    submitted = submit_form(
        request,
        form,
        lambda data: services.path_update(actor=request.user, path=path_obj, **data),
        success=_("Le parcours est enregistré."),
        redirect_to=edit_url(path_obj),
    )
    if submitted.response:
        return submitted.response
    return _edit_page(request, path_obj, form=submitted.form, status=submitted.status)


def _edit_page(request, path_obj, *, form=None, item_form=None, status=200):
    return render(
        request,
        "learning/manage/path_form.html",
        {
            "form": form or PathForm(initial=PathForm.initial_for(path_obj)),
            "item_form": item_form or PathItemForm(),
            "path": path_obj,
            "items": selectors.path_items(path_obj),
        },
        status=status,
    )


@require_POST
@login_required
def path_item_add(request, path_slug: str):
    path_obj = _get_path(request, path_slug)
    form = PathItemForm(request.POST)
    submitted = submit_form(
        request,
        form,
        lambda data: services.path_item_add(actor=request.user, path=path_obj, **data),
        success=_("L'étape est ajoutée au parcours."),
        redirect_to=edit_url(path_obj),
    )
    if submitted.response:
        return submitted.response
    return _edit_page(request, path_obj, item_form=submitted.form, status=submitted.status)


@require_POST
@login_required
def path_item_remove(request, path_slug: str, item_id: int):
    path_obj = _get_path(request, path_slug)
    item = _get_item(path_obj, item_id)
    return submit_action(
        request,
        lambda: services.path_item_remove(actor=request.user, item=item),
        success=_("L'étape est retirée du parcours ; les attestations déjà délivrées restent valides."),
        redirect_to=edit_url(path_obj),
    )


@require_POST
@login_required
def path_item_move(request, path_slug: str, item_id: int):
    path_obj = _get_path(request, path_slug)
    item = _get_item(path_obj, item_id)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    return submit_action(
        request,
        lambda: services.path_item_move(actor=request.user, item=item, direction=direction),
        success=_("L'ordre des étapes est enregistré."),
        redirect_to=edit_url(path_obj),
    )


G = "formation/gestion/parcours/"
E = G + "<slug:path_slug>/etapes/"
urlpatterns = [
    path(G, path_list, name="path_list"),
    path(G + "nouveau/", path_create, name="path_create"),
    path(G + "<slug:path_slug>/", path_edit, name="path_edit"),
    path(E + "ajouter/", path_item_add, name="path_item_add"),
    path(E + "<int:item_id>/supprimer/", path_item_remove, name="path_item_remove"),
    path(E + "<int:item_id>/deplacer/", path_item_move, name="path_item_move"),
]
