"""Writes of the open data programme: pilot groups and referents, the roadmap template, the agency's checks of
steps, the obligation's overrides, inventory lines (and the draft dataset made from one), meetings and actions.
Keyword-only, atomic, permission-checked, audit-logged."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auzolan.catalog import services as catalog_services
from auzolan.catalog.models import TableSchema
from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError, full_clean_or_raise
from auzolan.core.permissions import require
from auzolan.notifications.services import notify
from auzolan.opendata_programme import observers, selectors
from auzolan.opendata_programme.defaults import DEFAULT_STEPS
from auzolan.opendata_programme.models import (
    ExpectedSchema,
    InventoryLine,
    Meeting,
    ObligationOverride,
    PilotGroup,
    PilotGroupMember,
    RoadmapStep,
    StepCheck,
    SupportAction,
)
from auzolan.organisations.models import Membership, Organisation

GROUP_FIELDS = ("name", "start_date", "goals", "description")
STEP_FIELDS = (
    "title",
    "short_label",
    "help_text",
    "evidence_hint",
    "observer",
    "threshold",
    "link",
    "position",
    "active",
)
INVENTORY_FIELDS = (
    "title",
    "description",
    "owner_service",
    "theme",
    "keywords",
    "priority",
    "personal_data_risk",
    "target_date",
    "status",
    "schema",
)
MEETING_FIELDS = ("date", "participants", "notes", "decisions")
ACTION_FIELDS = ("title", "owner", "owner_name", "due_date")


def _set(obj, fields: dict, allowed: tuple[str, ...]) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changed = []
    for key, value in fields.items():
        if key in ("owner", "schema") or getattr(obj, key) != value:
            changed.append(key)
        setattr(obj, key, value)
    return changed


# --- Pilot groups --------------------------------------------------------------------------------------------


@transaction.atomic
def pilot_group_save(*, actor, group: PilotGroup | None = None, **fields) -> PilotGroup:
    require(actor, "opendata_programme.manage_programme")
    created = group is None
    group = group or PilotGroup()
    _set(group, fields, GROUP_FIELDS)
    group.name = " ".join((group.name or "").split())
    if PilotGroup.objects.filter(name__iexact=group.name).exclude(pk=group.pk).exists():
        raise ValidationError(_("Un groupe pilote porte déjà ce nom."), field="name")
    full_clean_or_raise(group)
    group.save()
    audit_log(
        actor=actor,
        action=f"opendata_programme.group.{'created' if created else 'updated'}",
        obj=group,
        data={"name": group.name},
    )
    return group


@transaction.atomic
def pilot_group_add_member(*, actor, group: PilotGroup, organisation: Organisation) -> PilotGroupMember:
    require(actor, "opendata_programme.manage_programme")
    if PilotGroupMember.objects.filter(group=group, organisation=organisation).exists():
        raise Conflict(_("Cette organisation fait déjà partie du groupe."), field="organisation")
    member = PilotGroupMember.objects.create(group=group, organisation=organisation)
    audit_log(
        actor=actor,
        action="opendata_programme.group_member.added",
        obj=member,
        organisation=organisation,
        data={"group": group.pk},
    )
    return member


@transaction.atomic
def pilot_group_remove_member(*, actor, member: PilotGroupMember) -> None:
    require(actor, "opendata_programme.manage_programme")
    audit_log(
        actor=actor,
        action="opendata_programme.group_member.removed",
        obj=member,
        organisation=member.organisation,
        data={"group": member.group_id},
    )
    member.delete()


def _check_referent(organisation: Organisation, user, field: str) -> None:
    if user is None:
        return
    if not Membership.objects.filter(
        organisation=organisation, user=user, state=Membership.State.ACTIVE, user__is_active=True
    ).exists():
        raise ValidationError(_("Le référent doit être un membre actif de l'organisation."), field=field)


@transaction.atomic
def referents_set(*, actor, member: PilotGroupMember, elected_referent=None, agent_referent=None) -> PilotGroupMember:
    """Name the élu and the agent referents of an organisation in a pilot group (active members of it)."""
    require(actor, "opendata_programme.name_referents", member.organisation)
    _check_referent(member.organisation, elected_referent, "elected_referent")
    _check_referent(member.organisation, agent_referent, "agent_referent")
    if elected_referent is not None and elected_referent == agent_referent:
        raise ValidationError(_("Choisissez deux personnes différentes : un élu et un agent."), field="agent_referent")
    member.elected_referent = elected_referent
    member.agent_referent = agent_referent
    both = elected_referent is not None and agent_referent is not None
    if both and member.referents_named_on is None:
        member.referents_named_on = timezone.localdate()
    elif not both:
        member.referents_named_on = None
    member.save()
    audit_log(
        actor=actor,
        action="opendata_programme.referents.named",
        obj=member,
        organisation=member.organisation,
        data={"elected": getattr(elected_referent, "pk", None), "agent": getattr(agent_referent, "pk", None)},
    )
    return member


# --- Roadmap template and checks -----------------------------------------------------------------------------


@transaction.atomic
def roadmap_step_save(*, actor, step: RoadmapStep | None = None, code: str = "", **fields) -> RoadmapStep:
    require(actor, "opendata_programme.manage_programme")
    created = step is None
    if created:
        step = RoadmapStep(code=code)
        if RoadmapStep.objects.filter(code=code).exists():
            raise ValidationError(_("Une étape porte déjà ce code."), field="code")
    _set(step, fields, STEP_FIELDS)
    if step.observer and step.observer not in observers.OBSERVERS:
        raise ValidationError(_("Constat automatique inconnu."), field="observer")
    full_clean_or_raise(step)
    step.save()
    audit_log(
        actor=actor,
        action=f"opendata_programme.step.{'created' if created else 'updated'}",
        obj=step,
        data={"code": step.code, "observer": step.observer},
    )
    return step


@transaction.atomic
def roadmap_template_seed() -> int:
    """Create the default steps (`defaults.DEFAULT_STEPS`) when the template is empty: a fresh database has them from
    the migration; this is for the demo and for tests whose database was flushed. Returns how many were created."""
    if RoadmapStep.objects.exists():
        return 0
    for position, (code, title, short, help_text, evidence, observer, link) in enumerate(DEFAULT_STEPS, start=1):
        RoadmapStep.objects.create(
            code=code,
            position=position * 10,
            title=title,
            short_label=short,
            help_text=help_text,
            evidence_hint=evidence,
            observer=observer,
            threshold=3 if code == "inventory_done" else 1,
            link=link,
        )
    return len(DEFAULT_STEPS)


@transaction.atomic
def step_check(
    *,
    actor,
    organisation: Organisation,
    step: RoadmapStep,
    done_on: datetime.date,
    evidence_url: str = "",
    evidence_file=None,
    note: str = "",
) -> StepCheck:
    """The agency checks a step for an organisation, with a date and evidence (a file or a link)."""
    require(actor, "opendata_programme.check_step", organisation)
    if not evidence_url and not evidence_file:
        raise ValidationError(_("Joignez une preuve : un document ou un lien."), field="evidence_url")
    if done_on > timezone.localdate():
        raise ValidationError(_("La date ne peut pas être dans le futur."), field="done_on")
    check = StepCheck.objects.filter(organisation=organisation, step=step).first() or StepCheck(
        organisation=organisation, step=step
    )
    check.done_on = done_on
    check.evidence_url = evidence_url
    if evidence_file:
        check.evidence_file = evidence_file
    check.note = note
    check.checked_by = actor
    full_clean_or_raise(check, exclude=["organisation", "step", "checked_by"], validate_unique=False)
    check.save()
    audit_log(
        actor=actor,
        action="opendata_programme.step.checked",
        obj=check,
        organisation=organisation,
        data={"step": step.code, "done_on": done_on.isoformat(), "evidence_url": evidence_url},
    )
    return check


@transaction.atomic
def step_uncheck(*, actor, organisation: Organisation, step: RoadmapStep) -> None:
    require(actor, "opendata_programme.check_step", organisation)
    check = StepCheck.objects.filter(organisation=organisation, step=step).first()
    if check is None:
        raise Conflict(_("Cette étape n'a pas été validée par l'agence."))
    audit_log(
        actor=actor,
        action="opendata_programme.step.unchecked",
        obj=check,
        organisation=organisation,
        data={"step": step.code},
    )
    if check.evidence_file:
        check.evidence_file.delete(save=False)
    check.delete()


# --- Legal obligation ----------------------------------------------------------------------------------------


@transaction.atomic
def obligation_override(*, actor, organisation: Organisation, bound: bool | None, reason: str = "") -> None:
    """Decide that the organisation is bound (True) or not (False) with a reason; None goes back to the rule."""
    require(actor, "opendata_programme.set_obligation", organisation)
    override = ObligationOverride.objects.filter(organisation=organisation).first()
    if bound is None:
        if override is not None:
            override.delete()
        audit_log(
            actor=actor, action="opendata_programme.obligation.reset", obj=organisation, organisation=organisation
        )
        return
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Donnez le motif de la décision."), field="reason")
    override = override or ObligationOverride(organisation=organisation)
    override.bound = bound
    override.reason = reason
    override.set_by = actor
    full_clean_or_raise(override, exclude=["organisation", "set_by"], validate_unique=False)
    override.save()
    audit_log(
        actor=actor,
        action="opendata_programme.obligation.overridden",
        obj=organisation,
        organisation=organisation,
        data={"bound": bound, "reason": reason},
    )


def expected_schemas_seed() -> int:
    """The SCDL datasets expected from communes by default (idempotent; the agency edits them in the back office).
    Needs the SCDL schemas loaded (`load_schemas`). Returns how many were added."""
    # Legally required only where a text says so (docs/opendata-programme.md cites them).
    defaults = [
        (
            "scdl/deliberations",
            False,
            "Les délibérations sont publiées sous forme électronique depuis le 1er juillet 2022 (ordonnance "
            "n° 2021-1310) ; le SCDL les rend réutilisables.",
        ),
        (
            "scdl/subventions",
            True,
            "Subventions de plus de 23 000 € (décret n° 2017-779 et arrêté du 17 novembre 2017).",
        ),
        (
            "scdl/marches-publics",
            True,
            "Données essentielles des marchés publics (DECP, code de la commande publique).",
        ),
        ("scdl/budget", False, ""),
        (
            "scdl/catalogue",
            False,
            "Le catalogue de vos données aide à tenir le répertoire des principaux documents (CRPA L.312-1-1).",
        ),
        ("scdl/equipements", False, ""),
    ]
    schemas = {s.name: s for s in TableSchema.objects.filter(is_scdl=True, name__in=[name for name, *_ in defaults])}
    added = 0
    for position, (name, required, note) in enumerate(defaults):
        schema = schemas.get(name)
        if schema is None:
            continue
        _item, created = ExpectedSchema.objects.get_or_create(
            kind="commune",
            schema=schema,
            defaults={"legally_required": required, "note": note, "position": position},
        )
        added += created
    return added


# --- Inventory -----------------------------------------------------------------------------------------------


def _check_line(line: InventoryLine) -> None:
    line.title = " ".join((line.title or "").split())
    if not line.title:
        raise ValidationError(_("Donnez un titre au jeu de données envisagé."), field="title")
    if line.schema is not None and not line.schema.is_scdl:
        raise ValidationError(_("Choisissez un schéma du SCDL."), field="schema")
    full_clean_or_raise(line, exclude=["organisation", "created_by", "dataset"])


@transaction.atomic
def inventory_line_save(
    *, actor, organisation: Organisation | None = None, line: InventoryLine | None = None, **fields
) -> InventoryLine:
    created = line is None
    if created:
        line = InventoryLine(organisation=organisation, created_by=actor)
    require(actor, "opendata_programme.change_inventory", line.organisation)
    _set(line, fields, INVENTORY_FIELDS)
    _check_line(line)
    line.save()
    audit_log(
        actor=actor,
        action=f"opendata_programme.inventory_line.{'created' if created else 'updated'}",
        obj=line,
        organisation=line.organisation,
        data={"title": line.title, "status": line.status},
    )
    return line


@transaction.atomic
def inventory_line_delete(*, actor, line: InventoryLine) -> None:
    require(actor, "opendata_programme.change_inventory", line.organisation)
    audit_log(
        actor=actor,
        action="opendata_programme.inventory_line.deleted",
        obj=line,
        organisation=line.organisation,
        data={"title": line.title},
    )
    line.delete()


@transaction.atomic
def inventory_line_to_dataset(*, actor, line: InventoryLine):
    """Create a draft dataset from an inventory line (through the catalogue's services); the line links to it and
    goes "in preparation"."""
    require(actor, "opendata_programme.change_inventory", line.organisation)
    if line.dataset_id:
        raise Conflict(_("Cette ligne a déjà son jeu de données."))
    if line.status == InventoryLine.Status.ABANDONED:
        raise Conflict(_("Cette ligne est abandonnée : changez son état avant de créer le jeu de données."))
    keywords = [word.strip() for word in (line.keywords or "").split(",") if word.strip()]
    dataset = catalog_services.dataset_create(
        actor=actor,
        organisation=line.organisation,
        title=line.title,
        description=line.description,
        keywords=keywords,
        schema=line.schema,
    )
    line.dataset = dataset
    if line.status == InventoryLine.Status.IDENTIFIED:
        line.status = InventoryLine.Status.PREPARING
    line.save(update_fields=["dataset", "status", "updated_at"])
    audit_log(
        actor=actor,
        action="opendata_programme.inventory_line.dataset_created",
        obj=line,
        organisation=line.organisation,
        data={"dataset": dataset.slug},
    )
    return dataset


# --- Support follow-up ---------------------------------------------------------------------------------------


@transaction.atomic
def meeting_save(
    *, actor, organisation: Organisation | None = None, meeting: Meeting | None = None, **fields
) -> Meeting:
    created = meeting is None
    if created:
        meeting = Meeting(organisation=organisation, created_by=actor)
    require(actor, "opendata_programme.manage_support", meeting.organisation)
    _set(meeting, fields, MEETING_FIELDS)
    full_clean_or_raise(meeting, exclude=["organisation", "created_by"])
    meeting.save()
    audit_log(
        actor=actor,
        action=f"opendata_programme.meeting.{'created' if created else 'updated'}",
        obj=meeting,
        organisation=meeting.organisation,
        data={"date": meeting.date.isoformat()},
    )
    return meeting


@transaction.atomic
def action_create(*, actor, organisation: Organisation, meeting: Meeting | None = None, **fields) -> SupportAction:
    require(actor, "opendata_programme.manage_support", organisation)
    if meeting is not None and meeting.organisation_id != organisation.pk:
        raise ValidationError(_("Cette réunion concerne une autre organisation."), field="meeting")
    action = SupportAction(organisation=organisation, meeting=meeting)
    _set(action, fields, ACTION_FIELDS)
    action.title = " ".join((action.title or "").split())
    action.owner_name = " ".join((action.owner_name or "").split())
    if action.owner is None and not action.owner_name:
        raise ValidationError(_("Indiquez le responsable : une personne de la plateforme ou un nom."), field="owner")
    if action.owner is not None:
        action.owner_name = ""
        if not (
            action.owner.is_staff
            or Membership.objects.filter(
                organisation=organisation, user=action.owner, state=Membership.State.ACTIVE
            ).exists()
        ):
            raise ValidationError(
                _("Le responsable doit être de l'agence ou un membre de l'organisation."), field="owner"
            )
    full_clean_or_raise(action, exclude=["organisation", "meeting", "owner"])
    action.save()
    audit_log(
        actor=actor,
        action="opendata_programme.action.created",
        obj=action,
        organisation=organisation,
        data={"title": action.title, "due_date": action.due_date.isoformat()},
    )
    return action


@transaction.atomic
def action_set_done(*, actor, action: SupportAction, done: bool) -> SupportAction:
    require(actor, "opendata_programme.complete_action", action)
    action.done = done
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done", "done_at", "updated_at"])
    audit_log(
        actor=actor,
        action=f"opendata_programme.action.{'done' if done else 'reopened'}",
        obj=action,
        organisation=action.organisation,
        data={"title": action.title},
    )
    return action


def overdue_actions_notify(now: datetime.datetime | None = None) -> int:
    """The daily check: each overdue action is notified once to its owner (or, without an owner on the platform,
    to the organisation's administrators), the day after its due date. Returns how many actions were notified."""
    today = timezone.localdate(now) if now else timezone.localdate()
    events = 0
    for action in selectors.overdue_actions(today=today):
        if action.owner_id:
            users = [action.owner]
        else:
            users = [
                membership.user
                for membership in Membership.objects.filter(
                    organisation_id=action.organisation_id,
                    state=Membership.State.ACTIVE,
                    role=Membership.Role.ADMIN,
                ).select_related("user")
            ]
        days = (today - action.due_date).days
        sent = notify(
            users=users,
            kind="opendata_programme.action_overdue",
            title=_("Action en retard : %(title)s") % {"title": action.title},
            body=ngettext("L'échéance était il y a %(days)d jour.", "L'échéance était il y a %(days)d jours.", days)
            % {"days": days},
            url=reverse("opendata_programme:support", kwargs={"slug": action.organisation.slug}),
            once_key=f"opendata_programme.action.overdue:{action.pk}:{action.due_date.isoformat()}",
        )
        events += bool(sent)
    return events
