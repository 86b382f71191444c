"""Forms of the process management screens. They only parse input; the rules live in services.processes."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.core.forms import BoundedModelMultipleChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.participation import phases as phase_types
from auzolan.participation import templates as blueprints
from auzolan.participation.models import District, Process, Theme, VerificationLevel
from auzolan.participation.selectors.processes import PERIODS

PERIOD_LABELS = {"current": _("En cours"), "upcoming": _("À venir"), "finished": _("Terminées")}


class ProcessFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    period = forms.ChoiceField(label=_("Période"), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Tous les thèmes")), *Theme.choices]
        self.fields["organisation"].choices = [("", _("Toutes les organisations"))] + [
            (o.slug, o.name) for o in organisations
        ]
        self.fields["period"].choices = [("", _("Toutes"))] + [(p, PERIOD_LABELS[p]) for p in PERIODS]


class _ScopeMixin(forms.Form):
    communes = BoundedModelMultipleChoiceField(
        label=_("Communes concernées"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    districts = BoundedModelMultipleChoiceField(
        label=_("Quartiers concernés"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def _set_scope(self, organisation):
        self.fields["communes"].queryset = organisation.communes.order_by("name")
        self.fields["districts"].queryset = District.objects.for_organisation(organisation).order_by("name")
        if not self.fields["communes"].queryset.exists():
            del self.fields["communes"]
        if not self.fields["districts"].queryset.exists():
            del self.fields["districts"]


class ProcessCreateForm(SubmissionTokenMixin, _ScopeMixin):
    template = forms.ChoiceField(label=_("Modèle de démarche"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Résumé en une phrase"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown simple : titres, listes, liens."),
    )
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices)
    starts_on = forms.DateField(
        label=_("Début de la première phase"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Les phases du modèle s'enchaînent à partir de cette date ; vous pourrez les ajuster."),
    )
    image = forms.FileField(label=_("Image"), required=False, help_text=_("JPEG, PNG ou WebP, 5 Mo au plus."))
    image_alt = forms.CharField(label=_("Texte alternatif de l'image"), max_length=250, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            (b.template, f"{b.label} — {b.description}") for b in blueprints.BLUEPRINTS.values()
        ]
        self.order_fields(
            ["template", "title", "summary", "description", "theme", "starts_on", "communes", "districts"]
        )
        self._set_scope(organisation)


class ProcessEditForm(_ScopeMixin):
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Résumé en une phrase"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown simple : titres, listes, liens."),
    )
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices)
    image = forms.FileField(label=_("Nouvelle image"), required=False, help_text=_("JPEG, PNG ou WebP, 5 Mo au plus."))
    image_alt = forms.CharField(label=_("Texte alternatif de l'image"), max_length=250, required=False)
    remove_image = forms.BooleanField(label=_("Retirer l'image actuelle"), required=False)
    support_threshold = forms.IntegerField(
        label=_("Seuil de soutiens"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=Process._meta.get_field("support_threshold").help_text,
    )
    reports_before_hiding = forms.IntegerField(
        label=_("Signalements avant masquage"),
        min_value=1,
        max_value=1000,
        help_text=Process._meta.get_field("reports_before_hiding").help_text,
    )

    def __init__(self, *args, process: Process, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": process.title,
                "summary": process.summary,
                "description": process.description,
                "theme": process.theme,
                "image_alt": process.image_alt,
                "support_threshold": process.support_threshold,
                "reports_before_hiding": process.reports_before_hiding,
                "communes": list(process.communes.all()),
                "districts": list(process.districts.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self._set_scope(process.organisation)
        if not process.image:
            del self.fields["remove_image"]


class PhaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de phase"))
    title = forms.CharField(label=_("Titre (facultatif)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description (facultative)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_at = forms.DateTimeField(
        label=_("Début"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date et heure, par exemple 2025-03-01 08:00."),
    )
    end_at = forms.DateTimeField(
        label=_("Fin"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date et heure, par exemple 2025-03-31 20:00."),
    )
    verification = forms.ChoiceField(
        label=_("Vérification demandée pour participer"), choices=VerificationLevel.choices
    )

    def __init__(self, *args, phase=None, **kwargs):
        if phase is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": phase.kind,
                    "title": phase.title,
                    "description": phase.description,
                    "start_at": timezone.localtime(phase.start_at),
                    "end_at": timezone.localtime(phase.end_at),
                    "verification": phase.verification,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(t.kind, f"{t.label} — {t.description}") for t in phase_types.all_types()]


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("Nom du quartier"), max_length=120)
    postal_codes = forms.CharField(
        label=_("Codes postaux"), max_length=200, required=False, help_text=_("Séparés par des virgules.")
    )
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = organisation.communes.order_by("name")


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Nouvelle catégorie"), max_length=100)
