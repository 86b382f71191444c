"""The collective open data programme: pilot groups, the roadmap template and the agency's checks, the legal
obligation's overrides, the SCDL datasets expected per kind of organisation, each organisation's data inventory and
the support follow-up (meetings and actions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager
from auzolan.organisations.models import OrganisationKind

# --- Pilot groups --------------------------------------------------------------------------------------------


class PilotGroup(TimeStampedModel):
    """A cohort of member organisations that the agency takes through the roadmap together."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    start_date = models.DateField(_("date de lancement"))
    goals = models.TextField(_("objectifs"), max_length=5000, blank=True)
    description = models.TextField(_("présentation"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("groupe pilote")
        verbose_name_plural = _("groupes pilotes")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("opendata_programme:group_detail", kwargs={"group": self.pk})


class PilotGroupMember(TimeStampedModel):
    """An organisation in a pilot group, with its two referents (active members of the organisation)."""

    group = models.ForeignKey(
        PilotGroup, verbose_name=_("groupe pilote"), on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="pilot_group_memberships",
    )
    elected_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("élu référent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent référent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referents_named_on = models.DateField(_("référents désignés le"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("membre d'un groupe pilote")
        verbose_name_plural = _("membres des groupes pilotes")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organisation"], name="pilot_group_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.group}"


# --- Roadmap -------------------------------------------------------------------------------------------------


class RoadmapStep(TimeStampedModel):
    """One step of the roadmap template, the same for every organisation.

    With an `observer` the platform computes whether the step is done (`auzolan.opendata_programme.observers`);
    without one, the agency checks it with evidence and a date (`StepCheck`)."""

    class Link(models.TextChoices):
        NONE = "", _("Aucun lien")
        REFERENTS = "referents", _("Désigner les référents")
        INVENTORY = "inventory", _("Inventaire des données")
        DATASET = "dataset", _("Publier un jeu de données")
        DATASETS = "datasets", _("Jeux de données de l'organisation")
        REUSES = "reuses", _("Réutilisations")
        DATAGOUV = "datagouv", _("Aide : être moissonné par data.gouv.fr")
        SUPPORT = "support", _("Accompagnement de l'agence")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("intitulé"), max_length=200)
    short_label = models.CharField(_("intitulé court"), max_length=60)
    help_text = models.TextField(_("que faire"), max_length=3000, blank=True)
    evidence_hint = models.CharField(_("preuve attendue"), max_length=300, blank=True)
    observer = models.CharField(
        _("constat automatique"),
        max_length=40,
        blank=True,
        help_text=_("Vide : l'étape est validée par l'agence avec une preuve et une date."),
    )
    threshold = models.PositiveSmallIntegerField(
        _("seuil"), default=1, help_text=_("Pour les constats qui comptent (lignes d'inventaire, par exemple).")
    )
    link = models.CharField(_("lien vers l'action"), max_length=20, choices=Link.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("étape de la feuille de route")
        verbose_name_plural = _("étapes de la feuille de route")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


def evidence_upload_to(check: StepCheck, filename: str) -> str:
    return f"opendata_programme/evidence/{check.organisation_id}/{filename}"


class StepCheck(TimeStampedModel):
    """The agency checked a step for an organisation, with a date and evidence (a file or a link)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    step = models.ForeignKey(RoadmapStep, verbose_name=_("étape"), on_delete=models.CASCADE, related_name="checks")
    done_on = models.DateField(_("date"))
    evidence_url = models.URLField(_("lien de la preuve"), max_length=500, blank=True)
    evidence_file = models.FileField(_("document"), upload_to=evidence_upload_to, max_length=300, blank=True)
    note = models.CharField(_("remarque"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("validée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("étape validée")
        verbose_name_plural = _("étapes validées")
        constraints = [models.UniqueConstraint(fields=["organisation", "step"], name="step_check_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id} — {self.step}"


# --- Legal obligation ----------------------------------------------------------------------------------------


class ObligationOverride(TimeStampedModel):
    """The agency's decision on whether an organisation is bound to open data by default, instead of the rule."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="opendata_obligation",
    )
    bound = models.BooleanField(_("soumise à l'obligation"))
    reason = models.CharField(_("motif"), max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("décision sur l'obligation d'ouverture")
        verbose_name_plural = _("décisions sur l'obligation d'ouverture")

    def __str__(self) -> str:
        return str(self.organisation_id)


class ExpectedSchema(models.Model):
    """An SCDL dataset expected from the organisations of one kind (configurable by the agency)."""

    kind = models.CharField(_("type d'organisation"), max_length=20, choices=OrganisationKind.choices)
    schema = models.ForeignKey(
        "catalog.TableSchema", verbose_name=_("schéma"), on_delete=models.CASCADE, related_name="+"
    )
    legally_required = models.BooleanField(_("obligation légale"), default=False)
    note = models.CharField(_("aide"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("jeu SCDL attendu")
        verbose_name_plural = _("jeux SCDL attendus")
        ordering = ["kind", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "schema"], name="expected_schema_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.schema}"


# --- Data inventory ------------------------------------------------------------------------------------------


class InventoryLine(TimeStampedModel):
    """A candidate dataset in an organisation's data inventory."""

    class Priority(models.TextChoices):
        HIGH = "high", _("Haute")
        MEDIUM = "medium", _("Moyenne")
        LOW = "low", _("Basse")

    class Risk(models.TextChoices):
        NONE = "none", _("Aucune donnée personnelle")
        LOW = "low", _("Faible (données pseudonymisées ou agrégées)")
        HIGH = "high", _("Élevé (données nominatives : à anonymiser avant toute publication)")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identifié")
        PREPARING = "preparing", _("En préparation")
        PUBLISHED = "published", _("Publié")
        ABANDONED = "abandoned", _("Abandonné")

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    owner_service = models.CharField(_("service détenteur"), max_length=200)
    theme = models.CharField(_("thème"), max_length=200, blank=True, help_text=_("Par exemple : Urbanisme, Culture."))
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True, help_text=_("Séparés par des virgules."))
    priority = models.CharField(_("priorité"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    personal_data_risk = models.CharField(
        _("données personnelles"),
        max_length=10,
        choices=Risk.choices,
        default=Risk.NONE,
        help_text=_(
            "Des données sur des personnes identifiables ne se publient qu'anonymisées (RGPD) : "
            "demandez conseil à votre délégué à la protection des données."
        ),
    )
    target_date = models.DateField(_("date de publication visée"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    schema = models.ForeignKey(
        "catalog.TableSchema",
        verbose_name=_("schéma SCDL"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dataset = models.ForeignKey(
        "catalog.Dataset",
        verbose_name=_("jeu de données"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("ligne d'inventaire")
        verbose_name_plural = _("inventaire des données")
        ordering = ["status", "target_date", "title"]

    def __str__(self) -> str:
        return self.title


# --- Support follow-up (AMO) ---------------------------------------------------------------------------------


class Meeting(TimeStampedModel):
    """A support meeting between the agency and an organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("date"))
    participants = models.TextField(_("participants"), max_length=2000)
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    decisions = models.TextField(_("décisions"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisie par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("réunion d'accompagnement")
        verbose_name_plural = _("réunions d'accompagnement")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} — {self.organisation_id}"


class SupportAction(TimeStampedModel):
    """A next action decided with an organisation, with an owner (a person of the platform or a name) and a due date."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("réunion"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("responsable (nom)"), max_length=150, blank=True)
    due_date = models.DateField(_("échéance"))
    done = models.BooleanField(_("faite"), default=False)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("action d'accompagnement")
        verbose_name_plural = _("actions d'accompagnement")
        ordering = ["done", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        return self.owner.display_name if self.owner_id else self.owner_name
