"""udata portals (data.gouv.fr and its siblings): API v1 `/api/1/datasets/`, paged with `page`/`page_size`.

Filters (`config`): `organization` (the udata organisation's id or slug: the datasets of one organisation, as
data.gouv.fr's own harvesters do). Private and deleted datasets are left out (and so counted as gone).
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


class UdataAdapter(Adapter):
    kind = "udata"
    page_size = 100
    api_tails = ("/api/1/datasets", "/api/1", "/api")

    def pages(self) -> Iterator[list[dict]]:
        page = 1
        while True:
            params = {"page": page, "page_size": self.page_size}
            if organisation := text(self.config.get("organization")):
                params["organization"] = organisation
            body = self.fetcher.get_json(f"{self.base}/api/1/datasets/?{urlencode(params)}")
            if not isinstance(body, dict) or not isinstance(body.get("data"), list):
                raise SourceError(_("Réponse inattendue du portail udata : la liste « data » manque."))
            data = body["data"]
            if not data:
                return
            yield [raw for raw in data if not (isinstance(raw, dict) and (raw.get("private") or raw.get("deleted")))]
            total = body.get("total")
            if not body.get("next_page") or (isinstance(total, int) and page * self.page_size >= total):
                return
            page += 1

    def remote_id(self, raw: dict) -> str:
        return text(raw.get("id"))

    def normalise(self, raw: dict) -> RemoteDataset:
        landing = text(raw.get("page")) or (f"{self.base}/datasets/{text(raw.get('slug'))}/" if raw.get("slug") else "")
        licence, licence_url = guess_licence(raw.get("license"), fallback_url=landing)
        coverage = raw.get("temporal_coverage") if isinstance(raw.get("temporal_coverage"), dict) else {}
        start, end = temporal(coverage.get("start"), coverage.get("end"))
        resources = []
        for item in raw.get("resources") or ():
            if not isinstance(item, dict):
                continue
            resource = remote_resource(
                item.get("url") or item.get("latest"),
                title=item.get("title"),
                fmt=item.get("format") or item.get("mime"),
                kind=RESOURCE_KINDS.get(text(item.get("type")).lower(), Resource.Kind.REMOTE),
                description=item.get("description"),
            )
            if resource is not None:
                resources.append(resource)
        return RemoteDataset(
            title=required_title(raw.get("title")),
            description=text(raw.get("description"), DESCRIPTION_MAX),
            keywords=keywords(raw.get("tags")),
            licence=licence,
            licence_url=licence_url,
            frequency=guess_frequency(raw.get("frequency")),
            temporal_start=start,
            temporal_end=end,
            landing_page=landing,
            resources=resources,
        )
