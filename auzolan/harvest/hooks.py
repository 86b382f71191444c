"""Everything harvesting adds to the rest of the platform, in one place: the "harvested from" block of the dataset
page and the block of "Mon espace". Called once from `HarvestConfig.ready`."""

from __future__ import annotations

from auzolan.core.registry import register_dashboard_section, register_page_section
from auzolan.harvest.views import sections


def register() -> None:
    # --- Page sections: the dataset page says where a harvested dataset comes from -----------------------------
    register_page_section("dataset_detail", "harvest/_dataset_origin.html", sections.dataset_origin)

    # --- "Mon espace": the sources of the person's organisations ------------------------------------------------
    register_dashboard_section("harvest/_dashboard.html", sections.dashboard_section, order=25)
