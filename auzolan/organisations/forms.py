"""Forms parse input only; the rules live in the models and services."""

from __future__ import annotations

from django import forms
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from auzolan.organisations.models import College, Membership, Organisation, OrganisationKind


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *OrganisationKind.choices]
    )
    college = forms.ChoiceField(
        label=_("Collège"), required=False, choices=[("", _("Tous les collèges")), *College.choices]
    )


class CommuneFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou code INSEE de la commune"), required=False, max_length=100)


def _formfield(field: models.Field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganisationForm(forms.Form):
    """The organisation's details; `fields` limits them to what the person may change."""

    def __init__(self, *args, organisation: Organisation, fields: tuple[str, ...], **kwargs):
        kwargs.setdefault("initial", model_to_dict(organisation, fields=fields))
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Organisation, fields=fields, formfield_callback=_formfield))
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 6})
        if "member_since" in self.fields:
            self.fields["member_since"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}


class MembershipAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"), help_text=_("La personne doit déjà avoir un compte sur la plateforme.")
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class MembershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accepter")), ("refuse", _("Refuser"))])


class SwitchOrganisationForm(forms.Form):
    organisation = forms.IntegerField(min_value=1)
    next = forms.CharField(required=False, max_length=2000)
