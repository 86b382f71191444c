"""Writes about the territory, organisations and memberships. Every write goes through here."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.core.validators import validate_siren
from auzolan.organisations.models import Commune, Membership, Organisation, Territory

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "siren",
    "siret",
    "population",
    "agents_count",
    "college",
    "membership_status",
    "member_since",
    "description",
    "website",
    "contact_email",
)
# What an organisation's own administrators may change; status, college and type are the agency's call.
ORGANISATION_SELF_FIELDS = ("name", "siret", "population", "agents_count", "description", "website", "contact_email")


# --- Territory ---------------------------------------------------------------------------------------------


def _int_or_none(row: dict, column: str | None) -> int | None:
    if not column or not (row.get(column) or "").strip():
        return None
    return int(row[column])


@dataclass
class TerritoryLoadReport:
    territory: Territory
    created: int
    updated: int
    unchanged: int


def territory_load(*, epci_csv: Path, cog_csv: Path | None = None, slug: str = "") -> TerritoryLoadReport:
    """Load (or refresh) a territory and its communes from the DGCL EPCI composition file.

    `epci_csv` has the columns of the DGCL "epcicom" file (siren, raison_sociale, insee, siren_membre,
    nom_membre, ptot_2025, pmun_2025, dep_com); `cog_csv` (INSEE COG) gives the official typography of names.
    Running it twice changes nothing. The whole load is one transaction: a broken file loads nothing.
    """
    try:
        with open(epci_csv, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        names = {}
        if cog_csv:
            with open(cog_csv, encoding="utf-8-sig", newline="") as handle:
                names = {row["COM"]: row["LIBELLE"] for row in csv.DictReader(handle) if row.get("TYPECOM") == "COM"}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as error:
        raise ValidationError(_("Le fichier du territoire est illisible : %(error)s") % {"error": error}) from None
    required = {"siren", "raison_sociale", "insee", "siren_membre", "nom_membre"}
    if not rows or not required <= set(rows[0]):
        raise ValidationError(
            _("Le fichier du territoire doit contenir les colonnes : %(columns)s.")
            % {"columns": ", ".join(sorted(required))}
        )
    epci_sirens = {row["siren"] for row in rows}
    if len(epci_sirens) != 1:
        raise ValidationError(
            _("Le fichier doit décrire une seule intercommunalité, il en contient %(n)d.") % {"n": len(epci_sirens)}
        )
    epci_siren = next(iter(epci_sirens))
    try:
        validate_siren(epci_siren or "")
    except DjangoValidationError as error:
        raise ValidationError(
            _("Ligne 2 : SIREN de l'intercommunalité %(siren)s invalide : %(error)s")
            % {"siren": epci_siren, "error": "; ".join(error.messages)}
        ) from None
    population_column = next((c for c in rows[0] if c.startswith("ptot_")), None)
    municipal_column = next((c for c in rows[0] if c.startswith("pmun_")), None)
    year = int(population_column.split("_")[1]) if population_column else None

    created = updated = unchanged = 0
    with transaction.atomic():
        territory_values = {
            "name": rows[0]["raison_sociale"],
            "slug": slug or slugify(rows[0]["raison_sociale"]),
            "source": "INSEE (COG) / DGCL, via datagouv/decoupage-administratif — Licence Ouverte 2.0",
        }
        territory = Territory.objects.filter(siren=rows[0]["siren"]).first() or Territory(siren=rows[0]["siren"])
        if territory.pk is None or any(getattr(territory, k) != v for k, v in territory_values.items()):
            for key, value in territory_values.items():
                setattr(territory, key, value)
            territory.save()
        existing = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=[r["insee"] or "" for r in rows])}
        for line, row in enumerate(rows, start=2):
            try:
                values = {
                    "territory": territory,
                    "siren": (row["siren_membre"] or "").strip(),
                    "name": names.get(row["insee"], row["nom_membre"] or ""),
                    "department": (row.get("dep_com") or "")[:3],
                    "population": _int_or_none(row, population_column),
                    "population_municipal": _int_or_none(row, municipal_column),
                    "population_year": year,
                }
            except ValueError as error:
                raise ValidationError(
                    _("Ligne %(line)d (commune %(insee)s) : population invalide (%(error)s).")
                    % {"line": line, "insee": row["insee"], "error": error}
                ) from None
            commune = existing.get(row["insee"]) or Commune(insee_code=(row["insee"] or "").strip())
            changed = commune.pk is None or any(getattr(commune, k) != v for k, v in values.items())
            if not changed:
                unchanged += 1
                continue
            for key, value in values.items():
                setattr(commune, key, value)
            try:
                commune.full_clean()
            except DjangoValidationError as error:
                raise ValidationError(
                    _("Ligne %(line)d (commune %(insee)s) : %(error)s")
                    % {"line": line, "insee": row["insee"], "error": "; ".join(error.messages)}
                ) from None
            if commune.pk is None:
                created += 1
            else:
                updated += 1
            commune.save()
        if created or updated:
            audit_log(
                actor=None,
                action="organisations.territory.loaded",
                obj=territory,
                data={"created": created, "updated": updated},
            )
    return TerritoryLoadReport(territory=territory, created=created, updated=updated, unchanged=unchanged)


# --- Organisations -----------------------------------------------------------------------------------------


RESERVED_SLUGS = {"agir-pour"}  # paths under /organisations/ that are not organisations


def _unique_slug(name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(*, actor, territory: Territory, name: str, kind: str, communes=(), **fields) -> Organisation:
    """Create a member organisation (agency staff only)."""
    if actor is not None:
        require(actor, "organisations.create_organisation", hide=False)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    organisation = Organisation(territory=territory, name=name.strip(), kind=kind, **fields)
    organisation.slug = fields.get("slug") or _unique_slug(name)
    full_clean_or_raise(organisation)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise Conflict(_("Une organisation avec ce SIRET existe déjà."), field="siret") from None
    if communes:
        organisation.communes.set(communes)
        if organisation.population is None:
            organisation.population = sum(c.population or 0 for c in organisation.communes.all()) or None
            organisation.save(update_fields=["population"])
    audit_log(actor=actor, action="organisations.organisation.created", obj=organisation, organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's details. Its administrators change its own details; staff change all."""
    require(actor, "organisations.change_organisation", organisation)
    allowed = ORGANISATION_FIELDS if actor.is_staff else ORGANISATION_SELF_FIELDS
    refused = set(fields) - set(allowed)
    if refused:
        raise ValidationError(_("Vous ne pouvez pas modifier : %(fields)s") % {"fields": ", ".join(sorted(refused))})
    before = {key: getattr(organisation, key) for key in fields}
    for key, value in fields.items():
        setattr(organisation, key, value)
    full_clean_or_raise(organisation)
    changed = {key: [str(before[key]), str(value)] for key, value in fields.items() if before[key] != value}
    if changed:
        try:
            with transaction.atomic():
                organisation.save(update_fields=[*changed, "updated_at"])
        except IntegrityError:
            raise Conflict(_("Une organisation avec ce SIRET existe déjà."), field="siret") from None
        audit_log(
            actor=actor,
            action="organisations.organisation.updated",
            obj=organisation,
            organisation=organisation,
            data={"changed": changed},
        )
    return organisation


# --- Memberships -------------------------------------------------------------------------------------------


def _ensure_other_admin(membership: Membership) -> None:
    others = (
        Membership.objects.for_organisation(membership.organisation)
        .filter(role=Membership.Role.ADMIN, state=Membership.State.ACTIVE)
        .exclude(pk=membership.pk)
    )
    if membership.role == Membership.Role.ADMIN and membership.is_active and not others.exists():
        raise ValidationError(
            _("L'organisation doit garder au moins un administrateur : nommez-en un autre d'abord."), code="last-admin"
        )


def _forget_roles(*users) -> None:
    for user in users:
        if user is not None:
            user.__dict__.pop("_organisation_roles", None)


@transaction.atomic
def membership_add(*, actor, organisation: Organisation, email: str, role: str = Membership.Role.MEMBER) -> Membership:
    """An administrator adds a person who already has an account."""
    if actor is not None:
        require(actor, "organisations.manage_members", organisation)
    if role not in Membership.Role.values:
        raise ValidationError(_("Rôle inconnu."), field="role")
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True, deleted_at=None).first()
    if user is None:
        raise NotFound(
            _(
                "Aucun compte actif n'utilise l'adresse %(email)s. "
                "Invitez la personne à créer son compte, puis ajoutez-la."
            )
            % {"email": email},
            field="email",
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        organisation=organisation, user=user, defaults={"role": role, "state": Membership.State.ACTIVE}
    )
    if not created:
        if membership.is_active:
            raise Conflict(
                _("%(name)s fait déjà partie de l'organisation.") % {"name": user.display_name}, field="email"
            )
        membership.role, membership.state = role, Membership.State.ACTIVE
        membership.save(update_fields=["role", "state", "updated_at"])
    _forget_roles(user, actor)
    audit_log(
        actor=actor,
        action="organisations.membership.added",
        obj=membership,
        organisation=organisation,
        data={"role": role, "user": user.pk},
    )
    return membership


@transaction.atomic
def membership_request(*, actor, organisation: Organisation) -> Membership:
    """A person asks to join an organisation; its administrators decide."""
    require(actor, "organisations.view_organisation", organisation)
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour demander à rejoindre une organisation."))
    if Membership.objects.filter(organisation=organisation, user=actor).exists():
        raise Conflict(_("Vous avez déjà demandé à rejoindre cette organisation ou vous en faites partie."))
    require(actor, "organisations.request_membership", organisation, hide=False)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation=organisation, user=actor, role=Membership.Role.MEMBER, state=Membership.State.PENDING
            )
    except IntegrityError:  # a double click raced us
        raise Conflict(_("Vous avez déjà demandé à rejoindre cette organisation ou vous en faites partie.")) from None
    audit_log(actor=actor, action="organisations.membership.requested", obj=membership, organisation=organisation)
    return membership


@transaction.atomic
def membership_decide(*, actor, membership: Membership, approve: bool) -> Membership | None:
    """Accept or refuse a pending request. A refused request is deleted; the person may ask again."""
    require(actor, "organisations.manage_members", membership.organisation)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.state != Membership.State.PENDING:
        raise Conflict(_("Cette demande a déjà été traitée."))
    organisation = membership.organisation
    if approve:
        membership.state = Membership.State.ACTIVE
        membership.save(update_fields=["state", "updated_at"])
        audit_log(actor=actor, action="organisations.membership.approved", obj=membership, organisation=organisation)
        _forget_roles(membership.user, actor)
        return membership
    audit_log(
        actor=actor,
        action="organisations.membership.refused",
        obj=membership,
        organisation=organisation,
        data={"user": membership.user_id},
    )
    membership.delete()
    return None


@transaction.atomic
def membership_change_role(*, actor, membership: Membership, role: str, is_referent: bool | None = None) -> Membership:
    require(actor, "organisations.manage_members", membership.organisation)
    if role not in Membership.Role.values:
        raise ValidationError(_("Rôle inconnu."), field="role")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role != Membership.Role.ADMIN:
        _ensure_other_admin(membership)
    before = membership.role
    membership.role = role
    if is_referent is not None:
        membership.is_referent = is_referent
    membership.save(update_fields=["role", "is_referent", "updated_at"])
    _forget_roles(membership.user, actor)
    audit_log(
        actor=actor,
        action="organisations.membership.role_changed",
        obj=membership,
        organisation=membership.organisation,
        data={"from": before, "to": role, "is_referent": membership.is_referent},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """An administrator removes someone, or a person leaves."""
    if membership.user_id != actor.pk:
        require(actor, "organisations.manage_members", membership.organisation)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_other_admin(membership)
    organisation = membership.organisation
    audit_log(
        actor=actor,
        action="organisations.membership.removed",
        obj=membership,
        organisation=organisation,
        data={"user": membership.user_id},
    )
    membership.delete()
    _forget_roles(membership.user, actor)


# --- Personal data (hooks registered with accounts in OrganisationsConfig.ready) ----------------------------


def personal_data_memberships(user) -> list[dict]:
    return [
        {"organisation": m.organisation.name, "role": m.role, "state": m.state, "since": m.created_at.isoformat()}
        for m in Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    ]


def deletion_check_last_admin(user) -> None:
    """A person may not delete their account while they are an organisation's only administrator."""
    sole = [
        m.organisation.name
        for m in Membership.objects.filter(
            user=user, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE
        ).select_related("organisation")
        if not Membership.objects.filter(
            organisation=m.organisation, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE
        )
        .exclude(user=user)
        .exists()
    ]
    if sole:
        raise ValidationError(
            _(
                "Vous êtes le seul administrateur de : %(names)s. "
                "Nommez un autre administrateur avant de supprimer votre compte."
            )
            % {"names": ", ".join(sole)},
            code="last-admin",
        )


def deletion_cleanup_memberships(user) -> None:
    Membership.objects.filter(user=user).delete()
