"""udata, OpenDataSoft and DCAT portals (CKAN: test_runs.py), each against the local portal; the guesses from remote
vocabularies."""

from __future__ import annotations

import datetime

import pytest

from auzolan.catalog.models import Dataset
from auzolan.harvest import runs, services
from auzolan.harvest.adapters import base
from auzolan.harvest.adapters.ods import OdsAdapter
from auzolan.harvest.adapters.udata import UdataAdapter
from auzolan.harvest.models import HarvestRecord, HarvestRun
from tests.harvest.conftest import Reply
from tests.harvest.samples import dcat_page, ods_dataset, ods_list, udata_dataset, udata_list

TURTLE = "text/turtle; charset=utf-8"


def make_source(editor, portal, kind, url=None, **config):
    user, organisation = editor
    return services.source_create(
        actor=user, organisation=organisation, name=kind, kind=kind, url=url or portal.base, config=config
    )


def harvest(source, dry_run=False):
    return runs.harvest_run(run=HarvestRun.objects.create(source=source, dry_run=dry_run))


def test_udata(portal, editor, monkeypatch):
    monkeypatch.setattr(UdataAdapter, "page_size", 2)
    datasets = [udata_dataset(0), udata_dataset(1, private=True), udata_dataset(2), udata_dataset(3)]
    portal.route("/api/1/datasets/", udata_list(datasets))
    source = make_source(editor, portal, "udata", organization="ville-de-bayonne")
    run = harvest(source)
    assert (run.state, run.found, run.created) == ("succeeded", 3, 3), run.message
    assert portal.requests[0] == "/api/1/datasets/?page=1&page_size=2&organization=ville-de-bayonne"
    dataset = Dataset.objects.get(title="Arrêts de bus 2")
    assert (dataset.licence, dataset.frequency, dataset.state) == ("odc-odbl", "MONTHLY", "published")
    assert dataset.temporal_start == datetime.date(2023, 1, 1)
    assert sorted(dataset.resources.values_list("kind", "format")) == [("documentation", "pdf"), ("remote", "geojson")]
    assert dataset.harvest_record.remote_url == "https://www.data.gouv.fr/fr/datasets/arrets-de-bus-2/"
    assert not Dataset.objects.filter(title="Arrêts de bus 1").exists()  # private


def test_udata_refuses_an_answer_without_data(portal, editor):
    portal.route("/api/1/datasets/", Reply({"message": "Not found"}))
    run = harvest(make_source(editor, portal, "udata"))
    assert run.state == "failed" and "« data »" in run.message


def test_opendatasoft(portal, editor, monkeypatch):
    monkeypatch.setattr(OdsAdapter, "page_size", 2)
    portal.route("/api/explore/v2.1/catalog/datasets", ods_list([ods_dataset(n) for n in range(3)]))
    source = make_source(editor, portal, "ods", refine="publisher:Ville de Biarritz")
    run = harvest(source)
    assert (run.state, run.created) == ("succeeded", 3), run.message
    assert portal.requests[0].startswith("/api/explore/v2.1/catalog/datasets?limit=2&offset=0&refine=publisher")
    dataset = Dataset.objects.get(title="Équipements sportifs 1")
    assert (dataset.licence, dataset.frequency) == ("lov2", "ANNUAL")
    assert dataset.description == "Liste des équipements sportifs."
    exports = f"{portal.base}/api/explore/v2.1/catalog/datasets/equipements-sportifs-1"
    assert sorted(dataset.resources.values_list("kind", "format", "url")) == [
        ("api", "json", f"{exports}/records"),
        ("remote", "csv", f"{exports}/exports/csv"),
        ("remote", "geojson", f"{exports}/exports/geojson"),
        ("remote", "json", f"{exports}/exports/json"),
    ]
    assert HarvestRecord.objects.get(dataset=dataset).remote_id == "da_000001"


def test_dcat_turtle_with_hydra_paging(portal, editor):
    portal.route("/catalog.ttl", Reply(dcat_page([0, 1], f"{portal.base}/catalog-2.ttl"), content_type=TURTLE))
    portal.route("/catalog-2.ttl", Reply(dcat_page([2], None), content_type=TURTLE))
    source = make_source(editor, portal, "dcat", url=f"{portal.base}/catalog.ttl")
    run = harvest(source)
    assert (run.state, run.created) == ("succeeded", 3), run.message
    dataset = Dataset.objects.get(title="Plages surveillées 2")  # the French title, not the English one
    assert (dataset.licence, dataset.frequency) == ("lov2", "WEEKLY")
    assert (dataset.temporal_start, dataset.temporal_end) == (datetime.date(2024, 6, 1), datetime.date(2024, 9, 30))
    assert sorted(dataset.keywords.values_list("name", flat=True)) == ["plages", "tourisme"]
    assert list(dataset.resources.values_list("title", "format", "url")) == [
        ("Plages (CSV)", "csv", "https://data.bidart.fr/files/plages-2.csv")
    ]
    record = dataset.harvest_record
    assert record.remote_id == "bidart-2" and record.remote_url == "https://data.bidart.fr/plages-2"
    assert counts_unchanged(harvest(source)) == 3


def counts_unchanged(run):
    assert run.state == "succeeded", run.message
    return run.unchanged


def test_dcat_rdf_xml(portal, editor):
    document = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
         xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://data.guethary.fr/d/1">
    <dct:identifier>guethary-1</dct:identifier>
    <dct:title>Horaires des marées</dct:title>
    <dct:license rdf:resource="https://creativecommons.org/licenses/by/4.0/"/>
    <dcat:distribution>
      <dcat:Distribution><dcat:accessURL rdf:resource="https://api.guethary.fr/marees"/>
        <dcat:accessService rdf:resource="https://api.guethary.fr/"/><dct:format>JSON</dct:format></dcat:Distribution>
    </dcat:distribution>
  </dcat:Dataset>
</rdf:RDF>"""
    portal.route("/catalog.rdf", Reply(document, content_type="application/rdf+xml"))
    run = harvest(make_source(editor, portal, "dcat", url=f"{portal.base}/catalog.rdf"))
    assert (run.state, run.created) == ("succeeded", 1), run.message
    dataset = Dataset.objects.get()
    assert dataset.licence == "cc-by"
    assert list(dataset.resources.values_list("kind", "format")) == [("api", "json")]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply("<html>Portail</html>", content_type="text/html"), "n'est pas du RDF"),
        (Reply("@prefix dcat: <broken", content_type=TURTLE), "n'est pas du RDF valide"),
        (Reply({"@context": "https://evil.example/context.jsonld"}, content_type="application/ld+json"), "contexte"),
    ],
)
def test_dcat_refuses_what_is_not_rdf(portal, editor, reply, message):
    portal.route("/catalog", reply)
    run = harvest(make_source(editor, portal, "dcat", url=f"{portal.base}/catalog"))
    assert run.state == "failed" and message in run.message


def test_dcat_next_page_pointing_back_is_refused(portal, editor):
    portal.route("/catalog.ttl", Reply(dcat_page([0], f"{portal.base}/catalog-2.ttl"), content_type=TURTLE))
    portal.route("/catalog-2.ttl", Reply(dcat_page([1], f"{portal.base}/catalog.ttl"), content_type=TURTLE))
    run = harvest(make_source(editor, portal, "dcat", url=f"{portal.base}/catalog.ttl"))
    assert run.state == "failed" and "deux fois la même page" in run.message


# --- Guesses ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("fr-lo", "Licence Ouverte"), ("lov2", "")),
        (("etalab-2.0",), ("lov2", "")),
        (("https://www.etalab.gouv.fr/licence-ouverte-open-licence",), ("lov2", "")),
        (("odc-odbl",), ("odc-odbl", "")),
        (("CC-BY-4.0",), ("cc-by", "")),
        (("cc-zero",), ("cc-zero", "")),
        (("https://creativecommons.org/publicdomain/zero/1.0/",), ("cc-zero", "")),
        (
            ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
            ("other", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ),
    ],
)
def test_guess_licence(candidates, expected):
    assert base.guess_licence(*candidates) == expected


def test_an_unknown_licence_without_address_is_a_record_error():
    with pytest.raises(base.RecordError, match="Licence inconnue"):
        base.guess_licence("notspecified")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://publications.europa.eu/resource/authority/frequency/ANNUAL", "ANNUAL"),
        ("http://purl.org/cld/freq/daily", "DAILY"),
        ("monthly", "MONTHLY"),
        ("semiannual", "BIANNUAL"),
        ("punctual", "NEVER"),
        ("Annual", "ANNUAL"),
        ("sometimes", "UNKNOWN"),
        (None, "UNKNOWN"),
    ],
)
def test_guess_frequency(value, expected):
    assert base.guess_frequency(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CSV", "csv"),
        (".xlsx", "xlsx"),
        ("text/csv", "csv"),
        ("https://www.iana.org/assignments/media-types/application/geo+json", "geojson"),
        ("http://publications.europa.eu/resource/authority/file-type/JSON", "json"),
        ("", ""),
    ],
)
def test_guess_format(value, expected):
    assert base.guess_format(value) == expected


def test_dates():
    assert base.parse_date("2024") == datetime.date(2024, 1, 1)
    assert base.parse_date("2024", end=True) == datetime.date(2024, 12, 31)
    assert base.parse_date("2024-02", end=True) == datetime.date(2024, 2, 29)
    assert base.parse_date("2024-13-40") is None
    assert base.temporal("2025-01-01", "2024-01-01") == (None, None)
