"""Everything the observatory adds to the rest of the platform, in one place: its block on the open data programme
page. Called once from `ObservatoryConfig.ready`.

The programme's facts (roadmap stages, pilot groups, obligation) come the other way: the programme app registers its
provider with `observatory.registry.register_programme_facts` from its own hooks."""

from __future__ import annotations

from auzolan.core.registry import register_page_section
from auzolan.observatory import sections


def register() -> None:
    # --- Page sections: the open data programme page links to the observatory ----------------------------------
    register_page_section(
        "programme_opendata", "observatory/_programme_section.html", sections.programme_section, order=60
    )
