"""Forms of impact: the managers' experiment, cohort, item, wave, codes and decision forms, and the pupil's code and
questionnaire. Rules live in the models and services; these forms only parse."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from auzolan.core.forms import BoundedModelChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.impact.models import Cohort, Decision, Experiment, Instrument, Wave
from auzolan.learning.models import Competence, Framework


def date_input() -> forms.DateInput:
    """A date picker; its value is written ISO (the only format `type="date"` reads), whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExperimentCreateForm(SubmissionTokenMixin):
    organisation = BoundedModelChoiceField(label=_("Organisation qui la mène"), queryset=None)
    title = forms.CharField(label=_("Titre"), max_length=200)
    hypothesis = forms.CharField(
        label=_("Hypothèse"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que l'intervention devrait changer, et pour qui."),
    )
    intervention = forms.CharField(
        label=_("Description de l'intervention"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    framework = BoundedModelChoiceField(
        label=_("Référentiel de compétences"), queryset=Framework.objects.order_by("code", "version")
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CohortEditForm(forms.Form):
    name = forms.CharField(label=_("Nom du groupe"), max_length=100, help_text=_("Par exemple « 4e B »."))
    kind = forms.ChoiceField(label=_("Rôle dans l'expérimentation"), choices=Cohort.Kind.choices)
    teacher = BoundedModelChoiceField(
        label=_("Enseignant référent"),
        queryset=None,
        required=False,
        help_text=_("Un membre de l'organisation : il verra les codes de ce groupe et le nombre de réponses."),
    )

    def __init__(self, *args, experiment: Experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__organisation=experiment.organisation, memberships__state="active", is_active=True
            )
            .order_by("full_name", "pk")
        )


class CohortForm(SubmissionTokenMixin, CohortEditForm):
    """Adding a cohort: the editing fields and a submission token (a double click adds it once)."""


class InstrumentForm(forms.Form):
    title = forms.CharField(label=_("Titre du questionnaire"), max_length=200)
    scale = forms.ChoiceField(label=_("Échelle"), choices=Instrument.Scale.choices)
    scale_min = forms.IntegerField(label=_("Valeur minimale"), min_value=0, max_value=9)
    scale_max = forms.IntegerField(label=_("Valeur maximale"), min_value=2, max_value=10)


class ItemEditForm(forms.Form):
    competence = BoundedModelChoiceField(label=_("Compétence"), queryset=None)
    text = forms.CharField(label=_("Énoncé (ce que l'élève lit)"), max_length=300)
    reverse_scored = forms.BooleanField(label=_("Formulé à l'envers"), required=False)

    def __init__(self, *args, experiment: Experiment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = Competence.objects.filter(framework=experiment.framework).order_by("code")


class ItemForm(SubmissionTokenMixin, ItemEditForm):
    """Adding an item: the editing fields and a submission token."""


class WaveEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Temps de mesure"), choices=Wave.Kind.choices)
    opens_on = forms.DateField(label=_("Ouverture"), widget=date_input())
    closes_on = forms.DateField(label=_("Fermeture"), widget=date_input())


class WaveForm(SubmissionTokenMixin, WaveEditForm):
    """Adding a wave: the editing fields and a submission token."""


class CodesForm(SubmissionTokenMixin):
    count = forms.IntegerField(label=_("Nombre de codes (un par élève)"), min_value=1, max_value=60)


class DecisionForm(SubmissionTokenMixin):
    outcome = forms.ChoiceField(label=_("Décision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        label=_("Justification"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que montrent les résultats, leurs limites, et ce qui change ensuite."),
    )
    decided_on = forms.DateField(label=_("Date de la décision"), widget=date_input())


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Ton code"),
        max_length=20,
        help_text=_("Le code écrit sur ton papier, par exemple ABCD-EFGH."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class AnswerForm(forms.Form):
    """One radio group per item of the questionnaire."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args, instrument: Instrument, items, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = instrument.scale_min, instrument.scale_max
        if instrument.scale == Instrument.Scale.LIKERT and (low, high) == (1, 5):
            labels = [
                _("Pas du tout d'accord"),
                _("Plutôt pas d'accord"),
                _("Ni d'accord ni pas d'accord"),
                _("Plutôt d'accord"),
                _("Tout à fait d'accord"),
            ]
            choices = [(value, f"{value} — {label}") for value, label in zip(range(1, 6), labels, strict=True)]
        else:
            choices = [(value, str(value)) for value in range(low, high + 1)]
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.text, choices=choices, coerce=int, widget=forms.RadioSelect
            )
        self.items = list(items)

    def answers(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}
