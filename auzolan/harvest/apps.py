from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HarvestConfig(AppConfig):
    name = "auzolan.harvest"
    label = "harvest"
    verbose_name = _("Moissonnage des portails des membres")

    def ready(self) -> None:
        # Imported here: hooks imports models, which Django's app registry must load first.
        from auzolan.harvest import hooks

        hooks.register()
