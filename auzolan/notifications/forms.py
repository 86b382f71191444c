from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.notifications.models import EmailFrequency


class PreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("Recevoir mes notifications par courriel"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Quel que soit votre choix, vos notifications restent visibles dans « Mon espace »."),
    )
