"""Can this person do this action in this process right now — and if not, why and what to do about it.

The one place that combines the process state, the active phase (participation.phases), the verification level the
phase asks for, and moderation blocks. rules.py turns it into permissions; pages use the reason to show
"what one can do now" and the next step (log in, declare residency, use a code).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from auzolan.participation import phases as phase_types
from auzolan.participation.models import Process, Residency, UserBlock, VerificationLevel


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    #: "ok", "not_open", "phase", "login", "blocked", "residency", "census", "code"
    reason: str
    message: str = ""
    next_url: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def _residency(user, process: Process) -> Residency | None:
    cache = user.__dict__.setdefault("_participation_residencies", {})
    key = process.organisation_id
    if key not in cache:
        cache[key] = Residency.objects.filter(user=user, organisation_id=key).first()
    return cache[key]


def _is_blocked(user, process: Process) -> bool:
    cache = user.__dict__.setdefault("_participation_blocks", {})
    key = process.organisation_id
    if key not in cache:
        cache[key] = UserBlock.objects.filter(user=user, organisation_id=key).exists()
    return cache[key]


def verification_satisfied(user, process: Process, level: str) -> Eligibility:
    """Does an authenticated `user` meet `level` for `process`? (Codes are checked by the code path, not here.)"""
    if level == VerificationLevel.ACCOUNT:
        return Eligibility(True, "ok")
    if level == VerificationLevel.CODE:
        return Eligibility(
            False,
            "code",
            _("Pour cette étape, la participation se fait avec un code à usage unique remis par l'organisation."),
            reverse("participation:code_entry", kwargs={"slug": process.slug}),
        )
    residency = _residency(user, process)
    if level == VerificationLevel.RESIDENCY_DECLARED and residency is not None:
        return Eligibility(True, "ok")
    census_checked = residency is not None and residency.method == Residency.Method.CENSUS
    if level == VerificationLevel.RESIDENCY_CENSUS and census_checked:
        return Eligibility(True, "ok")
    url = reverse("participation:residency", kwargs={"slug": process.slug})
    if level == VerificationLevel.RESIDENCY_CENSUS:
        return Eligibility(
            False,
            "census",
            _("Cette étape est réservée aux habitants inscrits sur la liste de la commune : vérifiez votre résidence."),
            url,
        )
    return Eligibility(False, "residency", _("Cette étape est réservée aux habitants : déclarez votre résidence."), url)


def eligibility(user, process: Process | None, action: str, *, at=None) -> Eligibility:
    """Whether `user` may do `action` (one of participation.phases.ACTIONS) in `process` at `at` (now)."""
    if action not in phase_types.ACTIONS:
        raise ValueError(f"Unknown participation action {action!r}")
    if process is None or process.state != Process.State.PUBLISHED:
        return Eligibility(False, "not_open", _("Cette démarche n'est pas ouverte à la participation."))
    phase = process.active_phase(at)
    if not phase_types.phase_allows(phase, action):
        return Eligibility(
            False,
            "phase",
            _("L'étape en cours ne permet pas de %(action)s.") % {"action": phase_types.ACTION_LABELS[action]},
        )
    if not (user and user.is_authenticated and user.is_active):
        if phase.verification == VerificationLevel.CODE and action == "vote":
            return verification_satisfied(user, process, phase.verification)
        return Eligibility(
            False,
            "login",
            _("Connectez-vous ou créez un compte pour participer."),
            reverse("account_login") + "?next=" + process.get_absolute_url(),
        )
    if _is_blocked(user, process):
        return Eligibility(
            False, "blocked", _("Votre participation aux démarches de cette organisation est suspendue.")
        )
    return verification_satisfied(user, process, phase.verification)
