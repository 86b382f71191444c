"""Writes on processes, their phases, districts and categories.

Every function is keyword-only, atomic, checks the actor's permission, writes the audit log and raises
ApplicationError subclasses with French messages. The lifecycle of a process is the table of
`participation.lifecycle` (draft → published → closed → archived, closed → published to reopen), logged in
ProcessTransition.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.participation import lifecycle
from auzolan.participation import phases as phase_types
from auzolan.participation import templates as blueprints
from auzolan.participation.images import clean_image
from auzolan.participation.models import (
    Budget,
    Category,
    District,
    Phase,
    Process,
    ProcessTransition,
    Theme,
    VerificationLevel,
)
from auzolan.participation.services import opendata

#: Words used by the other pages under /participer/: a process cannot take them as its slug.
RESERVED_SLUGS = frozenset(
    {
        "demarches",
        "gerer",
        "guides",
        "moderation",
        "code",
        "codes",
        "mes-participations",
        "notifications",
        "suivi",
        "statistiques",
        "api",
        "nouvelle",
        "recherche",
    }
)

EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "theme",
    "image_alt",
    "support_threshold",
    "reports_before_hiding",
)


# --- Processes -----------------------------------------------------------------------------------------------


def _unique_slug(title: str, *, wanted: str = "") -> str:
    base = slugify(wanted or title)[:100].strip("-") or "demarche"
    if base in RESERVED_SLUGS:
        base = f"{base}-demarche"
    slug, n = base, 2
    while Process.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _store_image(process: Process, image) -> None:
    if image is None:
        return
    cleaned = clean_image(image)
    if process.image:
        process.image.delete(save=False)
    process.image.save(cleaned.name, cleaned, save=False)


def _clean_scope(organisation, communes, districts) -> tuple[list, list]:
    communes = list(communes or [])
    districts = list(districts or [])
    allowed_communes = set(organisation.communes.values_list("pk", flat=True))
    if any(c.pk not in allowed_communes for c in communes):
        raise ValidationError(_("Une commune choisie n'est pas couverte par l'organisation."), field="communes")
    if any(d.organisation_id != organisation.pk for d in districts):
        raise ValidationError(_("Un quartier choisi n'appartient pas à l'organisation."), field="districts")
    return communes, districts


@transaction.atomic
def process_create(
    *,
    actor,
    organisation,
    template: str = Process.Template.CUSTOM,
    title: str,
    summary: str = "",
    description: str = "",
    theme: str = Theme.OTHER,
    starts_on: date | None = None,
    slug: str = "",
    image=None,
    image_alt: str = "",
    communes=(),
    districts=(),
) -> Process:
    """A new draft process of `organisation`, with the phases of `template` laid one after the other from
    `starts_on` (today by default)."""
    require(actor, "participation.create_process", organisation, hide=False)
    if template not in blueprints.BLUEPRINTS:
        raise ValidationError(_("Modèle de démarche inconnu."), field="template")
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Donnez un titre à la démarche."), field="title")
    communes, districts = _clean_scope(organisation, communes, districts)
    process = Process(
        organisation=organisation,
        slug=_unique_slug(title, wanted=slug),
        title=title,
        summary=summary.strip(),
        description=description,
        theme=theme,
        template=template,
        image_alt=image_alt.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if image is not None and not process.image_alt:
        raise ValidationError(_("Décrivez l'image en quelques mots (texte alternatif)."), field="image_alt")
    _store_image(process, image)
    full_clean_or_raise(process, exclude=["secret"])
    process.save()
    process.communes.set(communes)
    process.districts.set(districts)
    start = _start_of(starts_on or timezone.localdate())
    for step in blueprints.get(template).steps:
        end = start + timedelta(days=step.days)
        Phase.objects.create(
            process=process, kind=step.kind, start_at=start, end_at=end, verification=step.verification
        )
        start = end
    audit_log(
        actor=actor,
        action="participation.process.created",
        obj=process,
        organisation=organisation,
        data={"template": template, "slug": process.slug},
    )
    return process


@transaction.atomic
def process_update(
    *, actor, process: Process, image=None, remove_image: bool = False, communes=None, districts=None, **fields
) -> Process:
    require(actor, "participation.change_process", process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() if name != "description" else value
        if getattr(process, name) != value:
            setattr(process, name, value)
            changed.append(name)
    if not process.title:
        raise ValidationError(_("Donnez un titre à la démarche."), field="title")
    if remove_image and process.image:
        process.image.delete(save=False)
        process.image = ""
        changed.append("image")
    if image is not None:
        if not process.image_alt:
            raise ValidationError(_("Décrivez l'image en quelques mots (texte alternatif)."), field="image_alt")
        _store_image(process, image)
        changed.append("image")
    full_clean_or_raise(process, exclude=["secret"])
    process.save()
    if communes is not None or districts is not None:
        new_communes, new_districts = _clean_scope(
            process.organisation,
            process.communes.all() if communes is None else communes,
            process.districts.all() if districts is None else districts,
        )
        process.communes.set(new_communes)
        process.districts.set(new_districts)
        changed.append("scope")
    audit_log(
        actor=actor,
        action="participation.process.updated",
        obj=process,
        organisation=process.organisation,
        data={"fields": changed},
    )
    return process


def process_transition(*, actor, process: Process, name: str) -> Process:
    """Move the process along its lifecycle (`lifecycle.TRANSITIONS`): the table says from which states,
    to which one, and the audit verb. Each change of state is logged in ProcessTransition; announcing the results
    (no change of state) notifies followers and publishes the anonymised data as open data (after commit)."""
    transition = lifecycle.transition_named(name)
    if transition is None:
        raise ValidationError(_("Action inconnue."), code="unknown-transition")
    require(actor, transition.permission, process)
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        start = process.state
        _check_transition(transition, process)
        if transition.target is None:
            process.results_published_at = timezone.now()
            process.save(update_fields=["results_published_at", "updated_at"])
            audit_log(
                actor=actor,
                action=f"participation.process.{transition.audit_verb}",
                obj=process,
                organisation=process.organisation,
            )
            opendata.process_open_data_schedule(actor=actor, process=process)
            return process
        process.state = transition.target
        if transition.target == Process.State.PUBLISHED and process.published_at is None:
            process.published_at = timezone.now()
        process.save(update_fields=["state", "published_at", "updated_at"])
        ProcessTransition.objects.create(
            process=process, from_state=start, to_state=transition.target, actor=_person(actor)
        )
        audit_log(
            actor=actor,
            action=f"participation.process.{transition.audit_verb}",
            obj=process,
            organisation=process.organisation,
            data={"from": start, "to": transition.target},
        )
    return process


def _check_transition(transition: lifecycle.Transition, process: Process) -> None:
    start = process.state
    if transition.target == start:
        raise Conflict(_("La démarche est déjà dans cet état."), code="same-state")
    if start not in transition.sources:
        if transition.target is None and start == Process.State.DRAFT:
            raise Conflict(_("Publiez d'abord la démarche."), code="draft")
        if transition.target is None:
            raise Conflict(
                _("Impossible dans l'état « %(state)s » de la démarche.") % {"state": Process.State(start).label},
                code="invalid-transition",
            )
        raise Conflict(
            _("Impossible de passer de l'état « %(from)s » à « %(to)s ».")
            % {"from": Process.State(start).label, "to": Process.State(transition.target).label},
            code="invalid-transition",
        )
    if transition.name == lifecycle.PUBLISH_RESULTS and process.results_published_at is not None:
        raise Conflict(_("Les résultats de la démarche sont déjà publiés."), code="already-published")
    if transition.target == Process.State.PUBLISHED and not process.phases.exists():
        raise ValidationError(_("Ajoutez au moins une phase avant de publier la démarche."), code="no-phase")


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def process_publish(*, actor, process: Process) -> Process:
    return process_transition(actor=actor, process=process, name="publish")


def process_close(*, actor, process: Process) -> Process:
    return process_transition(actor=actor, process=process, name="close")


def process_reopen(*, actor, process: Process) -> Process:
    return process_transition(actor=actor, process=process, name="reopen")


def process_archive(*, actor, process: Process) -> Process:
    return process_transition(actor=actor, process=process, name="archive")


def process_publish_results(*, actor, process: Process) -> Process:
    return process_transition(actor=actor, process=process, name=lifecycle.PUBLISH_RESULTS)


# --- Phases --------------------------------------------------------------------------------------------------


def _check_phase(process: Process, *, kind: str, start_at, end_at, exclude_pk=None) -> None:
    try:
        phase_types.get(kind)
    except KeyError:
        raise ValidationError(_("Type de phase inconnu."), field="kind") from None
    if start_at is None or end_at is None:
        raise ValidationError(_("Indiquez le début et la fin de la phase."), field="start_at")
    if end_at <= start_at:
        raise ValidationError(_("La fin de la phase doit être après son début."), field="end_at")
    overlapping = (
        Phase.objects.filter(process=process, start_at__lt=end_at, end_at__gt=start_at)
        .exclude(pk=exclude_pk)
        .order_by("start_at")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("Ces dates chevauchent la phase « %(phase)s » (du %(start)s au %(end)s) : une seule phase à la fois.")
            % {
                "phase": overlapping,
                "start": formats.date_format(timezone.localtime(overlapping.start_at), "SHORT_DATETIME_FORMAT"),
                "end": formats.date_format(timezone.localtime(overlapping.end_at), "SHORT_DATETIME_FORMAT"),
            },
            field="start_at",
        )


def _has_started(phase: Phase, process: Process) -> bool:
    """A phase is frozen once it has started in a process that is (or was) open to participants."""
    return process.state != Process.State.DRAFT and phase.start_at <= timezone.now()


@transaction.atomic
def phase_add(
    *,
    actor,
    process: Process,
    kind: str,
    start_at,
    end_at,
    title: str = "",
    description: str = "",
    verification: str = VerificationLevel.ACCOUNT,
) -> Phase:
    require(actor, "participation.change_process", process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if verification not in VerificationLevel.values:
        raise ValidationError(_("Niveau de vérification inconnu."), field="verification")
    _check_phase(process, kind=kind, start_at=start_at, end_at=end_at)
    if process.state != Process.State.DRAFT and start_at <= timezone.now():
        raise ValidationError(
            _("La démarche est publiée : une nouvelle phase ne peut pas commencer dans le passé."), field="start_at"
        )
    phase = Phase(
        process=process,
        kind=kind,
        title=title.strip(),
        description=description,
        start_at=start_at,
        end_at=end_at,
        verification=verification,
    )
    full_clean_or_raise(phase)
    phase.save()
    audit_log(
        actor=actor,
        action="participation.phase.added",
        obj=phase,
        organisation=process.organisation,
        data={"kind": kind, "verification": verification},
    )
    return phase


@transaction.atomic
def phase_update(*, actor, phase: Phase, **fields) -> Phase:
    """Change a phase. Once it has started in a published process its kind, start and verification are frozen
    (participants acted under these rules); its end can still move (not into the past)."""
    process = phase.process
    require(actor, "participation.change_process", process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    phase = Phase.objects.get(pk=phase.pk, process=process)
    allowed = {"kind", "title", "description", "start_at", "end_at", "verification"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "verification" in fields and fields["verification"] not in VerificationLevel.values:
        raise ValidationError(_("Niveau de vérification inconnu."), field="verification")
    started = _has_started(phase, process)
    if started:
        for name, message in (
            ("kind", _("Cette phase a commencé : son type ne peut plus changer.")),
            (
                "verification",
                _("Cette phase a commencé : la vérification demandée aux participants ne peut plus changer."),
            ),
            ("start_at", _("Cette phase a commencé : sa date de début ne peut plus changer.")),
        ):
            if name in fields and fields[name] != getattr(phase, name):
                raise Conflict(message, code="phase-frozen", field=name)
        if "end_at" in fields and fields["end_at"] != phase.end_at and fields["end_at"] < timezone.now():
            raise ValidationError(
                _("Cette phase a commencé : sa fin ne peut pas être mise dans le passé."), field="end_at"
            )
    changed = [name for name, value in fields.items() if getattr(phase, name) != value]
    for name, value in fields.items():
        setattr(phase, name, value.strip() if name == "title" else value)
    _check_phase(process, kind=phase.kind, start_at=phase.start_at, end_at=phase.end_at, exclude_pk=phase.pk)
    full_clean_or_raise(phase)
    phase.save()
    audit_log(
        actor=actor,
        action="participation.phase.updated",
        obj=phase,
        organisation=process.organisation,
        data={"fields": changed},
    )
    return phase


@transaction.atomic
def phase_delete(*, actor, phase: Phase) -> None:
    process = phase.process
    require(actor, "participation.change_process", process)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if _has_started(phase, process):
        raise Conflict(_("Cette phase a commencé : elle ne peut plus être supprimée."), code="phase-frozen")
    audit_log(
        actor=actor,
        action="participation.phase.deleted",
        obj=phase,
        organisation=process.organisation,
        data={"kind": phase.kind},
    )
    phase.delete()


# --- Districts and categories --------------------------------------------------------------------------------


def _clean_postal_codes(value: str) -> str:
    codes = [code.strip() for code in (value or "").replace(";", ",").split(",") if code.strip()]
    for code in codes:
        if len(code) != 5 or not code.isdigit():
            raise ValidationError(
                _("« %(code)s » n'est pas un code postal (5 chiffres).") % {"code": code[:20]}, field="postal_codes"
            )
    return ",".join(dict.fromkeys(codes))


MAX_OUTLINE_POINTS = 20_000


def clean_outline(geometry) -> dict | None:
    """A district's outline: a GeoJSON Polygon or MultiPolygon (a Feature holding one is unwrapped) in longitude,
    latitude order, each ring closed with at least 4 positions, 20,000 positions at most; None for no outline."""
    if geometry in (None, "", {}):
        return None
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    refused = ValidationError(
        _("Le contour doit être un polygone GeoJSON (Polygon ou MultiPolygon) en longitude, latitude."),
        field="geometry",
    )
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise refused
    polygons = geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        raise refused
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    count = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise refused
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                raise refused
            for position in ring:
                if (
                    not isinstance(position, list)
                    or len(position) < 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
                    or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)
                ):
                    raise refused
            count += len(ring)
            if count > MAX_OUTLINE_POINTS:
                raise ValidationError(
                    _("Le contour compte plus de %(max)s points : simplifiez-le.") % {"max": MAX_OUTLINE_POINTS},
                    field="geometry",
                )
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


@transaction.atomic
def district_create(*, actor, organisation, name: str, postal_codes: str = "", commune=None, geometry=None) -> District:
    require(actor, "participation.create_process", organisation, hide=False)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Donnez un nom au quartier."), field="name")
    if District.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise Conflict(_("Un quartier porte déjà ce nom."), field="name")
    if commune is not None and not organisation.communes.filter(pk=commune.pk).exists():
        raise ValidationError(_("Cette commune n'est pas couverte par l'organisation."), field="commune")
    base = slugify(name)[:100] or "quartier"
    slug, n = base, 2
    while District.objects.filter(organisation=organisation, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    district = District(
        organisation=organisation,
        name=name,
        slug=slug,
        postal_codes=_clean_postal_codes(postal_codes),
        commune=commune,
        geometry=clean_outline(geometry),
    )
    full_clean_or_raise(district)
    district.save()
    audit_log(actor=actor, action="participation.district.created", obj=district, organisation=organisation)
    return district


_KEEP = object()


@transaction.atomic
def district_update(
    *, actor, district: District, name: str, postal_codes: str = "", commune=None, geometry=_KEEP
) -> District:
    """Edit a district; its outline changes only when `geometry` is given (None removes it)."""
    organisation = district.organisation
    require(actor, "participation.create_process", organisation, hide=False)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Donnez un nom au quartier."), field="name")
    if District.objects.filter(organisation=organisation, name__iexact=name).exclude(pk=district.pk).exists():
        raise Conflict(_("Un quartier porte déjà ce nom."), field="name")
    if commune is not None and not organisation.communes.filter(pk=commune.pk).exists():
        raise ValidationError(_("Cette commune n'est pas couverte par l'organisation."), field="commune")
    district.name = name
    district.postal_codes = _clean_postal_codes(postal_codes)
    district.commune = commune
    if geometry is not _KEEP:
        district.geometry = clean_outline(geometry)
    full_clean_or_raise(district)
    district.save()
    audit_log(actor=actor, action="participation.district.updated", obj=district, organisation=organisation)
    return district


@transaction.atomic
def district_delete(*, actor, district: District) -> None:
    organisation = district.organisation
    require(actor, "participation.create_process", organisation, hide=False)
    if Budget.objects.filter(district=district).exists():
        raise Conflict(
            _(
                "Un budget participatif est attribué à ce quartier : changez le quartier du budget avant de "
                "le supprimer."
            )
        )
    audit_log(actor=actor, action="participation.district.deleted", obj=district, organisation=organisation)
    district.delete()


@transaction.atomic
def category_create(*, actor, process: Process, name: str) -> Category:
    require(actor, "participation.change_process", process)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Donnez un nom à la catégorie."), field="name")
    if Category.objects.filter(process=process, name__iexact=name).exists():
        raise Conflict(_("Cette catégorie existe déjà."), field="name")
    category = Category(process=process, name=name)
    full_clean_or_raise(category, validate_unique=False)
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise Conflict(_("Cette catégorie existe déjà."), field="name") from None
    audit_log(actor=actor, action="participation.category.created", obj=category, organisation=process.organisation)
    return category


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    process = category.process
    require(actor, "participation.change_process", process)
    audit_log(actor=actor, action="participation.category.deleted", obj=category, organisation=process.organisation)
    category.delete()
