from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "auzolan.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self):
        from django.contrib.admin import options
        from django.db import models

        from auzolan.core import lookups
        from auzolan.core.forms import BoundedJSONField

        lookups.register()
        # The back office edits JSON fields within the depth bound (core.inputs), not with Django's unbounded parser.
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = {"form_class": BoundedJSONField}
        # The anonymous page cache watches every database connection's writes (see core.pagecache).
        from auzolan.core import (
            legal,  # noqa: F401  (registers the deployment check of the operator's identity)
            pagecache,  # noqa: F401
        )
