"""What the datastore adds to the rest of the platform (hooks.register, called from DatastoreConfig.ready)."""

from __future__ import annotations

from auzolan.catalog import quality
from auzolan.catalog.signals import dataset_changed, resource_version_added
from auzolan.core import registry
from auzolan.datastore import conformance, hooks, preview
from auzolan.datastore.views import conformance as conformance_views
from auzolan.datastore.views import loading as loading_views


def _sections(slot: str) -> list[tuple[str, object]]:
    return [(section.template_name, section.context) for section in registry._page_sections.get(slot, [])]


def _uids(signal) -> list[str]:
    return [key[0] for key, *_rest in signal.receivers]


def test_ready_registered_the_signals_the_page_sections_and_the_quality_criterion():
    assert {"datastore.start_ingestion", "datastore.start_validation"} <= set(_uids(resource_version_added))
    assert "datastore.revalidate" in _uids(dataset_changed)
    assert conformance.schema_conformance in quality._schema_conformance
    assert ("datastore/validation/_resource_conformance.html", conformance_views.resource_section) in _sections(
        "dataset_resource"
    )
    assert ("datastore/preview/_resource_preview.html", preview.resource_section) in _sections("dataset_resource")
    assert (loading_views.TEMPLATE, loading_views.status) in _sections("publish_resource")


def test_registering_again_adds_nothing():
    before = (
        _uids(resource_version_added),
        _uids(dataset_changed),
        list(quality._schema_conformance),
        _sections("dataset_resource"),
        _sections("publish_resource"),
    )
    hooks.register()
    after = (
        _uids(resource_version_added),
        _uids(dataset_changed),
        list(quality._schema_conformance),
        _sections("dataset_resource"),
        _sections("publish_resource"),
    )
    assert after == before
