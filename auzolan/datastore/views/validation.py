"""The public "Valider un fichier" page: anyone checks a CSV against a schema; the file is not kept."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from auzolan.catalog.uploads import limit_upload_size, megabytes, upload_max_bytes
from auzolan.core.errors import ApplicationError
from auzolan.datastore.validation.messages import error_label
from auzolan.datastore.validation.service import public_schemas, validate_upload


class ValidateForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Fichier CSV à valider"))
    schema = forms.ChoiceField(label=gettext_lazy("Schéma du catalogue"), required=False)
    schema_file = forms.FileField(
        label=gettext_lazy("Ou votre propre schéma (fichier JSON Table Schema)"),
        required=False,
        help_text=gettext_lazy("S'il est déposé, il remplace le schéma choisi dans la liste."),
    )

    def __init__(self, *args, schemas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schema"].choices = [("", _("— Choisir un schéma —"))] + [(s.name, str(s)) for s in schemas]

    def clean(self):
        data = super().clean()
        if not data.get("schema") and not data.get("schema_file") and "schema_file" not in self.errors:
            self.add_error("schema", _("Choisissez un schéma du catalogue ou déposez le vôtre (JSON)."))
        return data


def report_context(report: dict | None) -> dict:
    """What the report template shows: counts and detailed errors by type (French name first, then the code),
    errors by column."""
    if not report:
        return {"report": report, "types": [], "groups": [], "fields": []}
    by_type: dict[str, list] = defaultdict(list)
    for error in report["errors"]:
        by_type[error["type"]].append(error)
    return {
        "report": report,
        "types": [
            {"code": code, "label": error_label(code), "count": count}
            for code, count in report["stats"]["types"].items()
        ],
        "groups": [{"code": code, "label": error_label(code), "errors": errors} for code, errors in by_type.items()],
        "fields": sorted(report["stats"]["fields"].items()),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@limit_upload_size
def validate_file(request):
    schemas = public_schemas()
    form = ValidateForm(request.POST or None, request.FILES or None, schemas=schemas)
    report = None
    status = 200
    if request.upload_size_limit.refused:
        request.upload_size_limit.add_errors(form)
        status = 400
    elif request.method == "POST":
        if form.is_valid():
            try:
                report = validate_upload(
                    file=form.cleaned_data["file"],
                    schema_name=form.cleaned_data.get("schema") or "",
                    schema_file=form.cleaned_data.get("schema_file"),
                ).as_dict()
            except ApplicationError as error:
                field = error.field if error.field in form.fields else None
                if field == "descriptor":
                    field = "schema_file"
                form.add_error(field if field in form.fields else None, error.message)
                status = 400
        else:
            status = 400
    context = {"form": form, "upload_limit_mb": megabytes(upload_max_bytes()), **report_context(report)}
    return render(request, "datastore/validation/validate.html", context, status=status)


urlpatterns = [path("valider/", validate_file, name="validate")]
