"""The "Vérifier les liens" button of the publish page: checks a dataset's remote addresses in the background."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from auzolan.catalog import selectors
from auzolan.catalog.tasks import check_dataset_links
from auzolan.catalog.views import publish  # noqa: F401 - registers the publish_slug converter
from auzolan.core.jobs import job_start
from auzolan.core.permissions import get_object_for


@require_POST
@login_required
def dataset_check_links(request, slug: str):
    dataset = get_object_for(request.user, "catalog.change_dataset", selectors.publish_dataset_queryset(), slug=slug)
    job = job_start(
        owner=request.user,
        kind="catalog.check_links",
        label=_("Vérification des liens de « %(title)s »") % {"title": dataset.title},
        task=check_dataset_links,
        dataset_id=dataset.pk,
    )
    return redirect("core:job_detail", job.pk)


urlpatterns = [
    path("publier/<publish_slug:slug>/liens/", dataset_check_links, name="dataset_check_links"),
]
