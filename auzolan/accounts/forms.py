from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.accounts.models import TerritoryRole


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form (allauth calls `signup`)."""

    full_name = forms.CharField(label=_("Nom complet"), max_length=150, help_text=_("Tel qu'il apparaîtra sur vos contributions."))
    territory_role = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=TerritoryRole.choices,
        initial=TerritoryRole.CITIZEN,
        help_text=_("Pour vous proposer ce qui vous concerne. Vous pourrez le changer."),
    )

    def signup(self, request, user):
        # allauth's adapter saves the user with these fields (see AccountAdapter.save_user).
        pass


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    territory_role = forms.ChoiceField(label=_("Vous êtes"), choices=TerritoryRole.choices)


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Pour confirmer, saisissez SUPPRIMER"),
        max_length=20,
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "SUPPRIMER":
            raise forms.ValidationError(_("Saisissez le mot SUPPRIMER pour confirmer."))
        return value
