"""What the programme's pages share: the organisation of the address (a 404 out of reach), the agency's gate."""

from __future__ import annotations

from django.http import Http404

from auzolan.core.permissions import can, get_object_for
from auzolan.organisations.models import Organisation


def organisation_for(request, slug: str, action: str = "opendata_programme.view_roadmap") -> Organisation:
    return get_object_for(request.user, action, Organisation, slug=slug)


def require_operator(request) -> None:
    if not can(request.user, "opendata_programme.manage_programme"):
        raise Http404


def absolute(request):
    return request.build_absolute_uri
