"""Discovery pages: the catalogue search with facets, and the Atom feeds."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from auzolan.catalog import search
from auzolan.catalog.feeds import DatasetFeed, OrganisationDatasetFeed
from auzolan.core.inputs import int_param
from auzolan.core.pagecache import cache_public_page

FACET_LABELS = {
    "organisation": _("Organisation"),
    "theme": _("Thème"),
    "keyword": _("Mot-clé"),
    "licence": _("Licence"),
    "format": _("Format"),
    "schema": _("Schéma de données"),
    "commune": _("Commune couverte"),
    "frequency": _("Fréquence de mise à jour"),
}
SORT_LABELS = {
    "relevance": _("Pertinence"),
    "updated": _("Dernière mise à jour"),
    "quality": _("Qualité"),
    "title": _("Titre (A → Z)"),
}
PAGE_SIZE = 20


def _querystring(params: dict[str, list[str]]) -> str:
    """A stable query string: keys sorted, values sorted, empty ones dropped."""
    pairs = [(key, value) for key in sorted(params) for value in sorted(params[key]) if value]
    return "?" + urlencode(pairs) if pairs else "?"


def _page_number(raw: str) -> int:
    return min(int_param(raw, default=1, minimum=1), 10_000)


def _window(page: int, num_pages: int) -> list[int | None]:
    """Page numbers to show: first, last, and two around the current one; None marks a gap."""
    shown = sorted({1, num_pages, *range(max(1, page - 2), min(num_pages, page + 2) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


@cache_public_page("catalog.search")
def dataset_search(request):
    q = request.GET.get("q", "")[: search.MAX_QUERY_LENGTH]
    filters = search.clean_filters({name: request.GET.getlist(name) for name in search.FACETS})
    sort = request.GET.get("sort", "")
    sort = sort if sort in search.SORTS else ""
    result = search.search_datasets(
        q=q, filters=filters, sort=sort or "relevance", page=_page_number(request.GET.get("page")), page_size=PAGE_SIZE
    )
    state: dict[str, list[str]] = {name: list(values) for name, values in filters.items()}
    if result.q:
        state["q"] = [result.q]
    if sort:
        state["sort"] = [sort]

    def url_with(**changes) -> str:
        params = {k: list(v) for k, v in state.items()}
        for key, value in changes.items():
            params[key] = value
        return _querystring(params)

    facets = []
    for name in search.FACETS:
        items = result.facets.get(name, [])
        if not items:
            continue
        selected = set(filters.get(name, []))
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "items": [
                    {"value": value, "label": label, "count": count, "selected": value in selected}
                    for value, label, count in items
                ],
            }
        )
    labels = {name: {value: label for value, label, _ in result.facets.get(name, [])} for name in search.FACETS}
    active = [
        {
            "facet": FACET_LABELS[name],
            "label": labels[name].get(value, value),
            "remove_url": url_with(**{name: [v for v in values if v != value]}),
        }
        for name, values in filters.items()
        for value in values
    ]
    pages = [
        {"number": number, "url": url_with(page=[str(number)]) if number else ""}
        for number in _window(result.page, result.num_pages)
    ]
    context = {
        "result": result,
        "q": result.q,
        "facets": facets,
        "active_filters": active,
        "clear_url": url_with(**{name: [] for name in search.FACETS}),
        "sorts": [{"value": key, "label": label, "selected": key == result.sort} for key, label in SORT_LABELS.items()],
        "show_relevance": bool(result.q),
        "pages": pages if result.num_pages > 1 else [],
        "previous_url": url_with(page=[str(result.page - 1)]) if result.has_previous else "",
        "next_url": url_with(page=[str(result.page + 1)]) if result.has_next else "",
        "page_number": result.page,
        "filtered": bool(filters or result.q),
    }
    return render(request, "catalog/search/search.html", context)


urlpatterns = [
    path("donnees/", dataset_search, name="search"),
    path("donnees/flux.atom", DatasetFeed(), name="feed"),
    path("organisations/<slug:slug>/donnees.atom", OrganisationDatasetFeed(), name="organisation_feed"),
]
