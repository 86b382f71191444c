"""What organisations registers on the rest of the platform (organisations.hooks), once."""

from auzolan.accounts import services as accounts_services
from auzolan.core import registry
from auzolan.organisations import hooks, selectors, services, views


def test_registered_once():
    hooks.register()  # again: nothing is registered twice
    assert registry._home_figures.count(selectors.home_figures) == 1
    assert [s.template_name for s in registry._dashboard_sections].count("organisations/_dashboard.html") == 1
    assert [s.context for s in registry._dashboard_sections].count(views.dashboard_section) == 1
    assert accounts_services._export_sections["memberships"] is services.personal_data_memberships
    assert accounts_services._deletion_checks.count(services.deletion_check_last_admin) == 1
    assert accounts_services._deletion_cleanups.count(services.deletion_cleanup_memberships) == 1
