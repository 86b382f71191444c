"""The public agenda as an open dataset: one dataset of the agency's organisation in the catalogue, one resource
(`agenda.csv`), a new version of the same resource when the agenda changed.

Written only through the catalogue's services. Updated after each change of a published event: the change schedules
`tasks.publish_agenda` on commit, debounced (one task waits `DEBOUNCE_SECONDS` and then publishes whatever the agenda
is; the changes made meanwhile ride along); the file's SHA-256 is compared, so an unchanged agenda adds no version.

One row per session of the published, cancelled and archived events: no personal data (no registrant, no count of
registrants per person), the speakers as the organisers published them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.catalog import services as catalog
from auzolan.catalog.models import Dataset, Resource
from auzolan.core.audit import audit_log
from auzolan.core.http import public_url
from auzolan.core.permissions import can
from auzolan.core.spreadsheets import neutralise
from auzolan.events import selectors, tasks
from auzolan.events.models import AgendaOpenData, Event
from auzolan.organisations.models import Membership, Organisation, OrganisationKind

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


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return neutralise(str(value))


def agenda_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for session in selectors.public_agenda_rows():
        event, venue = session.event, session.venue
        if session.is_cancelled or event.state == Event.State.CANCELLED:
            status = "annulée"
        elif event.state == Event.State.ARCHIVED:
            status = "archivée"
        else:
            status = "programmée"
        writer.writerow(
            [
                _cell(value)
                for value in (
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
                )
            ]
        )
    return buffer.getvalue().encode("utf-8")


def agency_organisation() -> Organisation | None:
    """The agency, as an organisation of kind "agency" (the first public one)."""
    return Organisation.objects.public().filter(kind=OrganisationKind.AGENCY).order_by("pk").first()


def publisher(agency: Organisation):
    """Who publishes for a background run: the first active administrator (then editor) of the agency who may create
    its datasets, else the first active staff member; None when nobody may."""
    memberships = (
        Membership.objects.filter(organisation=agency, state=Membership.State.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("role", "pk")
    )
    for membership in memberships:
        if can(membership.user, "catalog.create_dataset", agency):
            return membership.user
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk").first()


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


@transaction.atomic
def agenda_publish(*, actor=None) -> Dataset | None:
    """Publish (or update) the agenda's dataset of the agency. Idempotent: the same dataset and resource; a changed
    file becomes a new version. None when there is no agency organisation or nobody to publish for it."""
    agency = agency_organisation()
    if agency is None:
        return None
    actor = actor or publisher(agency)
    if actor is None:
        return None
    link = AgendaOpenData.objects.select_for_update().first() or AgendaOpenData.objects.create()
    content = agenda_csv()
    sha256 = hashlib.sha256(content).hexdigest()
    dataset = Dataset.objects.filter(pk=link.dataset_id).first() if link.dataset_id else None
    metadata = _metadata()
    if dataset is None:
        dataset = catalog.dataset_create(actor=actor, organisation=agency, **metadata)
        link.resource_identifier = ""
    resource = Resource.objects.filter(dataset=dataset, identifier=link.resource_identifier or None).first()
    upload = ContentFile(content, name=FILE_NAME)
    if resource is None:
        resource = catalog.resource_add(
            actor=actor,
            dataset=dataset,
            kind=Resource.Kind.FILE,
            title=_("Agenda (une ligne par séance)"),
            description=_("Séances des événements publiés, au format CSV (UTF-8, séparateur virgule)."),
            file=upload,
        )
    elif link.sha256 != sha256:
        catalog.resource_upload_version(actor=actor, resource=resource, file=upload)
    if dataset.state != Dataset.State.PUBLISHED:
        dataset = catalog.dataset_publish(actor=actor, dataset=dataset)
    changed = link.sha256 != sha256
    link.dataset = dataset
    link.resource_identifier = str(resource.identifier)
    link.sha256 = sha256
    link.published_at = timezone.now()
    link.save()
    if changed:
        audit_log(
            actor=actor,
            action="events.agenda.open_data_published",
            obj=dataset,
            organisation=agency,
            data={"dataset": str(dataset.identifier), "sha256": sha256},
        )
    return dataset


def agenda_schedule() -> None:
    """Enqueue the agenda's publication in `DEBOUNCE_SECONDS`, unless one is already waiting (debounce: the
    pending mark lives in the shared cache; the task clears it before it reads the agenda)."""
    if cache.add(_PENDING_KEY, True, DEBOUNCE_SECONDS * 5):
        tasks.publish_agenda.using(run_after=timezone.now() + dt.timedelta(seconds=DEBOUNCE_SECONDS)).enqueue()


def agenda_publication_started() -> None:
    cache.delete(_PENDING_KEY)
