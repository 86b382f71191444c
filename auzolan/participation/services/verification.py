"""Residency: declared by the person, or checked against a census list uploaded by the commune.

A census list is never stored in clear. Each row becomes one keyed hash: HMAC-SHA256 of the normalised identifiers
(upper case, accents removed, spaces collapsed, dates as YYYY-MM-DD), keyed with HMAC-SHA256(SECRET_KEY, list secret).
A copy of the database without SECRET_KEY reveals nothing, and a list of names cannot be checked against it. The
identifiers are neither logged nor kept in memory longer than the upload. A resident proves residency by typing the
same identifiers; one census entry verifies one account only (Residency.census_entry is one-to-one). Failed attempts
are rate limited per account and audited (without the values typed).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import unicodedata
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationError
from auzolan.core.permissions import require
from auzolan.participation.models import CensusEntry, CensusList, District, Process, Residency

#: The sets of identifiers a census can be hashed from: name → (column names, label).
IDENTIFIER_SETS: dict[str, tuple[tuple[str, ...], str]] = {
    "elector_number": (("numero_electeur",), gettext_lazy("Numéro d'électeur")),
    "identity": (
        ("nom", "date_naissance", "code_postal"),
        gettext_lazy("Nom de naissance, date de naissance et code postal"),
    ),
}
COLUMN_LABELS = {
    "numero_electeur": gettext_lazy("Numéro d'électeur"),
    "nom": gettext_lazy("Nom de naissance"),
    "date_naissance": gettext_lazy("Date de naissance"),
    "code_postal": gettext_lazy("Code postal"),
}
#: Optional column: the district (its name or identifier) the resident lives in.
DISTRICT_COLUMN = "quartier"

MAX_CENSUS_BYTES = 30 * 1024 * 1024
MAX_CENSUS_ROWS = 500_000
MAX_ATTEMPTS = 5
ATTEMPT_WINDOW = 60 * 60


# --- Normalisation and hashing -------------------------------------------------------------------------------


def normalise(value: str) -> str:
    """Upper case, accents removed, spaces and hyphens collapsed: « Étchévèrry-Lòpez » → « ETCHEVERRY LOPEZ »."""
    value = unicodedata.normalize("NFKD", str(value or ""))
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = re.sub(r"[\s\-'’]+", " ", value)
    return value.strip().upper()


def normalise_date(value: str) -> str:
    value = (value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(value)


def _normalised_values(identifiers: str, values: dict) -> list[str]:
    columns = IDENTIFIER_SETS[identifiers][0]
    result = []
    for column in columns:
        raw = values.get(column)
        if isinstance(raw, date):
            raw = raw.isoformat()
        if column == "date_naissance":
            result.append(normalise_date(str(raw or "")))
        elif column in ("numero_electeur", "code_postal"):
            result.append(re.sub(r"\s+", "", normalise(raw)))
        else:
            result.append(normalise(raw))
        if not result[-1]:
            raise ValueError(column)
    return result


def _list_key(census: CensusList) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), census.secret.encode(), hashlib.sha256).digest()


def _hash(key: bytes, values: list[str]) -> str:
    return hmac.new(key, "\x1f".join(values).encode(), hashlib.sha256).hexdigest()


def census_hash(census: CensusList, values: dict) -> str:
    """The keyed hash of one person's identifiers for `census` (ValueError if an identifier is missing)."""
    return _hash(_list_key(census), _normalised_values(census.identifiers, values))


# --- Census upload -------------------------------------------------------------------------------------------


def _header_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalise(name).lower()).strip("_")


def _read_rows(uploaded_file) -> tuple[list[str], list[list[str]]]:
    size = getattr(uploaded_file, "size", 0) or 0
    if size > MAX_CENSUS_BYTES:
        raise ValidationError(_("Le fichier est trop lourd (30 Mo au plus)."), field="file")
    uploaded_file.seek(0)
    raw = uploaded_file.read(MAX_CENSUS_BYTES + 1)
    if len(raw) > MAX_CENSUS_BYTES:
        raise ValidationError(_("Le fichier est trop lourd (30 Mo au plus)."), field="file")
    if not raw.strip():
        raise ValidationError(_("Le fichier est vide."), field="file")
    if b"\x00" in raw[:4096]:
        raise ValidationError(_("Ce fichier n'est pas un fichier CSV (texte)."), field="file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "Le fichier n'est pas encodé en UTF-8. Dans votre tableur, enregistrez-le au format "
                "« CSV UTF-8 » puis envoyez-le de nouveau."
            ),
            field="file",
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ValidationError(_("Le fichier CSV est mal formé."), field="file") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValidationError(_("Le fichier est vide."), field="file")
    return [_header_name(h) for h in rows[0]], rows[1:]


def _district_lookup(organisation) -> dict[str, District]:
    lookup = {}
    for district in District.objects.for_organisation(organisation):
        lookup[normalise(district.name)] = district
        lookup[normalise(district.slug)] = district
    return lookup


@transaction.atomic
def census_upload(*, actor, organisation, file, identifiers: str, replaces: int | None = None) -> CensusList:
    """Replace the organisation's census list by the one in `file` (CSV with a header row). All or nothing.

    When a list is in service, `replaces` must be its id: replacing it is a deliberate act, and a list replaced by
    someone else in the meantime is not replaced again unseen."""
    require(actor, "participation.manage_census", organisation)
    if identifiers not in IDENTIFIER_SETS:
        raise ValidationError(_("Choisissez les identifiants de la liste."), field="identifiers")
    columns = IDENTIFIER_SETS[identifiers][0]
    header, rows = _read_rows(file)
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValidationError(
            _("Colonnes manquantes : %(missing)s. La première ligne doit nommer les colonnes %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(columns)},
            field="file",
        )
    if not rows:
        raise ValidationError(_("Le fichier ne contient que la ligne d'en-tête, sans habitant."), field="file")
    if len(rows) > MAX_CENSUS_ROWS:
        raise ValidationError(
            _("Le fichier contient trop de lignes (%(max)s au plus).") % {"max": MAX_CENSUS_ROWS}, field="file"
        )
    positions = {c: header.index(c) for c in columns}
    district_position = header.index(DISTRICT_COLUMN) if DISTRICT_COLUMN in header else None
    districts = _district_lookup(organisation) if district_position is not None else {}

    previous = list(CensusList.objects.select_for_update().filter(organisation=organisation))
    census = CensusList(
        organisation=organisation,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        identifiers=identifiers,
    )
    # The same secret as the list it replaces: the same person gets the same hash, so verified residents keep
    # their verification when the commune uploads an updated list.
    active = next((c for c in previous if c.is_active), None)
    if active is not None:
        census.secret = active.secret
    key = _list_key(census)
    entries: dict[str, District | None] = {}
    for number, row in enumerate(rows, start=2):
        values = {c: (row[p] if p < len(row) else "") for c, p in positions.items()}
        try:
            key_hash = _hash(key, _normalised_values(identifiers, values))
        except ValueError as error:
            column = str(error) if str(error) in COLUMN_LABELS else "date_naissance"
            raise ValidationError(
                _("Ligne %(row)s : « %(column)s » est vide ou invalide. Rien n'a été importé.")
                % {"row": number, "column": COLUMN_LABELS.get(column, column)},
                field="file",
            ) from None
        district = None
        if district_position is not None and district_position < len(row) and row[district_position].strip():
            district = districts.get(normalise(row[district_position]))
            if district is None:
                raise ValidationError(
                    _("Ligne %(row)s : quartier inconnu. Créez d'abord les quartiers. Rien n'a été importé.")
                    % {"row": number},
                    field="file",
                )
        entries[key_hash] = district
    if active is not None and replaces != active.pk:
        if replaces is None:
            message = _("Une liste est déjà en service : cochez la case pour confirmer que la nouvelle la remplace.")
        else:
            message = _("La liste en service a changé entre-temps : vérifiez-la et confirmez de nouveau.")
        raise ValidationError(message, field="replace")
    census.entries_count = len(entries)
    census.save()
    CensusEntry.objects.bulk_create(
        [CensusEntry(census=census, key_hash=h, district=d) for h, d in entries.items()], batch_size=2000
    )

    # Residents verified on the previous list: kept when they are still on the new one, otherwise downgraded
    # to a declared residency (the commune removed them: they moved away, or the list was corrected).
    kept = downgraded = 0
    if previous:
        new_entries = {e.key_hash: e for e in CensusEntry.objects.filter(census=census)}
        for residency in (
            Residency.objects.select_for_update()
            .filter(organisation=organisation, census_entry__census__in=previous)
            .select_related("census_entry")
        ):
            entry = new_entries.get(residency.census_entry.key_hash)
            residency.census_entry = None
            residency.save(update_fields=["census_entry"])
            if entry is not None:
                residency.census_entry = entry
                residency.district = entry.district or residency.district
                residency.save(update_fields=["census_entry", "district"])
                kept += 1
            else:
                residency.method = Residency.Method.DECLARED
                residency.save(update_fields=["method"])
                downgraded += 1
        CensusList.objects.filter(pk__in=[c.pk for c in previous]).delete()
    audit_log(
        actor=actor,
        action="participation.census.uploaded",
        obj=census,
        organisation=organisation,
        data={
            "entries": census.entries_count,
            "rows": len(rows),
            "identifiers": identifiers,
            "replaced": len(previous),
            "residents_kept": kept,
            "residents_downgraded": downgraded,
        },
    )
    return census


def active_census(organisation) -> CensusList | None:
    return CensusList.objects.filter(organisation=organisation, is_active=True).order_by("-uploaded_at").first()


# --- Residents ------------------------------------------------------------------------------------------------


def _require_person(user) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Connectez-vous pour déclarer votre résidence."))


@transaction.atomic
def residency_declare(
    *, user, process: Process, postal_code: str, commune=None, district=None, certified: bool = False
) -> Residency:
    """The person declares on their honour that they live in the process's scope."""
    _require_person(user)
    organisation = process.organisation
    if not certified:
        raise ValidationError(_("Cochez la case pour déclarer sur l'honneur votre résidence."), field="certified")
    postal_code = re.sub(r"\s+", "", postal_code or "")
    if not re.fullmatch(r"\d{5}", postal_code):
        raise ValidationError(_("Indiquez un code postal à 5 chiffres."), field="postal_code")
    scope_communes = list(process.communes.all()) or list(organisation.communes.all())
    if commune is not None and scope_communes and commune not in scope_communes:
        raise ValidationError(_("Cette commune n'est pas dans le périmètre de la démarche."), field="commune")
    if commune is None and len(scope_communes) == 1:
        commune = scope_communes[0]
    if commune is None and len(scope_communes) > 1:
        raise ValidationError(_("Choisissez votre commune."), field="commune")
    if district is not None:
        if district.organisation_id != organisation.pk:
            raise ValidationError(_("Ce quartier n'appartient pas à l'organisation."), field="district")
        codes = [c for c in district.postal_codes.split(",") if c]
        if codes and postal_code not in codes:
            raise ValidationError(
                _("Ce code postal ne correspond pas au quartier choisi (%(codes)s).") % {"codes": ", ".join(codes)},
                field="postal_code",
            )
    residency = Residency.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if residency is not None and residency.method == Residency.Method.CENSUS:
        raise Conflict(
            _("Votre résidence est déjà vérifiée sur la liste de la commune : rien à déclarer."),
            code="already-verified",
        )
    if residency is None:
        residency = Residency(user=user, organisation=organisation)
    residency.method = Residency.Method.DECLARED
    residency.postal_code = postal_code
    residency.commune = commune
    residency.district = district
    residency.save()
    user.__dict__.pop("_participation_residencies", None)
    audit_log(
        actor=user,
        action="participation.residency.declared",
        obj=residency,
        organisation=organisation,
        data={"process": process.slug, "district": district.pk if district else None},
    )
    return residency


def _attempts_key(user, organisation) -> str:
    return f"participation:census-attempts:{user.pk}:{organisation.pk}"


def census_attempts_left(*, user, organisation) -> int:
    return max(0, MAX_ATTEMPTS - int(cache.get(_attempts_key(user, organisation), 0)))


def _count_failure(user, organisation) -> int:
    key = _attempts_key(user, organisation)
    cache.add(key, 0, ATTEMPT_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ATTEMPT_WINDOW)
        return 1


def _fail(user, organisation, census, reason: str, message: str) -> None:
    # Recorded in its own transaction so that the refusal below does not roll the audit entry back.
    count = _count_failure(user, organisation)
    audit_log(
        actor=user,
        action="participation.residency.census_failed",
        obj=census,
        organisation=organisation,
        data={"reason": reason, "attempt": count},
    )
    raise ValidationError(message, code=reason)


def residency_verify_census(*, user, process: Process, values: dict) -> Residency:
    """Check the identifiers typed by the person against the commune's census list."""
    _require_person(user)
    organisation = process.organisation
    census = active_census(organisation)
    if census is None:
        raise ValidationError(_("La commune n'a pas déposé de liste de recensement."), code="no-census")
    if census_attempts_left(user=user, organisation=organisation) <= 0:
        audit_log(
            actor=user,
            action="participation.residency.census_throttled",
            obj=census,
            organisation=organisation,
        )
        raise ApplicationError(
            _("Trop d'essais infructueux : réessayez dans une heure, ou contactez la mairie."), code="throttled"
        )
    try:
        key_hash = census_hash(census, values)
    except ValueError:
        raise ValidationError(_("Remplissez chaque champ (date au format JJ/MM/AAAA).")) from None
    try:
        with transaction.atomic():
            entry = CensusEntry.objects.select_for_update().filter(census=census, key_hash=key_hash).first()
            if entry is None:
                raise _Refused("not-found")
            holder = Residency.objects.filter(census_entry=entry).exclude(user=user).exists()
            if holder:
                raise _Refused("already-used")
            residency = Residency.objects.select_for_update().filter(user=user, organisation=organisation).first()
            if residency is None:
                residency = Residency(user=user, organisation=organisation)
            residency.method = Residency.Method.CENSUS
            residency.census_entry = entry
            residency.district = entry.district or residency.district
            residency.save()
            audit_log(
                actor=user,
                action="participation.residency.census_verified",
                obj=residency,
                organisation=organisation,
                data={"process": process.slug},
            )
    except _Refused as refused:
        if refused.reason == "already-used":
            _fail(
                user,
                organisation,
                census,
                "already-used",
                _(
                    "Ces informations ont déjà servi à vérifier un autre compte. Si ce n'est pas vous, "
                    "contactez la mairie."
                ),
            )
        _fail(
            user,
            organisation,
            census,
            "not-found",
            _("Ces informations ne correspondent à aucune personne de la liste. Vérifiez l'orthographe et la date."),
        )
    except IntegrityError:
        _fail(
            user,
            organisation,
            census,
            "already-used",
            _("Ces informations ont déjà servi à vérifier un autre compte. Si ce n'est pas vous, contactez la mairie."),
        )
    user.__dict__.pop("_participation_residencies", None)
    return residency


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
