"""Receivers of the catalogue's signals, connected in CatalogConfig.ready().

Each area appends its own receivers here (search index, quality score...).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.signals import dataset_changed


@receiver(dataset_changed, sender=Dataset, dispatch_uid="catalog.search.index")
def search_index_dataset(sender, dataset, **kwargs):
    """Keep the full-text index in step with the dataset (inside the service's transaction)."""
    from auzolan.catalog import search

    search.index_datasets([dataset.pk])


@receiver(post_delete, sender=Dataset, dispatch_uid="catalog.search.remove")
def search_remove_dataset(sender, instance, **kwargs):
    from auzolan.catalog import search

    search.remove_datasets([instance.pk])


@receiver(dataset_changed, sender=Dataset, dispatch_uid="catalog.quality.refresh")
def quality_refresh_dataset(sender, dataset, **kwargs):
    """Recompute and store the quality score after every write of the publishing services."""
    from auzolan.catalog.quality import refresh_quality

    refresh_quality(dataset)


@receiver(post_save, sender=Resource, dispatch_uid="catalog.formats.resource_saved")
@receiver(post_delete, sender=Resource, dispatch_uid="catalog.formats.resource_deleted")
def formats_refresh_resource(sender, instance, **kwargs):
    """Keep `DatasetFormat` (the format facet) right after every write of a resource, wherever it comes from."""
    from auzolan.catalog.services import refresh_formats

    refresh_formats([instance.dataset_id])


@receiver(post_save, sender=Resource, dispatch_uid="catalog.linkcheck.address_changed")
def availability_reset_resource(sender, instance, created, update_fields=None, **kwargs):
    """A new address has not been checked: its availability goes back to unknown (the services save the fields that
    changed, so "url" among them means a new address)."""
    if not created and update_fields is not None and "url" in update_fields and instance.is_remote:
        from auzolan.catalog.linkcheck import resource_reset_availability

        resource_reset_availability(resource_id=instance.pk)
        instance.availability = Resource.Availability.UNKNOWN
        instance.checked_at, instance.check_status_code, instance.check_message = None, None, ""
