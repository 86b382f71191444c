"""Forms of the re-use pages. The rules live in catalog.reuses (the services); forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.catalog import selectors
from auzolan.catalog.models import Reuse
from auzolan.core.forms import BoundedModelMultipleChoiceField


class ReuseForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que fait la réutilisation et comment elle utilise les données."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Reuse.Kind.choices)
    url = forms.URLField(
        label=_("Adresse"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("L'adresse où voir la réutilisation, commençant par https:// (ou http://)."),
    )
    datasets = BoundedModelMultipleChoiceField(
        label=_("Jeux de données réutilisés"),
        queryset=selectors.reuse_dataset_choices(),
        to_field_name="slug",
        help_text=_("Au moins un. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].queryset = selectors.reuse_dataset_choices()


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("publish", _("Publier")), ("reject", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (obligatoire en cas de refus)"),
        max_length=500,
        required=False,
        help_text=_("La personne qui a proposé la réutilisation le lira."),
    )
