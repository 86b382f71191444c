from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "auzolan.youth"
    label = "youth"
    verbose_name = _("Jeunesse")

    def ready(self) -> None:
        # Imported here: hooks imports models, which Django's app registry must load first.
        from auzolan.youth import hooks

        hooks.register()
