from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "auzolan.observatory"
    label = "observatory"
    verbose_name = _("Observatoire du territoire")

    def ready(self) -> None:
        # Imported here: hooks imports models, which Django's app registry must load first.
        from auzolan.observatory import hooks

        hooks.register()
