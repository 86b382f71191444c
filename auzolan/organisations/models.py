from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auzolan.core.models import TimeStampedModel
from auzolan.core.tenancy import TenantManager
from auzolan.core.validators import validate_insee_commune, validate_siren, validate_siret


class Territory(TimeStampedModel):
    """The territory the agency serves: an EPCI and its communes (the Pays Basque first)."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), unique=True)
    siren = models.CharField(_("SIREN de l'EPCI"), max_length=9, blank=True, validators=[validate_siren])
    source = models.CharField(_("source des données"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune from the official list (INSEE Code officiel géographique, DGCL populations)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="communes"
    )
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True, validators=[validate_insee_commune])
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    name = models.CharField(_("nom"), max_length=200)
    department = models.CharField(_("département"), max_length=3, blank=True)
    population = models.PositiveIntegerField(_("population totale"), null=True, blank=True)
    population_municipal = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("année de la population légale"), null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    DEPARTMENT = "department", _("Département")
    SCHOOL = "school", _("Établissement scolaire")
    CFA = "cfa", _("Centre de formation d'apprentis (CFA)")
    UNIVERSITY = "university", _("Université ou recherche")
    COMPANY = "company", _("Entreprise")
    ASSOCIATION = "association", _("Association")
    AGENCY = "agency", _("Agence")
    YOUTH_CENTRE = "youth_centre", _("Structure jeunesse (maison des jeunes, centre social)")


class College(models.TextChoices):
    """The colleges of the agency's general assembly."""

    LOCAL_AUTHORITIES = "local_authorities", _("Collège des collectivités territoriales")
    EDUCATION = "education", _("Collège de l'éducation, de la formation et de la recherche")
    ECONOMY = "economy", _("Collège des acteurs économiques")
    CIVIL_SOCIETY = "civil_society", _("Collège des associations et de la société civile")
    FOUNDERS = "founders", _("Membres fondateurs")


class MembershipStatus(models.TextChoices):
    PROSPECT = "prospect", _("En cours d'adhésion")
    MEMBER = "member", _("Adhérent")
    SUSPENDED = "suspended", _("Adhésion suspendue")
    FORMER = "former", _("Ancien adhérent")


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """Organisations anyone may see: members of the agency and the agency itself."""
        return self.filter(membership_status__in=[MembershipStatus.MEMBER, MembershipStatus.SUSPENDED])


class Organisation(TimeStampedModel):
    """A member organisation of the agency: commune, EPCI, school, company..."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="organisations"
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant dans les adresses"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes couvertes"), blank=True, related_name="organisations"
    )
    population = models.PositiveIntegerField(_("population couverte"), null=True, blank=True)
    agents_count = models.PositiveIntegerField(_("nombre d'agents ou de salariés"), null=True, blank=True)
    college = models.CharField(_("collège"), max_length=30, choices=College.choices, blank=True)
    membership_status = models.CharField(
        _("statut d'adhésion"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.PROSPECT
    )
    member_since = models.DateField(_("adhérent depuis"), null=True, blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=5000)
    website = models.URLField(_("site web"), blank=True)
    contact_email = models.EmailField(_("adresse de contact"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["siret"], condition=~Q(siret=""), name="organisation_unique_siret"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.membership_status in (MembershipStatus.MEMBER, MembershipStatus.SUSPENDED)


class Membership(TimeStampedModel):
    """A person in an organisation, with a role. Requests to join wait for an administrator."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrateur de l'organisation")
        EDITOR = "editor", _("Éditeur")
        MEMBER = "member", _("Membre")

    class State(models.TextChoices):
        PENDING = "pending", _("Demande en attente")
        ACTIVE = "active", _("Active")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.ACTIVE)
    is_referent = models.BooleanField(
        _("référent de l'organisation"), default=False, help_text=_("Interlocuteur de l'agence pour l'organisation.")
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE
