"""What the catalogue adds to pages of other apps: the open data programme page and "Mon espace"."""

from django.db.models import Count, Q

from auzolan.catalog import selectors
from auzolan.catalog.models import Dataset


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
