"""What the catalogue registers on the rest of the platform (catalog.hooks), once, from CatalogConfig.ready."""

from django.db.models.signals import post_delete, post_save

from auzolan.catalog import hooks
from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.signals import dataset_changed
from auzolan.catalog.views import sections
from auzolan.core import registry

RECEIVERS = [
    (dataset_changed, Dataset, "catalog.search.index"),
    (dataset_changed, Dataset, "catalog.quality.refresh"),
    (post_delete, Dataset, "catalog.search.remove"),
    (post_save, Resource, "catalog.formats.resource_saved"),
    (post_delete, Resource, "catalog.formats.resource_deleted"),
    (post_save, Resource, "catalog.linkcheck.address_changed"),
]


def test_receivers_are_connected_by_register():
    for signal, sender, uid in RECEIVERS:
        assert signal.disconnect(sender=sender, dispatch_uid=uid), uid  # connected when the app was ready
    hooks.register()
    for signal, sender, uid in RECEIVERS:
        assert signal.disconnect(sender=sender, dispatch_uid=uid), uid
    hooks.register()  # as found


def test_blocks_are_registered_once():
    hooks.register()  # again: nothing is registered twice
    assert registry._home_figures.count(sections.home_figures) == 1
    dashboard = [section.template_name for section in registry._dashboard_sections]
    assert dashboard.count("catalog/_dashboard_publishing.html") == 1
    for slot, template in (
        ("organisation_detail", "catalog/_organisation_datasets.html"),
        ("territory", "catalog/_territory_publishing.html"),
        ("programme_opendata", "catalog/_programme_opendata.html"),
    ):
        assert [s.template_name for s in registry._page_sections[slot]].count(template) == 1
