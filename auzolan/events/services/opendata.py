"""The public agenda as an open dataset: one dataset of the agency's organisation in the catalogue, one resource
(`agenda.csv`), a new version of the same resource when the agenda changed.

Written only through the catalogue's services. Updated after each change of a published event: the change schedules
`tasks.publish_agenda` on commit, debounced (one task waits `DEBOUNCE_SECONDS` and then publishes whatever the agenda
is; the changes made meanwhile ride along); the file's SHA-256 is compared, so an unchanged agenda adds no version.

One row per session of the published, cancelled and archived events: no personal data (no registrant, no count of
registrants per person), the speakers as the organisers published them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset
from auzolan.core import jobs
from auzolan.core.http import public_url
from auzolan.core.spreadsheets import csv_bytes
from auzolan.events import selectors, tasks
from auzolan.events.models import AgendaOpenData, Event

FILE_NAME = "agenda.csv"
DEBOUNCE_SECONDS = 120
_PENDING_KEY = "events:agenda-publication-pending"

HEADER = [
    "identifiant_seance",
    "evenement",
    "organisateur",
    "seance",
    "format",
    "debut",
    "fin",
    "lieu",
    "adresse",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "acces_plain_pied",
    "en_ligne",
    "public",
    "intervenants",
    "places",
    "statut",
    "url",
]


def agenda_csv() -> bytes:
    rows = []
    for session in selectors.public_agenda_rows():
        event, venue = session.event, session.venue
        if session.is_cancelled or event.state == Event.State.CANCELLED:
            status = "annulée"
        elif event.state == Event.State.ARCHIVED:
            status = "archivée"
        else:
            status = "programmée"
        rows.append(
            [
                session.uid,
                event.title,
                event.organisation.name,
                session.title,
                session.get_format_display(),
                session.starts_at,
                session.ends_at,
                venue.name if venue else "",
                venue.address if venue else "",
                venue.commune.name if venue else "",
                venue.commune.insee_code if venue else "",
                venue.latitude if venue else None,
                venue.longitude if venue else None,
                venue.get_step_free_display() if venue else "",
                "oui" if venue is None else "non",
                session.audience or event.audience,
                session.speakers,
                session.capacity,
                status,
                public_url(event.get_absolute_url()),
            ]
        )
    return csv_bytes(HEADER, rows)


def _metadata() -> dict:
    return {
        "title": _("Agenda des événements numériques du territoire"),
        "description": _(
            "Les séances des événements publiés sur la plateforme (Rencontres Numériques, ateliers, conférences, "
            "webinaires) : titre, format, dates, lieu et commune, accessibilité de plain-pied, public, intervenants, "
            "nombre de places et statut (programmée, annulée, archivée). Une ligne par séance, mise à jour "
            "automatiquement à chaque changement d'un événement publié. Aucune donnée personnelle : ni inscrit, ni "
            "participant."
        ),
        "licence": "lov2",
        "frequency": "CONT",
        "themes": ["EDUC", "TECH"],
        "keywords": [_("agenda"), _("événements"), _("numérique")],
    }


def agenda_publish(*, actor=None) -> Dataset | None:
    """Publish (or update) the agenda's dataset of the agency. Idempotent: the same dataset and resource; a changed
    file becomes a new version. None when there is no agency organisation or nobody to publish for it."""
    return catalog.agency_file_publish(
        actor=actor,
        link_model=AgendaOpenData,
        name=FILE_NAME,
        title=_("Agenda (une ligne par séance)"),
        description=_("Séances des événements publiés, au format CSV (UTF-8, séparateur virgule)."),
        content=agenda_csv,
        metadata=_metadata(),
        audit_action="events.agenda.open_data_published",
    )


def agenda_schedule() -> None:
    """Enqueue the agenda's publication in `DEBOUNCE_SECONDS`, unless one is already waiting (debounce: the
    pending mark lives in the shared cache; the task clears it before it reads the agenda)."""
    jobs.task_enqueue_debounced(tasks.publish_agenda, key=_PENDING_KEY, seconds=DEBOUNCE_SECONDS)


def agenda_publication_started() -> None:
    jobs.task_debounce_release(_PENDING_KEY)
