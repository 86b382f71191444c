"""Who may do what with organisations and memberships. Asked through core.permissions.can."""

import rules

from auzolan.core.rules import is_authenticated, is_operator
from auzolan.organisations.models import Membership


def _organisation(obj):
    return getattr(obj, "organisation", obj)


def _active_role(user, obj) -> str | None:
    if obj is None or not (user and user.is_authenticated):
        return None
    organisation = _organisation(obj)
    cache = user.__dict__.setdefault("_organisation_roles", None)
    if cache is None:
        cache = dict(
            Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values_list("organisation_id", "role")
        )
        user.__dict__["_organisation_roles"] = cache
    return cache.get(organisation.pk)


@rules.predicate
def is_org_member(user, obj) -> bool:
    return _active_role(user, obj) is not None


@rules.predicate
def is_org_editor(user, obj) -> bool:
    return _active_role(user, obj) in ("admin", "editor")


@rules.predicate
def is_org_admin(user, obj) -> bool:
    return _active_role(user, obj) == "admin"


@rules.predicate
def is_public_organisation(user, obj) -> bool:
    return obj is not None and _organisation(obj).is_public


@rules.predicate
def has_no_membership(user, obj) -> bool:
    return not Membership.objects.filter(user=user, organisation=_organisation(obj)).exists()


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return membership is not None and user.is_authenticated and membership.user_id == user.pk


rules.add_perm("organisations.view_organisation", is_public_organisation | is_org_member | is_operator)
rules.add_perm("organisations.create_organisation", is_operator)
rules.add_perm("organisations.change_organisation", is_org_admin | is_operator)
rules.add_perm("organisations.view_members", is_org_member | is_operator)
rules.add_perm("organisations.manage_members", is_org_admin | is_operator)
rules.add_perm("organisations.request_membership", is_authenticated & is_public_organisation & has_no_membership)
rules.add_perm("organisations.act_for", is_org_member)
rules.add_perm("organisations.publish_for", is_org_editor)
rules.add_perm("organisations.leave", is_own_membership)
