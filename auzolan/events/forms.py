"""Forms of the events pages: the agenda's filters, registration (with the event's questions), check-in, the
feedback questionnaire, and the organisers' event, session, venue, quota and question forms."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from auzolan.core.forms import BoundedModelChoiceField
from auzolan.core.submissions import SubmissionTokenMixin
from auzolan.events.models import Event, Question, Registration, Session, Venue
from auzolan.organisations.models import Commune


def _session_label(session: Session) -> str:
    when = date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")
    return f"{session.title} — {when}"


def _datetime(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date et heure, par exemple 2026-03-12 09:30."),
    )


class AgendaFilterForm(forms.Form):
    commune = BoundedModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    start = forms.DateField(
        label=_("À partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("Tous les formats")), *Session.Format.choices]
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = _("Toutes les communes")


class RegistrationForm(SubmissionTokenMixin):
    """The session (per-session events) and the event's questions (fields `question_<pk>`)."""

    def __init__(self, *args, event: Event, sessions: list[Session], questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.questions = questions
        if event.per_session:
            self.fields["session"] = forms.TypedChoiceField(
                label=_("Séance"),
                coerce=str,
                choices=[(str(session.uid), _session_label(session)) for session in sessions],
            )
            self._sessions = {str(session.uid): session for session in sessions}
        for question in questions:
            name = f"question_{question.pk}"
            if question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    required=question.required,
                    choices=[("", "—"), *[(choice, choice) for choice in question.choice_list]],
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.label,
                    required=question.required,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        session = self._sessions.get(data.get("session")) if self.event.per_session else None
        answers = {question.pk: data.get(f"question_{question.pk}") or "" for question in self.questions}
        return {"session": session, "answers": answers}


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Code du billet"),
        max_length=200,
        help_text=_("Scannez le QR code du billet (lecteur ou appareil photo) ou tapez les 10 caractères du code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom, adresse électronique ou code"), max_length=200, required=False)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Dans l'ensemble, cette séance vous a-t-elle été utile ? (1 : pas du tout, 5 : tout à fait)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    useful = forms.CharField(
        label=_("Qu'est-ce qui vous a été le plus utile ?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    improve = forms.CharField(
        label=_("Que faudrait-il améliorer ?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegistrationFilterForm(forms.Form):
    session = forms.TypedChoiceField(label=_("Séance"), coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous les états")), *Registration.State.choices]
    )
    q = forms.CharField(label=_("Nom, adresse électronique ou code"), max_length=200, required=False)

    def __init__(self, *args, sessions: list[Session], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("Toutes les séances")), *[(s.pk, s.title) for s in sessions]]


class EventForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Présentation (Markdown)"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    starts_at = _datetime(_("Début"))
    ends_at = _datetime(_("Fin"))
    audience = forms.CharField(label=_("Public"), max_length=200, required=False)
    registration_mode = forms.ChoiceField(label=_("Inscription"), choices=Event.RegistrationMode.choices)
    capacity = forms.IntegerField(
        label=_("Places (inscription à tout l'événement)"), required=False, min_value=0, max_value=1_000_000
    )
    requires_approval = forms.BooleanField(label=_("Inscriptions validées par l'organisateur"), required=False)

    @staticmethod
    def initial_for(event: Event) -> dict:
        return {name: getattr(event, name) for name in EventForm.base_fields}


class EventCreateForm(SubmissionTokenMixin, EventForm):
    organisation = BoundedModelChoiceField(label=_("Organisation"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.order_fields(["organisation"])


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    format = forms.ChoiceField(label=_("Format"), choices=Session.Format.choices)
    description = forms.CharField(
        label=_("Description (Markdown)"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    venue = BoundedModelChoiceField(label=_("Lieu"), queryset=None, required=False, help_text=_("Vide : en ligne."))
    online_url = forms.URLField(
        label=_("Lien de la séance en ligne"),
        assume_scheme="https",
        required=False,
        max_length=200,
        help_text=_("Montré seulement aux personnes dont l'inscription est confirmée."),
    )
    starts_at = _datetime(_("Début"))
    ends_at = _datetime(_("Fin"))
    speakers = forms.CharField(label=_("Intervenants"), max_length=500, required=False)
    audience = forms.CharField(label=_("Public"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=0, max_value=1_000_000, help_text=_("Vide : sans limite.")
    )
    quota = BoundedModelChoiceField(label=_("Quota partagé"), queryset=None, required=False)
    requires_approval = forms.BooleanField(label=_("Inscriptions validées par l'organisateur"), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.for_organisation(event.organisation).select_related("commune")
        self.fields["quota"].queryset = event.quotas.all()

    @staticmethod
    def initial_for(session: Session) -> dict:
        initial = {name: getattr(session, name) for name in SessionForm.base_fields}
        initial["venue"] = session.venue_id
        initial["quota"] = session.quota_id
        return initial


class SessionCreateForm(SubmissionTokenMixin, SessionForm):
    pass


class VenueForm(SubmissionTokenMixin):
    name = forms.CharField(label=_("Nom"), max_length=200)
    address = forms.CharField(label=_("Adresse"), max_length=300)
    commune = BoundedModelChoiceField(label=_("Commune"), queryset=Commune.objects.order_by("name"))
    latitude = forms.DecimalField(label=_("Latitude"), required=False, min_value=-90, max_value=90, decimal_places=6)
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, decimal_places=6
    )
    accessibility = forms.CharField(
        label=_("Informations d'accessibilité"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    step_free = forms.ChoiceField(
        label=_("Accès de plain-pied, par rampe ou ascenseur"), choices=Venue.StepFree.choices
    )


class QuotaForm(SubmissionTokenMixin):
    name = forms.CharField(label=_("Nom du quota"), max_length=200)
    capacity = forms.IntegerField(label=_("Places partagées"), min_value=0, max_value=1_000_000)


class QuestionForm(SubmissionTokenMixin):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    choices = forms.CharField(
        label=_("Choix (un par ligne)"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)
