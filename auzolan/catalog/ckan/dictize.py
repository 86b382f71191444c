"""The catalogue's objects as CKAN dictionaries: package (dataset), resource, organisation, tag, group (EU data
theme) and licence, with the keys CKAN clients and harvesters read — data.gouv.fr's harvester requires every key of
its strict schema (docs/architecture.md, "CKAN Action API").

Identifiers: a package and a resource are their stable UUIDs; an organisation, a tag and a group get a UUID derived
from what never changes for them (`uuid5`), their `name` being the slug (organisation, tag) or the theme's code in
lower case (group). A dataset that is not published is `private` (a draft is in state "draft").

Other apps add keys to resource dictionaries with `register_resource_extras(provider)`: `provider(resources)` returns
`{resource pk: {key: value}}` for a list of resources in one query (the datastore adds `datastore_active`).
"""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
import uuid
from collections.abc import Callable, Iterable

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from auzolan.catalog.models import Dataset, Keyword, Resource
from auzolan.catalog.vocabularies import EU_FREQUENCY, LICENCES, Theme
from auzolan.core.http import public_url
from auzolan.organisations.models import Commune, Organisation

NAMESPACE = uuid.UUID("6f1f3c52-52b0-4c8f-9a55-7c0b7d3b8a11")

#: Our licence codes → the ids data.gouv.fr (and CKAN's default register) recognise.
LICENCE_IDS = {"lov2": "lov2", "odc-odbl": "odc-odbl", "cc-by": "cc-by", "cc-zero": "cc-zero", "other": "notspecified"}
LICENCE_CODES = {ckan_id: code for code, ckan_id in LICENCE_IDS.items()}
OPEN_LICENCES = {"lov2", "odc-odbl", "cc-by", "cc-zero"}

#: EU frequency codes → udata's frequency names (its CKAN harvester reads the `frequency` extra).
FREQUENCIES = {
    "CONT": "continuous",
    "DAILY": "daily",
    "WEEKLY": "weekly",
    "MONTHLY": "monthly",
    "QUARTERLY": "quarterly",
    "BIANNUAL": "semiannual",
    "ANNUAL": "annual",
    "IRREG": "irregular",
    "NEVER": "punctual",
    "UNKNOWN": "unknown",
}

RESOURCE_TYPES = {
    Resource.Kind.FILE: "file.upload",
    Resource.Kind.REMOTE: "file",
    Resource.Kind.API: "api",
    Resource.Kind.DOCUMENTATION: "documentation",
}

_resource_extras: list[Callable[[list[Resource]], dict[int, dict]]] = []


def register_resource_extras(provider: Callable[[list[Resource]], dict[int, dict]]) -> None:
    """Add keys to resource dictionaries (called from an app's `hooks.py`)."""
    if provider not in _resource_extras:
        _resource_extras.append(provider)


@functools.lru_cache(maxsize=4096)
def derived_id(kind: str, key) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def timestamp(value: dt.datetime | None) -> str | None:
    """CKAN's form: ISO 8601 in UTC without offset ("2024-05-01T12:30:00.123456")."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


# --- Reads with everything a package dictionary needs (a fixed number of queries) --------------------------------


def package_queryset() -> QuerySet[Dataset]:
    resources = Resource.objects.select_related("current_version").order_by("position", "created_at")
    return (
        Dataset.objects.select_related("organisation__territory", "schema")
        .defer("quality")
        .prefetch_related(
            Prefetch("keywords", queryset=Keyword.objects.order_by("name")),
            "themes",
            Prefetch("communes", queryset=Commune.objects.order_by("name").only("id", "name", "insee_code")),
            Prefetch("resources", queryset=resources),
        )
    )


def load_packages(ids: list[int]) -> list[Dataset]:
    """Datasets with these ids, in this order (the loader given to the search service)."""
    by_id = {d.pk: d for d in package_queryset().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- Dictionaries ---------------------------------------------------------------------------------------------


def licence_dict(code: str) -> dict:
    info = LICENCES[code]
    return {
        "id": LICENCE_IDS[code],
        "title": info.title,
        "url": info.url,
        "is_okd_compliant": code in OPEN_LICENCES,
        "is_osi_compliant": False,
        "od_conformance": "approved" if code in OPEN_LICENCES else "not reviewed",
        "osd_conformance": "not reviewed",
        "status": "active",
        "maintainer": "",
        "family": "",
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
    }


def organisation_dict(organisation: Organisation, request, *, package_count: int | None = None) -> dict:
    data = {
        "id": derived_id("organisation", organisation.pk),
        "name": organisation.slug,
        "title": organisation.name,
        "display_name": organisation.name,
        "type": "organization",
        "description": organisation.description or "",
        "image_url": "",
        "image_display_url": "",
        "created": timestamp(organisation.created_at),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "url": public_url(organisation.get_absolute_url(), request),
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def tag_dict(keyword: Keyword) -> dict:
    return {
        "id": derived_id("keyword", keyword.pk),
        "name": keyword.name,
        "display_name": keyword.name,
        "state": "active",
        "vocabulary_id": None,
    }


@functools.lru_cache(maxsize=64)
def _theme_title(code: str) -> str:
    with translation.override("fr"):
        return str(Theme(code).label)


def group_dict(code: str, *, package_count: int | None = None) -> dict:
    title = _theme_title(code)
    data = {
        "id": derived_id("theme", code),
        "name": code.lower(),
        "title": title,
        "display_name": title,
        "description": "",
        "type": "group",
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "image_url": "",
        "image_display_url": "",
        "url": f"http://publications.europa.eu/resource/authority/data-theme/{code}",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


_PLACEHOLDER = uuid.UUID(int=0)


@functools.lru_cache(maxsize=1)
def _download_path_template() -> str:
    """The download address with `{slug}` and `{resource}` (one `reverse` per process, not one per resource)."""
    path = reverse("catalog:resource_download", kwargs={"slug": "slug-placeholder", "resource": _PLACEHOLDER})
    return path.replace("slug-placeholder", "{slug}").replace(str(_PLACEHOLDER), "{resource}")


def _download_url(resource: Resource, dataset: Dataset, request) -> str:
    if resource.kind != Resource.Kind.FILE:
        return resource.url
    return public_url(_download_path_template().format(slug=dataset.slug, resource=resource.identifier), request)


def resource_dict(resource: Resource, dataset: Dataset, position: int, request, extras: dict | None = None) -> dict:
    version = resource.current_version if resource.kind == Resource.Kind.FILE else None
    fmt = (resource.format or "").upper()
    mimetype = version.mime_type if version and version.mime_type else None
    if mimetype is None and resource.format:
        mimetype = mimetypes.types_map.get(f".{resource.format.lower()}")
    data = {
        "id": str(resource.identifier),
        "package_id": str(dataset.identifier),
        "position": position,
        "name": resource.title,
        "description": resource.description or "",
        "format": fmt,
        "mimetype": mimetype,
        "mimetype_inner": None,
        "size": version.size if version else None,
        "hash": version.sha256 if version else "",
        "created": timestamp(resource.created_at),
        "last_modified": timestamp(version.created_at if version else resource.updated_at),
        "metadata_modified": timestamp(resource.updated_at),
        "url": _download_url(resource, dataset, request),
        "resource_type": RESOURCE_TYPES.get(resource.kind, "file"),
        "url_type": "upload" if resource.kind == Resource.Kind.FILE else None,
        "state": "active",
        "cache_url": None,
        "cache_last_updated": None,
        "datastore_active": False,
    }
    data.update(extras or {})
    return data


def resource_extras(resources: list[Resource]) -> dict[int, dict]:
    merged: dict[int, dict] = {}
    for provider in _resource_extras:
        for pk, values in provider(resources).items():
            merged.setdefault(pk, {}).update(values)
    return merged


def _extras(dataset: Dataset, communes: list) -> list[dict]:
    values = {
        "identifier": str(dataset.identifier),
        "frequency": FREQUENCIES.get(dataset.frequency, "unknown"),
        "frequency_uri": f"{EU_FREQUENCY}{dataset.frequency}" if dataset.frequency != "UNKNOWN" else "",
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "spatial-text": dataset.organisation.territory.name
        if dataset.whole_territory
        else ", ".join(c.name for c in communes),
        "insee_codes": ", ".join(c.insee_code for c in communes),
        "schema": dataset.schema.name if dataset.schema else "",
        "schema_version": dataset.schema.version if dataset.schema else "",
        "schema_url": dataset.schema.url if dataset.schema else "",
        "contact_point": dataset.contact_name,
    }
    return [{"key": key, "value": value} for key, value in sorted(values.items()) if value]


def package_dict(
    dataset: Dataset, request, *, extras: dict[int, dict] | None = None, organisations: dict | None = None
) -> dict:
    """A dataset (loaded with `package_queryset`) as a CKAN package; `extras` from `resource_extras` (computed for
    the whole page at once), else computed for this dataset's resources."""
    resources = list(dataset.resources.all())
    if extras is None:
        extras = resource_extras(resources)
    licence = LICENCES.get(dataset.licence, LICENCES["other"])
    tags = [tag_dict(k) for k in dataset.keywords.all()]
    communes = list(dataset.communes.all())
    themes = sorted(t.code for t in dataset.themes.all() if t.code in Theme.values)
    organisation = dataset.organisation
    page = public_url(dataset.get_absolute_url(), request)
    return {
        "id": str(dataset.identifier),
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "url": page,
        "version": None,
        "type": "dataset",
        "state": "draft" if dataset.state == Dataset.State.DRAFT else "active",
        "private": dataset.state != Dataset.State.PUBLISHED,
        "author": organisation.name,
        "author_email": None,
        "maintainer": dataset.contact_name or None,
        "maintainer_email": dataset.contact_email or None,
        "license_id": LICENCE_IDS.get(dataset.licence, "notspecified"),
        "license_title": licence.title,
        "license_url": dataset.licence_url or licence.url or None,
        "isopen": dataset.licence in OPEN_LICENCES,
        "owner_org": derived_id("organisation", organisation.pk),
        "organization": organisations[organisation.pk]
        if organisations and organisation.pk in organisations
        else organisation_dict(organisation, request),
        "creator_user_id": None,
        "metadata_created": timestamp(dataset.created_at),
        "metadata_modified": timestamp(dataset.updated_at),
        "resources": [
            resource_dict(r, dataset, position, request, extras.get(r.pk)) for position, r in enumerate(resources)
        ],
        "num_resources": len(resources),
        "tags": tags,
        "num_tags": len(tags),
        "groups": [group_dict(code) for code in themes],
        "extras": _extras(dataset, communes),
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }


def package_dicts(datasets: Iterable[Dataset], request) -> list[dict]:
    """Package dictionaries of a page of datasets, the resource extras computed once for all of them."""
    datasets = list(datasets)
    extras = resource_extras([r for d in datasets for r in d.resources.all()])
    organisations = {d.organisation_id: organisation_dict(d.organisation, request) for d in datasets}
    return [package_dict(d, request, extras=extras, organisations=organisations) for d in datasets]
