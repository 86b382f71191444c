"""The DCAT feed of the demo catalogue against the SEMIC DCAT-AP 3.0.1 shapes (zero sh:Violation) and as
data.gouv.fr's harvester reads it. The demo is loaded once for the module, as `manage.py load_demo` loads it (the
demo modules up to the catalogue's)."""

from __future__ import annotations

import io
import uuid

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from auzolan.catalog import demo as catalog_demo
from auzolan.catalog.models import Dataset
from auzolan.core.management.commands.load_demo import demo_modules
from tests.catalog.dcat.shapes import HYDRA, feed_graph, udata_read, violations
from tests.never500.world import world_fixture

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")  # rdflib's JSON-LD parser


def build_demo() -> None:
    for module in demo_modules():
        if getattr(module, "ORDER", 50) <= catalog_demo.ORDER:
            module.load(stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from world_fixture(django_db_setup, django_db_blocker, build=build_demo)


@pytest.fixture
def published(demo, db) -> set[str]:
    identifiers = {str(value) for value in Dataset.objects.published().values_list("identifier", flat=True)}
    assert len(identifiers) >= 10
    return identifiers


def test_demo_feed_has_no_shacl_violation(client, published):
    graph = feed_graph(client, "/catalog.ttl?page_size=7")  # three pages, followed through hydra:next
    assert udata_read(graph).keys() == published
    assert violations(graph) == []


def test_organisation_feed_of_the_demo_has_no_shacl_violation(client, published):
    organisation = Dataset.objects.published().values_list("organisation__slug", flat=True).first()
    graph = feed_graph(client, f"/organisations/{organisation}/catalog.ttl")
    assert 0 < len(udata_read(graph)) < len(published)
    assert violations(graph) == []


def _without_paging(graph: Graph) -> Graph:
    """The graph less its Hydra triples, whose page addresses name the format."""
    views = set(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    kept = Graph()
    for triple in graph:
        subject, predicate, obj = triple
        if subject not in views and obj not in views and not predicate.startswith(str(HYDRA)):
            kept.add(triple)
    return kept


@pytest.mark.parametrize(("url", "fmt"), [("/catalog.rdf", "xml"), ("/catalog.jsonld", "json-ld")])
def test_every_format_says_the_same(client, published, url, fmt):
    graph = feed_graph(client, url, fmt)
    assert len(graph) > 500
    assert isomorphic(_without_paging(graph), _without_paging(feed_graph(client, "/catalog.ttl")))


def test_data_gouv_fr_reads_every_demo_dataset(client, published):
    """udata's rules: identifier and title present, a URL for each resource, a licence among data.gouv.fr's."""
    read = udata_read(feed_graph(client, "/catalog.ttl"))
    assert read.keys() == published
    titles = dict(Dataset.objects.published().values_list("identifier", "title"))
    for identifier, dataset in read.items():
        assert dataset["title"] == titles[uuid.UUID(identifier)]
        assert dataset["licence"] == "lov2"
        assert dataset["resources"], identifier
        assert all(resource["url"].startswith("http://testserver/donnees/") for resource in dataset["resources"])
