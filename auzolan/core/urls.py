from django.urls import path

from auzolan.core import media
from auzolan.core.views import health, jobs, pages

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("donnees-ouvertes/", pages.programme, {"slug": "opendata"}, name="programme_opendata"),
    path("participer/", pages.programme, {"slug": "participation"}, name="programme_participation"),
    path("se-former/", pages.programme, {"slug": "learning"}, name="programme_learning"),
    path("jeunesse-evenements/", pages.programme, {"slug": "youth"}, name="programme_youth"),
    path("mentions-legales/", pages.static_page, {"template": "core/legal_notice.html"}, name="legal_notice"),
    path("donnees-personnelles/", pages.static_page, {"template": "core/privacy.html"}, name="privacy"),
    path("accessibilite/", pages.static_page, {"template": "core/accessibility.html"}, name="accessibility"),
    path("plan-du-site/", pages.static_page, {"template": "core/sitemap.html"}, name="sitemap"),
    path("sante/", health.health, name="health"),
    path("moi/taches/", jobs.job_list, name="job_list"),
    path("moi/taches/<uuid:job_id>/", jobs.job_detail, name="job_detail"),
    # Public uploaded files (participation images) after a permission check; nothing else of MEDIA_ROOT.
    path("media/<path:name>", media.serve_media, name="media"),
]
