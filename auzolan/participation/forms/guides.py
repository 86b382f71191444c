"""The guide editing form (agency staff)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.participation.models import Process


class GuideForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Résumé"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Contenu"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Markdown simple : titres (##), listes, liens, gras."),
    )
    related_template = forms.ChoiceField(
        label=_("Modèle de démarche lié"),
        required=False,
        choices=[("", _("Aucun (guide général)")), *Process.Template.choices],
        help_text=_("Le guide est proposé sur l'écran de création des démarches de ce modèle."),
    )
    position = forms.IntegerField(label=_("Ordre"), min_value=0, max_value=1000, initial=0)
