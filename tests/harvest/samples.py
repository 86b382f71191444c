"""Answers in the style of real portals (CKAN 2.10 package_search, udata API v1, OpenDataSoft Explore v2.1, a DCAT
Turtle catalogue with Hydra paging), written for these tests."""

from __future__ import annotations

from tests.harvest.conftest import Reply


def ckan_package(n: int, **changes) -> dict:
    package = {
        "id": f"6b1e3c2a-0000-4000-8000-{n:012d}",
        "name": f"budget-primitif-{n}",
        "title": f"Budget primitif {n}",
        "notes": "Budget primitif voté par le conseil municipal, par chapitre et par article.",
        "license_id": "fr-lo",
        "license_title": "Licence Ouverte / Open Licence",
        "license_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "type": "dataset",
        "private": False,
        "state": "active",
        "metadata_created": "2024-01-15T10:00:00.000000",
        "metadata_modified": "2025-03-02T08:30:00.000000",
        "organization": {"id": "org-1", "name": "ville-anglet", "title": "Ville d'Anglet"},
        "tags": [{"id": "t1", "name": "budget", "display_name": "budget"}, {"id": "t2", "name": "finances"}],
        "extras": [
            {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"},
            {"key": "temporal_start", "value": "2024-01-01"},
            {"key": "temporal_end", "value": "2024-12-31"},
        ],
        "resources": [
            {
                "id": f"r-{n}-1",
                "package_id": f"p-{n}",
                "name": "Budget (CSV)",
                "description": "Une ligne par article.",
                "format": "CSV",
                "mimetype": "text/csv",
                "url": f"https://data.anglet.fr/dataset/{n}/resource/budget.csv",
                "resource_type": None,
                "position": 0,
            },
            {
                "id": f"r-{n}-2",
                "name": "API",
                "format": "JSON",
                "url": f"https://data.anglet.fr/api/3/action/datastore_search?resource_id=r-{n}-1",
                "resource_type": "api",
                "position": 1,
            },
        ],
        "num_resources": 2,
    }
    package.update(changes)
    return package


def ckan_search(packages: list[dict]):
    """A package_search handler over `packages` (rows/start paging, as CKAN does)."""

    def handler(params):
        start, rows = int(params.get("start", 0)), int(params.get("rows", 10))
        return Reply(
            {
                "help": "https://data.anglet.fr/api/3/action/help_show?name=package_search",
                "success": True,
                "result": {"count": len(packages), "results": packages[start : start + rows], "sort": "id asc"},
            }
        )

    return handler


def udata_dataset(n: int, **changes) -> dict:
    dataset = {
        "id": f"5f2a{n:020d}",
        "slug": f"arrets-de-bus-{n}",
        "title": f"Arrêts de bus {n}",
        "description": "Position des arrêts du réseau de bus.",
        "page": f"https://www.data.gouv.fr/fr/datasets/arrets-de-bus-{n}/",
        "license": "odc-odbl",
        "frequency": "monthly",
        "tags": ["transport", "bus", "mobilite"],
        "temporal_coverage": {"start": "2023-01-01", "end": "2023-12-31"},
        "private": False,
        "deleted": None,
        "archived": None,
        "organization": {"id": "org-udata", "name": "Ville de Bayonne"},
        "resources": [
            {
                "id": f"res-{n}",
                "title": "arrets.geojson",
                "description": "",
                "format": "geojson",
                "type": "main",
                "url": f"https://static.data.gouv.fr/resources/arrets-{n}.geojson",
                "mime": "application/geo+json",
            },
            {
                "id": f"doc-{n}",
                "title": "Documentation",
                "format": "pdf",
                "type": "documentation",
                "url": f"https://static.data.gouv.fr/resources/doc-{n}.pdf",
            },
        ],
    }
    dataset.update(changes)
    return dataset


def udata_list(datasets: list[dict]):
    def handler(params):
        page, size = int(params.get("page", 1)), int(params.get("page_size", 20))
        data = datasets[(page - 1) * size : page * size]
        more = page * size < len(datasets)
        return Reply(
            {
                "data": data,
                "page": page,
                "page_size": size,
                "total": len(datasets),
                "next_page": f"https://www.data.gouv.fr/api/1/datasets/?page={page + 1}" if more else None,
                "previous_page": None,
            }
        )

    return handler


def ods_dataset(n: int, **changes) -> dict:
    dataset = {
        "dataset_id": f"equipements-sportifs-{n}",
        "dataset_uid": f"da_{n:06d}",
        "has_records": True,
        "features": ["analyze", "geo"],
        "fields": [{"name": "nom", "type": "text"}],
        "metas": {
            "default": {
                "title": f"Équipements sportifs {n}",
                "description": "<p>Liste des <b>équipements</b> sportifs.</p>",
                "keyword": ["sport", "équipements"],
                "license": "Licence Ouverte v2.0 (Etalab)",
                "license_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
                "publisher": "Ville de Biarritz",
                "modified": "2025-02-01T10:00:00+00:00",
                "records_count": 120,
            },
            "dcat": {"accrualperiodicity": "Annual"},
        },
    }
    dataset.update(changes)
    return dataset


def ods_list(datasets: list[dict]):
    def handler(params):
        offset, limit = int(params.get("offset", 0)), int(params.get("limit", 10))
        return Reply({"total_count": len(datasets), "results": datasets[offset : offset + limit]})

    return handler


TURTLE_PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def dcat_dataset(n: int, title: str | None = None) -> str:
    return f"""
<https://data.bidart.fr/datasets/{n}> a dcat:Dataset ;
    dct:identifier "bidart-{n}" ;
    dct:title "{title or f"Plages surveillées {n}"}"@fr, "Guarded beaches {n}"@en ;
    dct:description "Les plages surveillées et leurs horaires."@fr ;
    dcat:keyword "plages", "tourisme" ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/WEEKLY> ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2024-06-01"^^xsd:date ; dcat:endDate "2024-09-30"^^xsd:date ] ;
    dcat:landingPage <https://data.bidart.fr/plages-{n}> ;
    dcat:distribution <https://data.bidart.fr/datasets/{n}/csv> .
<https://data.bidart.fr/datasets/{n}/csv> a dcat:Distribution ;
    dct:title "Plages (CSV)" ;
    dcat:downloadURL <https://data.bidart.fr/files/plages-{n}.csv> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> .
"""


def dcat_page(numbers, next_url: str | None) -> str:
    view = ""
    if next_url:
        view = (
            f"<https://data.bidart.fr/catalog> hydra:view [ a hydra:PartialCollectionView ; hydra:next <{next_url}> ] ."
        )
    return TURTLE_PREFIXES + "".join(dcat_dataset(n) for n in numbers) + view
