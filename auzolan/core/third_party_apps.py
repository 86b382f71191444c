"""The back office names of the third-party apps, in French and distinct from ours (settings.INSTALLED_APPS names
these configurations instead of the apps' own)."""

from allauth.account.apps import AccountConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class EmailAddressesConfig(AccountConfig):
    """allauth's account app holds the e-mail addresses and their confirmations ("Comptes" is ours)."""

    verbose_name = _("Adresses électroniques et confirmations")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("File des tâches de fond")

    def ready(self) -> None:
        super().ready()
        options = self.get_model("DBTaskResult")._meta
        options.verbose_name = _("exécution de tâche")
        options.verbose_name_plural = _("exécutions de tâches")
