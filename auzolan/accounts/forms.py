from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.accounts.models import ApiToken, TerritoryRole
from auzolan.accounts.services import SELF_SERVICE_ROLES, territory_role_check
from auzolan.core.errors import ApplicationError
from auzolan.core.submissions import SubmissionTokenMixin

CONFIRMATION_WORD = "SUPPRIMER"


def role_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The roles a person may declare, plus the one they already have (the agency role is given by staff)."""
    return [(role.value, role.label) for role in TerritoryRole if role in SELF_SERVICE_ROLES or role == current]


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form (allauth calls `signup`)."""

    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=150,
        help_text=_("Tel qu'il apparaîtra sur vos contributions."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    territory_role = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=role_choices,
        initial=TerritoryRole.CITIZEN,
        help_text=_("Pour vous proposer ce qui vous concerne. Vous pourrez le changer."),
    )

    def clean_territory_role(self):
        role = self.cleaned_data["territory_role"]
        try:
            territory_role_check(actor=None, role=role)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        return role

    def signup(self, request, user):
        # allauth's adapter saves the user with these fields (see AccountAdapter.save_user).
        pass


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=150,
        help_text=_("Tel qu'il apparaît sur vos contributions."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    territory_role = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=role_choices,
        help_text=_("La plateforme vous propose d'abord ce qui concerne ce rôle."),
    )

    def __init__(self, *args, current_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory_role"].choices = role_choices(current_role)


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Pour confirmer, saisissez SUPPRIMER"),
        max_length=20,
        help_text=_("En lettres capitales, sans les guillemets."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Votre mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != CONFIRMATION_WORD:
            raise forms.ValidationError(_("Saisissez le mot SUPPRIMER pour confirmer."))
        return value

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        return password


class ApiTokenForm(SubmissionTokenMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître dans la liste : le logiciel ou le script qui l'utilisera."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Durée de validité"),
        choices=ApiToken.Lifetime.choices,
        coerce=int,
        initial=ApiToken.Lifetime.DAYS_90,
        help_text=_("Passé ce délai, le jeton ne fonctionne plus : créez-en un autre."),
    )
