from django.urls import reverse
from django.utils.translation import gettext as _

# A module reference, not its names: services starts this task and this task runs services (an import cycle
# that works whichever of the two is imported first).
from auzolan.accounts import services
from auzolan.accounts.models import User
from auzolan.core.jobs import job_task


@job_task
def export_personal_data(progress, *, user_id: int) -> dict:
    user = User.objects.get(pk=user_id)
    progress(0, 2, _("Rassemblement de vos données"))
    data = services.user_export_data(user=user)
    progress(1, 2, _("Écriture du fichier"))
    path = services.user_export_write(job=progress.job, data=data)
    progress(2, 2)
    return {
        "path": path,
        "download_url": reverse("accounts:export_download", args=[progress.job.pk]),
        "message": _("Votre export est prêt. Il reste téléchargeable pendant 7 jours."),
    }
