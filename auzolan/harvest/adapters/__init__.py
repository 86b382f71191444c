"""One adapter per type of portal (`HarvestSource.Kind`): `adapter_for(source)`."""

from __future__ import annotations

from auzolan.harvest.adapters.base import Adapter, Fetcher
from auzolan.harvest.adapters.ckan import CkanAdapter
from auzolan.harvest.adapters.dcat import DcatAdapter
from auzolan.harvest.adapters.ods import OdsAdapter
from auzolan.harvest.adapters.udata import UdataAdapter
from auzolan.harvest.models import HarvestSource

ADAPTERS: dict[str, type[Adapter]] = {
    HarvestSource.Kind.CKAN: CkanAdapter,
    HarvestSource.Kind.UDATA: UdataAdapter,
    HarvestSource.Kind.ODS: OdsAdapter,
    HarvestSource.Kind.DCAT: DcatAdapter,
}


def adapter_for(source: HarvestSource, fetcher: Fetcher | None = None) -> Adapter:
    return ADAPTERS[source.kind](source.url, source.config, fetcher)
