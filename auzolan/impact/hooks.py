"""Everything impact adds to the rest of the platform, in one place: the sections of a person's data export, what
happens when an account is deleted, and the block of the programme page "Jeunesse et événements". Called once from
`ImpactConfig.ready`."""

from __future__ import annotations

from auzolan.accounts.services import register_deletion_hooks, register_export_section
from auzolan.core.permissions import can
from auzolan.core.registry import register_page_section
from auzolan.impact import selectors, services


def programme_section(request, programme) -> dict:
    """The programme page: the experiments whose results are published, and the managers' and teachers' links."""
    user = request.user
    return {
        "experiments": list(selectors.experiments_public()[:5]),
        "can_manage": user.is_authenticated and can(user, "impact.add_experiment"),
        "teaches": user.is_authenticated and selectors.cohorts_taught(user=user).exists(),
    }


def register() -> None:
    # --- A person's data export (RGPD) and account deletion -----------------------------------------------------
    register_export_section("impact", services.personal_data)
    register_deletion_hooks(cleanup=services.deletion_cleanup)

    # --- The programme page "Jeunesse et événements": experiments and their published results ----------------------
    register_page_section("programme_youth", "impact/_programme_section.html", programme_section, order=20)
