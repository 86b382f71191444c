from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "auzolan.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self):
        # The anonymous page cache watches every database connection's writes (see core.pagecache).
        from auzolan.core import (
            legal,  # noqa: F401  (registers the deployment check of the operator's identity)
            pagecache,  # noqa: F401
        )
