"""sitemap.xml and robots.txt: what search engines should index, with absolute URLs on the public address
(SITE_URL when configured; in local mode, the address the request came to — see core.http.public_url)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from auzolan.catalog.models import Dataset
from auzolan.core.http import public_url
from auzolan.organisations.models import Organisation


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on the platform's public address (no django.contrib.sites). The sitemap view passes the
    request's scheme and host (a RequestSite): used only when SITE_URL is not configured, as public_url does."""

    def get_protocol(self, protocol=None):
        if protocol and not settings.SITE_URL_CONFIGURED:
            return protocol
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        if site is not None and not settings.SITE_URL_CONFIGURED:
            return site.domain
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.6
    names = (
        "core:home",
        "core:programme_opendata",
        "core:programme_participation",
        "core:programme_learning",
        "core:programme_youth",
        "core:legal_notice",
        "core:privacy",
        "core:accessibility",
        "core:sitemap",
        "organisations:list",
        "organisations:territory",
        "catalog:search",
        "catalog:dcat_help",
        "observatory:observatory",
    )

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)


class OrganisationSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Organisation.objects.public().order_by("pk").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class DatasetSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Dataset.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": StaticSitemap, "organisations": OrganisationSitemap, "datasets": DatasetSitemap}


def sitemap(request):
    return sitemap_view(request, sitemaps=SITEMAPS)


@require_GET
def robots_txt(request):
    sitemap_url = public_url(reverse("sitemap_xml"), request)
    lines = ["User-agent: *", "Allow: /", "Disallow: /back-office/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
