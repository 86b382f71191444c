"""Atom feeds of new and updated published datasets, for the whole catalogue and per organisation.

Links are absolute on the public address (core.http.public_url): SITE_URL when configured, whatever Host the request
came with; in local mode, the request's address. Django's Feed prefixes relative links with the request's host, so
every link is made absolute here first.
"""

from __future__ import annotations

import copy

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from auzolan.catalog.models import Dataset
from auzolan.catalog.search import plain_excerpt
from auzolan.core.http import public_url
from auzolan.core.permissions import can
from auzolan.core.text import elide
from auzolan.organisations.models import Organisation

FEED_SIZE = 50


def _latest(queryset):
    return (
        queryset.published()
        .select_related("organisation")
        .prefetch_related("themes")
        .order_by("-updated_at", "-pk")[:FEED_SIZE]
    )


class DatasetFeed(Feed):
    feed_type = Atom1Feed
    title = _("Données ouvertes du territoire : nouveautés et mises à jour")
    subtitle = _("Les jeux de données publiés ou mis à jour récemment par les organisations membres.")

    request = None  # set on a per-request copy (__call__): the Feed instance is shared by every thread

    def __call__(self, request, *args, **kwargs):
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def feed_url(self) -> str:
        return public_url(self.request.path, self.request)

    def link(self):
        return public_url(reverse("catalog:search"), self.request)

    def items(self):
        return _latest(Dataset.objects.all())

    def item_title(self, item: Dataset) -> str:
        return item.title

    def item_description(self, item: Dataset) -> str:
        return plain_excerpt(item.description, 500)

    def item_link(self, item: Dataset) -> str:
        return public_url(item.get_absolute_url(), self.request)

    def item_guid(self, item: Dataset) -> str:
        return f"urn:uuid:{item.identifier}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Dataset):
        return item.published_at or item.created_at

    def item_updateddate(self, item: Dataset):
        return item.updated_at

    def item_author_name(self, item: Dataset) -> str:
        return item.organisation.name

    def item_categories(self, item: Dataset):
        return [str(theme.get_code_display()) for theme in item.themes.all()]

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = "fr"
        return feed


class OrganisationDatasetFeed(DatasetFeed):
    def get_object(self, request, slug: str) -> Organisation:
        try:
            organisation = Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise Http404 from None
        if not can(request.user, "organisations.view_organisation", organisation):
            raise Http404
        return organisation

    def title(self, obj: Organisation) -> str:
        return elide(_("Données ouvertes de %(name)s : nouveautés et mises à jour") % {"name": obj.name}, obj.name)

    def link(self, obj: Organisation) -> str:
        return public_url(obj.get_absolute_url(), self.request)

    def items(self, obj: Organisation):
        return _latest(Dataset.objects.for_organisation(obj))
