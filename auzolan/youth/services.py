"""Every write of youth: partnerships and the actions that followed youth surveys. Keyword-only, atomic, audited,
for agency staff (`youth.change_*`, `youth.manage`), except a partner's own public text
(`partnership_update_by_partner`, `youth.edit_own_partnership`). A change that touches the public directory
schedules the publication of its open dataset on commit (`opendata.directory_schedule`, debounced)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.permissions import require
from auzolan.organisations.models import Organisation
from auzolan.participation.models import Survey
from auzolan.youth import opendata
from auzolan.youth.models import Action, Collaboration, CollaborationKind, Partnership

PARTNERSHIP_FIELDS = ("description", "since", "contact_role", "contact_email", "contact_is_public", "is_public")
ACTION_FIELDS = ("title", "description", "decided_by", "decided_on", "status", "link", "is_public")


def _clean_collaborations(collaborations: Iterable[str]) -> list[str]:
    kinds = list(dict.fromkeys(collaborations))
    unknown = [kind for kind in kinds if kind not in CollaborationKind.values]
    if unknown:
        raise ValidationError(_("Type de collaboration inconnu."), code="youth-collaboration", field="collaborations")
    if not kinds:
        raise ValidationError(
            _("Choisissez au moins un type de collaboration."), code="youth-collaboration", field="collaborations"
        )
    return kinds


def _clean_text(value: str, *, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("Ce champ est obligatoire."), code="required", field=field)
    return value


def _clean_since(since: dt.date | None) -> dt.date | None:
    if since is not None and since > timezone.localdate():
        raise ValidationError(_("La date de début ne peut pas être dans le futur."), code="future-date", field="since")
    return since


def _set_collaborations(partnership: Partnership, kinds: list[str]) -> None:
    Collaboration.objects.filter(partnership=partnership).exclude(kind__in=kinds).delete()
    existing = set(Collaboration.objects.filter(partnership=partnership).values_list("kind", flat=True))
    Collaboration.objects.bulk_create(
        [Collaboration(partnership=partnership, kind=kind) for kind in kinds if kind not in existing]
    )


def _clean_partner_text(fields: dict) -> dict:
    if "description" in fields:
        fields["description"] = _clean_text(fields["description"], field="description", required=True)
    if "contact_role" in fields:
        fields["contact_role"] = _clean_text(fields["contact_role"], field="contact_role", required=False)
    if "contact_email" in fields:
        fields["contact_email"] = (fields["contact_email"] or "").strip()
    return fields


def _save_partnership(partnership: Partnership, fields: dict) -> list[str]:
    """Write the fields that changed; their names, sorted."""
    changed = sorted(name for name, value in fields.items() if getattr(partnership, name) != value)
    for name in changed:
        setattr(partnership, name, fields[name])
    if changed:
        partnership.save(update_fields=[*changed, "updated_at"])
    return changed


def _directory_changed(*public: bool) -> None:
    """A partnership that is (or was) public changed: the directory's open dataset follows, after the commit."""
    if any(public):
        transaction.on_commit(opendata.directory_schedule)


@transaction.atomic
def partnership_create(
    *,
    actor,
    organisation: Organisation,
    collaborations: Iterable[str],
    description: str,
    since: dt.date | None = None,
    contact_role: str = "",
    contact_email: str = "",
    contact_is_public: bool = True,
    is_public: bool = False,
) -> Partnership:
    """The partnership of `organisation` (one per organisation: a second one is a Conflict)."""
    require(actor, "youth.manage", None, hide=False)
    kinds = _clean_collaborations(collaborations)
    description = _clean_text(description, field="description", required=True)
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(
                organisation=organisation,
                description=description,
                since=_clean_since(since),
                contact_role=_clean_text(contact_role, field="contact_role", required=False),
                contact_email=(contact_email or "").strip(),
                contact_is_public=bool(contact_is_public),
                is_public=bool(is_public),
            )
    except IntegrityError:
        raise Conflict(
            _("%(name)s est déjà partenaire : modifiez son partenariat.") % {"name": organisation.name},
            code="youth-partnership-exists",
            field="organisation",
        ) from None
    _set_collaborations(partnership, kinds)
    audit_log(
        actor=actor,
        action="youth.partnership.created",
        obj=partnership,
        organisation=organisation,
        data={"collaborations": kinds, "public": partnership.is_public},
    )
    _directory_changed(partnership.is_public)
    return partnership


@transaction.atomic
def partnership_update(*, actor, partnership: Partnership, collaborations: Iterable[str], **fields) -> Partnership:
    require(actor, "youth.change_partnership", partnership, hide=False)
    unknown = set(fields) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise TypeError(f"partnership_update got unexpected fields: {sorted(unknown)}")
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    was_public = partnership.is_public
    kinds = _clean_collaborations(collaborations)
    if "since" in fields:
        fields["since"] = _clean_since(fields["since"])
    changed = _save_partnership(partnership, _clean_partner_text(fields))
    _set_collaborations(partnership, kinds)
    audit_log(
        actor=actor,
        action="youth.partnership.updated",
        obj=partnership,
        organisation=partnership.organisation,
        data={"changed": changed, "collaborations": kinds},
    )
    _directory_changed(was_public, partnership.is_public)
    return partnership


@transaction.atomic
def partnership_update_by_partner(
    *,
    actor,
    partnership: Partnership,
    description: str,
    contact_role: str = "",
    contact_email: str = "",
    contact_is_public: bool = True,
) -> Partnership:
    """A partner's administrators edit their partnership's public text: what they do with the agency and the
    contact. The collaborations, the start date and whether the partnership is public stay staff's."""
    require(actor, "youth.edit_own_partnership", partnership)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    fields = _clean_partner_text(
        {
            "description": description,
            "contact_role": contact_role,
            "contact_email": contact_email,
            "contact_is_public": bool(contact_is_public),
        }
    )
    changed = _save_partnership(partnership, fields)
    if changed:
        audit_log(
            actor=actor,
            action="youth.partnership.updated_by_partner",
            obj=partnership,
            organisation=partnership.organisation,
            data={"changed": changed},
        )
        _directory_changed(partnership.is_public)
    return partnership


@transaction.atomic
def partnership_delete(*, actor, partnership: Partnership) -> None:
    require(actor, "youth.change_partnership", partnership, hide=False)
    audit_log(
        actor=actor,
        action="youth.partnership.deleted",
        obj=partnership,
        organisation=partnership.organisation,
        data={"organisation": partnership.organisation.name},
    )
    _directory_changed(partnership.is_public)
    partnership.delete()


# --- Actions that followed a youth survey ----------------------------------------------------------------------


def _clean_action(fields: dict) -> dict:
    if "title" in fields:
        fields["title"] = _clean_text(fields["title"], field="title", required=True)
    if "decided_by" in fields:
        fields["decided_by"] = _clean_text(fields["decided_by"], field="decided_by", required=True)
    if "decided_on" in fields and fields["decided_on"] > timezone.localdate():
        raise ValidationError(
            _("La date de la décision ne peut pas être dans le futur."), code="future-date", field="decided_on"
        )
    if "status" in fields and fields["status"] not in Action.Status.values:
        raise ValidationError(_("État inconnu."), code="youth-action-status", field="status")
    return fields


def _check_survey(survey: Survey) -> None:
    if survey.audience != Survey.Audience.YOUTH:
        raise ValidationError(
            _("Ce questionnaire n'est pas un questionnaire sur les attentes des jeunes."),
            code="youth-survey",
            field="survey",
        )


@transaction.atomic
def action_create(
    *,
    actor,
    survey: Survey,
    title: str,
    decided_by: str,
    decided_on: dt.date,
    description: str = "",
    status: str = Action.Status.DECIDED,
    link: str = "",
    is_public: bool = True,
) -> Action:
    """Record a public action that followed the youth survey `survey`."""
    require(actor, "youth.manage", None, hide=False)
    _check_survey(survey)
    fields = _clean_action(
        {
            "title": title,
            "description": (description or "").strip(),
            "decided_by": decided_by,
            "decided_on": decided_on,
            "status": status,
            "link": link or "",
            "is_public": bool(is_public),
        }
    )
    action = Action.objects.create(survey=survey, **fields)
    audit_log(actor=actor, action="youth.action.created", obj=action, data={"survey": survey.pk, "status": status})
    return action


@transaction.atomic
def action_update(*, actor, action: Action, survey: Survey | None = None, **fields) -> Action:
    require(actor, "youth.change_action", action, hide=False)
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"action_update got unexpected fields: {sorted(unknown)}")
    action = Action.objects.select_for_update().get(pk=action.pk)
    fields = _clean_action(dict(fields))
    if survey is not None and survey.pk != action.survey_id:
        _check_survey(survey)
        fields["survey"] = survey
    changed = sorted(name for name, value in fields.items() if getattr(action, name) != value)
    for name in changed:
        setattr(action, name, fields[name])
    if changed:
        action.save(update_fields=[*changed, "updated_at"])
        audit_log(actor=actor, action="youth.action.updated", obj=action, data={"changed": changed})
    return action


@transaction.atomic
def action_delete(*, actor, action: Action) -> None:
    require(actor, "youth.change_action", action, hide=False)
    audit_log(actor=actor, action="youth.action.deleted", obj=action, data={"title": action.title})
    action.delete()
