from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "auzolan.events"
    label = "events"
    verbose_name = _("Événements")

    def ready(self) -> None:
        # Imported here: hooks imports the views, hence models, which need the app registry ready.
        from auzolan.events import hooks

        hooks.register()
