"""Reactions to the catalogue's writes, connected to their signals in `catalog.hooks`.

Each area adds its own receivers here (search index, quality score, format facet, link availability...).
"""

from auzolan.catalog import search
from auzolan.catalog.linkcheck import resource_reset_availability
from auzolan.catalog.models import Resource
from auzolan.catalog.quality import refresh_quality
from auzolan.catalog.services import refresh_formats


def search_index_dataset(sender, dataset, **kwargs):
    """Keep the full-text index in step with the dataset (inside the service's transaction)."""
    search.index_datasets([dataset.pk])


def search_remove_dataset(sender, instance, **kwargs):
    search.remove_datasets([instance.pk])


def quality_refresh_dataset(sender, dataset, **kwargs):
    """Recompute and store the quality score after every write of the publishing services."""
    refresh_quality(dataset)


def formats_refresh_resource(sender, instance, **kwargs):
    """Keep `DatasetFormat` (the format facet) right after every write of a resource, wherever it comes from."""
    refresh_formats([instance.dataset_id])


def availability_reset_resource(sender, instance, created, update_fields=None, **kwargs):
    """A new address has not been checked: its availability goes back to unknown (the services save the fields that
    changed, so "url" among them means a new address)."""
    if not created and update_fields is not None and "url" in update_fields and instance.is_remote:
        resource_reset_availability(resource_id=instance.pk)
        instance.availability = Resource.Availability.UNKNOWN
        instance.checked_at, instance.check_status_code, instance.check_message = None, None, ""
