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
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from auzolan.catalog.dcat.rdf import RDF_TYPE, XSD, Graph, Literal, iri, text, typed
from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.catalog.resource_checks import ALLOWED_EXTENSIONS
from auzolan.catalog.vocabularies import EU_FREQUENCY, EU_THEME, LICENCES, Theme
from auzolan.core.http import public_url
from auzolan.organisations.models import Organisation


class _Namespace:
    """`DCAT.dataset` → "http://www.w3.org/ns/dcat#dataset" (not a str: `DCTERMS.title` is not `str.title`)."""

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._base + name
        setattr(self, name, value)  # found directly next time
        return value

    def __getitem__(self, name: str) -> str:
        return self._base + name

    def __str__(self) -> str:
        return self._base


DCAT = _Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = _Namespace("http://purl.org/dc/terms/")
FOAF = _Namespace("http://xmlns.com/foaf/0.1/")
SKOS = _Namespace("http://www.w3.org/2004/02/skos/core#")
OWL = _Namespace("http://www.w3.org/2002/07/owl#")
VCARD = _Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = _Namespace("http://spdx.org/rdf/terms#")
HYDRA = _Namespace("http://www.w3.org/ns/hydra/core#")
RDFS = _Namespace("http://www.w3.org/2000/01/rdf-schema#")

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
EU_FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"
#: The public directory of French legal entities, by SIREN: a stable address for a publisher.
SIREN_AGENT = "https://annuaire-entreprises.data.gouv.fr/entreprise/"

PREFIXES = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "skos": str(SKOS),
    "spdx": str(SPDX),
    "hydra": str(HYDRA),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "xsd": XSD,
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

    def url(self, number: int) -> str:
        return iri(self.page_url.format(page=number))


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


class _Route:
    """The absolute address of a URL pattern, reversed once and then filled in (`reverse` per dataset and resource
    took a third of the time of a page). Each parameter is reversed with a stand-in its converter accepts."""

    def __init__(self, base: str, name: str, *params: str, uuids: tuple[str, ...] = ()):
        stand_ins = {
            param: f"5e471e1a-0000-4000-8000-{index:012d}" if param in uuids else f"zz{param}zz"
            for index, param in enumerate(params)
        }
        path = reverse(name, kwargs=stand_ins)
        pattern = "(" + "|".join(re.escape(stand_in) for stand_in in stand_ins.values()) + ")"
        names = {stand_in: param for param, stand_in in stand_ins.items()}
        self.parts = [
            names.get(part, part) if index % 2 else part for index, part in enumerate(re.split(pattern, base + path))
        ]

    def __call__(self, **values) -> str:
        return iri("".join(values[part] if index % 2 else part for index, part in enumerate(self.parts)))


class _Builder:
    def __init__(self, request):
        self.request = request
        self.graph = Graph(PREFIXES)
        self.add = self.graph.add
        self._done: set = set()
        self._agents: dict[int, str] = {}
        self._pages: dict[int, str] = {}
        base = public_url("/", request)[:-1]
        self.dataset_uri = _Route(base, "api:dataset_detail", "slug_or_identifier")
        self.dataset_page = _Route(base, "catalog:dataset", "slug")
        self.resource_uri = _Route(base, "api:resource_detail", "identifier", uuids=("identifier",))
        self.download = _Route(base, "catalog:resource_download", "slug", "resource", uuids=("resource",))
        self.organisation_page = _Route(base, "organisations:detail", "slug")

    def once(self, *key) -> bool:
        """True the first time `key` is seen in this graph (a shared node is described once)."""
        if key in self._done:
            return False
        self._done.add(key)
        return True

    def url(self, path: str) -> str:
        return iri(public_url(path, self.request))

    def typed(self, node: str, *classes: str, label: str = "") -> str:
        """A shared node (licence, theme, frequency…) with its types and label, described once per graph."""
        for cls in classes:
            if self.once(node, cls):
                self.add(node, RDF_TYPE, cls)
        if label and self.once(node, "label"):
            self.add(node, SKOS.prefLabel, text(label))
        return node

    # --- Agents ----------------------------------------------------------------------------------------------

    def _agent(self, node: str, name: str, homepage: str, siren: str) -> str:
        self.add(node, RDF_TYPE, FOAF.Agent)
        self.add(node, RDF_TYPE, FOAF.Organization)
        self.add(node, FOAF.name, text(name))
        self.add(node, FOAF.homepage, homepage)
        if siren:
            self.add(node, DCTERMS.identifier, Literal(siren))
        return node

    def agency(self) -> str:
        if 0 not in self._agents:
            siren = settings.AGENCY_SIREN
            node = SIREN_AGENT + siren if siren else self.url("/") + "#agence"
            name = settings.AGENCY_NAME or settings.PLATFORM_NAME
            self._agents[0] = self._agent(node, name, self.url("/"), siren)
        return self._agents[0]

    def organisation_url(self, organisation: Organisation) -> str:
        page = self._pages.get(organisation.pk)
        if page is None:
            page = self._pages[organisation.pk] = self.organisation_page(slug=organisation.slug)
        return page

    def organisation(self, organisation: Organisation) -> str:
        node = self._agents.get(organisation.pk)
        if node is None:
            page = self.organisation_url(organisation)
            node = SIREN_AGENT + organisation.siren if organisation.siren else page
            homepage = iri(organisation.website) if organisation.website else page
            self._agents[organisation.pk] = self._agent(node, organisation.name, homepage, organisation.siren)
        return node

    # --- Datasets --------------------------------------------------------------------------------------------

    def dataset(self, dataset: Dataset, catalog: str) -> str:
        node = self.dataset_uri(slug_or_identifier=str(dataset.identifier))
        add = self.add
        add(catalog, DCAT.dataset, node)
        add(node, RDF_TYPE, DCAT.Dataset)
        add(node, DCTERMS.identifier, Literal(str(dataset.identifier)))
        add(node, DCTERMS.title, text(dataset.title))
        add(node, DCTERMS.description, text(dataset.description.strip() or dataset.title))
        add(node, DCAT.landingPage, self.typed(self.dataset_page(slug=dataset.slug), FOAF.Document))
        add(node, DCTERMS.publisher, self.organisation(dataset.organisation))
        add(node, DCAT.contactPoint, self.contact_point(dataset))
        add(node, DCTERMS.language, self.typed(EU_FRENCH, DCTERMS.LinguisticSystem))
        add(node, DCTERMS.accessRights, self.typed(EU_ACCESS_RIGHT, DCTERMS.RightsStatement))
        issued = dataset.published_at or dataset.created_at
        add(node, DCTERMS.issued, typed(issued))
        add(node, DCTERMS.modified, typed(max(issued, dataset.last_modified or dataset.updated_at)))
        for keyword in dataset.dcat_keywords:
            add(node, DCAT.keyword, text(keyword))
        for code in dataset.dcat_themes:
            concept = EU_THEME + code
            if self.once(concept, "theme"):
                self.typed(concept, SKOS.Concept, label=str(Theme(code).label) if code in Theme.values else code)
            add(node, DCAT.theme, concept)
        add(node, DCTERMS.accrualPeriodicity, self.typed(EU_FREQUENCY + dataset.frequency, DCTERMS.Frequency))
        if dataset.temporal_start or dataset.temporal_end:
            period = self.graph.blank()
            add(period, RDF_TYPE, DCTERMS.PeriodOfTime)
            if dataset.temporal_start:
                add(period, DCAT.startDate, typed(dataset.temporal_start))
            if dataset.temporal_end:
                add(period, DCAT.endDate, typed(dataset.temporal_end))
            add(node, DCTERMS.temporal, period)
        for location in self.locations(dataset):
            add(node, DCTERMS.spatial, location)
        licence = self.licence(dataset)
        if licence:
            add(node, DCTERMS.license, licence)
        schema = dataset.schema
        if schema is not None and schema.url:
            standard = self.typed(iri(schema.url), DCTERMS.Standard)
            if self.once(standard, "title"):
                add(standard, DCTERMS.title, text(schema.title))
                if schema.version:
                    add(standard, OWL.versionInfo, Literal(schema.version))
            add(node, DCTERMS.conformsTo, standard)
        for resource in dataset.dcat_resources:
            self.resource(dataset, resource, node, catalog, licence)
        return node

    def contact_point(self, dataset: Dataset) -> str:
        organisation = dataset.organisation
        contact = self.graph.blank()
        self.add(contact, RDF_TYPE, VCARD.Kind)
        self.add(contact, RDF_TYPE, VCARD.Organization)
        self.add(contact, VCARD.fn, text(dataset.contact_name or organisation.name))
        self.add(contact, VCARD["organization-name"], text(organisation.name))
        email = dataset.contact_email or organisation.contact_email
        if email:
            self.add(contact, VCARD.hasEmail, iri(f"mailto:{email}"))
        self.add(contact, VCARD.hasURL, self.organisation_url(organisation))
        return contact

    def locations(self, dataset: Dataset) -> Iterable[str]:
        territory = dataset.organisation.territory
        if dataset.whole_territory and territory is not None:
            node = self.typed(self.url(reverse("organisations:territory")), DCTERMS.Location, label=territory.name)
            if territory.siren and self.once(node, "identifier"):
                self.add(node, DCTERMS.identifier, Literal(territory.siren))
            yield node
        for code, name in dataset.dcat_communes:
            node = self.typed(INSEE_COMMUNE + iri(code), DCTERMS.Location, label=name)
            if self.once(node, "identifier"):
                self.add(node, DCTERMS.identifier, Literal(code))
            yield node

    def licence(self, dataset: Dataset) -> str:
        url = licence_url(dataset)
        if not url:
            return ""
        node = self.typed(iri(url), DCTERMS.LicenseDocument)
        if dataset.licence != "other" and self.once(node, "title"):
            self.add(node, DCTERMS.title, text(LICENCES[dataset.licence].title))
        return node

    # --- Distributions ---------------------------------------------------------------------------------------

    def resource(self, dataset: Dataset, resource: Resource, node: str, catalog: str, licence: str) -> None:
        add = self.add
        if resource.kind == Resource.Kind.DOCUMENTATION:
            if resource.url:
                page = self.typed(iri(resource.url), FOAF.Document)
                if self.once(page, "title"):
                    add(page, DCTERMS.title, text(resource.title))
                add(node, FOAF.page, page)
            return
        version = resource.current_version if resource.kind == Resource.Kind.FILE else None
        if resource.kind == Resource.Kind.FILE:
            if version is None:
                return  # nothing to download yet
            address = self.download(slug=dataset.slug, resource=str(resource.identifier))
        elif resource.url:
            address = iri(resource.url)
        else:
            return
        uri = self.resource_uri(identifier=str(resource.identifier))
        add(node, DCAT.distribution, uri)
        add(uri, RDF_TYPE, DCAT.Distribution)
        add(uri, DCTERMS.identifier, Literal(str(resource.identifier)))
        add(uri, DCTERMS.title, text(resource.title))
        if resource.description.strip():
            add(uri, DCTERMS.description, text(resource.description.strip()))
        add(uri, DCAT.accessURL, address)
        if resource.kind == Resource.Kind.API:
            service = f"{uri}#service"
            add(service, RDF_TYPE, DCAT.DataService)
            add(service, DCTERMS.title, text(resource.title))
            add(service, DCAT.endpointURL, self.typed(address, RDFS.Resource))
            add(service, DCAT.servesDataset, node)
            if licence:
                add(service, DCTERMS.license, licence)
            add(catalog, DCAT.service, service)
            add(uri, DCAT.accessService, service)
        else:
            add(uri, DCAT.downloadURL, address)
        add(uri, DCTERMS.issued, typed(resource.created_at))
        add(uri, DCTERMS.modified, typed(version.created_at if version is not None else resource.updated_at))
        if licence:
            add(uri, DCTERMS.license, licence)
        fmt = (version.extension if version is not None else "") or resource.format
        if fmt in FILE_TYPES:
            add(uri, DCTERMS.format, self.typed(EU_FILE_TYPE + FILE_TYPES[fmt], DCTERMS.MediaTypeOrExtent))
        media_type = (version.mime_type if version is not None else "") or ALLOWED_EXTENSIONS.get(fmt, "")
        if media_type and resource.kind != Resource.Kind.API:
            add(uri, DCAT.mediaType, self.typed(iri(IANA_MEDIA_TYPES + media_type), DCTERMS.MediaType))
        if version is not None:
            self.file_version(uri, version)

    def file_version(self, uri: str, version: ResourceVersion) -> None:
        self.add(uri, DCAT.byteSize, Literal(str(version.size), datatype=XSD + "nonNegativeInteger"))
        if version.sha256:
            checksum = self.graph.blank()
            self.add(checksum, RDF_TYPE, SPDX.Checksum)
            self.add(checksum, SPDX.algorithm, self.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm))
            self.add(checksum, SPDX.checksumValue, Literal(version.sha256, datatype=XSD + "hexBinary"))
            self.add(uri, SPDX.checksum, checksum)


def catalog_graph(*, request, info: CatalogInfo, datasets: Iterable[Dataset], paging: Paging) -> Graph:
    """The graph of one page of a catalogue (`datasets` as `selectors.dcat_page` gives them): the `dcat:Catalog`
    (also the `hydra:Collection` of its datasets, with their total) and the page's `hydra:PartialCollectionView`
    with its first, last, next and previous pages."""
    builder = _Builder(request)
    add = builder.add
    catalog = iri(info.uri)
    add(catalog, RDF_TYPE, DCAT.Catalog)
    add(catalog, DCTERMS.title, text(info.title))
    add(catalog, DCTERMS.description, text(info.description))
    publisher = builder.organisation(info.organisation) if info.organisation is not None else builder.agency()
    add(catalog, DCTERMS.publisher, publisher)
    add(catalog, FOAF.homepage, builder.typed(iri(info.homepage), FOAF.Document))
    add(catalog, DCTERMS.language, builder.typed(EU_FRENCH, DCTERMS.LinguisticSystem))
    if info.modified is not None:
        add(catalog, DCTERMS.modified, typed(info.modified))
    for dataset in datasets:
        builder.dataset(dataset, catalog)

    add(catalog, RDF_TYPE, HYDRA.Collection)
    add(catalog, HYDRA.totalItems, typed(paging.total))
    view = paging.url(paging.number)
    add(catalog, HYDRA.view, view)
    add(view, RDF_TYPE, HYDRA.PartialCollectionView)
    add(view, HYDRA.itemsPerPage, typed(paging.size))
    add(view, HYDRA.first, paging.url(1))
    add(view, HYDRA.last, paging.url(paging.last))
    if paging.number < paging.last:
        add(view, HYDRA.next, paging.url(paging.number + 1))
    if paging.number > 1:
        add(view, HYDRA.previous, paging.url(paging.number - 1))
    return builder.graph
