"""Writes of the catalogue's publishing side: datasets, their lifecycle, resources and uploaded versions.

Every write goes through here (views, API, admin, commands). Each service is keyword-only and atomic, checks the
permission, writes the audit log (always on the dataset, so that the audit log is the dataset's activity history
and its transition log) and sends `dataset_changed` inside its transaction.

`generated_files_publish` is the one way another module publishes files it generates (the events' agenda, the
observatory, the training map, the impact results, a participation process's data) as a dataset of an organisation;
`agency_file_publish` does it for one file of the agency remembered in an `AgencyFileLink` row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from auzolan.catalog import lifecycle, resource_checks, selectors
from auzolan.catalog.models import (
    AgencyFileLink,
    Dataset,
    DatasetFormat,
    DatasetTheme,
    Keyword,
    Resource,
    ResourceVersion,
    TableSchema,
)
from auzolan.catalog.signals import dataset_changed, resource_version_added
from auzolan.catalog.vocabularies import Frequency, Licence, Theme
from auzolan.core.audit import audit_log
from auzolan.core.errors import Conflict, ValidationError, full_clean_or_raise
from auzolan.core.models import AuditLogEntry
from auzolan.core.permissions import require
from auzolan.organisations.models import Commune
from auzolan.organisations.selectors import agency_organisation

# Plain metadata fields of a dataset (the relations — keywords, themes, communes — are handled apart).
DATASET_FIELDS = (
    "title",
    "description",
    "licence",
    "licence_url",
    "frequency",
    "temporal_start",
    "temporal_end",
    "whole_territory",
    "contact_name",
    "contact_email",
    "schema",
)
DATASET_RELATIONS = ("keywords", "themes", "communes")
MAX_KEYWORDS = 30

State = Dataset.State

# --- Helpers -----------------------------------------------------------------------------------------------


# Datasets changed inside `dataset_changes_batched()`, by primary key (None outside one).
_batched_changes: ContextVar[dict[int, Dataset] | None] = ContextVar("catalog_batched_changes", default=None)


def _changed(dataset: Dataset) -> None:
    pending = _batched_changes.get()
    if pending is not None:
        pending[dataset.pk] = dataset
        return
    dataset_changed.send(sender=Dataset, dataset=dataset)


@contextmanager
def dataset_changes_batched():
    """Several writes of these services in a row react once per dataset: inside the block, `dataset_changed` (search
    index, quality score, the datastore's revalidation) is held and sent on leaving it, still inside the caller's
    transaction, once per dataset with its last instance. Used by a harvest, which creates a dataset, adds its
    resources and publishes it (4 to 6 writes: the reactions were half of its time). An error inside sends nothing
    (the caller's transaction is rolled back anyway); nested blocks join the outer one."""
    if _batched_changes.get() is not None:
        yield
        return
    token = _batched_changes.set({})
    try:
        yield
        pending = _batched_changes.get()
    finally:
        _batched_changes.reset(token)
    for dataset in pending.values():
        dataset_changed.send(sender=Dataset, dataset=dataset)


RESERVED_SLUGS = {"nouveau", "reutilisations", "schemas"}  # words of the /publier/ addresses


def _slug_taken(slug: str) -> bool:
    if slug in RESERVED_SLUGS:
        return True
    # A slug is never reused, even after its dataset was deleted: the audit log remembers them.
    return (
        Dataset.objects.filter(slug=slug).exists()
        or AuditLogEntry.objects.filter(action="catalog.dataset.created", data__slug=slug).exists()
    )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100].strip("-") or "jeu-de-donnees"
    slug, n = base, 2
    while _slug_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _parse_keywords(keywords: Iterable[str] | str) -> list[str]:
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    names: dict[str, str] = {}
    for raw in keywords:
        name = " ".join(str(raw).split())[:100]
        slug = slugify(name)[:100]
        if slug and slug not in names:
            names[slug] = name
    if len(names) > MAX_KEYWORDS:
        raise ValidationError(_("Indiquez au plus %(max)d mots-clés.") % {"max": MAX_KEYWORDS}, field="keywords")
    return list(names.items())


def _set_keywords(dataset: Dataset, keywords) -> list[str]:
    objects = []
    for slug, name in _parse_keywords(keywords):
        keyword, _created = Keyword.objects.get_or_create(slug=slug, defaults={"name": name})
        objects.append(keyword)
    dataset.keywords.set(objects)
    return sorted(k.name for k in objects)


def _clean_themes(themes) -> list[str]:
    codes = sorted({str(code) for code in themes or ()})
    unknown = [code for code in codes if code not in Theme.values]
    if unknown:
        raise ValidationError(_("Thème inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}, field="themes")
    return codes


def _set_themes(dataset: Dataset, codes: list[str]) -> None:
    DatasetTheme.objects.filter(dataset=dataset).exclude(code__in=codes).delete()
    existing = set(DatasetTheme.objects.filter(dataset=dataset).values_list("code", flat=True))
    DatasetTheme.objects.bulk_create([DatasetTheme(dataset=dataset, code=c) for c in codes if c not in existing])


def _clean_communes(organisation, communes) -> list[Commune]:
    ids = {c.pk if isinstance(c, Commune) else int(c) for c in communes or ()}
    found = list(Commune.objects.filter(pk__in=ids, territory_id=organisation.territory_id))
    if len(found) != len(ids):
        raise ValidationError(_("Choisissez des communes du territoire de l'organisation."), field="communes")
    return found


def _check_schema(organisation, schema: TableSchema | None) -> None:
    if schema is not None and schema.organisation_id not in (None, organisation.pk):
        raise ValidationError(_("Ce schéma de données appartient à une autre organisation."), field="schema")


def _check_metadata(dataset: Dataset) -> None:
    """Rules told to the person field by field, before the database constraints would refuse them."""
    dataset.title = " ".join((dataset.title or "").split())
    if not dataset.title:
        raise ValidationError(_("Donnez un titre au jeu de données."), field="title")
    if dataset.licence not in Licence.values:
        raise ValidationError(_("Licence inconnue."), field="licence")
    if dataset.licence == Licence.OTHER:
        if not dataset.licence_url:
            raise ValidationError(
                _("Vous avez choisi « autre licence » : indiquez l'adresse où la lire."), field="licence_url"
            )
    else:
        dataset.licence_url = ""
    if dataset.frequency not in Frequency.values:
        raise ValidationError(_("Fréquence de mise à jour inconnue."), field="frequency")
    if dataset.temporal_start and dataset.temporal_end and dataset.temporal_end < dataset.temporal_start:
        raise ValidationError(
            _("La fin de la période couverte (%(end)s) est avant son début (%(start)s).")
            % {
                "end": formats.date_format(dataset.temporal_end, "SHORT_DATE_FORMAT"),
                "start": formats.date_format(dataset.temporal_start, "SHORT_DATE_FORMAT"),
            },
            field="temporal_end",
        )
    _check_schema(dataset.organisation, dataset.schema)
    full_clean_or_raise(dataset, validate_unique=False, exclude=["slug", "organisation", "created_by"])


def _value(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- Datasets ----------------------------------------------------------------------------------------------


@transaction.atomic
def dataset_create(
    *,
    actor,
    organisation,
    title: str,
    keywords: Iterable[str] | str = (),
    themes: Iterable[str] = (),
    communes: Iterable = (),
    **fields,
) -> Dataset:
    """Create a draft dataset for `organisation`. Its slug comes from the title and never changes."""
    require(actor, "catalog.create_dataset", organisation)
    unknown = set(fields) - set(DATASET_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    dataset = Dataset(organisation=organisation, title=title, created_by=actor if actor and actor.pk else None)
    nullable = ("temporal_start", "temporal_end", "schema")
    for key, value in fields.items():
        setattr(dataset, key, "" if value is None and key not in nullable else value)
    _check_metadata(dataset)
    theme_codes = _clean_themes(themes)
    commune_objects = _clean_communes(organisation, communes)
    keyword_slugs = _parse_keywords(keywords)  # validates before anything is written
    for _attempt in range(3):
        dataset.slug = _unique_slug(dataset.title)
        try:
            with transaction.atomic():
                dataset.save()
            break
        except IntegrityError:  # someone took the same slug at the same moment
            continue
    else:
        raise Conflict(_("Impossible de choisir une adresse pour ce jeu de données : réessayez."))
    keyword_names = _set_keywords(dataset, [name for _slug, name in keyword_slugs])
    _set_themes(dataset, theme_codes)
    dataset.communes.set(commune_objects)
    audit_log(
        actor=actor,
        action="catalog.dataset.created",
        obj=dataset,
        organisation=organisation,
        data={"slug": dataset.slug, "title": dataset.title, "tags": keyword_names, "themes": theme_codes},
    )
    _changed(dataset)
    return dataset


# The services whose writes increment the dataset's revision (resource changes do not).
REVISION_ACTIONS = [
    f"catalog.dataset.{verb}" for verb in ("created", "updated", *(t.audit_verb for t in lifecycle.TRANSITIONS))
]


def _last_change(dataset: Dataset) -> tuple[str, str]:
    entry = (
        AuditLogEntry.objects.filter(
            object_type="catalog.dataset", object_id=str(dataset.pk), action__in=REVISION_ACTIONS
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    who = entry.actor.display_name if entry and entry.actor else _("une autre personne")
    when = entry.created_at if entry else dataset.updated_at
    return str(who), formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")


@transaction.atomic
def dataset_update(*, actor, dataset: Dataset, revision: int, **fields) -> Dataset:
    """Change a dataset's metadata, based on `revision` (what the person saw); a stale revision is a Conflict.

    The check and the increment are one UPDATE … WHERE revision = %s: two people saving at once can never both win.
    """
    require(actor, "catalog.change_dataset", dataset)
    unknown = set(fields) - set(DATASET_FIELDS) - set(DATASET_RELATIONS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    current = Dataset.objects.select_for_update().select_related("organisation").get(pk=dataset.pk)
    if current.revision != revision:
        who, when = _last_change(current)
        raise Conflict(
            _(
                "Ce jeu de données a été modifié par %(who)s le %(when)s pendant que vous l'éditiez : rechargez "
                "la page, vos modifications n'ont pas été enregistrées ; voici vos saisies, pour les reporter."
            )
            % {"who": who, "when": when},
            code="stale-revision",
            extra={"revision": current.revision},
        )
    before = {key: getattr(current, key) for key in DATASET_FIELDS}
    for key, value in fields.items():
        if key in DATASET_FIELDS:
            if value is None and key not in ("temporal_start", "temporal_end", "schema"):
                value = ""
            setattr(current, key, value)
    _check_metadata(current)
    changed = {
        key: [_value(before[key]), _value(getattr(current, key))]
        for key in DATASET_FIELDS
        if before[key] != getattr(current, key)
    }
    relations: dict = {}
    if "themes" in fields:
        codes = _clean_themes(fields["themes"])
        old = sorted(DatasetTheme.objects.filter(dataset=current).values_list("code", flat=True))
        if codes != old:
            relations["themes"] = [old, codes]
    if "communes" in fields:
        communes = _clean_communes(current.organisation, fields["communes"])
        old_ids = sorted(current.communes.values_list("pk", flat=True))
        if sorted(c.pk for c in communes) != old_ids:
            relations["communes"] = [old_ids, sorted(c.pk for c in communes)]
    if "keywords" in fields:
        new_slugs = [slug for slug, _name in _parse_keywords(fields["keywords"])]
        old_slugs = sorted(current.keywords.values_list("slug", flat=True))
        if sorted(new_slugs) != old_slugs:
            relations["tags"] = [old_slugs, sorted(new_slugs)]  # "key…" would be masked
    if not changed and not relations:
        return current
    values = {key: getattr(current, key) for key in DATASET_FIELDS}
    now = timezone.now()
    updated = Dataset.objects.filter(pk=current.pk, revision=revision).update(
        **values, revision=F("revision") + 1, updated_at=now
    )
    if updated != 1:  # only possible without row locks: the same message
        raise Conflict(_("Ce jeu de données vient d'être modifié par une autre personne : rechargez la page."))
    if "themes" in relations:
        _set_themes(current, _clean_themes(fields["themes"]))
    if "communes" in relations:
        current.communes.set(communes)
    if "tags" in relations:
        _set_keywords(current, fields["keywords"])
    current.revision = revision + 1
    current.updated_at = now
    audit_log(
        actor=actor,
        action="catalog.dataset.updated",
        obj=current,
        organisation=current.organisation,
        data={"changed": {**changed, **relations}},
    )
    _changed(current)
    return current


@transaction.atomic
def dataset_transition(*, actor, dataset: Dataset, to: str) -> Dataset:
    """Move a dataset along its lifecycle (`lifecycle.TRANSITIONS`); the audit log is the transition log."""
    require(actor, "catalog.publish_dataset", dataset)
    current = Dataset.objects.select_for_update().select_related("organisation").get(pk=dataset.pk)
    transition = lifecycle.transition_between(current.state, to)
    if transition is None:
        labels = dict(State.choices)
        raise ValidationError(
            _("Un jeu de données « %(from)s » ne peut pas passer à l'état « %(to)s ».")
            % {"from": labels.get(current.state, current.state), "to": labels.get(to, to)},
            code="illegal-transition",
            field="to",
        )
    now = timezone.now()
    before = current.state
    current.state = to
    update_fields = ["state", "revision", "updated_at"]
    if to == State.PUBLISHED and current.published_at is None:
        current.published_at = now
        update_fields.append("published_at")
    if to == State.PUBLISHED and current.last_modified is None:
        current.last_modified = now
        update_fields.append("last_modified")
    current.revision = F("revision") + 1
    current.save(update_fields=update_fields)
    current.refresh_from_db(fields=["revision"])
    audit_log(
        actor=actor,
        action=f"catalog.dataset.{transition.audit_verb}",
        obj=current,
        organisation=current.organisation,
        data={"from": before, "to": to},
    )
    _changed(current)
    return current


def dataset_publish(*, actor, dataset: Dataset) -> Dataset:
    return dataset_transition(actor=actor, dataset=dataset, to=State.PUBLISHED)


def dataset_unpublish(*, actor, dataset: Dataset) -> Dataset:
    """Back to draft: the dataset leaves the public catalogue."""
    return dataset_transition(actor=actor, dataset=dataset, to=State.DRAFT)


def dataset_archive(*, actor, dataset: Dataset) -> Dataset:
    return dataset_transition(actor=actor, dataset=dataset, to=State.ARCHIVED)


def dataset_restore(*, actor, dataset: Dataset) -> Dataset:
    return dataset_transition(actor=actor, dataset=dataset, to=State.PUBLISHED)


def _store_version(*, actor, resource: Resource, file) -> ResourceVersion:
    """Check, hash and store one upload as the resource's next version (the caller holds the transaction)."""
    filename, ext = resource_checks.check_upload(file, getattr(file, "name", "") or "")
    size, sha256 = resource_checks.file_digest(file)
    last = ResourceVersion.objects.filter(resource=resource).aggregate(n=Max("number"))["n"] or 0
    version = ResourceVersion(
        resource=resource,
        number=last + 1,
        original_name=filename,
        size=size,
        sha256=sha256,
        mime_type=resource_checks.ALLOWED_EXTENSIONS[ext],
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    version.file.save(filename, file, save=False)  # streams through the storage in chunks
    try:
        with transaction.atomic():
            version.save()
    except Exception:
        default_storage.delete(version.file.name)
        raise
    resource.current_version = version
    resource.format = ext
    return version


class _DeleteStoredOnError:
    """Within a service, once a file is stored: any later error deletes it (the transaction rolls back too)."""

    def __init__(self, version_getter):
        self.version_getter = version_getter

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        version = self.version_getter()
        if exc_type is not None and version is not None and version.file.name:
            default_storage.delete(version.file.name)
        return False


def _touch(dataset: Dataset, now=None) -> None:
    now = now or timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(last_modified=now)
    dataset.last_modified = now


def refresh_formats(datasets: Iterable[Dataset | int]) -> None:
    """Bring `DatasetFormat` (the distinct non-empty formats of each dataset's resources) up to date.

    Called by the `Resource` post_save/post_delete receivers (so every write, through the services or the back
    office, keeps it right, inside the same transaction) and by `search.rebuild_index` (rows inserted in bulk).
    Two queries, plus one per change.
    """
    ids = [d.pk if isinstance(d, Dataset) else d for d in datasets]
    if not ids:
        return
    wanted = set(
        Resource.objects.filter(dataset_id__in=ids).exclude(format="").values_list("dataset_id", "format").distinct()
    )
    existing = set(DatasetFormat.objects.filter(dataset_id__in=ids).values_list("dataset_id", "format"))
    for dataset_id, fmt in existing - wanted:
        DatasetFormat.objects.filter(dataset_id=dataset_id, format=fmt).delete()
    DatasetFormat.objects.bulk_create(
        [DatasetFormat(dataset_id=dataset_id, format=fmt) for dataset_id, fmt in sorted(wanted - existing)],
        ignore_conflicts=True,
    )


# --- Resources ---------------------------------------------------------------------------------------------


def _version_added(actor, version: ResourceVersion) -> None:
    transaction.on_commit(
        lambda: resource_version_added.send(sender=ResourceVersion, version=version, actor=actor), robust=True
    )


def _resource_data(resource: Resource, **extra) -> dict:
    return {"resource": str(resource.identifier), "title": resource.title, "kind": resource.kind, **extra}


@transaction.atomic
def resource_add(
    *,
    actor,
    dataset: Dataset,
    kind: str,
    title: str,
    description: str = "",
    url: str = "",
    file=None,
    format: str = "",  # the DCAT name
) -> Resource:
    """Add a resource: an uploaded file (its first version), a remote file, an API or documentation."""
    require(actor, "catalog.change_dataset", dataset)
    if kind not in Resource.Kind.values:
        raise ValidationError(_("Type de ressource inconnu."), field="kind")
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Donnez un titre à la ressource."), field="title")
    position = Resource.objects.filter(dataset=dataset).count()
    resource = Resource(dataset=dataset, kind=kind, title=title, description=description or "", position=position)
    if kind == Resource.Kind.FILE:
        if file is None:
            raise ValidationError(_("Choisissez le fichier à déposer."), field="file")
        resource_checks.check_upload(file, getattr(file, "name", "") or "")  # refuse before anything is written
    else:
        resource.url = resource_checks.clean_url(url)
        resource.format = (format or resource_checks.format_from_url(resource.url)).strip().lower().lstrip(".")[:20]
    full_clean_or_raise(resource, validate_unique=False, exclude=["dataset", "current_version"])
    resource.save()
    stored: list[ResourceVersion] = []
    with _DeleteStoredOnError(lambda: stored[0] if stored else None):
        if kind == Resource.Kind.FILE:
            stored.append(_store_version(actor=actor, resource=resource, file=file))
            resource.save(update_fields=["current_version", "format", "updated_at"])
        _touch(dataset)
        audit_log(
            actor=actor,
            action="catalog.resource.added",
            obj=dataset,
            organisation=dataset.organisation,
            data=_resource_data(resource, **({"version": 1, "sha256": stored[0].sha256} if stored else {})),
        )
        _changed(dataset)
    if stored:
        _version_added(actor, stored[0])
    return resource


@transaction.atomic
def resource_upload_version(*, actor, resource: Resource, file) -> ResourceVersion:
    """A new version of a file resource; the previous versions stay downloadable."""
    dataset = resource.dataset
    require(actor, "catalog.change_dataset", dataset)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.kind != Resource.Kind.FILE:
        raise ValidationError(_("Seule une ressource de type fichier reçoit des versions."), field="file")
    version = _store_version(actor=actor, resource=resource, file=file)
    with _DeleteStoredOnError(lambda: version):
        resource.save(update_fields=["current_version", "format", "updated_at"])
        _touch(dataset)
        audit_log(
            actor=actor,
            action="catalog.resource.version_added",
            obj=dataset,
            organisation=dataset.organisation,
            data=_resource_data(resource, version=version.number, size=version.size, sha256=version.sha256),
        )
        _changed(dataset)
    _version_added(actor, version)
    return version


RESOURCE_FIELDS = ("title", "description", "url", "format")


@transaction.atomic
def resource_update(*, actor, resource: Resource, **fields) -> Resource:
    dataset = resource.dataset
    require(actor, "catalog.change_dataset", dataset)
    unknown = set(fields) - set(RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    before = {key: getattr(resource, key) for key in fields}
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())
        if not fields["title"]:
            raise ValidationError(_("Donnez un titre à la ressource."), field="title")
    if "url" in fields:
        if resource.kind == Resource.Kind.FILE:
            if fields["url"]:
                raise ValidationError(_("Une ressource déposée n'a pas d'adresse : déposez une version."), field="url")
            fields.pop("url")
        else:
            fields["url"] = resource_checks.clean_url(fields["url"])
    if "format" in fields:
        if resource.kind == Resource.Kind.FILE:
            fields.pop("format")  # the format of a file comes from its current version
        else:
            fields["format"] = (fields["format"] or "").strip().lower().lstrip(".")[:20]
    for key, value in fields.items():
        setattr(resource, key, value if value is not None else "")
    full_clean_or_raise(resource, validate_unique=False, exclude=["dataset", "current_version"])
    changed = {key: [before[key], getattr(resource, key)] for key in fields if before[key] != getattr(resource, key)}
    if not changed:
        return resource
    resource.save(update_fields=[*changed, "updated_at"])
    audit_log(
        actor=actor,
        action="catalog.resource.updated",
        obj=dataset,
        organisation=dataset.organisation,
        data=_resource_data(resource, changed=changed),
    )
    _changed(dataset)
    return resource


@transaction.atomic
def resource_delete(*, actor, resource: Resource) -> None:
    """Delete a resource and, once the deletion is committed, the files of all its versions."""
    dataset = resource.dataset
    require(actor, "catalog.change_dataset", dataset)
    names = list(ResourceVersion.objects.filter(resource=resource).values_list("file", flat=True))
    data = _resource_data(resource, versions=len(names))
    Resource.objects.filter(pk=resource.pk).update(current_version=None)
    resource.delete()
    audit_log(actor=actor, action="catalog.resource.deleted", obj=dataset, organisation=dataset.organisation, data=data)
    _changed(dataset)

    def delete_files():
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete_files)


# --- Files generated by the platform's modules -------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedFile:
    """A file a module generates: its name (also its key among the dataset's resources), the title and description of
    its resource (used when the resource is created), its content."""

    name: str
    title: str
    description: str
    content: bytes


@dataclass(frozen=True)
class Publication:
    """What `generated_files_publish` did; the caller keeps `dataset` and `resources` for the next publication."""

    dataset: Dataset
    resources: dict[str, str]  # file name -> resource identifier
    sha256: dict[str, str]  # file name -> SHA-256 of the content published now
    changed: list[str]  # the files that became a new resource or a new version


@transaction.atomic
def generated_files_publish(
    *,
    actor,
    organisation,
    dataset_id: int | None,
    resources: dict[str, str],
    metadata: dict,
    files: Iterable[GeneratedFile],
    audit_action: str,
    audit_obj=None,
    update_metadata: bool = False,
) -> Publication:
    """Publish (or update) the dataset of `organisation` that holds generated files, one file resource each.

    Idempotent: the dataset `dataset_id` (when it still exists and belongs to `organisation`; else a new one from
    `metadata`) and the resources of `resources` (file name -> identifier, from the previous publication) are reused;
    a file whose content differs from its resource's current version becomes a new version, an unchanged one adds
    nothing. `update_metadata` writes `metadata` on an existing dataset too. The dataset ends published (a draft is
    published, an archived one restored). One audit entry `audit_action` on `audit_obj` (by default the dataset).
    """
    require(actor, "catalog.create_dataset", organisation)
    dataset = Dataset.objects.filter(pk=dataset_id, organisation=organisation).first() if dataset_id else None
    if dataset is None:
        dataset = dataset_create(actor=actor, organisation=organisation, **metadata)
        resources = {}
    elif update_metadata:
        dataset = dataset_update(actor=actor, dataset=dataset, revision=dataset.revision, **metadata)
    existing = {
        str(r.identifier): r for r in Resource.objects.filter(dataset=dataset).select_related("current_version")
    }
    resources, digests, changed = dict(resources), {}, []
    for file in files:
        digests[file.name] = hashlib.sha256(file.content).hexdigest()
        resource = existing.get(resources.get(file.name, ""))
        upload = ContentFile(file.content, name=file.name)
        if resource is None:
            resource = resource_add(
                actor=actor,
                dataset=dataset,
                kind=Resource.Kind.FILE,
                title=file.title,
                description=file.description,
                file=upload,
            )
            resources[file.name] = str(resource.identifier)
            changed.append(file.name)
        elif (resource.current_version.sha256 if resource.current_version else "") != digests[file.name]:
            resource_upload_version(actor=actor, resource=resource, file=upload)
            changed.append(file.name)
    if dataset.state != State.PUBLISHED:  # a draft is published, an archived one restored
        dataset = dataset_publish(actor=actor, dataset=dataset)
    audit_log(
        actor=actor,
        action=audit_action,
        obj=audit_obj if audit_obj is not None else dataset,
        organisation=organisation,
        data={
            "dataset": str(dataset.identifier),
            "files": [{"name": name, "sha256": digest} for name, digest in digests.items()],
            "changed": changed,
        },
    )
    return Publication(dataset=dataset, resources=resources, sha256=digests, changed=changed)


@transaction.atomic
def agency_file_publish(
    *,
    actor,
    link_model: type[AgencyFileLink],
    name: str,
    title: str,
    description: str,
    content: Callable[[], bytes],
    metadata: dict,
    audit_action: str,
) -> Dataset | None:
    """Publish (or update) one generated file as a dataset of the agency, remembered in the one row of `link_model`.

    `actor` None: the agency's scheduled publisher (`selectors.scheduled_publisher`). `content` is called once that
    row is locked, so that two runs at the same time publish in order. None when there is no agency organisation or
    nobody to publish for it."""
    agency = agency_organisation()
    if agency is None:
        return None
    actor = actor or selectors.scheduled_publisher(organisation=agency)
    if actor is None:
        return None
    link = link_model.objects.select_for_update().first() or link_model.objects.create()
    publication = generated_files_publish(
        actor=actor,
        organisation=agency,
        dataset_id=link.dataset_id,
        resources={name: link.resource_identifier} if link.resource_identifier else {},
        metadata=metadata,
        files=[GeneratedFile(name=name, title=title, description=description, content=content())],
        audit_action=audit_action,
    )
    link.dataset = publication.dataset
    link.resource_identifier = publication.resources[name]
    link.sha256 = publication.sha256[name]
    link.published_at = timezone.now()
    link.save()
    return publication.dataset
