"""Everything learning adds to the rest of the platform, in one place: a person's data export and account deletion,
the block of the "Se former" programme page, the open data programme's "referents trained" step, and workshops as
events sessions. Called once
from `LearningConfig.ready`."""

from __future__ import annotations

from auzolan.accounts.services import register_deletion_hooks, register_export_section
from auzolan.core.registry import register_dashboard_section, register_page_section
from auzolan.events.signals import session_attended
from auzolan.learning import selectors, services, workshop_events
from auzolan.learning.views import catalogue
from auzolan.learning.workshops import register_workshop_provider
from auzolan.opendata_programme.observers import register_training_observer


def register() -> None:
    # --- A person's data export (RGPD): progress, quiz attempts, feedback, the sharing consent ---------------------
    register_export_section("learning", selectors.personal_data)

    # --- Deleting an account: progress, attempts, feedback and the learner profile go with it ---------------------
    register_deletion_hooks(cleanup=services.deletion_cleanup)

    # --- "Mon espace": the person's modules in progress and completed -------------------------------------------
    register_dashboard_section("learning/_dashboard.html", catalogue.dashboard_section, order=30)

    # --- The "Se former" programme page: the catalogue's figures and links ----------------------------------------
    register_page_section("programme_learning", "learning/_programme_section.html", catalogue.programme_section)

    # --- The open data programme: "referents trained" is computed from completed open data modules and paths -----
    register_training_observer(selectors.referents_trained)

    # --- Workshops as sessions of the events module: listed in the player, attendance completes the piece --------
    register_workshop_provider(workshop_events.sessions_for)
    session_attended.connect(workshop_events.attendance_recorded, dispatch_uid="learning.workshop_attendance")
