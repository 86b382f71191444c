"""The harvest source form: the portal's type and address, its filters, and when to harvest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.forms import BoundedModelChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.harvest.models import HarvestSource

#: Form field → the `config` key it fills, per kind of portal.
FILTERS = {
    HarvestSource.Kind.CKAN: {"remote_organisation": "organization", "advanced_filter": "fq"},
    HarvestSource.Kind.UDATA: {"remote_organisation": "organization"},
    HarvestSource.Kind.ODS: {"remote_organisation": "refine", "advanced_filter": "where"},
    HarvestSource.Kind.DCAT: {},
}


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Nom de la source"), max_length=150)
    kind = forms.ChoiceField(label=_("Type de portail"), choices=HarvestSource.Kind.choices)
    url = forms.URLField(
        label=_("Adresse du portail"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "L'adresse d'accueil du portail (https://data.ville.fr) ; pour DCAT, l'adresse du catalogue RDF "
            "(https://data.ville.fr/catalog.ttl)."
        ),
    )
    remote_organisation = forms.CharField(
        label=_("Organisation sur le portail (facultatif)"),
        max_length=500,
        required=False,
        help_text=_(
            "CKAN : le nom de l'organisation (ville-de-x) ; udata : l'identifiant ou le nom court de "
            "l'organisation ; OpenDataSoft : un filtre de facette (publisher:Ville de X). Vide : tout le portail."
        ),
    )
    advanced_filter = forms.CharField(
        label=_("Filtre avancé (facultatif)"),
        max_length=500,
        required=False,
        help_text=_("CKAN : un filtre fq (organization:ville-x) ; OpenDataSoft : une condition where (ODSQL)."),
    )
    schedule = forms.ChoiceField(label=_("Moissonner"), choices=HarvestSource.Schedule.choices)
    active = forms.BooleanField(label=_("Source active"), required=False, initial=True)
    archive_after_runs = forms.IntegerField(
        label=_("Archiver un jeu de données absent de la source après (moissons)"),
        min_value=1,
        max_value=100,
        initial=3,
    )

    def cleaned_source(self) -> dict:
        """The service's arguments: the filters become the kind's `config`."""
        data = dict(self.cleaned_data)
        data.pop("submission", None)
        names = FILTERS.get(data["kind"], {})
        config = {}
        for field in ("remote_organisation", "advanced_filter"):
            value = data.pop(field, "")
            if value and field in names:
                config[names[field]] = value
        data["config"] = config
        return data

    @classmethod
    def initial_for(cls, source: HarvestSource) -> dict:
        names = FILTERS.get(source.kind, {})
        keys = ("name", "kind", "url", "schedule", "active", "archive_after_runs")
        initial = {key: getattr(source, key) for key in keys}
        for field, key in names.items():
            initial[field] = source.config.get(key, "")
        return initial


class SourceCreateForm(SubmissionTokenMixin, SourceForm):
    organisation = BoundedModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    field_order = ["organisation"]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.order_fields(["organisation", *[f for f in self.fields if f != "organisation"]])
