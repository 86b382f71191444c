"""Writes of proposals: create, edit, withdraw, support, and the organisation's public answer.

Participants act while the active phase allows it (eligibility); the author edits and withdraws their own proposal.
Supports are one per person (a database constraint: a double click or two tabs make one support) and the counter is
kept with F expressions; a process's `support_threshold` moves a proposal to "under study" and tells its author.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.accounts.models import User
from auzolan.core.audit import audit_log
from auzolan.core.errors import PermissionDenied, ValidationError
from auzolan.core.text import file_extension
from auzolan.notifications.services import notify
from auzolan.participation.eligibility import eligibility
from auzolan.participation.images import clean_image
from auzolan.participation.models import (
    Category,
    District,
    Follow,
    Process,
    Proposal,
    ProposalAttachment,
    ProposalImage,
    Support,
)
from auzolan.participation.services.moderation import rate_limit_check, rate_limit_reserve

MAX_IMAGES = 3
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "odt", "docx", "jpg", "jpeg", "png")


@dataclass
class NewImage:
    file: object
    alt_text: str


@dataclass
class NewAttachment:
    file: object
    title: str


# --- Checks ---------------------------------------------------------------------------------------------------------


def _require(actor, process: Process, action: str) -> None:
    allowed = eligibility(actor, process, action)
    if not allowed:
        raise PermissionDenied(allowed.message)


def _ring_contains(ring, x: float, y: float) -> bool:
    """Ray casting on one linear ring of [lon, lat] positions."""
    inside = False
    count = len(ring)
    j = count - 1
    for i in range(count):
        xi, yi = float(ring[i][0]), float(ring[i][1])
        xj, yj = float(ring[j][0]), float(ring[j][1])
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / ((yj - yi) or 1e-300) + xi:
            inside = not inside
        j = i
    return inside


def _polygon_contains(polygon, x: float, y: float) -> bool:
    if not polygon or not _ring_contains(polygon[0], x, y):
        return False
    return not any(_ring_contains(hole, x, y) for hole in polygon[1:])


def geometry_contains(geometry, lon: float, lat: float) -> bool:
    """Does a GeoJSON Polygon/MultiPolygon (or a Feature / FeatureCollection of them) contain the point?"""
    if not isinstance(geometry, dict):
        return False
    kind = geometry.get("type")
    try:
        if kind == "FeatureCollection":
            return any(geometry_contains(f, lon, lat) for f in geometry.get("features") or [])
        if kind == "Feature":
            return geometry_contains(geometry.get("geometry"), lon, lat)
        if kind == "Polygon":
            return _polygon_contains(geometry.get("coordinates"), lon, lat)
        if kind == "MultiPolygon":
            return any(_polygon_contains(p, lon, lat) for p in geometry.get("coordinates") or [])
    except (TypeError, ValueError, IndexError):
        return False
    return False


def _has_area(geometry) -> bool:
    return isinstance(geometry, dict) and geometry.get("type") in (
        "Polygon",
        "MultiPolygon",
        "Feature",
        "FeatureCollection",
    )


def _point(latitude, longitude) -> tuple[Decimal, Decimal] | None:
    if latitude in (None, "") and longitude in (None, ""):
        return None
    if latitude in (None, "") or longitude in (None, ""):
        raise ValidationError(_("Indiquez la latitude et la longitude du lieu, ou aucune des deux."), field="latitude")
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("La position n'est pas valide."), field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(
            _("La position n'est pas valide (latitude entre -90 et 90, longitude entre -180 et 180)."),
            field="latitude",
        )
    return lat, lon


def _clean_place(place: str) -> str:
    place = " ".join((place or "").split())
    if len(place) > 200:
        raise ValidationError(_("Décrivez le lieu en 200 caractères au plus."), field="place")
    return place


def _check_place(process: Process, category, district, point) -> District | None:
    """Category and district of the process; the point inside the process's scope. Returns the district to keep."""
    if category is not None and category.process_id != process.pk:
        raise ValidationError(_("Cette catégorie n'appartient pas à la démarche."), field="category")
    scope = list(process.districts.all())
    if district is not None:
        allowed = scope or list(District.objects.filter(organisation_id=process.organisation_id))
        if district.pk not in {d.pk for d in allowed}:
            raise ValidationError(_("Ce quartier n'est pas concerné par la démarche."), field="district")
    if point is None:
        return district
    lat, lon = point
    with_area = [d for d in (scope or []) if _has_area(d.geometry)]
    if district is not None and _has_area(district.geometry):
        if not geometry_contains(district.geometry, float(lon), float(lat)):
            raise ValidationError(
                _("Le lieu indiqué n'est pas dans le quartier « %(district)s ».") % {"district": district.name},
                field="latitude",
            )
        return district
    if with_area:
        for candidate in with_area:
            if geometry_contains(candidate.geometry, float(lon), float(lat)):
                return district or candidate
        raise ValidationError(
            _("Le lieu indiqué est en dehors du périmètre de la démarche (ses quartiers)."), field="latitude"
        )
    # No district outline to check against: the communes of the platform carry no geometry, so any valid point is
    # accepted (documented in docs/participation.md).
    return district


def _check_images(images) -> list[tuple[ContentFile, str]]:
    images = list(images or [])
    if len(images) > MAX_IMAGES:
        raise ValidationError(_("%(max)s images au plus.") % {"max": MAX_IMAGES}, field="images")
    cleaned = []
    for image in images:
        alt = (image.alt_text or "").strip()
        if not alt:
            raise ValidationError(_("Décrivez chaque image en quelques mots (texte alternatif)."), field="image_alt")
        cleaned.append((clean_image(image.file), alt[:250]))
    return cleaned


def _attachment_kind(name: str, head: bytes, uploaded) -> str | None:
    """The extension if the content matches it, else None."""
    extension = file_extension(name)
    if extension not in ATTACHMENT_EXTENSIONS:
        return None
    if extension == "pdf":
        return extension if head.startswith(b"%PDF-") else None
    if extension in ("jpg", "jpeg"):
        return extension if head.startswith(b"\xff\xd8\xff") else None
    if extension == "png":
        return extension if head.startswith(b"\x89PNG\r\n\x1a\n") else None
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if extension == "odt":
                if "mimetype" not in names:
                    return None
                mimetype = archive.read("mimetype")[:100].strip()
                return extension if mimetype == b"application/vnd.oasis.opendocument.text" else None
            return extension if "[Content_Types].xml" in names and "word/document.xml" in names else None
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        return None
    finally:
        uploaded.seek(0)


def _check_attachments(attachments) -> list[tuple[object, str, int, str]]:
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(_("%(max)s pièces jointes au plus.") % {"max": MAX_ATTACHMENTS}, field="attachments")
    checked = []
    for attachment in attachments:
        uploaded = attachment.file
        size = getattr(uploaded, "size", 0) or 0
        if size == 0:
            raise ValidationError(_("La pièce jointe est vide."), field="attachment")
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                _("La pièce jointe est trop lourde (%(size)s Mo au plus).")
                % {"size": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                field="attachment",
            )
        uploaded.seek(0)
        head = uploaded.read(16)
        extension = _attachment_kind(getattr(uploaded, "name", "") or "", head, uploaded)
        if extension is None:
            raise ValidationError(
                _("Type de pièce jointe non accepté : PDF, ODT, DOCX, JPEG ou PNG (le contenu doit correspondre)."),
                field="attachment",
            )
        title = (attachment.title or "").strip() or PurePath(getattr(uploaded, "name", "")).stem or _("Pièce jointe")
        checked.append((uploaded, title[:200], size, extension))
    return checked


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise ValidationError(_("Donnez un titre à votre proposition."), field="title")
    if len(title) > 150:
        raise ValidationError(_("Le titre fait 150 caractères au plus."), field="title")
    if not body:
        raise ValidationError(_("Décrivez votre proposition."), field="body")
    if len(body) > 10000:
        raise ValidationError(_("Le texte fait 10 000 caractères au plus."), field="body")
    return title, body


def _save_files(proposal: Proposal, images, attachments) -> None:
    start = proposal.images.count() if proposal.pk else 0
    for position, (content, alt) in enumerate(images, start=start):
        item = ProposalImage(proposal=proposal, alt_text=alt, position=position)
        item.image.save(content.name, content, save=False)
        item.save()
    for uploaded, title, size, extension in attachments:
        item = ProposalAttachment(proposal=proposal, title=title, size=size)
        uploaded.seek(0)
        item.file.save(f"proposition-{proposal.pk}.{extension}", ContentFile(uploaded.read()), save=False)
        item.save()


def _followers(process: Process, proposal: Proposal | None = None):
    query = Q(process=process, proposal__isnull=True)
    if proposal is not None:
        query |= Q(proposal=proposal)
    return User.objects.filter(participation_follows__in=Follow.objects.filter(query)).distinct()


# --- Proposals -----------------------------------------------------------------------------------------------------


def proposal_create(
    *,
    actor,
    process: Process,
    title: str,
    body: str,
    category: Category | None = None,
    district: District | None = None,
    latitude=None,
    longitude=None,
    place: str = "",
    images=(),
    attachments=(),
) -> Proposal:
    _require(actor, process, "propose")
    rate_limit_check(user=actor)
    title, body = _clean_text(title, body)
    place = _clean_place(place)
    point = _point(latitude, longitude)
    district = _check_place(process, category, district, point)
    cleaned_images = _check_images(images)
    checked_attachments = _check_attachments(attachments)
    rate_limit_reserve(user=actor)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            organisation_id=process.organisation_id,
            process=process,
            author=actor,
            title=title,
            body=body,
            category=category,
            district=district,
            latitude=point[0] if point else None,
            longitude=point[1] if point else None,
            place=place,
        )
        _save_files(proposal, cleaned_images, checked_attachments)
        audit_log(
            actor=actor,
            action="participation.proposal.created",
            obj=proposal,
            organisation=process.organisation,
            data={"process": process.slug},
        )
        followers = [u for u in _followers(process) if u.pk != actor.pk]
        notify(
            users=followers,
            kind="participation.proposal.created",
            title=_("Nouvelle proposition dans « %(process)s »") % {"process": process.title},
            body=title,
            url=proposal.get_absolute_url(),
        )
    return proposal


def _require_author(actor, proposal: Proposal) -> None:
    if not (actor and actor.is_authenticated and proposal.author_id == actor.pk):
        raise PermissionDenied(_("Seul l'auteur de la proposition peut la modifier."))


def _require_editable(actor, proposal: Proposal) -> None:
    _require_author(actor, proposal)
    if proposal.is_hidden:
        raise PermissionDenied(_("Cette proposition est masquée par la modération."))
    if proposal.status != Proposal.Status.PUBLISHED:
        raise PermissionDenied(
            _("Cette proposition ne peut plus être modifiée (statut : %(status)s).")
            % {"status": proposal.get_status_display()}
        )
    _require(actor, proposal.process, "propose")


def proposal_update(
    *,
    actor,
    proposal: Proposal,
    title: str,
    body: str,
    category: Category | None = None,
    district: District | None = None,
    latitude=None,
    longitude=None,
    place: str = "",
    images=(),
    attachments=(),
    remove_images=(),
    remove_attachments=(),
) -> Proposal:
    """Edit the author's proposal; `remove_images` / `remove_attachments` are ids of files of THIS proposal to delete.

    An id that is not one of this proposal's files is refused (nothing changes). The files leave the storage once the
    transaction is committed.
    """
    _require_editable(actor, proposal)
    title, body = _clean_text(title, body)
    place = _clean_place(place)
    point = _point(latitude, longitude)
    district = _check_place(proposal.process, category, district, point)
    doomed_images = _owned(proposal.images.all(), remove_images, _("Cette image n'est pas celle de la proposition."))
    doomed_attachments = _owned(
        proposal.attachments.all(), remove_attachments, _("Cette pièce jointe n'est pas celle de la proposition.")
    )
    if proposal.images.count() - len(doomed_images) + len(list(images or [])) > MAX_IMAGES:
        raise ValidationError(_("%(max)s images au plus.") % {"max": MAX_IMAGES}, field="images")
    if proposal.attachments.count() - len(doomed_attachments) + len(list(attachments or [])) > MAX_ATTACHMENTS:
        raise ValidationError(_("%(max)s pièces jointes au plus.") % {"max": MAX_ATTACHMENTS}, field="attachments")
    cleaned_images = _check_images(images)
    checked_attachments = _check_attachments(attachments)
    with transaction.atomic():
        proposal.title, proposal.body = title, body
        proposal.category, proposal.district = category, district
        proposal.latitude, proposal.longitude = (point[0], point[1]) if point else (None, None)
        proposal.place = place
        proposal.save(
            update_fields=["title", "body", "category", "district", "latitude", "longitude", "place", "updated_at"]
        )
        stale = [(item.image.storage, item.image.name) for item in doomed_images]
        stale += [(item.file.storage, item.file.name) for item in doomed_attachments]
        if doomed_images:
            ProposalImage.objects.filter(pk__in=[item.pk for item in doomed_images]).delete()
        if doomed_attachments:
            ProposalAttachment.objects.filter(pk__in=[item.pk for item in doomed_attachments]).delete()
        _save_files(proposal, cleaned_images, checked_attachments)
        data = {}
        if doomed_images:
            data["removed_images"] = sorted(item.pk for item in doomed_images)
        if doomed_attachments:
            data["removed_attachments"] = sorted(item.pk for item in doomed_attachments)
        audit_log(
            actor=actor,
            action="participation.proposal.updated",
            obj=proposal,
            organisation=proposal.process.organisation,
            data=data or None,
        )
        if stale:
            transaction.on_commit(lambda: _delete_stored(stale))
    return proposal


def _owned(items, ids, message: str) -> list:
    """The items of `items` (one proposal's files) whose ids are `ids`; any other id is refused."""
    try:
        wanted = {int(pk) for pk in ids or ()}
    except (TypeError, ValueError):
        raise ValidationError(message) from None
    if not wanted:
        return []
    found = [item for item in items if item.pk in wanted]
    if len(found) != len(wanted):
        raise ValidationError(message)
    return found


def _delete_stored(stale) -> None:
    for storage, name in stale:
        if name:
            storage.delete(name)


def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    _require_editable(actor, proposal)
    with transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.WITHDRAWN, updated_at=timezone.now())
        proposal.status = Proposal.Status.WITHDRAWN
        audit_log(
            actor=actor,
            action="participation.proposal.withdrawn",
            obj=proposal,
            organisation=proposal.process.organisation,
        )
    return proposal


# --- Supports ------------------------------------------------------------------------------------------------------

SUPPORTABLE = (Proposal.Status.PUBLISHED, Proposal.Status.UNDER_STUDY)


def _require_supportable(actor, proposal: Proposal) -> None:
    _require(actor, proposal.process, "support")
    if proposal.is_hidden or proposal.status not in SUPPORTABLE:
        raise PermissionDenied(_("Cette proposition ne peut plus recevoir de soutiens."))


def support_add(*, actor, proposal: Proposal) -> bool:
    """Support `proposal` once. Returns False when `actor` already supported it (a replay, a double click)."""
    _require_supportable(actor, proposal)
    process = proposal.process
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(proposal=proposal, user=actor)
        except IntegrityError:
            return False
        Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
        proposal.refresh_from_db(fields=["supports_count", "status"])
        audit_log(actor=actor, action="participation.support.added", obj=proposal, organisation=process.organisation)
        threshold = process.support_threshold
        if threshold and proposal.supports_count >= threshold and proposal.status == Proposal.Status.PUBLISHED:
            moved = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PUBLISHED).update(
                status=Proposal.Status.UNDER_STUDY
            )
            if moved:
                proposal.status = Proposal.Status.UNDER_STUDY
                audit_log(
                    actor=None,
                    action="participation.proposal.threshold_reached",
                    obj=proposal,
                    organisation=process.organisation,
                    data={"threshold": threshold, "supports": proposal.supports_count},
                )
                notify(
                    users=[proposal.author],
                    kind="participation.proposal.threshold_reached",
                    title=_("Votre proposition « %(title)s » passe à l'étude") % {"title": proposal.title},
                    body=_("Elle a atteint %(threshold)s soutiens : l'organisation va l'étudier.")
                    % {"threshold": threshold},
                    url=proposal.get_absolute_url(),
                )
    return True


def support_remove(*, actor, proposal: Proposal) -> bool:
    """Withdraw `actor`'s support. Returns False when there was none."""
    _require(actor, proposal.process, "support")
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(proposal=proposal, user=actor).delete()
        if not deleted:
            return False
        Proposal.objects.filter(pk=proposal.pk, supports_count__gt=0).update(supports_count=F("supports_count") - 1)
        proposal.refresh_from_db(fields=["supports_count"])
        audit_log(
            actor=actor,
            action="participation.support.removed",
            obj=proposal,
            organisation=proposal.process.organisation,
        )
    return True


# --- The organisation's answer -------------------------------------------------------------------------------------


def proposal_answer(*, actor, proposal: Proposal, status: str, answer: str) -> Proposal:
    """The organisation answers publicly; the author and the people following the proposal are notified."""
    if status not in Proposal.ANSWER_STATUSES:
        raise ValidationError(_("Choisissez une réponse."), field="status")
    answer = (answer or "").strip()
    if not answer:
        if status == Proposal.Status.REJECTED:
            raise ValidationError(_("Expliquez pourquoi la proposition n'est pas retenue."), field="answer")
        raise ValidationError(_("Rédigez la réponse de l'organisation."), field="answer")
    if len(answer) > 10000:
        raise ValidationError(_("La réponse fait 10 000 caractères au plus."), field="answer")
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise PermissionDenied(_("Cette proposition a été retirée par son auteur."))
    with transaction.atomic():
        proposal.status, proposal.answer = status, answer
        proposal.answered_at, proposal.answered_by = timezone.now(), actor
        proposal.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
        audit_log(
            actor=actor,
            action="participation.proposal.answered",
            obj=proposal,
            organisation=proposal.process.organisation,
            data={"status": status},
        )
        people = [proposal.author, *_followers(proposal.process, proposal)]
        notify(
            users=[u for u in people if u is not None and u.pk != actor.pk],
            kind="participation.proposal.answered",
            title=_("Réponse à la proposition « %(title)s » : %(status)s")
            % {"title": proposal.title, "status": proposal.get_status_display()},
            body=answer[:500],
            url=proposal.get_absolute_url(),
        )
    return proposal
