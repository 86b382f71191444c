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
    from auzolan.core.registry import register_page_section
    from auzolan.participation.selectors import budgets as budget_selectors
    from auzolan.participation.views import budget_votes
    from auzolan.participation.views.common import register_action_url

    register_export_section("participation_ballots", budget_selectors.personal_data_ballots)
    register_page_section(
        "participation_process", "participation/budgets/_section.html", budget_votes.process_section, order=60
    )
    register_action_url("vote", budget_votes.vote_url)
