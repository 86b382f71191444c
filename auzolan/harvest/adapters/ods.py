"""OpenDataSoft portals: Explore API v2.1 `/api/explore/v2.1/catalog/datasets`, paged with `limit`/`offset`.

Filters (`config`): `where` (an ODSQL condition, `publisher = "Ville de X"`) and `refine` (a facet value,
`publisher:Ville de X`). Each dataset gets its exports (CSV, JSON, GeoJSON when it has positions) as remote files
and its records endpoint as an API: ODS serves its data through them, not as stored files.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

from django.utils.html import strip_tags
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

API = "/api/explore/v2.1"
#: ODS answers at most this many datasets per page.
PAGE_SIZE = 100


class OdsAdapter(Adapter):
    kind = "ods"
    page_size = PAGE_SIZE

    @property
    def base(self) -> str:
        url = self.url.rstrip("/")
        marker = url.find("/api/explore/")
        return url[:marker] if marker >= 0 else url

    def pages(self) -> Iterator[list[dict]]:
        offset = 0
        while True:
            params = {"limit": self.page_size, "offset": offset}
            if where := text(self.config.get("where")):
                params["where"] = where
            if refine := text(self.config.get("refine")):
                params["refine"] = refine
            body = self.fetcher.get_json(f"{self.base}{API}/catalog/datasets?{urlencode(params)}")
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise SourceError(_("Réponse inattendue du portail OpenDataSoft : la liste « results » manque."))
            results = body["results"]
            if not results:
                return
            yield results
            offset += len(results)
            total = body.get("total_count")
            if isinstance(total, int) and offset >= total:
                return

    def remote_id(self, raw: dict) -> str:
        return text(raw.get("dataset_uid") or raw.get("dataset_id"))

    def normalise(self, raw: dict) -> RemoteDataset:
        metas = raw.get("metas") if isinstance(raw.get("metas"), dict) else {}
        default = metas.get("default") if isinstance(metas.get("default"), dict) else {}
        dcat = metas.get("dcat") if isinstance(metas.get("dcat"), dict) else {}
        dataset_id = text(raw.get("dataset_id"))
        path = quote(dataset_id, safe="")
        landing = f"{self.base}/explore/dataset/{path}/" if dataset_id else ""
        licence, licence_url = guess_licence(default.get("license"), default.get("license_url"), fallback_url=landing)
        start, end = temporal(dcat.get("temporal_coverage_start"), dcat.get("temporal_coverage_end"))
        features = raw.get("features") if isinstance(raw.get("features"), list) else []
        resources = []
        if dataset_id and raw.get("has_records", True):
            exports = f"{self.base}{API}/catalog/datasets/{path}/exports"
            formats = ["csv", "json"] + (["geojson"] if "geo" in features else [])
            for fmt in formats:
                resources.append(
                    remote_resource(f"{exports}/{fmt}", title=_("Export %(format)s") % {"format": fmt.upper()}, fmt=fmt)
                )
            resources.append(
                remote_resource(
                    f"{self.base}{API}/catalog/datasets/{path}/records",
                    title=_("API des enregistrements (Explore v2.1)"),
                    fmt="json",
                    kind=Resource.Kind.API,
                )
            )
        return RemoteDataset(
            title=required_title(default.get("title") or dataset_id),
            description=text(strip_tags(text(default.get("description"))), DESCRIPTION_MAX),
            keywords=keywords(default.get("keyword")),
            licence=licence,
            licence_url=licence_url,
            frequency=guess_frequency(dcat.get("accrualperiodicity")),
            temporal_start=start,
            temporal_end=end,
            landing_page=landing,
            resources=[r for r in resources if r is not None],
        )
