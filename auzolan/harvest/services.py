"""Writes of harvest sources, and the start of a harvest (the run itself is `runs.harvest_run`, in the worker).

A source's address is checked with the safe HTTP client's rules when it is saved (http or https, no credentials,
a host that resolves to public addresses only, unless `SAFE_HTTP_ALLOWED_HOSTS`), and again at every connection.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auzolan.core import safe_http
from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError, full_clean_or_raise
from auzolan.core.jobs import job_start
from auzolan.core.permissions import can, require
from auzolan.harvest import tasks
from auzolan.harvest.models import HarvestRun, HarvestSource

SOURCE_FIELDS = ("name", "kind", "url", "config", "schedule", "active", "archive_after_runs")
#: The filters each kind of source understands (`config`).
CONFIG_KEYS = {
    HarvestSource.Kind.CKAN: ("organization", "fq"),
    HarvestSource.Kind.UDATA: ("organization",),
    HarvestSource.Kind.ODS: ("refine", "where"),
    HarvestSource.Kind.DCAT: (),
}
CONFIG_VALUE_MAX = 500
#: A run queued or running for longer than this is taken as abandoned (a worker stopped in the middle).
STALE_AFTER = datetime.timedelta(hours=6)


def _clean_config(kind: str, config) -> dict:
    config = config or {}
    if not isinstance(config, dict):
        raise ValidationError(_("Filtres invalides."), field="config")
    allowed = CONFIG_KEYS.get(kind, ())
    cleaned = {}
    for key, value in config.items():
        value = " ".join(str(value or "").replace("\x00", "").split())
        if not value:
            continue
        if key not in allowed:
            raise ValidationError(
                _("Ce type de portail ne prend pas le filtre « %(key)s ».") % {"key": key}, field="config"
            )
        if len(value) > CONFIG_VALUE_MAX:
            raise ValidationError(_("Filtre trop long (500 caractères au plus)."), field="config")
        cleaned[key] = value
    return cleaned


def _check(source: HarvestSource) -> None:
    source.name = " ".join((source.name or "").split())
    if not source.name:
        raise ValidationError(_("Donnez un nom à la source."), field="name")
    if source.kind not in HarvestSource.Kind.values:
        raise ValidationError(_("Type de portail inconnu."), field="kind")
    if not 1 <= (source.archive_after_runs or 0) <= 100:
        raise ValidationError(_("Indiquez un nombre de moissons entre 1 et 100."), field="archive_after_runs")
    source.url = (source.url or "").strip()
    source.config = _clean_config(source.kind, source.config)
    try:
        safe_http.check_address(source.url)
    except safe_http.SafeHTTPError as error:
        raise ValidationError(error.message, field="url") from None
    full_clean_or_raise(source, exclude=["organisation", "created_by"])


@transaction.atomic
def source_create(*, actor, organisation, name: str, kind: str, url: str, **fields) -> HarvestSource:
    """A new source for `organisation`; `actor` becomes the person the harvest writes as."""
    require(actor, "harvest.add_source", organisation)
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    source = HarvestSource(organisation=organisation, name=name, kind=kind, url=url, created_by=actor, **fields)
    _check(source)
    source.save()
    audit_log(
        actor=actor,
        action="harvest.source.created",
        obj=source,
        organisation=organisation,
        data={"name": source.name, "kind": source.kind, "url": source.url, "config": source.config},
    )
    return source


@transaction.atomic
def source_update(*, actor, source: HarvestSource, **fields) -> HarvestSource:
    """Change a source. When its creator may no longer create datasets in the organisation, `actor` takes over."""
    require(actor, "harvest.change_source", source)
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    current = (
        HarvestSource.objects.select_for_update(of=("self",))
        .select_related("organisation", "created_by")
        .get(pk=source.pk)
    )
    before = {key: getattr(current, key) for key in SOURCE_FIELDS}
    for key, value in fields.items():
        setattr(current, key, value)
    _check(current)
    changed = {
        key: [before[key], getattr(current, key)] for key in SOURCE_FIELDS if before[key] != getattr(current, key)
    }
    creator = current.created_by
    if creator is None or not creator.is_active or not can(creator, "catalog.create_dataset", current.organisation):
        current.created_by = actor
        changed["created_by"] = [creator.pk if creator else None, actor.pk]
    current.save()
    if changed:
        audit_log(
            actor=actor,
            action="harvest.source.updated",
            obj=current,
            organisation=current.organisation,
            data={"changed": changed},
        )
    return current


@transaction.atomic
def source_delete(*, actor, source: HarvestSource) -> None:
    """Delete a source, its runs and its records. The datasets it created stay in the catalogue (no longer
    harvested: they become the organisation's own)."""
    require(actor, "harvest.change_source", source)
    audit_log(
        actor=actor,
        action="harvest.source.deleted",
        obj=source,
        organisation=source.organisation,
        data={"name": source.name, "kind": source.kind, "url": source.url},
    )
    source.delete()


@transaction.atomic
def harvest_start(*, actor, source: HarvestSource, dry_run: bool = False) -> HarvestRun:
    """Queue a harvest (or, `dry_run`, a preview) of `source` in the worker; the person follows it on the run page."""
    require(actor, "harvest.run_source", source)
    source = HarvestSource.objects.select_for_update().get(pk=source.pk)
    pending = HarvestRun.objects.filter(
        source=source,
        state__in=(HarvestRun.State.QUEUED, HarvestRun.State.RUNNING),
        created_at__gt=timezone.now() - STALE_AFTER,  # older: its worker died; it no longer holds the source
    )
    if pending.exists():
        raise Conflict(_("Une moisson de cette source est déjà en attente ou en cours."))
    run = HarvestRun.objects.create(source=source, started_by=actor, dry_run=dry_run)
    label = _("Prévisualisation de la moisson de « %(name)s »") if dry_run else _("Moisson de « %(name)s »")
    job_start(
        owner=actor, kind="harvest.run", label=label % {"name": source.name}, task=tasks.run_harvest, run_id=run.pk
    )
    audit_log(
        actor=actor,
        action="harvest.run.started",
        obj=source,
        organisation=source.organisation,
        data={"run": run.pk, "dry_run": dry_run},
    )
    return run
