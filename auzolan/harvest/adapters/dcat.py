"""DCAT catalogues in RDF (Turtle, RDF/XML, JSON-LD, N-Triples), paged with Hydra (`hydra:next` of a
`hydra:PartialCollectionView`, or the older `hydra:nextPage`), read with rdflib — the way data.gouv.fr harvests.

Each page is parsed on its own; every `dcat:Dataset` becomes a plain dictionary (the raw record kept and hashed):
its identifier (`dct:identifier`, else its IRI), title (French preferred), description, keywords, licence (the
dataset's, else a distribution's), frequency, period (`dcat:startDate`/`endDate` or schema.org's), landing page and
distributions (`dcat:downloadURL`, else `dcat:accessURL`; an API when `dcat:accessService` is given).

JSON-LD with a remote `@context` is refused: rdflib would fetch it itself, outside the safe HTTP client.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS

from auzolan.catalog.models import Resource
from auzolan.core import safe_http
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

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
SCHEMA_S = Namespace("https://schema.org/")

FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/n3": "n3",
}
EXTENSIONS = {".ttl": "turtle", ".rdf": "xml", ".xml": "xml", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.5"


def _remote_context(value) -> bool:
    """Does a JSON-LD document name a context by address (which rdflib would fetch)?"""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key == "@context" and (
                    isinstance(child, str) or (isinstance(child, list) and any(isinstance(c, str) for c in child))
                ):
                    return True
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return False


class DcatAdapter(Adapter):
    kind = "dcat"

    def _parse(self, response: safe_http.Response) -> Graph:
        fmt = FORMATS.get(response.content_type)
        if fmt is None:
            path = urlsplit(response.url).path.lower()
            fmt = next((f for ext, f in EXTENSIONS.items() if path.endswith(ext)), None)
        if fmt is None or response.content_type == "text/html":
            raise SourceError(
                _("Réponse inattendue du catalogue DCAT : %(type)s n'est pas du RDF.")
                % {"type": response.content_type or _("type inconnu")}
            )
        if fmt == "json-ld":
            document = response.json()  # a JSON error becomes InvalidContent
            if _remote_context(document):
                raise SourceError(
                    _("Catalogue JSON-LD avec un contexte distant : donnez plutôt l'adresse Turtle ou RDF/XML.")
                )
        graph = Graph()
        try:
            graph.parse(data=response.body, format=fmt, publicID=response.url)
        except Exception as error:  # rdflib raises many kinds (syntax, XML, JSON-LD errors)
            raise SourceError(_("Le catalogue DCAT n'est pas du RDF valide (%(format)s).") % {"format": fmt}) from error
        return graph

    def pages(self) -> Iterator[list[dict]]:
        url, seen = self.url, set()
        while url:
            seen.add(url)
            response = self.fetcher.get(url, accept=ACCEPT)
            try:
                graph = self._parse(response)
            except safe_http.SafeHTTPError as error:
                raise SourceError(_("Le catalogue DCAT n'est pas du JSON-LD valide.")) from error
            yield [self._extract(graph, subject) for subject in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)))]
            url = self._next(graph, response.url)
            if url in seen:
                raise SourceError(
                    _("La source renvoie deux fois la même page (%(url)s) : moisson interrompue.") % {"url": url}
                )

    @staticmethod
    def _next(graph: Graph, current: str) -> str:
        for predicate in (HYDRA.next, HYDRA.nextPage):
            for value in graph.objects(None, predicate):
                if isinstance(value, URIRef | Literal) and str(value).strip():
                    return urljoin(current, str(value).strip())
        return ""

    # --- A dataset as a plain dictionary ----------------------------------------------------------------------

    @staticmethod
    def _literal(graph: Graph, subject, predicate) -> str:
        """One value, a French literal first, then one without language, then any (sorted: stable)."""
        values = list(graph.objects(subject, predicate))
        if not values:
            return ""
        by_language = sorted(values, key=lambda v: (getattr(v, "language", None) not in ("fr", None), str(v)))
        french = [v for v in by_language if getattr(v, "language", None) == "fr"]
        return str((french or by_language)[0]).strip()

    @staticmethod
    def _uri_or_label(graph: Graph, value) -> str:
        if isinstance(value, URIRef):
            return str(value)
        if isinstance(value, BNode):
            for predicate in (DCTERMS.identifier, DCTERMS.title, URIRef("http://www.w3.org/2000/01/rdf-schema#label")):
                label = graph.value(value, predicate)
                if label is not None:
                    return str(label)
            return ""
        return str(value)

    def _period(self, graph: Graph, subject) -> tuple[str, str]:
        for node in graph.objects(subject, DCTERMS.temporal):
            if isinstance(node, Literal):
                start, _sep, end = str(node).partition("/")
                return start, end
            for start_p, end_p in (
                (DCAT.startDate, DCAT.endDate),
                (SCHEMA.startDate, SCHEMA.endDate),
                (SCHEMA_S.startDate, SCHEMA_S.endDate),
            ):
                start, end = graph.value(node, start_p), graph.value(node, end_p)
                if start is not None or end is not None:
                    return text(start), text(end)
        return "", ""

    def _extract(self, graph: Graph, subject) -> dict:
        distributions = []
        for node in sorted(set(graph.objects(subject, DCAT.distribution)), key=str):
            url = graph.value(node, DCAT.downloadURL) or graph.value(node, DCAT.accessURL)
            distributions.append(
                {
                    "url": text(url),
                    "title": self._literal(graph, node, DCTERMS.title),
                    "description": self._literal(graph, node, DCTERMS.description),
                    "format": self._uri_or_label(graph, graph.value(node, DCTERMS.format) or "")
                    or self._uri_or_label(graph, graph.value(node, DCAT.mediaType) or ""),
                    "license": self._uri_or_label(graph, graph.value(node, DCTERMS.license) or ""),
                    "api": graph.value(node, DCAT.accessService) is not None,
                }
            )
        start, end = self._period(graph, subject)
        return {
            "uri": str(subject) if isinstance(subject, URIRef) else "",
            "identifier": self._literal(graph, subject, DCTERMS.identifier),
            "title": self._literal(graph, subject, DCTERMS.title),
            "description": self._literal(graph, subject, DCTERMS.description),
            "keywords": sorted(
                {str(k).strip() for k in graph.objects(subject, DCAT.keyword) if isinstance(k, Literal)}
            ),
            "license": self._uri_or_label(graph, graph.value(subject, DCTERMS.license) or "")
            or self._uri_or_label(graph, graph.value(subject, DCTERMS.rights) or ""),
            "frequency": self._uri_or_label(graph, graph.value(subject, DCTERMS.accrualPeriodicity) or ""),
            "temporal_start": start,
            "temporal_end": end,
            "landing_page": text(graph.value(subject, DCAT.landingPage)),
            "distributions": distributions,
        }

    def remote_id(self, raw: dict) -> str:
        return text(raw.get("identifier") or raw.get("uri"))

    def normalise(self, raw: dict) -> RemoteDataset:
        distributions = [d for d in raw.get("distributions") or () if isinstance(d, dict)]
        uri = text(raw.get("uri"))
        landing = text(raw.get("landing_page")) or (uri if uri.startswith(("http://", "https://")) else "")
        licence_candidates = [raw.get("license")] + [d.get("license") for d in distributions]
        licence, licence_url = guess_licence(*licence_candidates, fallback_url=landing)
        start, end = temporal(raw.get("temporal_start"), raw.get("temporal_end"))
        resources = [
            remote_resource(
                d.get("url"),
                title=d.get("title"),
                fmt=d.get("format"),
                kind=Resource.Kind.API if d.get("api") else Resource.Kind.REMOTE,
                description=d.get("description"),
            )
            for d in distributions
        ]
        return RemoteDataset(
            title=required_title(raw.get("title")),
            description=text(strip_tags(text(raw.get("description"))), DESCRIPTION_MAX),
            keywords=keywords(raw.get("keywords")),
            licence=licence,
            licence_url=licence_url,
            frequency=guess_frequency(raw.get("frequency")),
            temporal_start=start,
            temporal_end=end,
            landing_page=landing if len(landing) <= 1000 else "",
            resources=[r for r in resources if r is not None],
        )
