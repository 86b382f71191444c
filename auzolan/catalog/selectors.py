"""Reads of the catalogue, with what the pages need already joined."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from auzolan.catalog.models import (
    Dataset,
    DatasetTheme,
    Keyword,
    Resource,
    ResourceVersion,
    Reuse,
    ReuseLink,
    TableSchema,
)
from auzolan.core.models import AuditLogEntry
from auzolan.core.permissions import can
from auzolan.organisations.models import Commune, Membership, Organisation

# --- Dataset page, re-uses, organisation and territory sections (area: dataset page) ---


def dataset_page_queryset() -> QuerySet[Dataset]:
    """Everything the public dataset page shows, in a fixed number of queries whatever the resources."""
    resources = Resource.objects.select_related("current_version").prefetch_related(
        Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number"))
    )
    published_links = ReuseLink.objects.filter(state=ReuseLink.State.PUBLISHED).select_related("reuse")
    return Dataset.objects.select_related("organisation__territory", "schema").prefetch_related(
        Prefetch("keywords", queryset=Keyword.objects.order_by("name")),
        "themes",
        Prefetch("communes", queryset=Commune.objects.order_by("name")),
        Prefetch("resources", queryset=resources),
        Prefetch("reuse_links", queryset=published_links, to_attr="published_reuse_links"),
    )


def dataset_activity(*, dataset: Dataset, limit: int = 30) -> QuerySet[AuditLogEntry]:
    """The audit log entries of the dataset, newest first."""
    return (
        AuditLogEntry.objects.filter(object_type="catalog.dataset", object_id=str(dataset.pk))
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def organisation_datasets_summary(*, organisation, include_drafts: bool, limit: int = 10) -> dict:
    published = Dataset.objects.for_organisation(organisation).published()
    return {
        "published_count": published.count(),
        "latest": list(published.order_by("-published_at", "-pk").only("pk", "slug", "title", "published_at")[:limit]),
        "drafts_count": Dataset.objects.for_organisation(organisation).filter(state=Dataset.State.DRAFT).count()
        if include_drafts
        else None,
    }


def territory_publishing(*, territory) -> QuerySet:
    """Each member organisation of the territory with its number of published datasets (one GROUP BY)."""
    return (
        Organisation.objects.public()
        .filter(territory=territory)
        .annotate(published_datasets=Count("datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED)))
        .only("pk", "name", "slug", "kind")
        .order_by("-published_datasets", "name")
    )


def published_datasets_count() -> int:
    return Dataset.objects.published().count()


def reuse_public_list() -> QuerySet[Reuse]:
    """Re-uses with at least one published link, each with its published datasets."""
    links = ReuseLink.objects.filter(state=ReuseLink.State.PUBLISHED).select_related("dataset")
    return (
        Reuse.objects.filter(links__state=ReuseLink.State.PUBLISHED)
        .distinct()
        .prefetch_related(Prefetch("links", queryset=links, to_attr="published_links"))
        .order_by("-created_at")
    )


def reuse_pending_for(*, user) -> QuerySet[ReuseLink]:
    """Pending links of the datasets of the organisations the person edits (all of them for agency staff)."""
    qs = ReuseLink.objects.filter(state=ReuseLink.State.PENDING).select_related(
        "reuse__submitted_by", "dataset__organisation"
    )
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if not user.is_staff:
        editable = Membership.objects.filter(
            user=user, state=Membership.State.ACTIVE, role__in=[Membership.Role.ADMIN, Membership.Role.EDITOR]
        ).values("organisation_id")
        qs = qs.filter(dataset__organisation_id__in=editable)
    return qs.order_by("reuse__created_at", "pk")


def reuses_of(*, user) -> QuerySet[Reuse]:
    """The re-uses a person submitted, with the state (and reason) of each link."""
    if not user.is_authenticated:
        return Reuse.objects.none()
    links = ReuseLink.objects.select_related("dataset").order_by("dataset__title")
    return Reuse.objects.filter(submitted_by=user).prefetch_related(Prefetch("links", queryset=links))


def reuse_dataset_choices() -> QuerySet[Dataset]:
    return Dataset.objects.published().only("pk", "slug", "title").order_by("title")


# --- Read API (area: discovery; the search itself is catalog.search.search_datasets) ---


def api_dataset_queryset() -> QuerySet[Dataset]:
    """A dataset with what the API detail returns: organisation, schema, themes, keywords, communes, resources."""
    return Dataset.objects.select_related("organisation", "schema").prefetch_related(
        "themes",
        Prefetch("keywords", queryset=Keyword.objects.order_by("name")),
        Prefetch("communes", queryset=Commune.objects.order_by("name")),
        Prefetch("resources", queryset=Resource.objects.select_related("current_version")),
    )


def api_resource_queryset() -> QuerySet[Resource]:
    """A resource with its dataset (for the permission) and all its versions, newest first."""
    return Resource.objects.select_related("dataset__organisation", "current_version").prefetch_related(
        Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number"))
    )


def api_schema_by_name(name: str) -> TableSchema | None:
    """A schema named in an API request (the service checks it belongs to the dataset's organisation or to all)."""
    return TableSchema.objects.filter(name=name).first()


def api_communes_by_code(*, organisation, codes) -> dict[str, Commune]:
    """The communes of the organisation's territory among these INSEE codes, by code."""
    return {
        commune.insee_code: commune
        for commune in Commune.objects.filter(territory_id=organisation.territory_id, insee_code__in=list(codes))
    }


# --- Publishing: the pages of the agents who publish (area: publishing) ---


def publishable_organisations(*, user):
    """The organisations a person may publish for (all of them for agency staff), by name."""
    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__state=Membership.State.ACTIVE,
        memberships__role__in=[Membership.Role.ADMIN, Membership.Role.EDITOR],
    ).order_by("name")


def scheduled_publisher(*, organisation: Organisation):
    """Who publishes for `organisation` in a scheduled (background) run: the first active administrator (then editor)
    who may still create its datasets, else the first active staff member; None when nobody may."""
    memberships = (
        Membership.objects.filter(organisation=organisation, state=Membership.State.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("role", "pk")  # "admin" < "editor" < "member"
    )
    for membership in memberships:
        if can(membership.user, "catalog.create_dataset", organisation):
            return membership.user
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("pk").first()


def publish_dataset_list(*, organisations) -> QuerySet[Dataset]:
    """Datasets of these organisations in every state, with their organisation and resource count."""
    return (
        Dataset.objects.for_organisations(organisations)
        .select_related("organisation")
        .annotate(resources_count=Count("resources", distinct=True))
        .only("pk", "slug", "title", "state", "quality_score", "updated_at", "last_modified", "organisation__name")
        .order_by("-updated_at", "-pk")
    )


def publish_dataset_queryset() -> QuerySet[Dataset]:
    """A dataset with what its edit and preview pages show."""
    resources = Resource.objects.select_related("current_version").order_by("position", "created_at")
    return Dataset.objects.select_related("organisation__territory", "schema").prefetch_related(
        Prefetch("keywords", queryset=Keyword.objects.order_by("name")),
        "themes",
        Prefetch("communes", queryset=Commune.objects.order_by("name")),
        Prefetch("resources", queryset=resources),
    )


def resource_versions(*, resource: Resource) -> QuerySet[ResourceVersion]:
    return ResourceVersion.objects.filter(resource=resource).select_related("uploaded_by").order_by("-number")


# --- DCAT-AP feeds (area: interoperability; catalog.dcat) ---


def dcat_datasets(*, organisation: Organisation | None = None) -> QuerySet[Dataset]:
    """The published datasets a DCAT feed lists (of one organisation, or all), in a stable order (creation order:
    a harvester walking the pages while someone publishes sees each dataset once), without their relations."""
    queryset = Dataset.objects.published()
    if organisation is not None:
        queryset = queryset.for_organisation(organisation)
    return queryset.order_by("pk")


def dcat_page(*, datasets: QuerySet[Dataset], start: int, stop: int) -> list[Dataset]:
    """Datasets `start` to `stop` of `dcat_datasets` with what the feed describes, one query per relation whatever the
    size: each gets `dcat_keywords` (names), `dcat_themes` (codes), `dcat_communes` ((INSEE code, name) pairs) and
    `dcat_resources` (with their current version). Plain rows rather than `prefetch_related`, whose per-dataset
    querysets took half the time of a page of 100."""
    rows = list(
        datasets.select_related("organisation__territory", "schema").defer(
            "quality", "schema__descriptor", "organisation__description"
        )[start:stop]
    )
    ids = [dataset.pk for dataset in rows]
    keywords, themes, communes, resources = {}, {}, {}, {}
    for dataset_id, name in (
        Dataset.keywords.through.objects.filter(dataset_id__in=ids)
        .order_by("keyword__name")
        .values_list("dataset_id", "keyword__name")
    ):
        keywords.setdefault(dataset_id, []).append(name)
    for dataset_id, code in (
        DatasetTheme.objects.filter(dataset_id__in=ids).order_by("code").values_list("dataset_id", "code")
    ):
        themes.setdefault(dataset_id, []).append(code)
    for dataset_id, code, name in (
        Dataset.communes.through.objects.filter(dataset_id__in=ids)
        .order_by("commune__insee_code")
        .values_list("dataset_id", "commune__insee_code", "commune__name")
    ):
        communes.setdefault(dataset_id, []).append((code, name))
    for resource in (
        Resource.objects.filter(dataset_id__in=ids)
        .select_related("current_version")
        .order_by("position", "created_at", "pk")
    ):
        resources.setdefault(resource.dataset_id, []).append(resource)
    for dataset in rows:
        dataset.dcat_keywords = keywords.get(dataset.pk, [])
        dataset.dcat_themes = themes.get(dataset.pk, [])
        dataset.dcat_communes = communes.get(dataset.pk, [])
        dataset.dcat_resources = resources.get(dataset.pk, [])
    return rows


def dcat_last_modified(*, datasets: QuerySet[Dataset]):
    """When the feed's content last changed: the latest update of one of its datasets (None when empty)."""
    return datasets.aggregate(latest=Max("updated_at"))["latest"]


def dcat_publishing_organisations(*, user) -> list[tuple[Organisation, int]]:
    """The organisations a person publishes for, each with its number of published datasets (agency staff: those
    they belong to, not every organisation)."""
    organisations = publishable_organisations(user=user)
    if user.is_authenticated and user.is_staff:
        organisations = organisations.filter(memberships__user=user)
    rows = organisations.annotate(
        published=Count("datasets", filter=Q(datasets__state=Dataset.State.PUBLISHED), distinct=True)
    ).only("pk", "name", "slug", "membership_status")
    return [(organisation, organisation.published) for organisation in rows]
