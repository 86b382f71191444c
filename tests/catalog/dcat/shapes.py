"""What the DCAT tests read the feed with: the SEMIC DCAT-AP 3.0.1 shapes (pyshacl, from local files only) and
data.gouv.fr's harvesting rules (udata `udata/core/dataset/rdf.py`, as the research notes §3 summarise them)."""

from __future__ import annotations

import functools
import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pyshacl
import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF, SH

HERE = Path(__file__).resolve().parent
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


@functools.cache
def shapes_graph() -> Graph:
    graph = Graph()
    for name in ("dcat-ap-SHACL.ttl", "ranges.ttl"):
        graph.parse(HERE / "shacl" / name, format="turtle")
    for subject, predicate, shape in list(graph.triples((None, SH.property, None))):
        if (shape, None, None) not in graph:  # referenced by ranges.ttl, defined nowhere (see shacl/README.md)
            graph.remove((subject, predicate, shape))
    return graph


def _no_network(*args, **kwargs):
    raise AssertionError("The SHACL validation must not use the network.")


def violations(data: Graph) -> list[str]:
    """The sh:Violation results of validating `data` (no inference; shapes from files; any connection fails)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        patch.setattr(socket, "create_connection", _no_network)
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=shapes_graph(), inference="none", do_owl_imports=False, allow_warnings=True
        )
    return [
        f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
        f"{report.value(result, SH.resultMessage)} ({report.value(result, SH.value)})"
        for result in report.subjects(RDF.type, SH.ValidationResult)
        if (result, SH.resultSeverity, SH.Violation) in report
    ]


def local(url) -> str:
    """The path and query of an absolute address of the feed, for the test client."""
    parts = urlsplit(str(url))
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def feed_graph(client, url: str, fmt: str = "turtle") -> Graph:
    """Every page of the feed at `url`, followed through hydra:next, in one graph."""
    graph = Graph()
    seen = set()
    while url and url not in seen:
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = Graph().parse(data=response.content, format=fmt)
        graph += page
        following = next(page.objects(None, HYDRA.next), None)
        url = local(following) if following is not None else ""
    return graph


# --- data.gouv.fr's rules ------------------------------------------------------------------------------------

#: data.gouv.fr's licence list (/api/1/datasets/licenses/: id, url, alternate URLs) as the research notes (§3) give
#: it: mirrored from a front-end test mock of data.gouv.fr's API found in public code.
DATAGOUV_LICENCES = json.loads((HERE / "datagouv_licences.json").read_text(encoding="utf-8"))


def _normalise(url: str) -> str:
    return url.split("://", 1)[-1].rstrip("/")


def datagouv_licence(url: str) -> str | None:
    """udata's `License.guess` by URL: the licence whose URL or an alternate URL matches, scheme and final slash
    ignored (None: data.gouv.fr would fall back to a fuzzy match on titles, then to its default licence)."""
    wanted = _normalise(url)
    for licence in DATAGOUV_LICENCES:
        if any(_normalise(candidate) == wanted for candidate in [licence["url"], *licence["alternate_urls"]]):
            return licence["id"]
    return None


def udata_read(graph: Graph) -> dict[str, dict]:
    """Each dataset as data.gouv.fr's DCAT harvester keeps it, by remote identifier; an item it would skip fails."""
    datasets = {}
    for node in graph.subjects(RDF.type, DCAT.Dataset):
        identifiers = [str(value) for value in graph.objects(node, DCTERMS.identifier)]
        titles = [str(value) for value in graph.objects(node, DCTERMS.title)]
        assert identifiers, f"{node}: skipped: missing identifier"
        assert titles, f"{node}: skipped: missing title"
        assert identifiers[0] not in datasets, f"{identifiers[0]}: identifier not unique in the job"
        licences = [str(value) for value in graph.objects(node, DCTERMS.license)]
        resources = []
        for distribution in graph.objects(node, DCAT.distribution):
            url = graph.value(distribution, DCAT.downloadURL) or graph.value(distribution, DCAT.accessURL)
            assert url is not None, f"{distribution}: no downloadURL nor accessURL (dropped by data.gouv.fr)"
            licences += [str(value) for value in graph.objects(distribution, DCTERMS.license)]
            resources.append({"url": str(url), "title": str(graph.value(distribution, DCTERMS.title) or "")})
        datasets[identifiers[0]] = {
            "title": titles[0],
            "licence": datagouv_licence(licences[0]) if licences else None,
            "resources": resources,
        }
    return datasets
