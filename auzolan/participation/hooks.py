"""Everything participation adds to the rest of the platform, in one place: the sections of a person's data export,
what happens when an account is deleted, the blocks it puts on shared pages (process page, home, programme page),
the images /media/ may serve, the daily checks and the page of each action of a phase.

Called once from `ParticipationConfig.ready`. Blocks of equal `order` are shown in the order of these lines.
"""

from __future__ import annotations

from auzolan.accounts.services import register_deletion_hooks, register_export_section
from auzolan.core.media import register_public_media
from auzolan.core.registry import register_home_figures, register_page_section
from auzolan.notifications.registry import register_daily_check
from auzolan.participation import personal_data
from auzolan.participation.models import Process, ProposalImage
from auzolan.participation.selectors import budgets as budget_selectors
from auzolan.participation.selectors import surveys as survey_selectors
from auzolan.participation.services import follows as follow_services
from auzolan.participation.services import followup as followup_services
from auzolan.participation.views import budget_votes, comments, followup, processes, proposals, surveys
from auzolan.participation.views.common import register_action_url

PROCESS_PAGE = "participation_process"


def register() -> None:
    # --- A person's data export (RGPD): one section each ----------------------------------------------------------
    # proposals, comments, supports, reports, residency, blocks
    register_export_section("participation", personal_data.personal_data)
    register_export_section("participation_survey_responses", survey_selectors.personal_data_survey_responses)
    register_export_section("participation_follows", follow_services.personal_data_follows)
    # (ballots: in the budgets' registrations below)

    # --- Deleting an account: what goes with it -------------------------------------------------------------------
    register_deletion_hooks(cleanup=personal_data.deletion_cleanup)  # residency declarations
    register_deletion_hooks(cleanup=follow_services.deletion_cleanup_follows)

    # --- Blocks of the process page (shown by `order`) ------------------------------------------------------------
    register_page_section(
        PROCESS_PAGE, "participation/followup/_process_follow_section.html", followup.follow_section, order=5
    )
    register_page_section(PROCESS_PAGE, "participation/proposals/_section.html", proposals.process_section, order=30)
    register_page_section(PROCESS_PAGE, "participation/comments/_section.html", comments.process_section, order=40)
    register_page_section(PROCESS_PAGE, "participation/surveys/_section.html", surveys.process_section, order=40)
    register_page_section(
        PROCESS_PAGE, "participation/followup/_process_followup_section.html", followup.followup_section, order=80
    )

    # --- Other shared pages: the programme page and the home page's figures ---------------------------------------
    register_page_section(
        "programme_participation",
        "participation/processes/_programme_section.html",
        processes.programme_section,
        order=10,
    )
    register_home_figures(processes.home_figures)  # processes running now
    register_home_figures(surveys.home_figures)  # people who took part

    # --- Uploaded images /media/ may serve, to whom may see them --------------------------------------------------
    register_public_media(Process._meta.get_field("image").upload_to, processes.image_visible)
    register_public_media(ProposalImage._meta.get_field("image").upload_to, proposals.image_visible)

    # --- Daily checks (notifications) -----------------------------------------------------------------------------
    register_daily_check("participation.process_events", followup_services.process_events_notify)

    # --- "What one can do now" on the process page: the page of each action ---------------------------------------
    register_action_url("propose", proposals.propose_url)
    register_action_url("support", proposals.support_url)
    register_action_url("comment", comments.debate_url)
    register_action_url("answer", surveys.answer_url)

    # --- Budgets ------------------------------------------------------------------------------------------------------
    register_export_section("participation_ballots", budget_selectors.personal_data_ballots)
    register_page_section(PROCESS_PAGE, "participation/budgets/_section.html", budget_votes.process_section, order=60)
    register_action_url("vote", budget_votes.vote_url)
