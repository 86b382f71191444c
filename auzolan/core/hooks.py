"""What core sets up once the apps are loaded: the bounded integer lookups, the back office's bounded JSON field,
the deployment check of the operator's identity and the anonymous page cache's watch of every database write.

Called once from `CoreConfig.ready`.
"""

from __future__ import annotations

from django.contrib.admin import options
from django.core import checks
from django.db import models

from auzolan.core import (
    legal,
    lookups,
    pagecache,  # noqa: F401  (connects its receivers on import: it watches every connection)
)
from auzolan.core.forms import BoundedJSONField


def register() -> None:
    lookups.register()
    # The back office edits JSON fields within the depth bound (core.inputs), not with Django's unbounded parser.
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = {"form_class": BoundedJSONField}
    checks.register(legal.check_operator_identity, "auzolan", deploy=True)
