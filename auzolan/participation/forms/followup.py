"""Forms of the results follow-up (the services validate again: the rules live there)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.participation.models import FollowUp


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown simple : ce qui a été décidé, qui le réalise, avec quel budget."),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=FollowUp.Status.choices)
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100, initial=0)


class FollowUpCreateForm(SubmissionTokenMixin, FollowUpForm):
    source = forms.ChoiceField(
        label=_("Ce qui est suivi"),
        required=False,
        help_text=_("Une proposition retenue, un projet lauréat, ou rien (un suivi libre)."),
    )

    field_order = ["source", "title", "description", "status", "progress"]

    def __init__(self, *args, proposals=(), projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Suivi libre (sans proposition ni projet)"))]
        proposal_choices = [(f"proposal:{p.pk}", p.title) for p in proposals]
        project_choices = [(f"project:{p.pk}", f"{p.title} ({p.budget.title})") for p in projects]
        if proposal_choices:
            choices.append((_("Propositions retenues"), proposal_choices))
        if project_choices:
            choices.append((_("Projets lauréats"), project_choices))
        self.fields["source"].choices = choices

    def source_parts(self) -> tuple[str, int | None]:
        value = self.cleaned_data.get("source") or ""
        if not value:
            return "", None
        kind, _sep, pk = value.partition(":")
        return kind, int(pk)


class FollowUpUpdateForm(SubmissionTokenMixin, forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), initial=timezone.localdate
    )
    text = forms.CharField(
        label=_("Point d'étape"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown simple. Les personnes qui suivent la démarche ou la proposition sont prévenues."),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=FollowUp.Status.choices)
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100)
