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


class ApiToken(models.Model):
    """A personal token for the platform's API (`Authorization: Bearer auz_…`).

    Only a SHA-256 hash of the token is stored: the secret has 256 random bits, so no dictionary or brute-force attack
    applies and a fast hash is as safe as a slow one — while a password hash (argon2, ~50 ms and tens of megabytes)
    on every API request would be a denial-of-service lever. `prefix` (the first characters after `auz_`) finds the
    row and is what lists show; the clear token is shown once, when it is created.
    """

    class Lifetime(models.IntegerChoices):
        DAYS_30 = 30, _("30 jours")
        DAYS_90 = 90, _("90 jours")
        DAYS_365 = 365, _("1 an")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("personne"))
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("préfixe"), max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        return f"auz_{self.prefix}…"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
