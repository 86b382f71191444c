"""The schema catalogue of the publishers: the SCDL schemas and their organisations' custom Table Schemas."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from auzolan.catalog import schemas, selectors
from auzolan.catalog.forms import SchemaForm
from auzolan.core.errors import ApplicationError
from auzolan.core.forms import add_service_error
from auzolan.core.submissions import submit_form
from auzolan.core.text import elide


def _organisations(request):
    organisations = selectors.publishable_organisations(user=request.user)
    if not organisations.exists():
        raise Http404
    return organisations


@require_safe
@login_required
def schema_list(request):
    organisations = _organisations(request)
    found = schemas.schemas_for(organisations=organisations)
    return render(
        request,
        "catalog/publish/schema_list.html",
        {
            "scdl_schemas": [s for s in found if s.organisation_id is None],
            "custom_schemas": [s for s in found if s.organisation_id is not None],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def schema_create(request):
    organisations = _organisations(request)
    initial = {}
    if request.organisation is not None and organisations.filter(pk=request.organisation.pk).exists():
        initial["organisation"] = request.organisation.pk
    form = SchemaForm(request.POST or None, request.FILES or None, organisations=organisations, initial=initial)

    def create(data):
        upload = data["descriptor_file"]
        return schemas.schema_create(
            actor=request.user,
            organisation=data["organisation"],
            title=data["title"],
            description=data["description"],
            descriptor=upload if upload else data["descriptor"],
        )

    def on_error(error: ApplicationError) -> None:
        if form.cleaned_data["descriptor_file"] and error.field == "descriptor":
            error.field = "descriptor_file"  # next to the field the person used
        add_service_error(form, error)

    def created(schema) -> str:
        name = schema.organisation.name
        message = _("Le schéma « %(title)s » est ajouté : les jeux de données de %(organisation)s peuvent le déclarer.")
        return elide(message % {"title": schema.title, "organisation": name}, name)

    submitted = submit_form(
        request, form, create, success=created, redirect_to="catalog:schema_list", on_error=on_error
    )
    if submitted.response:
        return submitted.response
    return render(request, "catalog/publish/schema_form.html", {"form": submitted.form}, status=submitted.status)


urlpatterns = [
    path("publier/schemas/", schema_list, name="schema_list"),
    path("publier/schemas/nouveau/", schema_create, name="schema_create"),
]
