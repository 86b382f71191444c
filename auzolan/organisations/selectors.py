"""Reads about the territory and organisations, with what the pages need already joined."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from auzolan.core.registry import Figure
from auzolan.organisations.models import Commune, Membership, MembershipStatus, Organisation, OrganisationKind, Territory


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
    return Membership.objects.for_organisation(organisation).select_related("user").order_by("state", "-role", "user__full_name")


def memberships_of(*, user) -> QuerySet[Membership]:
    """A person's organisations (active and pending), for the dashboard and the organisation switcher."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def active_organisations_of(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__state=Membership.State.ACTIVE
    ).order_by("name")


def territory_current() -> Territory | None:
    return Territory.objects.order_by("pk").first()


def territory_communes(*, territory: Territory) -> QuerySet[Commune]:
    """Each commune with the member organisations that cover it."""
    members = Organisation.objects.public().only("pk", "name", "slug", "kind", "membership_status")
    return territory.communes.prefetch_related(Prefetch("organisations", queryset=members, to_attr="member_organisations")).order_by("name")


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
        figures.append(Figure(_("communes du territoire"), territory.communes.count(), reverse("organisations:territory")))
    return figures


def recent_members(*, limit: int = 6) -> QuerySet[Organisation]:
    return Organisation.objects.filter(membership_status=MembershipStatus.MEMBER).order_by("-member_since", "-created_at")[:limit]
