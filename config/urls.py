from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from auzolan.catalog.sitemaps import robots_txt, sitemap
from config.api import api

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.PLATFORM_NAME

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("auzolan.catalog.ckan.urls")),
    path("sitemap.xml", sitemap, name="sitemap_xml"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("auzolan.core.urls")),
    path("", include("auzolan.accounts.urls")),
    path("", include("auzolan.notifications.urls")),
    path("", include("auzolan.organisations.urls")),
    path("", include("auzolan.catalog.urls")),
    path("", include("auzolan.datastore.urls")),
    path("", include("auzolan.harvest.urls")),
    path("", include("auzolan.opendata_programme.urls")),
    path("", include("auzolan.observatory.urls")),
    path("", include("auzolan.learning.urls")),
    path("", include("auzolan.impact.urls")),
    path("participer/", include("auzolan.participation.urls")),
    path("", include("auzolan.events.urls")),
    path("jeunesse/", include("auzolan.youth.urls")),
    path("comptes/", include("allauth.urls")),
    path("back-office/", admin.site.urls),
]

handler400 = "auzolan.core.views.errors.bad_request"
handler404 = "auzolan.core.views.errors.page_not_found"
handler500 = "auzolan.core.views.errors.server_error"
