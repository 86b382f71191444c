"""Everything participation adds to the rest of the platform, in one place: the blocks it puts on shared pages
(process page, home, programme page, dashboard), the sections of a person's data export, what happens when an
account is deleted, the daily checks, the public images and the page of each action of a phase.

Called once from `ParticipationConfig.ready`.
"""

from __future__ import annotations


def register() -> None:
    from auzolan.accounts.services import register_deletion_hooks, register_export_section
    from auzolan.participation import (
        personal_data,
        phases,  # noqa: F401  (registers the phase types)
    )
    from auzolan.participation.views import (
        budgets,
        comments,
        followup,
        guides,
        moderation,
        processes,
        proposals,
        surveys,
        verification,
    )

    # --- A person's data and the deletion of an account -----------------------------------------------------
    register_export_section("participation", personal_data.personal_data)
    register_deletion_hooks(cleanup=personal_data.deletion_cleanup)

    # --- Areas (being moved here one by one) ---------------------------------------------------------------
    for area in (processes, proposals, comments, moderation, surveys, verification, followup, guides):
        area_register = getattr(area, "register", None)
        if area_register is not None:
            area_register()

    # --- Budgets --------------------------------------------------------------------------------------------
    budgets.register()
