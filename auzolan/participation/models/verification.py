"""Who may act where: residency (declared or checked on a census list) and one-time codes.

Nothing here stores an identifier in clear: census entries and codes are keyed hashes (HMAC-SHA256 keyed with a
per-list or per-process secret combined with SECRET_KEY), so a copy of the database alone reveals nothing.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _new_secret() -> str:
    return secrets.token_hex(32)


class Residency(models.Model):
    """A person's residency in an organisation's territory (commune or district)."""

    class Method(models.TextChoices):
        DECLARED = "declared", _("Déclarée")
        CENSUS = "census", _("Vérifiée sur la liste de la commune")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residencies")
    method = models.CharField(_("méthode"), max_length=10, choices=Method.choices)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "organisations.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: For census checks: the keyed hash of the census entry used, so that one entry verifies one account only.
    census_entry = models.OneToOneField(
        "participation.CensusEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="residency"
    )
    verified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("résidence")
        verbose_name_plural = _("résidences")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="residency_one_per_organisation")]

    def __str__(self) -> str:
        return self.get_method_display()


class CensusList(models.Model):
    """A census (list of residents) uploaded by a commune, kept only as keyed hashes of identifiers."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    entries_count = models.PositiveIntegerField(default=0)
    #: Which identifiers the entries were hashed from (see participation.services.verification.IDENTIFIER_SETS):
    #: the residents are asked for the same ones.
    identifiers = models.CharField(_("identifiants"), max_length=30, default="elector_number")
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)

    class Meta:
        verbose_name = _("liste de recensement")
        verbose_name_plural = _("listes de recensement")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.organisation_id} ({self.uploaded_at:%Y-%m-%d})"


class CensusEntry(models.Model):
    census = models.ForeignKey(CensusList, on_delete=models.CASCADE, related_name="entries")
    key_hash = models.CharField(max_length=64)
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["census", "key_hash"], name="census_entry_unique")]

    def __str__(self) -> str:
        return self.key_hash[:8]


class AccessCode(models.Model):
    """A one-time code for people without an account or for paper distribution; stored hashed, used once."""

    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64)
    batch = models.CharField(_("lot"), max_length=100, blank=True)
    district = models.ForeignKey(
        "participation.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    is_revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("code de participation")
        verbose_name_plural = _("codes de participation")
        constraints = [models.UniqueConstraint(fields=["process", "code_hash"], name="access_code_unique")]

    def __str__(self) -> str:
        return self.batch or str(self.pk)
