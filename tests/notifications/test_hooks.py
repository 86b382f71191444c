"""What notifications registers on the rest of the platform (notifications.hooks), once."""

from auzolan.accounts import services as accounts_services
from auzolan.core import registry
from auzolan.notifications import hooks, services, views


def test_registered_once():
    hooks.register()  # again: nothing is registered twice
    assert [s.context for s in registry._dashboard_sections].count(views.dashboard_section) == 1
    assert accounts_services._export_sections["notifications"] is services.personal_data
    assert accounts_services._deletion_cleanups.count(services.deletion_cleanup) == 1
