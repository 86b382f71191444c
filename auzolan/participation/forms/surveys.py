"""Forms of surveys: the survey's settings, a question, and the answer form built from the questions.

Forms parse and type the input; the rules (required, conditions, maximum choices, ranking) live in
services/surveys.py, which every interface calls.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.participation.models import Choice, Question, Survey
from auzolan.participation.selectors.surveys import question_numbers


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pourquoi ce questionnaire, ce que deviendront les réponses. Markdown simple."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Réponses anonymes"),
        required=False,
        initial=True,
        help_text=_(
            "Anonymes : la réponse n'est pas reliée au compte (une empreinte chiffrée évite seulement les doublons). "
            "Ne peut plus changer après la première réponse."
        ),
    )
    results_public = forms.BooleanField(
        label=_("Résultats publics"),
        required=False,
        initial=True,
        help_text=_("Les résultats agrégés (comptes, pourcentages, moyennes) sont visibles de tous."),
    )
    free_texts_public = forms.BooleanField(
        label=_("Publier les réponses libres approuvées"),
        required=False,
        help_text=_(
            "Par défaut, les réponses libres ne sont lues que par l'organisation. Si vous cochez, seules celles que "
            "vous approuvez une à une sont publiées avec les résultats."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Public visé"),
        choices=Survey.Audience.choices,
        initial=Survey.Audience.GENERAL,
        required=False,
        help_text=_(
            "« Jeunes » : un questionnaire sur les attentes des jeunes ; ses résultats publics paraissent aussi sur "
            "la page « Ce que disent les jeunes » du programme Jeunesse."
        ),
    )

    def clean_audience(self) -> str | None:
        """Left out of the request: unchanged (general for a new survey)."""
        return self.cleaned_data["audience"] or None


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de question"), choices=Question.Kind.choices)
    label = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Aide (facultatif)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
    choices = forms.CharField(
        label=_("Choix proposés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Un choix par ligne (choix unique, choix multiple et classement)."),
    )
    max_choices = forms.IntegerField(
        label=_("Nombre maximal de choix"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("Choix multiple seulement. Vide : pas de limite."),
    )
    scale_min = forms.IntegerField(label=_("Minimum de l'échelle"), required=False, initial=1, min_value=-10)
    scale_max = forms.IntegerField(label=_("Maximum de l'échelle"), required=False, initial=5, max_value=100)
    scale_min_label = forms.CharField(
        label=_("Libellé du minimum"), required=False, max_length=100, help_text=_("Par exemple « Pas du tout ».")
    )
    scale_max_label = forms.CharField(
        label=_("Libellé du maximum"), required=False, max_length=100, help_text=_("Par exemple « Tout à fait ».")
    )
    condition_choice = forms.TypedChoiceField(
        label=_("Afficher seulement si"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("La question n'est posée qu'aux personnes qui ont fait ce choix à une question précédente."),
    )

    def __init__(self, *args, condition_choices: list[Choice] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self._condition_choices = {choice.pk: choice for choice in condition_choices}
        self.fields["condition_choice"].choices = [("", _("Toujours afficher"))] + [
            (choice.pk, f"{choice.question.label} → {choice.label}") for choice in condition_choices
        ]

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        return {
            "kind": question.kind,
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
            "choices": "\n".join(choice.label for choice in question.choices.all()),
            "max_choices": question.max_choices,
            "scale_min": question.scale_min,
            "scale_max": question.scale_max,
            "scale_min_label": question.scale_min_label,
            "scale_max_label": question.scale_max_label,
            "condition_choice": question.condition_choice_id,
        }

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = (data.get("choices") or "").splitlines()
        data["condition_choice"] = self._condition_choices.get(data.get("condition_choice"))
        return data


class AnswerForm(SubmissionTokenMixin, forms.Form):
    """One field per question (`q<id>`), and for ranking questions one rank field per choice (`q<id>_c<choice>`).

    Every field is optional here: which questions are shown and required is decided by the service from the
    answers (conditions). Unknown values become field errors, never an exception.
    """

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
            name = f"q{question.pk}"
            if question.kind == Question.Kind.SINGLE:
                self.fields[name] = forms.ChoiceField(choices=choices, required=False, widget=forms.RadioSelect)
            elif question.kind == Question.Kind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    choices=choices, required=False, widget=forms.CheckboxSelectMultiple
                )
            elif question.kind == Question.Kind.SCALE:
                values = [(str(v), str(v)) for v in range(question.scale_min, question.scale_max + 1)]
                self.fields[name] = forms.ChoiceField(choices=values, required=False, widget=forms.RadioSelect)
            elif question.kind == Question.Kind.TEXT:
                self.fields[name] = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
            elif question.kind == Question.Kind.RANKING:
                ranks = [("", "—")] + [(str(i), str(i)) for i in range(1, len(choices) + 1)]
                for choice in question.choices.all():
                    self.fields[f"{name}_c{choice.pk}"] = forms.ChoiceField(choices=ranks, required=False)

    def answers(self) -> dict:
        """{question id: value} in the shape services.surveys.survey_answer expects (from cleaned data)."""
        data = self.cleaned_data
        result = {}
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.RANKING:
                result[question.pk] = {
                    choice.pk: data.get(f"{name}_c{choice.pk}") or None for choice in question.choices.all()
                }
            elif question.kind == Question.Kind.MULTIPLE:
                result[question.pk] = [int(v) for v in data.get(name) or []]
            elif question.kind in (Question.Kind.SINGLE, Question.Kind.SCALE):
                value = data.get(name)
                result[question.pk] = int(value) if value not in (None, "") else None
            else:
                result[question.pk] = data.get(name) or ""
        return result

    def question_errors(self) -> dict[int, list[str]]:
        """Errors of the form's own parsing, per question (a ranking's per-choice errors are its question's)."""
        errors: dict[int, list[str]] = {}
        for question in self.questions:
            name = f"q{question.pk}"
            messages = list(self.errors.get(name, []))
            for field_name, field_errors in self.errors.items():
                if field_name.startswith(f"{name}_c"):
                    messages.extend(field_errors)
            if messages:
                errors[question.pk] = list(dict.fromkeys(messages))
        return errors

    def blocks(self, service_errors: dict[int, list[str]] | None = None) -> list[dict]:
        """What the template needs per question: the question, its errors, the value typed, its rank fields."""
        errors = self.question_errors() if self.is_bound else {}
        for pk, messages in (service_errors or {}).items():
            errors.setdefault(pk, []).extend(m for m in messages if m not in errors.get(pk, []))
        result = []
        numbers = question_numbers(self.questions)
        for question in self.questions:
            number = numbers[question.pk]
            name = f"q{question.pk}"
            value = self[name].value() if name in self.fields else None
            selected = [value] if isinstance(value, str) else [str(v) for v in value or []]
            choices = list(question.choices.all())
            options = []
            ranks = []
            if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                options = [
                    {"value": str(c.pk), "label": c.label, "id": f"{name}-c{c.pk}", "checked": str(c.pk) in selected}
                    for c in choices
                ]
            elif question.kind == Question.Kind.SCALE:
                for v in range(question.scale_min, question.scale_max + 1):
                    label = str(v)
                    if v == question.scale_min and question.scale_min_label:
                        label = f"{v} ({question.scale_min_label})"
                    elif v == question.scale_max and question.scale_max_label:
                        label = f"{v} ({question.scale_max_label})"
                    options.append(
                        {"value": str(v), "label": label, "id": f"{name}-v{v}", "checked": str(v) in selected}
                    )
            elif question.kind == Question.Kind.RANKING:
                for c in choices:
                    field_name = f"{name}_c{c.pk}"
                    current = self[field_name].value()
                    current = "" if current is None else str(current)
                    ranks.append(
                        {
                            "label": c.label,
                            "name": field_name,
                            "id": f"{name}-r{c.pk}",
                            "options": [
                                {"value": v, "label": text, "selected": v == current}
                                for v, text in self.fields[field_name].choices
                            ],
                        }
                    )
            if options:
                first_id = options[0]["id"]
            elif ranks:
                first_id = ranks[0]["id"]
            else:
                first_id = f"{name}-input"
            result.append(
                {
                    "question": question,
                    "number": number,
                    "name": name,
                    "errors": errors.get(question.pk, []),
                    "text": value if question.kind == Question.Kind.TEXT and isinstance(value, str) else "",
                    "options": options,
                    "ranks": ranks,
                    "first_id": first_id,
                    "condition": question.condition_choice,
                }
            )
        return result


class ConfirmForm(forms.Form):
    """A POST with a CSRF token and nothing else (publish, delete, move…)."""
