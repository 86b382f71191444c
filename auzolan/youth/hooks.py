"""Everything youth adds to the rest of the platform, in one place: the block of the programme page "Jeunesse et
événements" (public partners, the latest youth survey) and the block of "Mon espace" of a partner's administrators.
Youth keeps no personal data (a partnership's contact is a role and an address of the organisation; actions name
instances, not people), so it registers no data-export section and no deletion hook. Called once from
`YouthConfig.ready`."""

from __future__ import annotations

from auzolan.core.registry import register_dashboard_section, register_page_section
from auzolan.youth.views import sections


def register() -> None:
    # --- The programme page "Jeunesse et événements": partners and what young people said ------------------------
    register_page_section("programme_youth", "youth/_programme_section.html", sections.programme_section, order=20)
    # --- "Mon espace": a partner's administrators edit their organisation's presentation -------------------------
    register_dashboard_section("youth/_dashboard.html", sections.dashboard_section, order=40)
