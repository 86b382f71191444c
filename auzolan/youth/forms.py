"""Forms of youth: the directory's filters and the staff's partnership and action forms. Rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.organisations.models import Organisation, OrganisationKind
from auzolan.youth.models import Action, CollaborationKind, Partnership


class DirectoryFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type de structure"), required=False)
    collaboration = forms.ChoiceField(
        label=_("Collaboration avec l'agence"),
        required=False,
        choices=[("", _("Toutes les collaborations")), *CollaborationKind.choices],
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds that have public partners are offered; any other kind of organisation is accepted (an old link
        # gives an empty list), an unknown value is a 400 with the field's message.
        asked = self.data.get("type", "")
        if asked in OrganisationKind.values and asked not in dict(kinds):
            kinds = [*kinds, (asked, OrganisationKind(asked).label)]
        self.fields["type"].choices = [("", _("Tous les types")), *kinds]


class PartnerTextForm(forms.Form):
    """What a partner's administrators may edit themselves: the public text and the contact."""

    description = forms.CharField(
        label=_("Ce que nous faisons ensemble"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Affiché sur la page publique du partenaire."),
    )
    contact_role = forms.CharField(
        label=_("Contact (fonction)"),
        max_length=120,
        required=False,
        help_text=Partnership._meta.get_field("contact_role").help_text,
    )
    contact_email = forms.EmailField(
        label=_("Adresse de contact"),
        required=False,
        help_text=Partnership._meta.get_field("contact_email").help_text,
    )
    contact_is_public = forms.BooleanField(
        label=_("Afficher ce contact sur la page publique"),
        required=False,
        initial=True,
        help_text=Partnership._meta.get_field("contact_is_public").help_text,
    )

    @staticmethod
    def initial_for(partnership: Partnership) -> dict:
        return {name: getattr(partnership, name) for name in PartnerTextForm.base_fields}


class PartnershipForm(PartnerTextForm):
    collaborations = forms.MultipleChoiceField(
        label=_("Ce que la structure fait avec l'agence"),
        choices=CollaborationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    since = forms.DateField(
        label=_("Partenaire depuis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Format : AAAA-MM-JJ."),
    )
    is_public = forms.BooleanField(label=_("Visible dans l'annuaire public"), required=False)

    field_order = [
        "collaborations",
        "description",
        "since",
        "contact_role",
        "contact_email",
        "contact_is_public",
        "is_public",
    ]

    @staticmethod
    def initial_for(partnership: Partnership) -> dict:
        return {
            **PartnerTextForm.initial_for(partnership),
            "collaborations": [c.kind for c in partnership.collaborations.all()],
            "since": partnership.since,
            "is_public": partnership.is_public,
        }


class PartnershipCreateForm(SubmissionTokenMixin, PartnershipForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(youth_partnership__isnull=True).order_by("name"),
        help_text=_("Une organisation de la plateforme ; créez-la d'abord si elle n'y est pas."),
    )
    field_order = ["organisation", *PartnershipForm.field_order]


class ActionForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Questionnaire jeunesse"), queryset=None)
    title = forms.CharField(label=_("Ce qui a été décidé"), max_length=200)
    description = forms.CharField(
        label=_("Précisions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decided_by = forms.CharField(
        label=_("Décidé par"), max_length=200, help_text=Action._meta.get_field("decided_by").help_text
    )
    decided_on = forms.DateField(
        label=_("Date de la décision"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Format : AAAA-MM-JJ."),
    )
    status = forms.ChoiceField(label=_("État"), choices=Action.Status.choices)
    link = forms.URLField(
        label=_("Lien (délibération, article, page du projet)"), required=False, assume_scheme="https"
    )
    is_public = forms.BooleanField(label=_("Publiée"), required=False, initial=True)

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = surveys

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {
            name: getattr(action, name)
            for name in ("title", "description", "decided_by", "decided_on", "status", "link", "is_public")
        } | {"survey": action.survey_id}


class ActionCreateForm(SubmissionTokenMixin, ActionForm):
    pass
