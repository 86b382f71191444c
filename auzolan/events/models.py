"""Events (the Rencontres Numériques, workshops, webinars): an event of an organisation, its sessions in venues or
online, quotas shared between sessions, questions to attendees, registrations, the waiting list, the personal
calendar feed and the feedback of attendees.

A registration is for one session (registration mode "per session") or for the whole event (mode "whole event":
`session` is empty and the event's capacity applies). Seats held: pending, confirmed and attended registrations, and
offers of the waiting list that are still open. States and moves: `events/lifecycle.py`.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import AgencyFileLink
from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager


def new_code() -> str:
    """A check-in code: 10 characters without the ones people confuse (0/O, 1/I/L)."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Venue(TimeStampedModel):
    class StepFree(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")
        UNKNOWN = "unknown", _("Non renseigné")

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300)
    commune = models.ForeignKey(
        "organisations.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="event_venues"
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accessibility = models.TextField(
        _("informations d'accessibilité"),
        blank=True,
        max_length=3000,
        help_text=_("Accès, stationnement, boucle magnétique, toilettes adaptées, personne à contacter…"),
    )
    step_free = models.CharField(
        _("accès de plain-pied ou par rampe ou ascenseur"),
        max_length=10,
        choices=StepFree.choices,
        default=StepFree.UNKNOWN,
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune.name})" if self.commune_id else self.name


class Event(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        CANCELLED = "cancelled", _("Annulé")
        ARCHIVED = "archived", _("Archivé")

    class RegistrationMode(models.TextChoices):
        SESSION = "session", _("Par séance")
        EVENT = "event", _("Pour tout l'événement")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant dans les adresses"), max_length=80, unique=True)
    description = models.TextField(_("présentation (Markdown)"), blank=True, max_length=20000)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    audience = models.CharField(_("public"), max_length=200, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.DRAFT)
    registration_mode = models.CharField(
        _("inscription"), max_length=10, choices=RegistrationMode.choices, default=RegistrationMode.SESSION
    )
    capacity = models.PositiveIntegerField(
        _("places (inscription à tout l'événement)"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite. Ne sert que pour une inscription à tout l'événement."),
    )
    requires_approval = models.BooleanField(_("inscriptions validées par l'organisateur"), default=False)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    #: Incremented at each change that calendars must see (RFC 5545 SEQUENCE of a whole-event entry).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback_sent_at = models.DateTimeField(_("questionnaire de satisfaction envoyé le"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.state in (self.State.PUBLISHED, self.State.CANCELLED, self.State.ARCHIVED)

    @property
    def per_session(self) -> bool:
        return self.registration_mode == self.RegistrationMode.SESSION


class Quota(models.Model):
    """Seats shared by several sessions of an event (e.g. 40 pupils over the three workshops of a morning)."""

    event = models.ForeignKey(Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="quotas")
    name = models.CharField(_("nom"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("quota partagé")
        verbose_name_plural = _("quotas partagés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Session(TimeStampedModel):
    class Format(models.TextChoices):
        TALK = "talk", _("Conférence")
        WORKSHOP = "workshop", _("Atelier")
        ROUND_TABLE = "round_table", _("Table ronde")
        WEBINAR = "webinar", _("Webinaire")

    uid = models.UUIDField(_("identifiant stable"), default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description (Markdown)"), blank=True, max_length=10000)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.TALK)
    venue = models.ForeignKey(
        Venue, verbose_name=_("lieu"), null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    online_url = models.URLField(
        _("lien de la séance en ligne"),
        blank=True,
        help_text=_("Montré seulement aux personnes dont l'inscription est confirmée."),
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    speakers = models.CharField(_("intervenants"), max_length=500, blank=True)
    audience = models.CharField(_("public"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Vide : sans limite."))
    requires_approval = models.BooleanField(_("inscriptions validées par l'organisateur"), default=False)
    quota = models.ForeignKey(
        Quota,
        verbose_name=_("quota partagé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    is_cancelled = models.BooleanField(_("séance annulée"), default=False)
    #: A free reference another app may set to link to this session ("learning:module:<slug>"); events never reads it.
    external_ref = models.CharField(_("référence externe"), max_length=200, blank=True, db_index=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="session_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.venue_id is None


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Texte libre")
        CHOICE = "choice", _("Choix dans une liste")

    event = models.ForeignKey(Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("choix (un par ligne)"), blank=True, max_length=3000)
    required = models.BooleanField(_("réponse obligatoire"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question aux participants")
        verbose_name_plural = _("questions aux participants")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Registration(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        CONFIRMED = "confirmed", _("Confirmée")
        ATTENDED = "attended", _("Présent")
        CANCELLED = "cancelled", _("Annulée")

    HOLDING = (State.PENDING, State.CONFIRMED, State.ATTENDED)

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="registrations"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("séance"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="registrations"
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.PENDING)
    code = models.CharField(_("code d'accueil"), max_length=10, unique=True, default=new_code, editable=False)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    attended_at = models.DateTimeField(_("arrivée enregistrée le"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    refused = models.BooleanField(_("refusée par l'organisateur"), default=False)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    feedback_sent_at = models.DateTimeField(_("questionnaire envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per person and session (or per person and event in "whole event" mode).
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(state="cancelled") & Q(session__isnull=False),
                name="registration_one_live_per_session",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(state="cancelled") & Q(session__isnull=True),
                name="registration_one_live_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.session or self.event}"

    @property
    def target(self):
        return self.session or self.event

    @property
    def is_live(self) -> bool:
        return self.state in self.HOLDING


class Answer(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("réponse"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [models.UniqueConstraint(fields=["registration", "question"], name="answer_one_per_question")]

    def __str__(self) -> str:
        return self.value[:50]


class WaitingListEntry(TimeStampedModel):
    class State(models.TextChoices):
        WAITING = "waiting", _("En liste d'attente")
        OFFERED = "offered", _("Place proposée")
        CONFIRMED = "confirmed", _("Place acceptée")
        EXPIRED = "expired", _("Proposition expirée")
        WITHDRAWN = "withdrawn", _("Retiré de la liste")

    LIVE = (State.WAITING, State.OFFERED)

    event = models.ForeignKey(Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="waiting")
    session = models.ForeignKey(
        Session, verbose_name=_("séance"), null=True, blank=True, on_delete=models.CASCADE, related_name="waiting"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="waiting_entries"
    )
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.WAITING)
    offered_at = models.DateTimeField(_("place proposée le"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("proposition valable jusqu'au"), null=True, blank=True, db_index=True)
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="waiting_entry"
    )

    class Meta:
        verbose_name = _("place en liste d'attente")
        verbose_name_plural = _("liste d'attente")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(state__in=["waiting", "offered"]) & Q(session__isnull=False),
                name="waiting_one_live_per_session",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(state__in=["waiting", "offered"]) & Q(session__isnull=True),
                name="waiting_one_live_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.session or self.event}"

    @property
    def target(self):
        return self.session or self.event

    def offer_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.OFFERED and self.offer_expires_at is not None and self.offer_expires_at > now


class CalendarFeed(TimeStampedModel):
    """A person's secret calendar address (/moi/inscriptions/calendrier/<token>.ics); a new token revokes the old."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_calendar")
    token = models.CharField(max_length=64, unique=True, default=new_token)

    def __str__(self) -> str:
        return str(self.user)


class Feedback(TimeStampedModel):
    """The three questions asked to those who attended (only them)."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("note globale (1 à 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.TextField(_("ce qui vous a été le plus utile"), blank=True, max_length=2000)
    improve = models.TextField(_("ce qu'il faudrait améliorer"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")

    def __str__(self) -> str:
        return str(self.registration_id)


class AgendaOpenData(AgencyFileLink):
    """Where the public agenda is published in the catalogue (one row: the dataset and its resource, re-used)."""
