from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "auzolan.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self):
        # The anonymous page cache watches every database connection's writes (see core.pagecache).
        from auzolan.core import pagecache  # noqa: F401
