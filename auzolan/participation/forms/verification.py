"""Forms of residency verification: declaring residency, checking it on the census, uploading a census list."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from auzolan.participation.models import District
from auzolan.participation.services.verification import COLUMN_LABELS, IDENTIFIER_SETS


class ResidencyDeclareForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, required=False)
    district = forms.ModelChoiceField(label=_("Quartier"), queryset=None, required=False)
    postal_code = forms.CharField(
        label=_("Code postal"), max_length=10, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    certified = forms.BooleanField(
        label=_("Je déclare sur l'honneur habiter à cette adresse."),
        required=False,
        help_text=_("Une fausse déclaration peut faire annuler votre participation."),
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        communes = process.communes.order_by("name")
        if not communes.exists():
            communes = process.organisation.communes.order_by("name")
        self.fields["commune"].queryset = communes
        if communes.count() <= 1:
            del self.fields["commune"]
        districts = District.objects.for_organisation(process.organisation).order_by("name")
        self.fields["district"].queryset = districts
        if not districts.exists():
            del self.fields["district"]


class CensusCheckForm(forms.Form):
    """Asks the identifiers the commune's census was hashed from (fields named after the CSV columns)."""

    def __init__(self, *args, identifiers: str, **kwargs):
        super().__init__(*args, **kwargs)
        for column in IDENTIFIER_SETS[identifiers][0]:
            if column == "date_naissance":
                field = forms.DateField(
                    label=COLUMN_LABELS[column],
                    input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                    help_text=_("Au format JJ/MM/AAAA, par exemple 14/07/1980."),
                )
            elif column == "code_postal":
                field = forms.CharField(label=COLUMN_LABELS[column], max_length=10)
            else:
                field = forms.CharField(label=COLUMN_LABELS[column], max_length=100)
            field.widget.attrs["autocomplete"] = "off"
            self.fields[column] = field


class CensusUploadForm(forms.Form):
    identifiers = forms.ChoiceField(
        label=_("Identifiants de la liste"),
        widget=forms.RadioSelect,
        choices=[(name, label) for name, (_columns, label) in IDENTIFIER_SETS.items()],
        help_text=_(
            "Colonnes attendues : numero_electeur ; ou nom, date_naissance et code_postal. "
            "Colonne facultative : quartier."
        ),
    )
    file = forms.FileField(label=_("Fichier CSV (UTF-8, séparateur point-virgule ou virgule)"))

    replace = forms.BooleanField(label="", required=False)
    current_list = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, current=None, **kwargs):
        """`current`: the active census list, if any; replacing it must then be confirmed with the checkbox."""
        super().__init__(*args, **kwargs)
        self.current = current
        if current is None:
            del self.fields["replace"]
            del self.fields["current_list"]
            return
        date = formats.date_format(timezone.localtime(current.uploaded_at), "DATE_FORMAT")
        self.fields["replace"].label = ngettext(
            "Je remplace la liste actuelle (%(count)s inscrit, déposée le %(date)s)",
            "Je remplace la liste actuelle (%(count)s inscrits, déposée le %(date)s)",
            current.entries_count,
        ) % {"count": current.entries_count, "date": date}
        self.initial["current_list"] = current.pk

    def replaces(self) -> int | None:
        """The id of the list the person confirmed replacing (None when not confirmed); the service checks it."""
        if self.current is None or not self.cleaned_data.get("replace"):
            return None
        return self.cleaned_data.get("current_list")

    def clean(self):
        data = super().clean()
        if self.current is not None:
            # The page shown again describes the list in service now: its hidden id must be that list's.
            self.data = self.data.copy()
            self.data[self.add_prefix("current_list")] = self.current.pk
        return data
