"""One-time codes: people without an account (or voting on paper) vote once with a code handed out by the commune.

A code is 10 characters from an alphabet without look-alike characters (no 0/O, 1/I/L), shown as two groups of
five. Only its HMAC-SHA256, keyed with SECRET_KEY and the process's own secret, is stored: the clear codes exist
once, in the response to the editor who generated them (a printable page or a CSV file), never in the database,
the logs or the audit log. A code votes once: the ballot points to it through a one-to-one key, and the vote
locks the code's row.

Guessing is slowed down: at most CODE_ATTEMPTS_PER_WINDOW wrong tries per IP address and per session in
CODE_WINDOW_SECONDS (django cache, shared between web processes); refusals for too many attempts are audited and
answered 429 (`core.ratelimit.RateLimited`, code `throttled`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import NotFound, PermissionDenied, ValidationError
from auzolan.core.permissions import can
from auzolan.core.ratelimit import RateLimited
from auzolan.participation.models import AccessCode, District, Process, VerificationLevel

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 characters, nothing that reads like another
CODE_LENGTH = 10
GROUP = 5
MAX_CODES_PER_BATCH = 20_000
CODE_ATTEMPTS_PER_WINDOW = 10
CODE_WINDOW_SECONDS = 15 * 60


def normalise(code: str) -> str:
    """What a person typed, upper-cased, keeping only characters of the alphabet (spaces and dashes go)."""
    return "".join(ch for ch in str(code).upper() if ch in ALPHABET)


def format_code(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_hash(process: Process, code: str) -> str:
    key = (settings.SECRET_KEY + process.secret).encode()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _require_manager(actor, process: Process) -> None:
    if not can(actor, "participation.change_process", process):
        raise PermissionDenied(_("Seule l'organisation qui mène la démarche peut gérer ses codes."))


@transaction.atomic
def access_codes_generate(
    *, actor, process: Process, count: int, batch: str = "", district: District | None = None
) -> list[str]:
    """Create `count` codes and return them in clear — the only time they exist in clear."""
    _require_manager(actor, process)
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ValidationError(
            _("Indiquez un nombre de codes entre 1 et %(max)s.") % {"max": MAX_CODES_PER_BATCH}, field="count"
        )
    batch = (batch or "").strip()[:100]
    if not batch:
        batch = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    if district is not None and district.organisation_id != process.organisation_id:
        raise ValidationError(_("Ce quartier n'appartient pas à l'organisation de la démarche."), field="district")
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(_new_code())
    existing = set(
        AccessCode.objects.filter(process=process, code_hash__in=[code_hash(process, c) for c in codes]).values_list(
            "code_hash", flat=True
        )
    )
    clear = [c for c in codes if code_hash(process, c) not in existing]  # collisions (2^-49 each) are dropped
    AccessCode.objects.bulk_create(
        [AccessCode(process=process, code_hash=code_hash(process, c), batch=batch, district=district) for c in clear],
        batch_size=2000,
    )
    audit_log(
        actor=actor,
        action="participation.access_codes.generated",
        obj=process,
        organisation=process.organisation,
        data={"count": len(clear), "batch": batch, "district": district.pk if district else None},
    )
    return [format_code(c) for c in sorted(clear)]


@transaction.atomic
def access_codes_revoke(*, actor, process: Process, batch: str) -> int:
    """Revoke the unused codes of a batch; returns how many were revoked (used codes keep their ballot)."""
    _require_manager(actor, process)
    revoked = AccessCode.objects.filter(process=process, batch=batch, used_at__isnull=True, is_revoked=False).update(
        is_revoked=True
    )
    if not revoked and not AccessCode.objects.filter(process=process, batch=batch).exists():
        raise NotFound(_("Ce lot de codes n'existe pas."))
    audit_log(
        actor=actor,
        action="participation.access_codes.revoked",
        obj=process,
        organisation=process.organisation,
        data={"batch": batch, "revoked": revoked},
    )
    return revoked


def _attempt_keys(process: Process, client_keys: list[str]) -> list[str]:
    return [f"participation:code-attempts:{process.pk}:{hashlib.sha256(k.encode()).hexdigest()}" for k in client_keys]


def _attempts(keys: list[str]) -> int:
    values = cache.get_many(keys)
    return max(values.values(), default=0)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        if cache.add(key, 1, CODE_WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, CODE_WINDOW_SECONDS)


def codes_in_use(process: Process, *, at=None) -> bool:
    """Whether the vote running now asks for a one-time code (then a voter is a code, never an account)."""
    phase = process.active_phase(at)
    return phase is not None and phase.kind == "vote" and phase.verification == VerificationLevel.CODE


def code_voting_refusal(process: Process, *, at=None) -> str:
    """Why a code cannot be used in this process now ("" when it can): only while a vote phase asking for codes
    runs. A code accepted in another phase would be refused at the ballot box, after the person chose projects."""
    at = at or timezone.now()
    phase = process.active_phase(at)
    if phase is not None and phase.kind == "vote":
        if phase.verification == VerificationLevel.CODE:
            return ""
        return _(
            "Le vote de cette démarche ne se fait pas avec un code : connectez-vous à votre compte pour voter "
            "(« %(rule)s »)."
        ) % {"rule": phase.get_verification_display()}
    upcoming = sorted(
        (p for p in process.phases.all() if p.kind == "vote" and p.start_at > at), key=lambda p: p.start_at
    )
    if upcoming and upcoming[0].verification == VerificationLevel.CODE:
        return _("Le vote avec un code n'est pas encore ouvert : il commence le %(date)s.") % {
            "date": formats.date_format(timezone.localtime(upcoming[0].start_at), "DATETIME_FORMAT")
        }
    return _("Aucun vote avec un code n'est en cours dans cette démarche.")


def access_code_check(*, process: Process, code: str, client_keys: list[str]) -> AccessCode:
    """The unused, valid code a person typed, or a refusal. `client_keys` identify the client (IP, session).

    Does not use the code: the vote does, under a lock (services.budgets.ballot_submit). Refused outside a vote
    phase that asks for codes (`code_voting_refusal`), before anything is looked up or counted.
    """
    refusal = code_voting_refusal(process)
    if refusal:
        raise ValidationError(refusal, field="code", code="codes-not-used")
    keys = _attempt_keys(process, [k for k in client_keys if k])
    if _attempts(keys) >= CODE_ATTEMPTS_PER_WINDOW:
        audit_log(
            actor=None,
            action="participation.access_code.throttled",
            obj=process,
            organisation=process.organisation,
            data={},
        )
        raise RateLimited(
            _("Trop d'essais de code en peu de temps. Réessayez dans %(minutes)s minutes.")
            % {"minutes": CODE_WINDOW_SECONDS // 60},
            retry_after=CODE_WINDOW_SECONDS,
            code="throttled",
        )
    normalised = normalise(code)
    access_code = None
    if len(normalised) == CODE_LENGTH:
        access_code = AccessCode.objects.filter(process=process, code_hash=code_hash(process, normalised)).first()
    if access_code is None or access_code.is_revoked:
        _count_failure(keys)
        raise ValidationError(
            _("Ce code n'est pas valable pour cette démarche. Vérifiez-le (10 caractères, sans 0, O, 1, I ni L)."),
            field="code",
        )
    if access_code.used_at is not None:
        _count_failure(keys)
        raise ValidationError(_("Ce code a déjà servi à voter : un code ne vote qu'une fois."), field="code")
    return access_code
