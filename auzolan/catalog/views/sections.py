"""What the catalogue adds to pages of other apps: the organisation and territory pages, the home page's figures,
the open data programme page and "Mon espace" (registered in `catalog.hooks`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from auzolan.catalog import selectors
from auzolan.catalog.models import Dataset
from auzolan.core.permissions import can
from auzolan.core.registry import Figure


def organisation_section(request, organisation) -> dict:
    include_drafts = can(request.user, "organisations.view_members", organisation)
    summary = selectors.organisation_datasets_summary(organisation=organisation, include_drafts=include_drafts)
    summary["organisation"] = organisation
    summary["search_url"] = f"/donnees/?organisation={organisation.slug}"
    summary["publish_url"] = reverse("catalog:publish_home") if include_drafts else ""
    summary["data_gouv_url"] = reverse("catalog:dcat_help")
    return summary


def territory_section(request, territory) -> dict | None:
    if territory is None:
        return None
    rows = list(selectors.territory_publishing(territory=territory))
    return {"rows": rows, "total": sum(row.published_datasets for row in rows)}


def home_figures() -> list[Figure]:
    return [Figure(_("jeux de données publiés"), selectors.published_datasets_count(), "/donnees/")]


def programme_section(request, programme) -> dict:
    latest = Dataset.objects.published().select_related("organisation").order_by("-last_modified", "-pk")[:5]
    return {
        "published": selectors.published_datasets_count(),
        "publishers": Dataset.objects.published().values("organisation").distinct().count(),
        "latest": list(latest),
        "can_publish": selectors.publishable_organisations(user=request.user).exists(),
    }


def dashboard_section(request) -> dict | None:
    organisations = selectors.publishable_organisations(user=request.user)
    if request.user.is_staff:
        organisations = organisations.filter(memberships__user=request.user)
    if not organisations.exists():
        return None
    counts = Dataset.objects.filter(organisation__in=organisations).aggregate(
        drafts=Count("pk", filter=Q(state=Dataset.State.DRAFT)),
        published=Count("pk", filter=Q(state=Dataset.State.PUBLISHED)),
    )
    return {**counts, "pending_reuses": selectors.reuse_pending_for(user=request.user).count()}
