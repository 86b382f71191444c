"""Forms of the publishing pages. They parse input only; the rules live in the models and services."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import Dataset, Resource, TableSchema
from auzolan.catalog.vocabularies import LICENCES, Frequency, Licence, Theme
from auzolan.core.forms import BoundedModelMultipleChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.core.text import elide
from auzolan.organisations.models import Commune

__all__ = [
    "DatasetForm",
    "ResourceCreateForm",
    "ResourceEditForm",
    "SchemaForm",
    "TransitionForm",
    "VersionUploadForm",
]


def _licence_help():
    items = format_html_join(
        "",
        "<li><strong>{}</strong> : {}</li>",
        ((label, LICENCES[code].summary) for code, label in Licence.choices),
    )
    return format_html("{}<ul>{}</ul>", _("La Licence Ouverte 2.0 convient dans la plupart des cas. En bref :"), items)


def _schema_label(schema: TableSchema) -> str:
    if schema.organisation_id is None:
        return str(schema)
    name = schema.organisation.name
    return elide(_("%(schema)s — schéma de %(organisation)s") % {"schema": schema, "organisation": name}, name)


class DatasetForm(SubmissionTokenMixin, forms.Form):
    """The metadata of a dataset. `organisations`: those the person may publish for (creation only)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation qui publie"), queryset=None, empty_label=None, required=True
    )
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Ce que sont les données, en quelques mots : « Subventions versées aux associations »."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ce que contiennent les données, d'où elles viennent, comment les lire. Markdown : **gras**, listes, liens."
        ),
    )
    keywords = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=2000,
        help_text=_("Séparés par des virgules : « budget, associations, subventions »."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les thèmes européens des données : ils aident à les trouver."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"), choices=Licence.choices, initial=Licence.LOV2, widget=forms.RadioSelect
    )
    licence_url = forms.URLField(
        label=_("Adresse de la licence"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Seulement si vous avez choisi « autre licence »."),
    )
    frequency = forms.ChoiceField(
        label=_("Fréquence de mise à jour"), choices=Frequency.choices, initial=Frequency.UNKNOWN
    )
    temporal_start = forms.DateField(
        label=_("Début de la période couverte"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Par exemple le 1er janvier de la première année des données."),
    )
    temporal_end = forms.DateField(
        label=_("Fin de la période couverte"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Laissez vide si les données sont toujours complétées."),
    )
    whole_territory = forms.BooleanField(label=_("Les données couvrent tout le territoire"), required=False)
    communes = BoundedModelMultipleChoiceField(
        label=_("Communes couvertes"),
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Inutile si tout le territoire est couvert."),
    )
    contact_name = forms.CharField(label=_("Nom du contact"), required=False, max_length=150)
    contact_email = forms.EmailField(
        label=_("Adresse du contact"),
        required=False,
        help_text=_("Une adresse de service plutôt que personnelle : contact@mairie.fr."),
    )
    schema = forms.ModelChoiceField(
        label=_("Schéma de données"),
        queryset=TableSchema.objects.none(),
        required=False,
        empty_label=_("Aucun schéma"),
        help_text=_("Si les données suivent un schéma du socle commun (SCDL), choisissez-le."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, organisations=None, dataset: Dataset | None = None, **kwargs):
        self.dataset = dataset
        if dataset is not None:
            kwargs.setdefault("initial", self.initial_for(dataset))
        super().__init__(*args, **kwargs)
        self.fields["licence"].help_text = _licence_help()
        if dataset is not None:
            del self.fields["organisation"]
            del self.fields["submission"]  # edits are guarded by the revision instead
            self.fields["revision"].required = True
            territory_ids = [dataset.organisation.territory_id]
            schema_orgs = [dataset.organisation_id]
        else:
            del self.fields["revision"]
            self.fields["organisation"].queryset = organisations
            territory_ids = {o.territory_id for o in organisations}
            schema_orgs = [o.pk for o in organisations]
            chosen = str(self.data.get("organisation", "")) if self.is_bound else ""
            if chosen in {str(pk) for pk in schema_orgs}:
                schema_orgs = [int(chosen)]  # only the custom schemas of the organisation that publishes
        self.fields["communes"].queryset = Commune.objects.filter(territory_id__in=territory_ids).order_by("name")
        self.fields["schema"].queryset = (
            TableSchema.objects.filter(organisation__isnull=True)
            | TableSchema.objects.filter(organisation_id__in=schema_orgs)
        ).select_related("organisation")
        self.fields["schema"].label_from_instance = _schema_label

    @staticmethod
    def initial_for(dataset: Dataset) -> dict:
        return {
            "title": dataset.title,
            "description": dataset.description,
            "keywords": ", ".join(k.name for k in dataset.keywords.all()),
            "themes": [t.code for t in dataset.themes.all()],
            "licence": dataset.licence,
            "licence_url": dataset.licence_url,
            "frequency": dataset.frequency,
            "temporal_start": dataset.temporal_start,
            "temporal_end": dataset.temporal_end,
            "whole_territory": dataset.whole_territory,
            "communes": [c.pk for c in dataset.communes.all()],
            "contact_name": dataset.contact_name,
            "contact_email": dataset.contact_email,
            "schema": dataset.schema_id,
            "revision": dataset.revision,
        }

    def service_values(self) -> dict:
        """The cleaned values, named as the services expect them."""
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        data.pop("organisation", None)
        data.pop("submission", None)
        data["communes"] = list(data["communes"])
        return data


class ResourceCreateForm(SubmissionTokenMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de ressource"),
        choices=Resource.Kind.choices,
        initial=Resource.Kind.FILE,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Titre"), max_length=200, help_text=_("Par exemple « Subventions 2025 (CSV) »."))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que contient ce fichier : colonnes, unités, particularités."),
    )
    file = forms.FileField(
        label=_("Fichier"),
        required=False,
        help_text=_(
            "Pour un fichier déposé. Formats : CSV, TSV, TXT, JSON, GeoJSON, XML, XLSX, XLS, ODS, Parquet, PDF, ZIP."
        ),
    )
    url = forms.URLField(
        label=_("Adresse"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("Pour un fichier distant, une API ou une documentation."),
    )


class ResourceEditForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    url = forms.URLField(label=_("Adresse"), required=False, max_length=1000, assume_scheme="https")

    def __init__(self, *args, resource: Resource, **kwargs):
        kwargs.setdefault(
            "initial", {"title": resource.title, "description": resource.description, "url": resource.url}
        )
        super().__init__(*args, **kwargs)
        if resource.kind == Resource.Kind.FILE:
            del self.fields["url"]


class VersionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Nouvelle version du fichier"),
        help_text=_("Les versions précédentes restent téléchargeables."),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Dataset.State.choices)


class SchemaForm(forms.Form):
    """A custom Table Schema: its JSON as a file or pasted. The service checks it."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("Titre"), max_length=200, help_text=_("Par exemple « Inventaire des bancs publics ».")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que décrit le schéma et qui l'utilise."),
    )
    descriptor_file = forms.FileField(
        label=_("Fichier JSON du schéma"),
        required=False,
        help_text=_("Un Table Schema (fichier .json, 1 Mo au plus) : une liste « fields » de colonnes."),
    )
    descriptor = forms.CharField(
        label=_("Ou collez le schéma JSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            'Par exemple : {"fields": [{"name": "nom", "type": "string"}, {"name": "places", "type": "integer"}]}'
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
