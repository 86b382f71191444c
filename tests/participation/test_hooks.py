"""participation/hooks.py: everything participation adds to the platform is registered once the app is ready."""

from auzolan.accounts import services as account_services
from auzolan.core import media, registry
from auzolan.notifications.registry import daily_checks
from auzolan.participation import personal_data, phases
from auzolan.participation.models import Process, ProposalImage
from auzolan.participation.services import follows
from auzolan.participation.views import common


def test_a_persons_data_export_has_the_participation_sections():
    names = {name for name in account_services._export_sections if name.startswith("participation")}
    assert names == {
        "participation",
        "participation_survey_responses",
        "participation_follows",
        "participation_ballots",
    }


def test_deleting_an_account_cleans_residency_and_follows():
    cleanups = account_services._deletion_cleanups
    assert personal_data.deletion_cleanup in cleanups and follows.deletion_cleanup_follows in cleanups


def test_the_blocks_of_the_process_page_come_in_order():
    templates = [
        section.template_name
        for section in sorted(registry._page_sections["participation_process"], key=lambda s: s.order)
        if section.template_name.startswith("participation/")
    ]
    assert templates == [
        "participation/followup/_process_follow_section.html",
        "participation/proposals/_section.html",
        "participation/comments/_section.html",
        "participation/surveys/_section.html",
        "participation/budgets/_section.html",
        "participation/followup/_process_followup_section.html",
    ]
    assert [s.template_name for s in registry._page_sections["programme_participation"]] == [
        "participation/processes/_programme_section.html"
    ]


def test_every_action_of_a_phase_has_its_page():
    assert set(phases.ACTIONS) <= set(common._ACTION_URLS)


def test_the_daily_check_and_the_public_images_are_registered():
    assert "participation.process_events" in [name for name, _check in daily_checks()]
    for model in (Process, ProposalImage):
        assert model._meta.get_field("image").upload_to in media._checks
