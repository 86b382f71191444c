"""Background jobs of the catalogue (run by the task worker; started with core.jobs.job_start)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog.linkcheck import datasets_check_links
from auzolan.catalog.models import Dataset
from auzolan.core.jobs import job_task


@job_task
def check_dataset_links(progress, *, dataset_id: int) -> dict:
    """Check every remote address of one dataset now (the "Vérifier les liens" button of the publish page)."""
    counts = datasets_check_links(
        progress=progress, older_than_hours=None, datasets=Dataset.objects.filter(pk=dataset_id)
    )
    if not counts["checked"]:
        message = _("Ce jeu de données n'a aucune adresse à vérifier : ses fichiers déposés sont toujours disponibles.")
    elif counts["unavailable"]:
        message = (
            ngettext(
                "%(checked)d lien vérifié : %(unavailable)d indisponible.",
                "%(checked)d liens vérifiés : %(unavailable)d indisponible(s).",
                counts["checked"],
            )
            % counts
        )
    else:
        message = (
            ngettext(
                "%(checked)d lien vérifié : il est disponible.",
                "%(checked)d liens vérifiés : tous sont disponibles.",
                counts["checked"],
            )
            % counts
        )
    return {**counts, "message": message}
