"""Forms of learning: the editors' module, piece and question forms, the learner's quiz, feedback and sharing consent.
Rules live in the models and services; these forms only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auzolan.core.forms import BoundedModelChoiceField, BoundedModelMultipleChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.core.text import file_extension
from auzolan.learning.models import (
    COMMENT_MAX,
    MAX_MINUTES,
    MIN_MINUTES,
    Audience,
    Competence,
    Module,
    Piece,
    Question,
    Topic,
)


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    topic = BoundedModelChoiceField(label=_("Thème"), queryset=Topic.objects.order_by("position", "title"))
    summary = forms.CharField(label=_("Résumé"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(label=_("Niveau"), choices=Module.Level.choices)
    minutes = forms.IntegerField(
        label=_("Durée en minutes"), min_value=MIN_MINUTES, max_value=MAX_MINUTES, help_text=_("De 5 à 45 minutes.")
    )
    audiences = forms.MultipleChoiceField(
        label=_("Publics"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    objectives = forms.CharField(
        label=_("Objectifs"),
        help_text=_("Un objectif par ligne, de 2 à 4."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    competences = BoundedModelMultipleChoiceField(
        label=_("Compétences (DigComp)"),
        queryset=Competence.objects.select_related("framework").order_by("framework", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_objectives(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["objectives"].splitlines() if line.strip()]

    @classmethod
    def initial_for(cls, module: Module) -> dict:
        return {
            "title": module.title,
            "topic": module.topic_id,
            "summary": module.summary,
            "level": module.level,
            "minutes": module.minutes,
            "audiences": module.audiences,
            "objectives": "\n".join(module.objectives),
            "competences": list(module.competences.values_list("pk", flat=True)),
        }


class ModuleCreateForm(SubmissionTokenMixin, ModuleForm):
    organisation = BoundedModelChoiceField(label=_("Organisation autrice"), queryset=None, required=False)

    def __init__(self, *args, organisations, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if staff:
            self.fields["organisation"].help_text = _("Laissez vide pour un module de l'agence.")
        else:
            self.fields["organisation"].required = True


class PieceForm(forms.Form):
    title = forms.CharField(label=_("Titre de l'étape"), max_length=200)
    body = forms.CharField(
        label=_("Texte (Markdown)"), required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 12})
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label=_("Lien"), required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(label=_("Fichier"), required=False)
    transcript = forms.CharField(
        label=_("Transcription de la vidéo"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    captions = forms.FileField(label=_("Sous-titres (fichier WebVTT .vtt)"), required=False)
    starts_at = forms.DateTimeField(
        label=_("Date et heure de l'atelier"), required=False, help_text=_("Par exemple 2027-03-14 18:30.")
    )
    place = forms.CharField(label=_("Lieu de l'atelier"), required=False, max_length=300)
    pass_mark = forms.IntegerField(label=_("Note pour réussir (%)"), min_value=0, max_value=100, initial=60)
    max_attempts = forms.IntegerField(
        label=_("Nombre de tentatives"), min_value=1, max_value=100, required=False, help_text=_("Vide : illimité.")
    )
    quiz_role = forms.ChoiceField(label=_("Rôle du quiz"), choices=Piece.QuizRole.choices, required=False)

    #: The fields each kind uses (the others are not shown).
    FIELDS = {
        Piece.Kind.TEXT: ("title", "body"),
        Piece.Kind.VIDEO: ("title", "description", "url", "file", "transcript", "captions"),
        Piece.Kind.DOCUMENT: ("title", "description", "file"),
        Piece.Kind.RESOURCE: ("title", "description", "url", "file"),
        Piece.Kind.QUIZ: ("title", "description", "pass_mark", "max_attempts", "quiz_role"),
        Piece.Kind.WORKSHOP: ("title", "description", "starts_at", "place", "url"),
    }
    EXTENSIONS = {
        "file": {
            Piece.Kind.VIDEO: ("mp4", "webm"),
            Piece.Kind.DOCUMENT: ("pdf", "odp", "pptx"),
            Piece.Kind.RESOURCE: ("pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "csv", "zip"),
        },
        "captions": {Piece.Kind.VIDEO: ("vtt",)},
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in self.FIELDS[kind] and name != "submission":
                del self.fields[name]

    def _check_extension(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload:
            allowed = self.EXTENSIONS[name].get(self.kind, ())
            extension = file_extension(upload.name)
            if extension not in allowed:
                raise forms.ValidationError(
                    _("Formats acceptés : %(formats)s.") % {"formats": ", ".join(allowed)}, code="extension"
                )
        return upload

    def clean_file(self):
        return self._check_extension("file")

    def clean_captions(self):
        return self._check_extension("captions")

    def cleaned_piece(self, *, keep_files: bool = False) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "submission"}
        for name in ("file", "captions"):
            if name in data and not data[name] and keep_files:
                del data[name]  # no new upload: the current file stays
        for name, value in list(data.items()):
            if value is None and name not in ("starts_at", "max_attempts", "file", "captions"):
                data[name] = ""
        if "pass_mark" in data and data["pass_mark"] == "":
            data["pass_mark"] = 60
        return data

    @classmethod
    def initial_for(cls, piece: Piece) -> dict:
        return {name: getattr(piece, name) for name in cls.FIELDS[piece.kind] if name not in ("file", "captions")}


class PieceCreateForm(SubmissionTokenMixin, PieceForm):
    key = forms.SlugField(
        label=_("Clé (facultative)"),
        required=False,
        max_length=80,
        help_text=_("Identifiant stable de l'étape ; créé à partir du titre si vide. Il ne change plus ensuite."),
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de question"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    answers = forms.CharField(
        label=_("Réponses"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Une réponse par ligne, commencée par « + » si elle est juste, « - » sinon ; le retour montré après "
            "la réponse suit une barre verticale. Exemple : « + Vrai | En effet, la loi… »."
        ),
    )
    explanation = forms.CharField(
        label=_("Explication"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_answers(self) -> list[dict]:
        answers = []
        for number, line in enumerate(self.cleaned_data["answers"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            if line[0] not in "+-":
                raise forms.ValidationError(
                    _("Ligne %(number)s : commencez par « + » (juste) ou « - » (fausse).") % {"number": number}
                )
            text, _bar, feedback = line[1:].partition("|")
            if not text.strip():
                raise forms.ValidationError(_("Ligne %(number)s : la réponse est vide.") % {"number": number})
            answers.append({"text": text.strip()[:1000], "correct": line[0] == "+", "feedback": feedback.strip()})
        return answers

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        lines = [
            f"{'+' if a.correct else '-'} {a.text}" + (f" | {a.feedback}" if a.feedback else "")
            for a in question.answers.all()
        ]
        return {
            "kind": question.kind,
            "text": question.text,
            "answers": "\n".join(lines),
            "explanation": question.explanation,
        }


class QuestionCreateForm(SubmissionTokenMixin, QuestionForm):
    pass


class QuizForm(SubmissionTokenMixin, forms.Form):
    """One field per question, named `q-<key>`: radio buttons, or checkboxes for a multiple choice. Rendered by hand
    in the player (a fieldset and a legend per question)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(a.key, a.text) for a in question.answers.all()]
            if question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, required=False)
            else:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)
            field.label = question.text
            self.fields[f"q-{question.key}"] = field

    def chosen(self) -> dict[str, list[str]]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q-{question.key}")
            if value:
                result[question.key] = list(value) if isinstance(value, list) else [value]
        return result


class FeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label=_("Ce module vous a-t-il été utile ?"),
        choices=[("1", _("Oui")), ("0", _("Non"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    clear = forms.TypedChoiceField(
        label=_("Était-il clair ? (1 : pas du tout, 5 : très clair)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire (facultatif)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("2 000 caractères au plus. Ne donnez pas d'information personnelle."),
    )


class SharingForm(forms.Form):
    share_progress_with_organisation = forms.BooleanField(
        label=_("Partager ma progression avec mon organisation"),
        required=False,
        help_text=_(
            "Désactivé par défaut. Si vous l'activez, les responsables de votre commune ou organisation pourront voir "
            "les modules et parcours que vous avez suivis. Vous pouvez changer d'avis à tout moment."
        ),
    )


class AttestationCheckForm(forms.Form):
    """The verification page: the code printed on the PDF, or the PDF itself."""

    MAX_PDF_BYTES = 5 * 1024 * 1024

    code = forms.CharField(
        label=_("Code de vérification"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Le code imprimé en bas de l'attestation, sous « Code de vérification »."),
    )
    document = forms.FileField(
        label=_("Ou le fichier PDF de l'attestation"),
        required=False,
        help_text=_("PDF, 5 Mo au plus. Le fichier n'est pas conservé."),
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is None:
            return None
        if document.size > self.MAX_PDF_BYTES:
            raise forms.ValidationError(_("Ce fichier dépasse 5 Mo."))
        content = document.read()
        if not content.startswith(b"%PDF"):
            raise forms.ValidationError(_("Ce fichier n'est pas un PDF."))
        return content

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code", "").strip() and not data.get("document"):
            raise forms.ValidationError(_("Collez le code de vérification ou joignez le fichier PDF."))
        return data


class SelfAssessmentForm(forms.Form):
    """One select per competence of the path, on its framework's levels ("—": not answered)."""

    def __init__(self, *args, rows, levels_by_framework, moment, **kwargs):
        super().__init__(*args, **kwargs)
        self.competence_fields = []
        for row in rows:
            competence = row.competence
            current = row.after if moment == "after" else row.before
            name = f"c{competence.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{competence.code} — {competence.title}",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("— Je ne sais pas"))]
                + [
                    (level.number, f"{level.number} — {level.name}")
                    for level in levels_by_framework.get(competence.framework_id, [])
                ],
                initial=current.number if current else "",
                help_text=competence.description[:300] if competence.description else "",
            )
            self.competence_fields.append((name, competence.pk))

    def levels(self) -> dict[int, int]:
        data = self.cleaned_data
        return {pk: data[name] for name, pk in self.competence_fields if data.get(name) is not None}
