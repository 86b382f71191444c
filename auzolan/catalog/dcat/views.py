"""The DCAT-AP 3 feeds and the page that tells publishers how to make their data appear on data.gouv.fr.

- `/catalog.ttl`, `/catalog.rdf` (RDF/XML), `/catalog.jsonld`, and `/catalog`, which answers in the format the
  `Accept` header prefers among Turtle, RDF/XML and JSON-LD, Turtle by default — a browser too gets Turtle (text it
  can show), never a redirect to HTML: a harvester given this address must always get RDF. The same under
  `/organisations/<slug>/catalog…` for one organisation (one data.gouv.fr harvester per organisation is how
  data.gouv.fr attaches datasets to it).
- Paging: `?page=N&page_size=M` (100 by default, at most 1,000), in the stable order of creation; a page number or
  size that is not a whole number in range is a 400, a page past the last a 404.
- Every published dataset; drafts never, and archived datasets no longer: data.gouv.fr archives what disappears
  from a source (after its grace period), which is what archiving means here.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from auzolan.catalog import selectors
from auzolan.catalog.dcat.graph import CatalogInfo, Paging, catalog_graph
from auzolan.catalog.dcat.rdf import Graph
from auzolan.core.http import public_url
from auzolan.core.inputs import int_param
from auzolan.core.pagecache import cache_public_page
from auzolan.core.permissions import can
from auzolan.core.text import elide
from auzolan.organisations.models import Organisation

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_PAGE = 10**9

#: extension -> (writer of dcat.rdf.Graph, Content-Type)
FORMATS = {
    "ttl": (Graph.turtle, "text/turtle; charset=utf-8"),
    "rdf": (Graph.rdf_xml, "application/rdf+xml; charset=utf-8"),
    "jsonld": (Graph.json_ld, "application/ld+json; charset=utf-8"),
}
#: What `/catalog` offers to content negotiation, in order of preference when the client has none (`*/*`).
NEGOTIATED = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/rdf+xml": "rdf",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
}


def _refusal(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _organisation(request, slug: str) -> Organisation:
    organisation = Organisation.objects.select_related("territory").filter(slug=slug).first()
    if organisation is None or not can(request.user, "organisations.view_organisation", organisation):
        raise Http404
    return organisation


def _catalog_info(request, organisation: Organisation | None, modified) -> CatalogInfo:
    if organisation is None:
        return CatalogInfo(
            uri=public_url(reverse("catalog:dcat"), request),
            title=elide(
                _("Catalogue des données ouvertes de %(platform)s") % {"platform": settings.PLATFORM_NAME},
                settings.PLATFORM_NAME,
            ),
            description=_(
                "Les jeux de données publiés par les organisations membres du territoire, décrits selon DCAT-AP 3."
            ),
            homepage=public_url(reverse("catalog:search"), request),
            organisation=None,
            modified=modified,
        )
    name = organisation.name
    return CatalogInfo(
        uri=public_url(reverse("catalog:organisation_dcat", args=(organisation.slug,)), request),
        title=elide(_("Données ouvertes de %(name)s") % {"name": name}, name),
        description=_("Les jeux de données publiés par %(name)s, décrits selon DCAT-AP 3.") % {"name": name},
        homepage=public_url(organisation.get_absolute_url(), request),
        organisation=organisation,
        modified=modified,
    )


def _feed(request, *, fmt: str, slug: str | None) -> HttpResponse:
    page = int_param(request.GET.get("page"), default=None, minimum=1, maximum=MAX_PAGE)
    size = int_param(request.GET.get("page_size"), default=None, minimum=1, maximum=MAX_PAGE_SIZE)
    if page is None and "page" in request.GET:
        return _refusal(_("Le numéro de page doit être un nombre entier positif."), 400)
    if size is None and "page_size" in request.GET:
        return _refusal(
            _("La taille de page doit être un nombre entier entre 1 et %(max)d.") % {"max": MAX_PAGE_SIZE}, 400
        )
    page, size = page or 1, size or DEFAULT_PAGE_SIZE
    organisation = _organisation(request, slug) if slug is not None else None
    datasets = selectors.dcat_datasets(organisation=organisation)
    total = datasets.count()
    if slug is None:
        feed_path = reverse(f"catalog:dcat_{fmt}")
    else:
        feed_path = reverse(f"catalog:organisation_dcat_{fmt}", args=(slug,))
    paging = Paging(
        number=page,
        size=size,
        total=total,
        page_url=public_url(feed_path, request) + f"?page={{page}}&page_size={size}",
    )
    if page > paging.last:
        message = ngettext(
            "Cette page n'existe pas : le catalogue compte %(last)d page de %(size)d jeux de données.",
            "Cette page n'existe pas : le catalogue compte %(last)d pages de %(size)d jeux de données.",
            paging.last,
        )
        return _refusal(message % {"last": paging.last, "size": size}, 404)
    rows = selectors.dcat_page(datasets=datasets, start=(page - 1) * size, stop=page * size)
    info = _catalog_info(request, organisation, selectors.dcat_last_modified(datasets=datasets) if total else None)
    graph = catalog_graph(request=request, info=info, datasets=rows, paging=paging)
    writer, content_type = FORMATS[fmt]
    return HttpResponse(writer(graph).encode("utf-8"), content_type=content_type)


@functools.cache
def _cached_feed(fmt: str):
    return cache_public_page(f"catalog.dcat.{fmt}")(_feed)


@require_safe
def feed(request, fmt: str, slug: str | None = None):
    """A feed in the format its address names."""
    return _cached_feed(fmt)(request, fmt=fmt, slug=slug)


@require_safe
@vary_on_headers("Accept")
def negotiated_feed(request, slug: str | None = None):
    """`/catalog`: the format the client prefers (Turtle when it says nothing we offer)."""
    fmt = NEGOTIATED.get(request.get_preferred_type(list(NEGOTIATED)) or "", "ttl")
    return _cached_feed(fmt)(request, fmt=fmt, slug=slug)


# --- The publishers' documentation page -----------------------------------------------------------------------


@require_safe
def data_gouv_help(request):
    """ "Faire apparaître vos données sur data.gouv.fr": the feed, and the address of each of the person's
    organisations to give to data.gouv.fr's harvester."""
    organisations = [
        {
            "organisation": organisation,
            "feed_url": public_url(reverse("catalog:organisation_dcat_ttl", args=(organisation.slug,)), request),
            "published": count,
        }
        for organisation, count in selectors.dcat_publishing_organisations(user=request.user)
    ]
    context = {
        "organisations": organisations,
        "site_feed_url": public_url(reverse("catalog:dcat_ttl"), request),
        "example_feed_url": public_url(reverse("catalog:organisation_dcat_ttl", args=("votre-organisation",)), request),
        "page_size": DEFAULT_PAGE_SIZE,
        "max_page_size": MAX_PAGE_SIZE,
    }
    return render(request, "catalog/dcat/data_gouv_fr.html", context)


urlpatterns = [
    path("catalog", negotiated_feed, name="dcat"),
    *(path(f"catalog.{fmt}", feed, {"fmt": fmt}, name=f"dcat_{fmt}") for fmt in FORMATS),
    path("organisations/<slug:slug>/catalog", negotiated_feed, name="organisation_dcat"),
    *(
        path(f"organisations/<slug:slug>/catalog.{fmt}", feed, {"fmt": fmt}, name=f"organisation_dcat_{fmt}")
        for fmt in FORMATS
    ),
    path("aide/data-gouv-fr/", data_gouv_help, name="dcat_help"),
]
