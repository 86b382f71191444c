"""The public page of a dataset."""

from __future__ import annotations

import json

from django.conf import settings
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from auzolan.catalog import selectors
from auzolan.catalog.models import Dataset, Resource
from auzolan.catalog.quality import quality_report
from auzolan.catalog.vocabularies import LICENCES
from auzolan.core.http import public_url
from auzolan.core.markdown import render_markdown
from auzolan.core.pagecache import cache_public_page
from auzolan.core.permissions import can, get_object_for

# What the public sees of the history: publication and updates, never who did them (RGPD).
PUBLIC_ACTIONS = {"created", "published", "updated", "resource_added", "resource_updated", "version_added", "archived"}


def _action_label(action: str) -> str:
    suffix = action.rsplit(".", 1)[-1]
    labels = {
        "created": _("Création"),
        "published": _("Publication"),
        "unpublished": _("Retour en brouillon"),
        "archived": _("Archivage"),
        "updated": _("Mise à jour des informations"),
        "resource_added": _("Ajout d'une ressource"),
        "resource_updated": _("Mise à jour d'une ressource"),
        "resource_removed": _("Suppression d'une ressource"),
        "resource_deleted": _("Suppression d'une ressource"),
        "version_added": _("Nouvelle version d'un fichier"),
    }
    return labels.get(suffix, _("Modification"))


def _activity(dataset: Dataset, *, show_names: bool) -> list[dict]:
    entries = []
    for entry in selectors.dataset_activity(dataset=dataset):
        suffix = entry.action.rsplit(".", 1)[-1]
        if not show_names and suffix not in PUBLIC_ACTIONS:
            continue
        entries.append(
            {
                "date": entry.created_at,
                "label": _action_label(entry.action),
                "actor": (entry.actor.display_name if entry.actor else _("la plateforme")) if show_names else "",
            }
        )
    return entries


def _download_url(request, dataset: Dataset, resource: Resource) -> str:
    if resource.kind == Resource.Kind.FILE:
        return public_url(reverse("catalog:resource_download", args=(dataset.slug, resource.identifier)), request)
    return resource.url


def _script_json(data: dict) -> str:
    """JSON safe inside a <script> element: no "</" nor HTML-significant characters left as such."""
    text = json.dumps(data, ensure_ascii=True, indent=None, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def dataset_jsonld(request, dataset: Dataset) -> dict:
    """schema.org Dataset (what Google Dataset Search reads)."""
    url = public_url(dataset.get_absolute_url(), request)
    organisation = {
        "@type": "Organization",
        "name": dataset.organisation.name,
        "url": public_url(dataset.organisation.get_absolute_url(), request),
    }
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": dataset.title,
        "description": strip_tags(render_markdown(dataset.description)).strip() or dataset.title,
        "url": url,
        "identifier": str(dataset.identifier),
        "keywords": [keyword.name for keyword in dataset.keywords.all()],
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": settings.PLATFORM_NAME},
    }
    licence_url = dataset.licence_url if dataset.licence == "other" else LICENCES[dataset.licence].url
    if licence_url:
        data["license"] = licence_url
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if dataset.whole_territory and dataset.organisation.territory:
        data["spatialCoverage"] = {"@type": "Place", "name": dataset.organisation.territory.name}
    elif dataset.communes.all():
        data["spatialCoverage"] = [
            {"@type": "Place", "name": commune.name, "identifier": commune.insee_code}
            for commune in dataset.communes.all()
        ]
    if dataset.last_modified:
        data["dateModified"] = dataset.last_modified.isoformat()
    if dataset.published_at:
        data["datePublished"] = dataset.published_at.isoformat()
    distributions = []
    for resource in dataset.resources.all():
        content_url = _download_url(request, dataset, resource)
        if not content_url:
            continue
        distribution = {"@type": "DataDownload", "name": resource.title, "contentUrl": content_url}
        if resource.format:
            distribution["encodingFormat"] = resource.format
        version = resource.current_version
        if version is not None:
            distribution["contentSize"] = f"{version.size} B"
            if version.mime_type:
                distribution["encodingFormat"] = version.mime_type
        distributions.append(distribution)
    if distributions:
        data["distribution"] = distributions
    return data


def _citation(request, dataset: Dataset) -> str:
    date = dataset.last_modified or dataset.published_at or dataset.created_at
    return _("%(organisation)s, « %(title)s », %(platform)s, %(url)s, mis à jour le %(date)s.") % {
        "organisation": dataset.organisation.name,
        "title": dataset.title,
        "platform": settings.PLATFORM_NAME,
        "url": public_url(dataset.get_absolute_url(), request),
        "date": formats.date_format(timezone.localtime(date), "SHORT_DATE_FORMAT") if date else "—",
    }


@require_safe
@cache_public_page("catalog.dataset")
def dataset_detail(request, slug: str):
    dataset = get_object_for(request.user, "catalog.view_dataset", selectors.dataset_page_queryset(), slug=slug)
    is_member = can(request.user, "organisations.view_members", dataset.organisation)
    resources = list(dataset.resources.all())
    licence = LICENCES[dataset.licence]
    quality = quality_report(dataset, resources=resources)
    api_url = public_url(f"/api/v1/datasets/{dataset.slug}", request)
    context = {
        "dataset": dataset,
        "resources": resources,
        "keywords": list(dataset.keywords.all()),
        "themes": list(dataset.themes.all()),
        "communes": list(dataset.communes.all()),
        "licence": licence,
        "licence_url": dataset.licence_url if dataset.licence == "other" else licence.url,
        "quality": quality,
        "quality_percent": round(quality["score"] * 100),
        "activity": _activity(dataset, show_names=is_member),
        "show_names": is_member,
        "reuse_links": dataset.published_reuse_links,
        "citation": _citation(request, dataset),
        "api_urls": [
            (_("Ce jeu de données (API de la plateforme)"), api_url),
            (_("Ses ressources (API de la plateforme)"), f"{api_url}/resources"),
        ],
        "jsonld": mark_safe(_script_json(dataset_jsonld(request, dataset))),  # noqa: S308 - escaped just above
        "reuse_url": reverse("catalog:reuse_create") + f"?dataset={dataset.slug}",
    }
    return render(request, "catalog/dataset/detail.html", context)


urlpatterns = [
    path("donnees/<slug:slug>/", dataset_detail, name="dataset"),
]
