from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataProgrammeConfig(AppConfig):
    name = "auzolan.opendata_programme"
    label = "opendata_programme"
    verbose_name = _("Programme open data collectif")

    def ready(self) -> None:
        # Imported here: hooks imports models, which Django's app registry must load first.
        from auzolan.opendata_programme import hooks

        hooks.register()
