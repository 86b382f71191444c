"""CKAN portals: the Action API v3's `package_search`, paged with `rows`/`start` (as ckanext-harvest does).

Filters (`config`): `fq` (a Solr filter, `organization:ville-x`) or `organization` (a CKAN organisation name).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from auzolan.catalog.models import Resource
from auzolan.harvest.adapters.base import (
    DESCRIPTION_MAX,
    Adapter,
    RemoteDataset,
    SourceError,
    guess_frequency,
    guess_licence,
    keywords,
    remote_resource,
    required_title,
    temporal,
    text,
)

RESOURCE_KINDS = {"api": Resource.Kind.API, "documentation": Resource.Kind.DOCUMENTATION}


class CkanAdapter(Adapter):
    kind = "ckan"
    page_size = 100
    api_tails = ("/api/3/action/package_search", "/api/3/action", "/api/action", "/api/3", "/api")

    def _fq(self) -> str:
        if text(self.config.get("fq")):
            return text(self.config["fq"])
        organisation = text(self.config.get("organization"))
        return f"organization:{organisation}" if organisation else ""

    def pages(self) -> Iterator[list[dict]]:
        start = 0
        while True:
            params = {"rows": self.page_size, "start": start, "sort": "id asc"}
            if fq := self._fq():
                params["fq"] = fq
            body = self.fetcher.get_json(f"{self.base}/api/3/action/package_search?{urlencode(params)}")
            result = body.get("result") if isinstance(body, dict) and body.get("success") is True else None
            if not isinstance(result, dict):
                raise SourceError(_("Réponse inattendue du portail CKAN : ce n'est pas une réponse de package_search."))
            results = result.get("results")
            if not isinstance(results, list):
                raise SourceError(_("Réponse inattendue du portail CKAN : la liste des jeux de données manque."))
            if not results:
                return
            yield results
            start += len(results)
            count = result.get("count")
            if isinstance(count, int) and start >= count:
                return

    def remote_id(self, raw: dict) -> str:
        return text(raw.get("id") or raw.get("name"))

    def normalise(self, raw: dict) -> RemoteDataset:
        extras = {
            text(e.get("key")): e.get("value") for e in raw.get("extras") or () if isinstance(e, dict) and e.get("key")
        }
        name = text(raw.get("name"))
        landing = f"{self.base}/dataset/{name}" if name else ""
        licence, licence_url = guess_licence(
            raw.get("license_id"), raw.get("license_title"), raw.get("license_url"), fallback_url=landing
        )
        start, end = temporal(extras.get("temporal_start"), extras.get("temporal_end"))
        resources = []
        for item in raw.get("resources") or ():
            if not isinstance(item, dict):
                continue
            resource = remote_resource(
                item.get("url"),
                title=item.get("name"),
                fmt=item.get("format") or item.get("mimetype"),
                kind=RESOURCE_KINDS.get(text(item.get("resource_type")).lower(), Resource.Kind.REMOTE),
                description=item.get("description"),
            )
            if resource is not None:
                resources.append(resource)
        return RemoteDataset(
            title=required_title(raw.get("title") or name),
            description=text(raw.get("notes"), DESCRIPTION_MAX),
            keywords=keywords(raw.get("tags")),
            licence=licence,
            licence_url=licence_url,
            frequency=guess_frequency(extras.get("frequency") or extras.get("accrual_periodicity")),
            temporal_start=start,
            temporal_end=end,
            landing_page=landing,
            resources=resources,
        )
