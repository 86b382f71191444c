"""RGPD: what participation holds about a person (proposals, comments, supports, reports, residency, blocks) for the
data export, and what goes when the account is deleted.

Contributions stay published, signed "Compte supprimé" (the account row is anonymised by accounts.user_delete);
residency declarations are personal data that no longer serve once the account is gone, so they are deleted.
Survey responses, ballots and follows have sections of their own (all registered in participation/hooks.py).
"""

from __future__ import annotations

from auzolan.participation.models import Comment, Proposal, Report, Residency, Support, UserBlock


def _date(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    return {
        "proposals": [
            {
                "process": p.process.title,
                "title": p.title,
                "text": p.body,
                "status": p.status,
                "created_at": _date(p.created_at),
                "hidden_by_moderation": p.is_hidden,
            }
            for p in Proposal.objects.filter(author=user).select_related("process").order_by("created_at")
        ],
        "comments": [
            {
                "process": c.process.title,
                "proposal": c.proposal.title if c.proposal_id else None,
                "text": c.body,
                "position": c.position,
                "created_at": _date(c.created_at),
                "hidden_by_moderation": c.is_hidden,
            }
            for c in Comment.objects.filter(author=user).select_related("process", "proposal").order_by("created_at")
        ],
        "supports": [
            {"proposal": s.proposal.title, "process": s.proposal.process.title, "created_at": _date(s.created_at)}
            for s in Support.objects.filter(user=user).select_related("proposal__process").order_by("created_at")
        ],
        "reports": [
            {"reason": r.reason, "details": r.details, "created_at": _date(r.created_at)}
            for r in Report.objects.filter(reporter=user).order_by("created_at")
        ],
        "residencies": [
            {
                "organisation": r.organisation.name,
                "method": r.method,
                "postal_code": r.postal_code,
                "commune": r.commune.name if r.commune_id else None,
                "district": r.district.name if r.district_id else None,
                "verified_at": _date(r.verified_at),
            }
            for r in Residency.objects.filter(user=user).select_related("organisation", "commune", "district")
        ],
        "participation_blocks": [
            {"organisation": b.organisation.name, "reason": b.reason, "created_at": _date(b.created_at)}
            for b in UserBlock.objects.filter(user=user).select_related("organisation")
        ],
    }


def deletion_cleanup(user) -> None:
    Residency.objects.filter(user=user).delete()
