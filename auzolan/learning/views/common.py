"""What the learning pages share: fetching a module (out of reach is a 404) and its pieces."""

from __future__ import annotations

from django.http import Http404

from auzolan.core.permissions import get_object_for
from auzolan.learning import selectors
from auzolan.learning.models import Module, Path, Piece


def get_module(request, slug: str, action: str = "learning.view_module") -> Module:
    modules = Module.objects.select_related("topic", "organisation")
    return get_object_for(request.user, action, modules, slug=slug)


def get_piece(module: Module, key: str) -> Piece:
    piece = module.pieces.filter(key=key).first()
    if piece is None:
        raise Http404
    return piece


def posted(request):
    """The form's data: None on GET (an unbound form), the POST (even empty: an unchecked box) otherwise."""
    return request.POST if request.method == "POST" else None


def posted_files(request) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def get_path(slug: str) -> Path:
    """A published path with its items (a 404 otherwise)."""
    try:
        return selectors.path_with_items(slug)
    except Path.DoesNotExist:
        raise Http404 from None
