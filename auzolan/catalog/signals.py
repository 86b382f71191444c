"""Signals of the catalogue: decoupled reactions to writes made by the services.

`dataset_changed` is sent by every service that changes a dataset, its resources or its keywords, inside
the service's transaction (so that reactions are atomic with the change). Receivers: the search index
(catalog.search) and the quality score (catalog.quality). Arguments: `sender=Dataset`, `dataset`.
"""

from django.dispatch import Signal

dataset_changed = Signal()
