from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "auzolan.core"
    label = "core"
    verbose_name = _("Noyau")

    def ready(self) -> None:
        from auzolan.core import hooks

        hooks.register()
