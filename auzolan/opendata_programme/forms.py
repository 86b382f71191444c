"""Forms of the open data programme. Business rules live in the services; these forms only parse."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import TableSchema
from auzolan.core.forms import BoundedModelChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.opendata_programme.models import InventoryLine, RoadmapStep
from auzolan.organisations.models import Organisation


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class PilotGroupForm(SubmissionTokenMixin, forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=200)
    start_date = _date(label=_("Date de lancement"))
    goals = forms.CharField(
        label=_("Objectifs"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description = forms.CharField(
        label=_("Présentation"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class GroupMemberForm(SubmissionTokenMixin, forms.Form):
    organisation = BoundedModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ReferentsForm(forms.Form):
    elected_referent = BoundedModelChoiceField(
        label=_("Élu référent"), queryset=get_user_model().objects.none(), required=False
    )
    agent_referent = BoundedModelChoiceField(
        label=_("Agent référent"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("elected_referent", "agent_referent"):
            self.fields[name].queryset = candidates
            self.fields[name].help_text = _("Un membre actif de l'organisation.")


class RoadmapStepForm(forms.ModelForm):
    class Meta:
        model = RoadmapStep
        fields = [
            "title",
            "short_label",
            "help_text",
            "evidence_hint",
            "observer",
            "threshold",
            "link",
            "position",
            "active",
        ]

    def __init__(self, *args, observer_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observer"] = forms.ChoiceField(
            label=_("Constat automatique"),
            choices=observer_choices,
            required=False,
            help_text=_("Aucun : l'agence valide l'étape avec une preuve et une date."),
        )
        self.fields["threshold"].min_value = 1
        self.fields["threshold"].max_value = 1000
        self.fields["position"].max_value = 1000


class StepCheckForm(forms.Form):
    done_on = _date(label=_("Date"), initial=timezone.localdate)
    evidence_url = forms.URLField(label=_("Lien de la preuve"), max_length=500, required=False, assume_scheme="https")
    evidence_file = forms.FileField(label=_("Ou un document (PDF, 10 Mo au plus)"), required=False, max_length=200)
    note = forms.CharField(label=_("Remarque"), max_length=500, required=False)

    def clean_evidence_file(self):
        file = self.cleaned_data.get("evidence_file")
        if file is None:
            return None
        if file.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Le document dépasse 10 Mo."))
        if not file.name.lower().endswith((".pdf", ".odt", ".docx", ".png", ".jpg", ".jpeg")):
            raise forms.ValidationError(_("Déposez un PDF, un document texte ou une image."))
        return file


class ObligationForm(forms.Form):
    CHOICES = [
        ("rule", _("Appliquer la règle (plus de 3 500 habitants et au moins 50 agents)")),
        ("bound", _("Soumise à l'obligation")),
        ("not_bound", _("Non soumise à l'obligation")),
    ]
    decision = forms.ChoiceField(label=_("Décision"), choices=CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Motif"), max_length=500, required=False)

    def cleaned_decision(self) -> dict:
        bound = {"rule": None, "bound": True, "not_bound": False}[self.cleaned_data["decision"]]
        return {"bound": bound, "reason": self.cleaned_data.get("reason", "")}


class InventoryLineForm(SubmissionTokenMixin, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    owner_service = forms.CharField(label=_("Service détenteur"), max_length=200)
    theme = forms.CharField(
        label=_("Thème"), max_length=200, required=False, help_text=_("Par exemple : Urbanisme, Culture.")
    )
    keywords = forms.CharField(
        label=_("Mots-clés"), max_length=300, required=False, help_text=_("Séparés par des virgules.")
    )
    priority = forms.ChoiceField(label=_("Priorité"), choices=InventoryLine.Priority.choices)
    personal_data_risk = forms.ChoiceField(
        label=_("Données personnelles"),
        choices=InventoryLine.Risk.choices,
        help_text=InventoryLine._meta.get_field("personal_data_risk").help_text,
    )
    target_date = _date(label=_("Date de publication visée"), required=False)
    status = forms.ChoiceField(label=_("État"), choices=InventoryLine.Status.choices)
    schema = BoundedModelChoiceField(
        label=_("Schéma SCDL (facultatif)"), queryset=TableSchema.objects.filter(is_scdl=True), required=False
    )

    @classmethod
    def initial_for(cls, line: InventoryLine) -> dict:
        return {name: getattr(line, name) for name in cls.base_fields if name != "submission"}


class MeetingForm(SubmissionTokenMixin, forms.Form):
    date = _date(label=_("Date"), initial=timezone.localdate)
    participants = forms.CharField(label=_("Participants"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(
        label=_("Notes"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    decisions = forms.CharField(
        label=_("Décisions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(SubmissionTokenMixin, forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = BoundedModelChoiceField(
        label=_("Responsable (personne de la plateforme)"), queryset=get_user_model().objects.none(), required=False
    )
    owner_name = forms.CharField(
        label=_("Ou responsable (nom)"),
        max_length=150,
        required=False,
        help_text=_("Si la personne n'a pas de compte."),
    )
    due_date = _date(label=_("Échéance"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
