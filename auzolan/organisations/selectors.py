"""Reads about the territory and organisations, with what the pages need already joined."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from auzolan.core.registry import Figure
from auzolan.organisations.models import (
    Commune,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Territory,
)


def organisation_list_public(*, kind: str = "", college: str = "", q: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.public().select_related("territory")
    if kind:
        qs = qs.filter(kind=kind)
    if college:
        qs = qs.filter(college=college)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(communes__name__icontains=q)).distinct()
    return qs.annotate(
        members_count=Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE), distinct=True),
        communes_count=Count("communes", distinct=True),
    ).order_by("name")


def organisation_detail_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("territory").prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("name"))
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.for_organisation(organisation)
        .select_related("user")
        .order_by("state", "-role", "user__full_name")
    )


def memberships_of(*, user) -> QuerySet[Membership]:
    """A person's organisations (active and pending), for the dashboard and the organisation switcher."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def active_organisations_of(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__state=Membership.State.ACTIVE).order_by(
        "name"
    )


def agency_organisation() -> Organisation | None:
    """The agency, as an organisation of kind "agency" (the first public one): the publisher of the datasets the
    platform itself generates (agenda, observatory, training map, impact results)."""
    return Organisation.objects.public().filter(kind=OrganisationKind.AGENCY).order_by("pk").first()


def territory_current() -> Territory | None:
    return Territory.objects.order_by("pk").first()


def territory_communes(*, territory: Territory, q: str = "") -> QuerySet[Commune]:
    """Each commune with the member organisations that cover it (filtered by name or INSEE code)."""
    members = Organisation.objects.public().only("pk", "name", "slug", "kind", "membership_status").order_by("name")
    qs = territory.communes.all()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(insee_code__startswith=q))
    return qs.prefetch_related(Prefetch("organisations", queryset=members, to_attr="member_organisations")).order_by(
        "name"
    )


def home_figures() -> list[Figure]:
    territory = territory_current()
    public = Organisation.objects.public()
    figures = [
        Figure(_("organisations membres"), public.count(), reverse("organisations:list")),
        Figure(
            _("communes adhérentes"),
            public.filter(kind=OrganisationKind.COMMUNE).count(),
            reverse("organisations:list") + "?kind=commune",
        ),
    ]
    if territory:
        figures.append(
            Figure(_("communes du territoire"), territory.communes.count(), reverse("organisations:territory"))
        )
    return figures


def recent_members(*, limit: int = 6) -> QuerySet[Organisation]:
    return Organisation.objects.filter(membership_status=MembershipStatus.MEMBER).order_by(
        "-member_since", "-created_at"
    )[:limit]


def territory_summary(*, territory: Territory) -> dict:
    """The figures at the top of the territory page: communes, population, communes that are members."""
    totals = territory.communes.aggregate(communes_count=Count("pk"), population=Sum("population"))
    member_communes = (
        territory.communes.filter(
            organisations__membership_status__in=[MembershipStatus.MEMBER, MembershipStatus.SUSPENDED],
            organisations__kind=OrganisationKind.COMMUNE,
        )
        .distinct()
        .count()
    )
    return {
        "communes_count": totals["communes_count"] or 0,
        "population": totals["population"] or 0,
        "member_communes_count": member_communes,
    }


def commune_list(*, territory: Territory | None = None, q: str = "") -> QuerySet[Commune]:
    qs = Commune.objects.select_related("territory").order_by("name")
    if territory is not None:
        qs = qs.filter(territory=territory)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(insee_code__startswith=q))
    return qs


def commune_detail_queryset() -> QuerySet[Commune]:
    members = Organisation.objects.public().only("pk", "name", "slug", "kind", "membership_status").order_by("name")
    return Commune.objects.select_related("territory").prefetch_related(
        Prefetch("organisations", queryset=members, to_attr="member_organisations")
    )


def membership_of(*, user, organisation: Organisation) -> Membership | None:
    """The person's membership of the organisation (active or pending), if any."""
    if not user.is_authenticated:
        return None
    return Membership.objects.for_organisation(organisation).filter(user=user).first()


def organisation_members_count(*, organisation: Organisation) -> int:
    return Membership.objects.for_organisation(organisation).filter(state=Membership.State.ACTIVE).count()
