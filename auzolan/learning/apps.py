from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "auzolan.learning"
    label = "learning"
    verbose_name = _("Formation et acculturation")

    def ready(self) -> None:
        # Imported here: hooks imports models, which Django's app registry must load first.
        from auzolan.learning import hooks

        hooks.register()
