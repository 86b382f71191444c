"""A page of the catalogue as a DCAT-AP 3 graph: the catalogue, its datasets and their distributions.

What each property says, and why (data.gouv.fr's harvester, udata, reads the feed with the rules of
`udata/core/dataset/rdf.py`; the SEMIC DCAT-AP 3.0.1 SHACL shapes check it in tests/catalog/dcat/):

- A dataset's node is its API address by stable identifier (`/api/v1/datasets/<uuid>`) and its `dct:identifier` the
  same UUID, which never changes (the slug may): data.gouv.fr matches harvested datasets on `dct:identifier`, so a
  new one would duplicate the dataset there.
- Licences: the URL data.gouv.fr recognises for each of our licences (its `License.guess` compares URLs without
  scheme or trailing slash), on every distribution (DCAT-AP) and on the dataset (udata reads it there first).
- Uploaded files: `dcat:downloadURL` and `dcat:accessURL` are the stable download address of the current version;
  `dcat:byteSize`, `dcat:mediaType` (IANA), `spdx:checksum` (SHA-256) come from that version. Remote files: their
  address as both. APIs: `dcat:accessURL` and a `dcat:DataService` (`dcat:accessService`, which udata turns into a
  resource of type "api"). Documentation is not a distribution of the data: it is the dataset's `foaf:page`.
- Every node a shape expects to be of a class carries its `rdf:type` (licence documents, concepts, locations…):
  consumers do not infer types, and neither does the validation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD

from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.catalog.resource_checks import ALLOWED_EXTENSIONS
from auzolan.catalog.vocabularies import EU_FREQUENCY, EU_THEME, LICENCES, Theme
from auzolan.core.http import public_url
from auzolan.organisations.models import Organisation

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_ACCESS_RIGHT = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
EU_FRENCH = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"
#: The public directory of French legal entities, by SIREN: a stable address for a publisher.
SIREN_AGENT = "https://annuaire-entreprises.data.gouv.fr/entreprise/"

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "spdx": SPDX,
    "hydra": HYDRA,
    "xsd": XSD,
    "owl": OWL,
    "adms": ADMS,
}

#: Our format codes → the EU file-type authority table.
FILE_TYPES = {
    "csv": "CSV",
    "tsv": "TSV",
    "txt": "TXT",
    "json": "JSON",
    "geojson": "GEOJSON",
    "xml": "XML",
    "xlsx": "XLSX",
    "xls": "XLS",
    "ods": "ODS",
    "parquet": "PARQUET",
    "pdf": "PDF",
    "zip": "ZIP",
    "html": "HTML",
    "shp": "SHP",
    "gpkg": "GPKG",
    "rdf": "RDF_XML",
    "ttl": "RDF_TURTLE",
}

#: The licence URL data.gouv.fr's list gives, where it differs from the one our pages link to
#: (data.gouv.fr /api/1/datasets/licenses/: "cc-by" and "cc-zero" are known by their opendefinition.org page).
DATAGOUV_LICENCE_URLS = {
    "cc-by": "http://www.opendefinition.org/licenses/cc-by",
    "cc-zero": "http://www.opendefinition.org/licenses/cc-zero",
}


def licence_url(dataset: Dataset) -> str:
    """The address of the dataset's licence that data.gouv.fr recognises ("" for another licence without one)."""
    if dataset.licence == "other":
        return dataset.licence_url
    return DATAGOUV_LICENCE_URLS.get(dataset.licence) or LICENCES[dataset.licence].url


@dataclass(frozen=True)
class Paging:
    """Where a page stands in the collection: its number (from 1), size, the total of items and the address of a
    page (`url(n)`)."""

    number: int
    size: int
    total: int
    page_url: str  # absolute address with "{page}" where the page number goes

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    def url(self, number: int) -> URIRef:
        return URIRef(self.page_url.format(page=number))


@dataclass(frozen=True)
class CatalogInfo:
    """The catalogue node: its address, title, description, home page and publisher (an organisation, or the agency
    when `organisation` is None)."""

    uri: str
    title: str
    description: str
    homepage: str
    organisation: Organisation | None
    modified: datetime.datetime | None


class _Builder:
    def __init__(self, request):
        self.request = request
        self.graph = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self._typed: set = set()
        self._agents: dict[int, URIRef] = {}

    def add(self, subject, predicate, obj) -> None:
        self.graph.add((subject, predicate, obj))

    def url(self, path: str) -> URIRef:
        return URIRef(public_url(path, self.request))

    def typed(self, node: URIRef, *classes, label: str = "", label_property=SKOS.prefLabel) -> URIRef:
        """A shared node (licence, theme, frequency…) with its types and label, described once per graph."""
        for cls in classes:
            if (node, cls) not in self._typed:
                self._typed.add((node, cls))
                self.add(node, RDF.type, cls)
        if label and (node, label_property) not in self._typed:
            self._typed.add((node, label_property))
            self.add(node, label_property, Literal(label, lang="fr"))
        return node

    # --- Agents ----------------------------------------------------------------------------------------------

    def agency(self) -> URIRef:
        if 0 not in self._agents:
            siren = settings.AGENCY_SIREN
            node = URIRef(SIREN_AGENT + siren) if siren else self.url("/") + "#agence"
            self._agents[0] = node
            self.add(node, RDF.type, FOAF.Agent)
            self.add(node, RDF.type, FOAF.Organization)
            self.add(node, FOAF.name, Literal(settings.AGENCY_NAME or settings.PLATFORM_NAME, lang="fr"))
            self.add(node, FOAF.homepage, self.url("/"))
            if siren:
                self.add(node, DCTERMS.identifier, Literal(siren))
        return self._agents[0]

    def organisation(self, organisation: Organisation) -> URIRef:
        node = self._agents.get(organisation.pk)
        if node is None:
            page = self.url(organisation.get_absolute_url())
            node = URIRef(SIREN_AGENT + organisation.siren) if organisation.siren else page
            self._agents[organisation.pk] = node
            self.add(node, RDF.type, FOAF.Agent)
            self.add(node, RDF.type, FOAF.Organization)
            self.add(node, FOAF.name, Literal(organisation.name, lang="fr"))
            self.add(node, FOAF.homepage, URIRef(organisation.website) if organisation.website else page)
            if organisation.siren:
                self.add(node, DCTERMS.identifier, Literal(organisation.siren))
        return node

    # --- Datasets --------------------------------------------------------------------------------------------

    def dataset(self, dataset: Dataset, catalog: URIRef) -> URIRef:
        node = self.url(reverse("api:dataset_detail", kwargs={"slug_or_identifier": str(dataset.identifier)}))
        add = self.add
        add(catalog, DCAT.dataset, node)
        add(node, RDF.type, DCAT.Dataset)
        add(node, DCTERMS.identifier, Literal(str(dataset.identifier)))
        add(node, DCTERMS.title, Literal(dataset.title, lang="fr"))
        add(node, DCTERMS.description, Literal(dataset.description.strip() or dataset.title, lang="fr"))
        add(node, DCAT.landingPage, self.typed(self.url(dataset.get_absolute_url()), FOAF.Document))
        add(node, DCTERMS.publisher, self.organisation(dataset.organisation))
        add(node, DCAT.contactPoint, self.contact_point(dataset))
        add(node, DCTERMS.language, self.typed(EU_FRENCH, DCTERMS.LinguisticSystem))
        add(node, DCTERMS.accessRights, self.typed(EU_ACCESS_RIGHT, DCTERMS.RightsStatement))
        issued = dataset.published_at or dataset.created_at
        add(node, DCTERMS.issued, Literal(issued))
        add(node, DCTERMS.modified, Literal(max(issued, dataset.last_modified or dataset.updated_at)))
        for keyword in dataset.keywords.all():
            add(node, DCAT.keyword, Literal(keyword.name, lang="fr"))
        for theme in dataset.themes.all():
            label = str(Theme(theme.code).label) if theme.code in Theme.values else theme.code
            add(node, DCAT.theme, self.typed(URIRef(EU_THEME + theme.code), SKOS.Concept, label=label))
        frequency = self.typed(URIRef(EU_FREQUENCY + dataset.frequency), DCTERMS.Frequency)
        add(node, DCTERMS.accrualPeriodicity, frequency)
        if dataset.temporal_start or dataset.temporal_end:
            period = BNode()
            add(period, RDF.type, DCTERMS.PeriodOfTime)
            if dataset.temporal_start:
                add(period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date))
            if dataset.temporal_end:
                add(period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date))
            add(node, DCTERMS.temporal, period)
        for location in self.locations(dataset):
            add(node, DCTERMS.spatial, location)
        licence = self.licence(dataset)
        if licence is not None:
            add(node, DCTERMS.license, licence)
        if dataset.schema is not None and dataset.schema.url:
            standard = self.typed(URIRef(dataset.schema.url), DCTERMS.Standard)
            add(standard, DCTERMS.title, Literal(dataset.schema.title, lang="fr"))
            if dataset.schema.version:
                add(standard, OWL.versionInfo, Literal(dataset.schema.version))
            add(node, DCTERMS.conformsTo, standard)
        for resource in dataset.resources.all():
            self.resource(dataset, resource, node, catalog, licence)
        return node

    def contact_point(self, dataset: Dataset) -> BNode:
        organisation = dataset.organisation
        contact = BNode()
        self.add(contact, RDF.type, VCARD.Kind)
        self.add(contact, RDF.type, VCARD.Organization)
        self.add(contact, VCARD.fn, Literal(dataset.contact_name or organisation.name, lang="fr"))
        self.add(contact, VCARD["organization-name"], Literal(organisation.name, lang="fr"))
        email = dataset.contact_email or organisation.contact_email
        if email:
            self.add(contact, VCARD.hasEmail, URIRef(f"mailto:{email}"))
        self.add(contact, VCARD.hasURL, self.url(organisation.get_absolute_url()))
        return contact

    def locations(self, dataset: Dataset) -> Iterable[URIRef]:
        territory = dataset.organisation.territory
        if dataset.whole_territory and territory is not None:
            node = self.typed(self.url(reverse("organisations:territory")), DCTERMS.Location, label=territory.name)
            if territory.siren:
                self.graph.set((node, DCTERMS.identifier, Literal(territory.siren)))
            yield node
        for commune in dataset.communes.all():
            node = self.typed(URIRef(INSEE_COMMUNE + commune.insee_code), DCTERMS.Location, label=commune.name)
            self.graph.set((node, DCTERMS.identifier, Literal(commune.insee_code)))
            yield node

    def licence(self, dataset: Dataset) -> URIRef | None:
        url = licence_url(dataset)
        if not url:
            return None
        title = LICENCES[dataset.licence].title if dataset.licence != "other" else ""
        node = self.typed(URIRef(url), DCTERMS.LicenseDocument)
        if title:
            self.graph.set((node, DCTERMS.title, Literal(title, lang="fr")))
        return node

    # --- Distributions ---------------------------------------------------------------------------------------

    def resource(self, dataset: Dataset, resource: Resource, node: URIRef, catalog: URIRef, licence) -> None:
        if resource.kind == Resource.Kind.DOCUMENTATION:
            if resource.url:
                page = self.typed(URIRef(resource.url), FOAF.Document)
                self.graph.set((page, DCTERMS.title, Literal(resource.title, lang="fr")))
                self.add(node, FOAF.page, page)
            return
        version = resource.current_version if resource.kind == Resource.Kind.FILE else None
        if resource.kind == Resource.Kind.FILE:
            if version is None:
                return  # nothing to download yet
            address = self.url(reverse("catalog:resource_download", args=(dataset.slug, resource.identifier)))
        elif resource.url:
            address = URIRef(resource.url)
        else:
            return
        add = self.add
        uri = self.url(reverse("api:resource_detail", kwargs={"identifier": resource.identifier}))
        add(node, DCAT.distribution, uri)
        add(uri, RDF.type, DCAT.Distribution)
        add(uri, DCTERMS.identifier, Literal(str(resource.identifier)))
        add(uri, DCTERMS.title, Literal(resource.title, lang="fr"))
        if resource.description.strip():
            add(uri, DCTERMS.description, Literal(resource.description.strip(), lang="fr"))
        add(uri, DCAT.accessURL, address)
        if resource.kind == Resource.Kind.API:
            service = URIRef(f"{uri}#service")
            add(service, RDF.type, DCAT.DataService)
            add(service, DCTERMS.title, Literal(resource.title, lang="fr"))
            add(service, DCAT.endpointURL, address)
            add(service, DCAT.servesDataset, node)
            if licence is not None:
                add(service, DCTERMS.license, licence)
            add(catalog, DCAT.service, service)
            add(uri, DCAT.accessService, service)
        else:
            add(uri, DCAT.downloadURL, address)
        add(uri, DCTERMS.issued, Literal(resource.created_at))
        add(uri, DCTERMS.modified, Literal(version.created_at if version is not None else resource.updated_at))
        if licence is not None:
            add(uri, DCTERMS.license, licence)
        fmt = (version.extension if version is not None else "") or resource.format
        if fmt in FILE_TYPES:
            add(uri, DCTERMS.format, self.typed(URIRef(EU_FILE_TYPE + FILE_TYPES[fmt]), DCTERMS.MediaTypeOrExtent))
        media_type = (version.mime_type if version is not None else "") or ALLOWED_EXTENSIONS.get(fmt, "")
        if media_type and resource.kind != Resource.Kind.API:
            add(uri, DCAT.mediaType, self.typed(URIRef(IANA_MEDIA_TYPES + media_type), DCTERMS.MediaType))
        if version is not None:
            self.file_version(uri, version)

    def file_version(self, uri: URIRef, version: ResourceVersion) -> None:
        self.add(uri, DCAT.byteSize, Literal(version.size, datatype=XSD.nonNegativeInteger))
        if version.sha256:
            checksum = BNode()
            self.add(checksum, RDF.type, SPDX.Checksum)
            self.add(checksum, SPDX.algorithm, self.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm))
            self.add(checksum, SPDX.checksumValue, Literal(version.sha256, datatype=XSD.hexBinary))
            self.add(uri, SPDX.checksum, checksum)


def catalog_graph(*, request, info: CatalogInfo, datasets: Iterable[Dataset], paging: Paging) -> Graph:
    """The graph of one page of a catalogue: the `dcat:Catalog` (also the `hydra:Collection` of its datasets, with
    their total) and the page's `hydra:PartialCollectionView` with its first, last, next and previous pages."""
    builder = _Builder(request)
    add = builder.add
    catalog = URIRef(info.uri)
    add(catalog, RDF.type, DCAT.Catalog)
    add(catalog, DCTERMS.title, Literal(info.title, lang="fr"))
    add(catalog, DCTERMS.description, Literal(info.description, lang="fr"))
    publisher = builder.organisation(info.organisation) if info.organisation is not None else builder.agency()
    add(catalog, DCTERMS.publisher, publisher)
    add(catalog, FOAF.homepage, builder.typed(URIRef(info.homepage), FOAF.Document))
    add(catalog, DCTERMS.language, builder.typed(EU_FRENCH, DCTERMS.LinguisticSystem))
    if info.modified is not None:
        add(catalog, DCTERMS.modified, Literal(info.modified))
    for dataset in datasets:
        builder.dataset(dataset, catalog)

    add(catalog, RDF.type, HYDRA.Collection)
    add(catalog, HYDRA.totalItems, Literal(paging.total))
    view = paging.url(paging.number)
    add(catalog, HYDRA.view, view)
    add(view, RDF.type, HYDRA.PartialCollectionView)
    add(view, HYDRA.itemsPerPage, Literal(paging.size))
    add(view, HYDRA.first, paging.url(1))
    add(view, HYDRA.last, paging.url(paging.last))
    if paging.number < paging.last:
        add(view, HYDRA.next, paging.url(paging.number + 1))
    if paging.number > 1:
        add(view, HYDRA.previous, paging.url(paging.number - 1))
    return builder.graph
