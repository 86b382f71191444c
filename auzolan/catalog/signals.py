"""Signals of the catalogue: decoupled reactions to writes made by the services.

`dataset_changed` is sent by every service that changes a dataset, its resources or its keywords, inside
the service's transaction (so that reactions are atomic with the change). Receivers: the search index
(catalog.search) and the quality score (catalog.quality). Arguments: `sender=Dataset`, `dataset`.

`resource_version_added` is sent once the transaction that stored a new file version commits (by `resource_add` and
`resource_upload_version`), so that slow reactions (loading the table, validation) start in the background on data
that exists. Arguments: `sender=ResourceVersion`, `version`, `actor`.
"""

from django.dispatch import Signal

dataset_changed = Signal()
resource_version_added = Signal()
