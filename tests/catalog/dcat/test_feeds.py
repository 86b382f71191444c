"""The DCAT-AP feeds over HTTP: formats, content negotiation, paging, per organisation, what is (never) in them, the
properties of datasets and distributions, the publishers' page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from auzolan.catalog import services
from auzolan.catalog.models import Dataset, DatasetTheme, Resource
from tests.accounts.factories import UserFactory
from tests.catalog.dcat.shapes import HYDRA, feed_graph, local, udata_read, violations
from tests.catalog.factories import DatasetFactory, KeywordFactory, ResourceFactory, TableSchemaFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")]

SPDX = Namespace("http://spdx.org/rdf/terms#")
PARSERS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def identifiers(graph: Graph) -> set[str]:
    return {str(graph.value(node, DCTERMS.identifier)) for node in graph.subjects(RDF.type, DCAT.Dataset)}


def parse(response, fmt: str) -> Graph:
    return Graph().parse(data=response.content, format=PARSERS[fmt])


@pytest.fixture
def editor():
    return UserFactory()


@pytest.fixture
def organisation(editor):
    organisation = OrganisationFactory(name="Commune d'Ustaritz", slug="ustaritz", siren="216405472")
    MembershipFactory(organisation=organisation, user=editor, role="editor")
    return organisation


@pytest.fixture
def catalogue(organisation):
    """Two published datasets, a draft and an archive of the organisation; one published dataset of another."""
    return {
        "published": [DatasetFactory(organisation=organisation) for _ in range(2)],
        "draft": DatasetFactory(organisation=organisation, state=Dataset.State.DRAFT),
        "archived": DatasetFactory(organisation=organisation, state=Dataset.State.ARCHIVED),
        "other": DatasetFactory(),
    }


# --- Formats and negotiation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("ttl", "text/turtle"), ("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json")],
)
def test_every_format_lists_the_published_datasets_and_only_them(client, catalogue, fmt, content_type):
    response = client.get(f"/catalog.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    published = {str(d.identifier) for d in [*catalogue["published"], catalogue["other"]]}
    assert identifiers(parse(response, fmt)) == published


@pytest.mark.parametrize("fmt", PARSERS)
def test_organisation_feed_lists_only_its_datasets(client, catalogue, organisation, fmt):
    response = client.get(f"/organisations/{organisation.slug}/catalog.{fmt}")
    graph = parse(response, fmt)
    assert identifiers(graph) == {str(d.identifier) for d in catalogue["published"]}
    catalog = graph.value(predicate=RDF.type, object=DCAT.Catalog)
    assert str(catalog) == f"http://testserver/organisations/{organisation.slug}/catalog"
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert str(publisher) == "https://annuaire-entreprises.data.gouv.fr/entreprise/216405472"
    assert str(graph.value(publisher, FOAF.name)) == "Commune d'Ustaritz"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("application/rdf+xml;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle"),  # a browser
        ("image/png", "text/turtle"),
        ("", "text/turtle"),
    ],
)
def test_catalog_negotiates_its_format(client, catalogue, organisation, accept, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    for url in ("/catalog", f"/organisations/{organisation.slug}/catalog"):
        response = client.get(url, **headers)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert "Accept" in response["Vary"]
        fmt = {"text/turtle": "ttl", "application/rdf+xml": "rdf", "application/ld+json": "jsonld"}[content_type]
        assert identifiers(parse(response, fmt))


def test_the_page_cache_keeps_one_entry_per_negotiated_format(
    client, catalogue, page_cache, django_capture_on_commit_callbacks
):
    for _ in range(2):
        assert client.get("/catalog", HTTP_ACCEPT="application/ld+json")["Content-Type"].startswith("application/ld")
        assert client.get("/catalog", HTTP_ACCEPT="text/turtle")["Content-Type"].startswith("text/turtle")
    with django_capture_on_commit_callbacks(execute=True):
        DatasetFactory(organisation=catalogue["other"].organisation, title="Publié après coup")
    assert "Publié après coup" in client.get("/catalog", HTTP_ACCEPT="text/turtle").content.decode()


def test_head_answers_the_content_type_harvesters_ask_for(client, catalogue):
    response = client.head("/catalog")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/turtle")
    assert client.post("/catalog.ttl").status_code == 405


# --- Paging ------------------------------------------------------------------------------------------------


def test_pages_link_to_each_other_and_cover_the_catalogue_once(client, organisation):
    datasets = [DatasetFactory(organisation=organisation) for _ in range(5)]
    seen = []
    url = "/catalog.ttl?page_size=2"
    pages = []
    while url:
        graph = parse(client.get(url), "ttl")
        pages.append(graph)
        seen += sorted(identifiers(graph))
        following = next(graph.objects(None, HYDRA.next), None)
        url = local(following) if following is not None else ""
    assert len(pages) == 3
    assert sorted(seen) == sorted(str(d.identifier) for d in datasets)
    first, _middle, last = pages
    catalog = URIRef("http://testserver/catalog")
    assert first.value(catalog, HYDRA.totalItems) == Literal(5)
    view = first.value(catalog, HYDRA.view)
    assert (view, RDF.type, HYDRA.PartialCollectionView) in first
    assert str(view) == "http://testserver/catalog.ttl?page=1&page_size=2"
    assert str(first.value(view, HYDRA.first)) == "http://testserver/catalog.ttl?page=1&page_size=2"
    assert str(first.value(view, HYDRA.last)) == "http://testserver/catalog.ttl?page=3&page_size=2"
    assert str(first.value(view, HYDRA.next)) == "http://testserver/catalog.ttl?page=2&page_size=2"
    assert first.value(view, HYDRA.previous) is None
    last_view = last.value(catalog, HYDRA.view)
    assert last.value(last_view, HYDRA.next) is None
    assert str(last.value(last_view, HYDRA.previous)) == "http://testserver/catalog.ttl?page=2&page_size=2"
    assert len(identifiers(last)) == 1


def test_negotiated_pages_link_to_the_format_chosen(client, organisation):
    DatasetFactory.create_batch(3, organisation=organisation)
    graph = parse(client.get("/catalog?page_size=2", HTTP_ACCEPT="application/rdf+xml"), "rdf")
    assert str(next(graph.objects(None, HYDRA.next))) == "http://testserver/catalog.rdf?page=2&page_size=2"


def test_an_empty_catalogue_is_one_empty_page(client, settings):
    settings.PLATFORM_NAME = "Auzolan"
    graph = parse(client.get("/catalog.ttl"), "ttl")
    title = graph.value(URIRef("http://testserver/catalog"), DCTERMS.title)
    assert title == Literal("Catalogue des données ouvertes d'Auzolan", lang="fr")
    assert identifiers(graph) == set()
    assert graph.value(URIRef("http://testserver/catalog"), HYDRA.totalItems) == Literal(0)
    assert client.get("/catalog.ttl?page=2").status_code == 404


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=0", 400),
        ("page=-1", 400),
        ("page=abc", 400),
        ("page=", 400),
        ("page=1.5", 400),
        ("page=" + "9" * 40, 400),
        ("page_size=0", 400),
        ("page_size=1001", 400),
        ("page_size=cent", 400),
        ("page=3", 404),
        ("page=1000000000", 404),
        ("page_size=1000", 200),
        ("page=2&page_size=1", 200),
    ],
)
def test_bad_paging_is_refused_never_a_500(client, catalogue, organisation, query, status):
    for url in ("/catalog.ttl", "/catalog", f"/organisations/{organisation.slug}/catalog.jsonld"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == status, (url, query)
        if status != 200:
            assert response["Content-Type"].startswith("text/plain")


def test_unknown_or_hidden_organisation_has_no_feed(client, catalogue):
    assert client.get("/organisations/nexiste-pas/catalog.ttl").status_code == 404
    prospect = OrganisationFactory(membership_status="prospect")
    DatasetFactory(organisation=prospect)
    assert client.get(f"/organisations/{prospect.slug}/catalog.ttl").status_code == 404
    assert client.get(f"/organisations/{prospect.slug}/catalog").status_code == 404


# --- Content -----------------------------------------------------------------------------------------------


def test_identifiers_and_addresses_stay_when_a_dataset_is_edited(client, editor, catalogue):
    dataset = catalogue["published"][0]
    before = parse(client.get("/catalog.ttl"), "ttl")
    node = before.value(predicate=DCTERMS.identifier, object=Literal(str(dataset.identifier)))
    services.dataset_update(actor=editor, dataset=dataset, revision=dataset.revision, title="Un tout autre titre")
    Dataset.objects.filter(pk=dataset.pk).update(slug="une-autre-adresse")
    after = parse(client.get("/catalog.ttl"), "ttl")
    assert identifiers(after) == identifiers(before)
    assert after.value(predicate=DCTERMS.identifier, object=Literal(str(dataset.identifier))) == node
    assert str(after.value(node, DCTERMS.title)) == "Un tout autre titre"
    assert str(after.value(node, DCAT.landingPage)) == "http://testserver/donnees/une-autre-adresse/"


def test_unpublished_and_archived_datasets_leave_the_feed(client, editor, catalogue):
    dataset = catalogue["published"][0]
    services.dataset_archive(actor=editor, dataset=dataset)
    assert str(dataset.identifier) not in identifiers(parse(client.get("/catalog.ttl"), "ttl"))


@pytest.fixture
def described(organisation, editor):
    """A dataset with every property the feed carries, and one resource of each kind."""
    schema = TableSchemaFactory(url="https://schema.data.gouv.fr/scdl/subventions/2.1.1/schema.json", version="2.1.1")
    commune = CommuneFactory(insee_code="64547", name="Ustaritz")
    organisation.communes.add(commune)
    dataset = services.dataset_create(
        actor=editor,
        organisation=organisation,
        title="Subventions aux associations",
        description="Les subventions versées en 2025.\r\nUne ligne par convention.",
        keywords=["subventions", "associations"],
        themes=["ECON", "GOVE"],
        communes=[commune],
        frequency="ANNUAL",
        temporal_start=datetime.date(2025, 1, 1),
        temporal_end=datetime.date(2025, 12, 31),
        licence="odc-odbl",
        contact_name="Service des finances",
        contact_email="finances@ustaritz.fr",
        schema=schema,
    )
    services.resource_add(
        actor=editor,
        dataset=dataset,
        kind=Resource.Kind.FILE,
        title="Subventions 2025 (CSV)",
        file=ContentFile(b"nom,montant\nClub,1200\n", name="subventions.csv"),
        format="csv",
    )
    services.resource_add(
        actor=editor, dataset=dataset, kind="remote", title="Version JSON", url="https://exemple.fr/s.json"
    )
    services.resource_add(
        actor=editor, dataset=dataset, kind="api", title="API des subventions", url="https://api.exemple.fr/v1/"
    )
    services.resource_add(
        actor=editor, dataset=dataset, kind="documentation", title="Notice", url="https://exemple.fr/notice.html"
    )
    return services.dataset_publish(actor=editor, dataset=dataset)


def test_a_dataset_carries_the_dcat_ap_properties(client, described, organisation):
    graph = parse(client.get("/catalog.ttl"), "ttl")
    node = URIRef(f"http://testserver/api/v1/datasets/{described.identifier}")
    value = graph.value
    assert (node, RDF.type, DCAT.Dataset) in graph
    assert value(node, DCTERMS.identifier) == Literal(str(described.identifier))
    assert value(node, DCTERMS.title) == Literal("Subventions aux associations", lang="fr")
    assert str(value(node, DCTERMS.description)) == "Les subventions versées en 2025.\nUne ligne par convention."
    assert str(value(node, DCAT.landingPage)) == f"http://testserver/donnees/{described.slug}/"
    assert {str(k) for k in graph.objects(node, DCAT.keyword)} == {"subventions", "associations"}
    themes = set(graph.objects(node, DCAT.theme))
    assert themes == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE"),
    }
    assert all((theme, RDF.type, SKOS.Concept) in graph for theme in themes)
    assert str(value(node, DCTERMS.accrualPeriodicity)).endswith("/frequency/ANNUAL")
    period = value(node, DCTERMS.temporal)
    assert value(period, DCAT.startDate) == Literal(datetime.date(2025, 1, 1), datatype=XSD.date)
    assert value(period, DCAT.endDate) == Literal(datetime.date(2025, 12, 31), datatype=XSD.date)
    place = value(node, DCTERMS.spatial)
    assert str(place) == "http://id.insee.fr/geo/commune/64547"
    assert str(value(place, SKOS.prefLabel)) == "Ustaritz"
    assert str(value(node, DCTERMS.conformsTo)) == "https://schema.data.gouv.fr/scdl/subventions/2.1.1/schema.json"
    assert str(value(node, DCTERMS.license)) == "http://opendatacommons.org/licenses/odbl/summary/"
    assert str(value(node, DCTERMS.accessRights)).endswith("/access-right/PUBLIC")
    assert value(node, DCTERMS.issued).datatype == XSD.dateTime
    assert value(node, DCTERMS.modified).datatype == XSD.dateTime
    contact = value(node, DCAT.contactPoint)
    assert str(value(contact, URIRef("http://www.w3.org/2006/vcard/ns#fn"))) == "Service des finances"
    assert str(value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) == "mailto:finances@ustaritz.fr"
    assert str(value(node, FOAF.page)) == "https://exemple.fr/notice.html"  # documentation is no distribution
    assert len(list(graph.objects(node, DCAT.distribution))) == 3


def test_distributions_of_each_kind(client, described):
    graph = parse(client.get("/catalog.ttl"), "ttl")
    value = graph.value
    resources = {r.kind: r for r in described.resources.select_related("current_version")}
    file, version = resources["file"], resources["file"].current_version
    node = URIRef(f"http://testserver/api/v1/resources/{file.identifier}")
    download = value(node, DCAT.downloadURL)
    assert download == value(node, DCAT.accessURL)
    assert str(download) == f"http://testserver/donnees/{described.slug}/ressources/{file.identifier}/telecharger/"
    response = client.get(local(download))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"nom,montant\nClub,1200\n"
    assert value(node, DCAT.byteSize) == Literal(version.size, datatype=XSD.nonNegativeInteger)
    assert str(value(node, DCAT.mediaType)) == "https://www.iana.org/assignments/media-types/text/csv"
    assert str(value(node, DCTERMS.format)) == "http://publications.europa.eu/resource/authority/file-type/CSV"
    checksum = value(node, SPDX.checksum)
    assert value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(value(checksum, SPDX.checksumValue)) == version.sha256
    assert str(value(node, DCTERMS.license)) == "http://opendatacommons.org/licenses/odbl/summary/"

    remote = URIRef(f"http://testserver/api/v1/resources/{resources['remote'].identifier}")
    assert str(value(remote, DCAT.downloadURL)) == str(value(remote, DCAT.accessURL)) == "https://exemple.fr/s.json"
    assert str(value(remote, DCTERMS.format)).endswith("/file-type/JSON")

    api = URIRef(f"http://testserver/api/v1/resources/{resources['api'].identifier}")
    assert value(api, DCAT.downloadURL) is None
    assert str(value(api, DCAT.accessURL)) == "https://api.exemple.fr/v1/"
    service = value(api, DCAT.accessService)
    assert (service, RDF.type, DCAT.DataService) in graph
    assert str(value(service, DCAT.endpointURL)) == "https://api.exemple.fr/v1/"
    assert (URIRef("http://testserver/catalog"), DCAT.service, service) in graph


def test_every_kind_of_dataset_passes_the_shapes_and_data_gouv_fr(client, described, organisation):
    """The cases the demo has not: an API, a remote file, another licence with its address, the whole territory,
    no period, no description, no contact, a file not uploaded yet, an organisation without SIREN."""
    plain = OrganisationFactory(siren="", website="https://www.exemple-commune.fr/")
    other = DatasetFactory(
        organisation=plain, licence="other", licence_url="https://exemple.fr/licence", description="", frequency="IRREG"
    )
    DatasetFactory(organisation=plain, licence="cc-by", whole_territory=True)
    DatasetFactory(organisation=organisation, licence="cc-zero")
    ResourceFactory(dataset=other, kind="file", url="", format="csv")  # no version yet
    ResourceFactory(dataset=other, kind="remote", url="https://exemple.fr/données brutes|2025.csv")
    DatasetTheme.objects.create(dataset=other, code="ENVI")
    other.keywords.add(KeywordFactory(name="déchets"))
    graph = feed_graph(client, "/catalog.ttl?page_size=2")
    assert violations(graph) == []
    read = udata_read(graph)
    assert {dataset["licence"] for dataset in read.values()} == {"odc-odbl", "cc-by", "cc-zero", None}
    assert read[str(described.identifier)]["licence"] == "odc-odbl"
    assert read[str(other.identifier)]["licence"] is None  # another licence: data.gouv.fr guesses from its title
    # the file without a version has nothing to download yet; characters an IRI may not hold are percent-encoded
    assert [r["url"] for r in read[str(other.identifier)]["resources"]] == [
        "https://exemple.fr/données%20brutes%7C2025.csv"
    ]


def test_text_with_control_characters_reads_the_same_in_every_format(client, organisation):
    DatasetFactory(organisation=organisation, title='Titre "cité" <b>&amp;</b> \\ fin', description="a\x0bb\r\nc\td")
    graphs = {fmt: parse(client.get(f"/catalog.{fmt}"), fmt) for fmt in PARSERS}
    for graph in graphs.values():
        node = graph.value(predicate=RDF.type, object=DCAT.Dataset)
        assert str(graph.value(node, DCTERMS.title)) == 'Titre "cité" <b>&amp;</b> \\ fin'
        assert str(graph.value(node, DCTERMS.description)) == "ab\nc\td"


# --- The publishers' page ----------------------------------------------------------------------------------


def test_help_page_gives_each_publisher_the_address_of_their_feed(client, editor, organisation, catalogue):
    url = reverse("catalog:dcat_help")
    assert url == "/aide/data-gouv-fr/"
    anonymous = client.get(url).content.decode()
    assert anonymous.count("<h1") == 1
    assert "http://testserver/organisations/votre-organisation/catalog.ttl" in anonymous
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert f"http://testserver/organisations/{organisation.slug}/catalog.ttl" in page
    assert "2 jeux de données publiés" in page
    assert "pas encore public" not in page
    organisation.membership_status = "prospect"
    organisation.save()
    assert "pas encore public" in client.get(url).content.decode()
    home = client.get(reverse("catalog:publish_home")).content.decode()
    assert f'href="{url}"' in home
    assert f'href="{url}"' in client.get(organisation.get_absolute_url()).content.decode()


def test_help_page_is_linked_from_the_footer(client, db):
    assert 'href="/aide/data-gouv-fr/"' in client.get("/").content.decode()
