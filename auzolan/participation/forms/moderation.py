"""Forms of moderation: report content, hide it, block its author."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.participation.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        label=_("Précisions"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif, 500 caractères au plus. Seuls les modérateurs les lisent."),
    )


class ModerationActionForm(forms.Form):
    ACTIONS = (("hide", _("Masquer")), ("restore", _("Rétablir")), ("block", _("Bloquer l'auteur")))

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(
        label=_("Motif affiché publiquement"),
        required=False,
        max_length=300,
        help_text=_("Obligatoire pour masquer ou bloquer."),
    )
