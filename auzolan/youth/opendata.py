"""The public partners directory as an open dataset of the agency: one dataset, one resource
(`partenaires-jeunesse.csv`), a new version of the same resource when the directory changed (the file's SHA-256 is
compared, so an unchanged directory adds no version).

Written only through the catalogue's services (`agency_file_publish`). Published by staff's button on the
management page and by `manage.py youth_publish_directory`, and after each change of a partnership: the change
schedules `tasks.publish_directory` on commit, debounced like events' agenda (one task waits `DEBOUNCE_SECONDS` and
then publishes whatever the directory is; the changes made meanwhile ride along).

One row per public partnership, as the directory shows it: never a partnership that is not public, and the contact
(a role and an address of the organisation) only when the partner made it public. No personal data.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset
from auzolan.core import jobs
from auzolan.core.errors import ValidationError
from auzolan.core.http import public_url
from auzolan.core.permissions import require
from auzolan.core.spreadsheets import csv_bytes
from auzolan.youth import selectors, tasks
from auzolan.youth.models import DirectoryOpenData

FILE_NAME = "partenaires-jeunesse.csv"
DEBOUNCE_SECONDS = 120
_PENDING_KEY = "youth:directory-publication-pending"

HEADER = [
    "organisation",
    "type",
    "commune",
    "code_insee",
    "collaborations",
    "partenaire_depuis",
    "ce_que_nous_faisons_ensemble",
    "contact_fonction",
    "contact_adresse",
    "url",
]


def directory_csv() -> bytes:
    """The file: one row per public partnership, by organisation name. The commune is the organisation's when it
    covers exactly one (a school, a youth centre); empty otherwise."""
    rows = []
    for partnership in selectors.directory_rows():
        organisation = partnership.organisation
        communes = list(organisation.communes.all())
        commune = communes[0] if len(communes) == 1 else None
        contact = partnership.contact_is_public
        rows.append(
            [
                organisation.name,
                organisation.get_kind_display(),
                commune.name if commune else "",
                commune.insee_code if commune else "",
                " ; ".join(str(label) for label in partnership.collaboration_labels),
                partnership.since,
                partnership.description,
                partnership.contact_role if contact else "",
                partnership.contact_email if contact else "",
                public_url(reverse("youth:partner_detail", args=[organisation.slug])),
            ]
        )
    return csv_bytes(HEADER, rows)


def _metadata() -> dict:
    return {
        "title": _("Annuaire des partenaires jeunesse de l'agence"),
        "description": _(
            "Les établissements scolaires, CFA, universités, structures jeunesse, entreprises et associations qui "
            "travaillent avec l'agence pour les jeunes : type de structure, commune, collaborations (Rencontres "
            "Numériques, expérimentations, apprentissage, stages, ateliers, enquêtes, réutilisation de données), "
            "date de début et ce qu'ils font avec l'agence. Le contact (une fonction et une adresse de la "
            "structure) seulement quand le partenaire l'a rendu public. Une ligne par partenaire publié dans "
            "l'annuaire, mise à jour automatiquement à chaque changement. Aucune donnée personnelle."
        ),
        "licence": "lov2",
        "frequency": "CONT",
        "themes": ["EDUC", "SOCI"],
        "keywords": [_("jeunesse"), _("partenaires"), _("éducation")],
    }


def directory_publish(*, actor=None) -> Dataset | None:
    """Publish (or update) the directory's dataset of the agency. Idempotent: the same dataset and resource; a
    changed file becomes a new version. `actor` None: the agency's scheduled publisher. None when there is no agency
    organisation or nobody to publish for it."""
    return catalog.agency_file_publish(
        actor=actor,
        link_model=DirectoryOpenData,
        name=FILE_NAME,
        title=_("Partenaires jeunesse (une ligne par partenaire)"),
        description=_("Partenaires publiés dans l'annuaire, au format CSV (UTF-8, séparateur virgule)."),
        content=directory_csv,
        metadata=_metadata(),
        audit_action="youth.directory.open_data_published",
    )


def directory_publish_by_staff(*, actor) -> Dataset:
    """Staff's button: publish now (`youth.manage`); without an agency organisation, say so."""
    require(actor, "youth.manage", None, hide=False)
    dataset = directory_publish(actor=actor)
    if dataset is None:
        raise ValidationError(
            _("Aucune organisation « agence » sur la plateforme : l'annuaire ne peut pas être publié en son nom."),
            code="youth-no-agency",
        )
    return dataset


def directory_schedule() -> None:
    """Enqueue the directory's publication in `DEBOUNCE_SECONDS`, unless one is already waiting (debounce: the
    pending mark lives in the shared cache; the task clears it before it reads the directory)."""
    jobs.task_enqueue_debounced(tasks.publish_directory, key=_PENDING_KEY, seconds=DEBOUNCE_SECONDS)


def directory_publication_started() -> None:
    jobs.task_debounce_release(_PENDING_KEY)
