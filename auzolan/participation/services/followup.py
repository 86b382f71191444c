"""Results follow-up (accountability) and the notifications of a process's life (phase started, results published).

Editors of the organisation (participation.change_process) record what became of accepted proposals and winning
projects (or of free items): a status, a progress percentage and dated updates. Each update notifies the
followers of the process, of the proposal, and the proposal's author.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError
from auzolan.core.permissions import require
from auzolan.notifications.services import notify
from auzolan.participation.models import Budget, FollowUp, FollowUpUpdate, Phase, Process, Project, Proposal
from auzolan.participation.services.follows import followers_of

#: Proposal statuses that can be followed up (the organisation said yes, or it was already planned).
FOLLOWABLE_PROPOSAL_STATUSES = (Proposal.Status.ACCEPTED, Proposal.Status.ALREADY_PLANNED)
#: Phases or results older than this when the daily check first sees them are not notified (no stale news).
EVENT_WINDOW = timedelta(days=7)


def followable_proposals(process: Process):
    return Proposal.objects.filter(process=process, status__in=FOLLOWABLE_PROPOSAL_STATUSES, is_hidden=False)


def followable_projects(process: Process):
    return Project.objects.filter(budget__process=process, is_winner=True, budget__results_published_at__isnull=False)


def _clean(*, title: str, description: str, status: str, progress) -> tuple[str, str]:
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise ValidationError(_("Donnez un titre à ce suivi."), field="title")
    if len(title) > 200:
        raise ValidationError(_("Le titre fait au plus 200 caractères."), field="title")
    if len(description) > 5000:
        raise ValidationError(_("La description fait au plus 5 000 caractères."), field="description")
    _check_status_progress(status, progress)
    return title, description


def _check_status_progress(status: str, progress) -> None:
    if status not in FollowUp.Status.values:
        raise ValidationError(_("Choisissez un statut dans la liste."), field="status")
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        raise ValidationError(_("L'avancement est un pourcentage entre 0 et 100."), field="progress")
    if status == FollowUp.Status.DONE and progress != 100:
        raise ValidationError(_("Un suivi « Réalisé » est avancé à 100 %."), field="progress")


@transaction.atomic
def followup_create(
    *,
    actor,
    process: Process,
    title: str,
    description: str = "",
    status: str = FollowUp.Status.PLANNED,
    progress: int = 0,
    proposal: Proposal | None = None,
    project: Project | None = None,
) -> FollowUp:
    require(actor, "participation.change_process", process, hide=False)
    title, description = _clean(title=title, description=description, status=status, progress=progress)
    if proposal is not None and project is not None:
        raise ValidationError(_("Choisissez une proposition ou un projet, pas les deux."), field="project")
    if proposal is not None:
        if not followable_proposals(process).filter(pk=proposal.pk).exists():
            raise ValidationError(
                _("Seules les propositions retenues (ou déjà prévues) de cette démarche peuvent être suivies."),
                field="proposal",
            )
        if FollowUp.objects.filter(process=process, proposal=proposal).exists():
            raise Conflict(_("Cette proposition a déjà son suivi."), field="proposal")
    if project is not None:
        if not followable_projects(process).filter(pk=project.pk).exists():
            raise ValidationError(
                _("Seuls les projets lauréats (résultats publiés) de cette démarche peuvent être suivis."),
                field="project",
            )
        if FollowUp.objects.filter(process=process, project=project).exists():
            raise Conflict(_("Ce projet a déjà son suivi."), field="project")
        proposal = project.proposal  # a project from a proposal: its author hears of the follow-up too
    followup = FollowUp.objects.create(
        process=process,
        proposal=proposal,
        project=project,
        title=title,
        description=description,
        status=status,
        progress=progress,
    )
    audit_log(
        actor=actor,
        action="participation.followup.created",
        obj=followup,
        organisation=process.organisation,
        data={"proposal": proposal.pk if proposal else None, "project": project.pk if project else None},
    )
    return followup


@transaction.atomic
def followup_update(*, actor, followup: FollowUp, title: str, description: str, status: str, progress: int) -> FollowUp:
    """Correct an item (its title, description, current status). Dated news go through followup_update_add."""
    require(actor, "participation.change_process", followup.process, hide=False)
    title, description = _clean(title=title, description=description, status=status, progress=progress)
    followup.title, followup.description, followup.status, followup.progress = title, description, status, progress
    followup.save(update_fields=["title", "description", "status", "progress", "updated_at"])
    audit_log(
        actor=actor, action="participation.followup.updated", obj=followup, organisation=followup.process.organisation
    )
    return followup


@transaction.atomic
def followup_delete(*, actor, followup: FollowUp) -> None:
    require(actor, "participation.change_process", followup.process, hide=False)
    audit_log(
        actor=actor,
        action="participation.followup.deleted",
        obj=followup,
        organisation=followup.process.organisation,
        data={"title": followup.title},
    )
    followup.delete()


def followup_public_url(followup: FollowUp) -> str:
    return reverse("participation:followup_public", kwargs={"slug": followup.process.slug}) + f"#suivi-{followup.pk}"


@transaction.atomic
def followup_update_add(
    *, actor, followup: FollowUp, date: date, text: str, status: str, progress: int, today: date | None = None
) -> FollowUpUpdate:
    """A dated step: it becomes the item's current status and progress, and notifies the people concerned."""
    require(actor, "participation.change_process", followup.process, hide=False)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Décrivez ce point d'étape."), field="text")
    if len(text) > 5000:
        raise ValidationError(_("Le point d'étape fait au plus 5 000 caractères."), field="text")
    today = today or timezone.localdate()
    if not isinstance(date, type(today)) or date > today:
        raise ValidationError(_("La date d'un point d'étape ne peut pas être dans le futur."), field="date")
    _check_status_progress(status, progress)
    followup = (
        FollowUp.objects.select_for_update(of=("self",)).select_related("process", "proposal").get(pk=followup.pk)
    )
    update = FollowUpUpdate.objects.create(
        followup=followup, date=date, text=text, status=status, progress=progress, author=actor
    )
    latest = followup.updates.order_by("-date", "-id").first()
    if latest is not None and latest.pk == update.pk:  # an older dated step does not overwrite the current state
        followup.status, followup.progress = status, progress
        followup.save(update_fields=["status", "progress", "updated_at"])
    audit_log(
        actor=actor,
        action="participation.followup_update.created",
        obj=followup,
        organisation=followup.process.organisation,
        data={"status": status, "progress": progress, "date": date.isoformat()},
    )
    people = list(followers_of(process=followup.process, proposal=followup.proposal))
    if followup.proposal is not None and followup.proposal.author is not None:
        people.append(followup.proposal.author)
    notify(
        users=people,
        kind="participation.followup.updated",
        title=_("Suivi de « %(title)s » : %(status)s, %(progress)d %%")
        % {"title": followup.title, "status": FollowUp.Status(status).label, "progress": progress},
        body=text[:500],
        url=followup_public_url(followup),
    )
    return update


@transaction.atomic
def followup_update_delete(*, actor, update: FollowUpUpdate) -> None:
    followup = update.followup
    require(actor, "participation.change_process", followup.process, hide=False)
    audit_log(
        actor=actor,
        action="participation.followup_update.deleted",
        obj=followup,
        organisation=followup.process.organisation,
        data={"date": update.date.isoformat()},
    )
    update.delete()
    latest = followup.updates.order_by("-date", "-id").first()
    if latest is not None:
        followup.status, followup.progress = latest.status, latest.progress
        followup.save(update_fields=["status", "progress", "updated_at"])


# --- Notifications of a process's life ------------------------------------------------------------------------


def notify_phase_started(*, phase: Phase) -> int:
    """Tell the process's followers that `phase` has started (once per phase, whoever calls it)."""
    process = phase.process
    with transaction.atomic():
        rows = notify(
            users=followers_of(process=process),
            kind="participation.phase.started",
            title=_("« %(process)s » : l'étape « %(phase)s » commence")
            % {"process": process.title, "phase": str(phase)},
            body=str(phase.type.description),
            url=process.get_absolute_url(),
            once_key=f"participation.phase.started:{phase.pk}",
        )
    return len(rows)


def notify_results_published(*, process: Process, budget: Budget | None = None) -> int:
    """Tell the process's followers that its results (or one budget's results) are published. Once per event."""
    if budget is not None:
        title = _("« %(process)s » : les résultats du vote « %(budget)s » sont publiés") % {
            "process": process.title,
            "budget": budget.title,
        }
        key = f"participation.budget.results:{budget.pk}"
    else:
        title = _("« %(process)s » : les résultats sont publiés") % {"process": process.title}
        key = f"participation.process.results:{process.pk}"
    with transaction.atomic():
        rows = notify(
            users=followers_of(process=process),
            kind="participation.results.published",
            title=title,
            url=process.get_absolute_url(),
            once_key=key,
        )
    return len(rows)


PUBLIC_STATES = (Process.State.PUBLISHED, Process.State.CLOSED, Process.State.ARCHIVED)


def process_events_notify(now: datetime | None = None) -> int:
    """The daily check: phases that started and results published in the last EVENT_WINDOW, each notified once.

    Returns how many events notified someone (or were recorded, when nobody follows).
    """
    now = now or timezone.now()
    since = now - EVENT_WINDOW
    events = 0
    phases = Phase.objects.filter(
        start_at__lte=now, start_at__gt=since, process__state=Process.State.PUBLISHED
    ).select_related("process")
    for phase in phases:
        events += bool(notify_phase_started(phase=phase))
    processes = Process.objects.filter(
        state__in=PUBLIC_STATES, results_published_at__lte=now, results_published_at__gt=since
    )
    for process in processes:
        events += bool(notify_results_published(process=process))
    budgets = Budget.objects.filter(
        process__state__in=PUBLIC_STATES, results_published_at__lte=now, results_published_at__gt=since
    ).select_related("process")
    for budget in budgets:
        events += bool(notify_results_published(process=budget.process, budget=budget))
    return events
