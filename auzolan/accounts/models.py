from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TerritoryRole(models.TextChoices):
    """The person's role in the territory, as they declare it (it tailors what the platform shows)."""

    ELECTED = "elected", _("Élu ou élue")
    AGENT = "agent", _("Agent d'une collectivité")
    TEACHER = "teacher", _("Enseignant ou enseignante")
    GUARDIAN = "guardian", _("Parent ou responsable d'élève")
    STUDENT = "student", _("Jeune, élève ou étudiant")
    CITIZEN = "citizen", _("Habitant ou habitante")
    PARTNER = "partner", _("Partenaire (entreprise, association...)")
    AGENCY = "agency", _("Équipe de l'agence")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("territory_role", TerritoryRole.AGENCY)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. `is_staff` marks the agency's operators, who administer the whole platform."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    territory_role = models.CharField(
        _("rôle dans le territoire"), max_length=20, choices=TerritoryRole.choices, default=TerritoryRole.CITIZEN
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("équipe de l'agence"), default=False, help_text=_("Administre toute la plateforme et son back office.")
    )
    is_demo = models.BooleanField(_("compte de démonstration"), default=False, editable=False)
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.deleted_at:
            return str(_("Compte supprimé"))
        return self.full_name or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
