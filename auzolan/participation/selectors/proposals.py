"""Reads of proposals: the filtered, sorted list of a process, one proposal with what its page shows, map data."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Left, Mod
from django.urls import reverse

from auzolan.participation.models import Category, District, Process, Proposal, ProposalAttachment, Support, UserBlock

SORTS = ("recent", "supports", "random")
#: A 32-bit multiplicative hash of (id + seed): a stable shuffle that SQLite and PostgreSQL compute alike.
_HASH_MULTIPLIER = 2654435761
_HASH_MODULUS = 4294967291


def proposal_filters(process: Process) -> dict:
    """The categories and districts offered as filters (and in the form)."""
    districts = list(process.districts.all())
    if not districts:
        districts = list(District.objects.filter(organisation_id=process.organisation_id))
    return {"categories": list(Category.objects.filter(process=process)), "districts": districts}


def district_outlines(districts) -> dict:
    """The outlines of the districts that have one, as a GeoJSON FeatureCollection (name in the properties): the
    landmarks of the map on which a person points the place of a proposal."""
    features = []
    for district in districts:
        geometry = district.geometry if isinstance(district.geometry, dict) else None
        if geometry is None:
            continue
        if geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            features.append({"type": "Feature", "geometry": geometry, "properties": {"name": district.name}})
    return {"type": "FeatureCollection", "features": features}


def _visible(process: Process, category, district, status) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(process=process, is_hidden=False)
    qs = qs.filter(status=status) if status else qs.exclude(status=Proposal.Status.WITHDRAWN)
    if category:
        qs = qs.filter(category_id=category)
    if district:
        qs = qs.filter(district_id=district)
    return qs


def _sorted(qs: QuerySet[Proposal], sort: str, seed: int) -> QuerySet[Proposal]:
    if sort == "supports":
        return qs.order_by("-supports_count", "-created_at", "-id")
    if sort == "random":
        key = Mod((F("id") + Value(int(seed) % _HASH_MODULUS)) * Value(_HASH_MULTIPLIER), Value(_HASH_MODULUS))
        return qs.annotate(shuffle=key).order_by(F("shuffle").asc(), "id")
    return qs.order_by("-created_at", "-id")


def _with_card_fields(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return (
        qs.select_related("category", "district", "author")
        .only(
            "id",
            "process_id",
            "title",
            "status",
            "supports_count",
            "comments_count",
            "created_at",
            "latitude",
            "longitude",
            "place",
            "category__id",
            "category__name",
            "district__id",
            "district__name",
            "author__id",
            "author__full_name",
            "author__email",
            "author__deleted_at",
        )
        .annotate(excerpt=Left("body", 240))
    )


def proposal_list(
    *,
    process: Process,
    category: int | None = None,
    district: int | None = None,
    status: str | None = None,
    sort: str = "recent",
    seed: int = 0,
) -> QuerySet[Proposal]:
    """Visible proposals of `process` (hidden ones are left out; withdrawn ones only when asked for), with what a
    card shows. For a paginated list prefer proposal_ids + proposals_by_ids (the page's rows only are joined)."""
    return _sorted(_with_card_fields(_visible(process, category, district, status)), sort, seed)


def proposal_ids(
    *,
    process: Process,
    category: int | None = None,
    district: int | None = None,
    status: str | None = None,
    sort: str = "recent",
    seed: int = 0,
) -> QuerySet:
    """The ids of the visible proposals in list order: sorting and counting touch no text and no join."""
    return _sorted(_visible(process, category, district, status), sort, seed).values_list("id", flat=True)


def proposals_by_ids(ids) -> list[Proposal]:
    """The cards of one page, in the order of `ids` (one query)."""
    ids = list(ids)
    rows = {p.pk: p for p in _with_card_fields(Proposal.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def supported_ids(*, user, proposals) -> set[int]:
    """Which of `proposals` `user` supports (one query)."""
    if not (user and user.is_authenticated):
        return set()
    ids = [p.pk for p in proposals]
    return set(Support.objects.filter(user=user, proposal_id__in=ids).values_list("proposal_id", flat=True))


def proposal_detail(*, process: Process, pk: int) -> Proposal:
    """One proposal of `process` with its category, district, author, images and attachments (Proposal.DoesNotExist)."""
    return (
        Proposal.objects.filter(process=process)
        .select_related("category", "district", "author", "answered_by")
        .prefetch_related("images", Prefetch("attachments", ProposalAttachment.objects.order_by("id")))
        .get(pk=pk)
    )


def blocks_of(*, process: Process) -> dict[int, str]:
    """People blocked by the process's organisation: user id → public reason."""
    return dict(UserBlock.objects.filter(organisation_id=process.organisation_id).values_list("user_id", "reason"))


def proposal_map_features(*, process: Process, proposals) -> dict:
    """A GeoJSON FeatureCollection of the located proposals among `proposals` (no personal data)."""
    features = []
    for proposal in proposals:
        if proposal.latitude is None or proposal.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(proposal.longitude), float(proposal.latitude)]},
                "properties": {
                    "id": proposal.pk,
                    "label": proposal.title,
                    "status": proposal.get_status_display(),
                    "supports": proposal.supports_count,
                    "url": reverse("participation:proposal_detail", kwargs={"slug": process.slug, "pk": proposal.pk}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def proposal_counts(*, process: Process) -> dict:
    qs = Proposal.objects.filter(process=process, is_hidden=False).exclude(status=Proposal.Status.WITHDRAWN)
    return {"proposals": qs.count()}


def api_visible_proposals(*, process: Process) -> QuerySet[Proposal]:
    """The read API's proposals of a process (participation/api.py): the visible ones, without their authors."""
    return Proposal.objects.filter(process=process, is_hidden=False).select_related("category", "district", "process")
