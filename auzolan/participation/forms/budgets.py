"""Forms of participatory budgets and one-time codes. Rules live in the services; forms parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.participation.models import Budget, District, Process, Project, Proposal


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = [
            "title",
            "description",
            "district",
            "envelope",
            "rule",
            "min_share_percent",
            "min_projects",
            "max_projects",
            "result_method",
        ]
        widgets = {"rule": forms.RadioSelect, "result_method": forms.RadioSelect}
        help_texts = {
            "envelope": _("En euros, sans centimes."),
            "min_projects": _("Pour la règle « approbation » surtout ; 1 par défaut."),
            "max_projects": _("Vide : pas de maximum."),
            "result_method": _(
                "La méthode des parts égales partage l'enveloppe équitablement entre les votants ; elle a besoin de "
                "bulletins individuels (pas de voix papier comptées par projet)."
            ),
        }

    def __init__(self, *args, process: Process, frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.for_organisation(process.organisation_id).order_by("name")
        self.fields["district"].required = False
        self.fields["envelope"].min_value = 1
        if frozen:
            for name in ("envelope", "rule", "min_share_percent", "min_projects", "max_projects", "result_method"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Figé depuis l'ouverture du vote.")
            self.fields["district"].disabled = True


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "description", "cost", "latitude", "longitude", "is_feasible", "feasibility_note"]
        help_texts = {
            "description": _("Markdown simple."),
            "cost": _("En euros, sans centimes."),
            "is_feasible": _("Décochez si l'étude technique écarte le projet : il ne sera pas soumis au vote."),
        }

    def __init__(self, *args, frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if frozen:
            for name in ("cost", "is_feasible"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Figé depuis l'ouverture du vote.")


class ProposalImportForm(forms.Form):
    proposal = forms.ModelChoiceField(label=_("Proposition"), queryset=Proposal.objects.none())
    cost = forms.IntegerField(label=_("Coût estimé après étude (euros)"), min_value=1, max_value=10**12)

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = (
            Proposal.objects.for_organisation(process.organisation_id)
            .filter(process=process, is_hidden=False)
            .exclude(status__in=[Proposal.Status.REJECTED, Proposal.Status.WITHDRAWN])
            .order_by("title")
        )


class PaperBallotsForm(forms.Form):
    paper_ballots = forms.IntegerField(label=_("Nombre de bulletins papier dépouillés"), min_value=0, max_value=10**7)

    def __init__(self, *args, projects: list[Project], **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = projects
        for project in projects:
            self.fields[f"project_{project.pk}"] = forms.IntegerField(
                label=_("Voix papier pour « %(title)s »") % {"title": project.title},
                min_value=0,
                max_value=10**7,
                initial=project.paper_votes,
            )

    def votes(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data[f"project_{p.pk}"] for p in self.projects}


class SelectionForm(forms.Form):
    project = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])


class CheckoutForm(SubmissionTokenMixin):
    confirm = forms.BooleanField(
        label=_("Je confirme mon vote : je ne pourrai plus le modifier."),
        error_messages={"required": _("Cochez la case pour confirmer votre vote.")},
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Numéro de reçu"),
        max_length=40,
        help_text=_("Les 20 caractères affichés après votre vote, par exemple ABCD-EFGH-JKMN-PQRS-TUVW."),
    )


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Votre code"),
        max_length=30,
        help_text=_("10 caractères, par exemple ABCDE-FGH23 (les tirets et espaces sont facultatifs)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class CodeGenerateForm(forms.Form):
    FORMAT_CHOICES = [("html", _("Page imprimable")), ("csv", _("Fichier CSV"))]

    count = forms.IntegerField(label=_("Nombre de codes"), min_value=1, max_value=20_000, initial=100)
    batch = forms.CharField(
        label=_("Nom du lot"),
        max_length=100,
        required=False,
        help_text=_("Pour vous y retrouver (par exemple « Marché du samedi »). Vide : la date et l'heure."),
    )
    district = forms.ModelChoiceField(label=_("Quartier"), queryset=District.objects.none(), required=False)
    output = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="html", widget=forms.RadioSelect)

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.for_organisation(process.organisation_id).order_by("name")


class CodeRevokeForm(forms.Form):
    batch = forms.CharField(max_length=100)
