from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "auzolan.organisations"
    label = "organisations"
    verbose_name = _("Organisations et territoire")

    def ready(self) -> None:
        from auzolan.organisations import hooks

        hooks.register()
