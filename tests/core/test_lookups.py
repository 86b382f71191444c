"""Integer lookups beyond the database's range name no row instead of failing (SQLite: OverflowError)."""

from __future__ import annotations

import pytest

from auzolan.organisations.models import Membership, Organisation
from tests.organisations.factories import MembershipFactory

BIG = 2**63


@pytest.mark.django_db
def test_out_of_range_integers_match_nothing_in_every_lookup():
    membership = MembershipFactory()
    organisation = membership.organisation
    assert list(Organisation.objects.filter(pk__in=[BIG])) == []
    assert list(Organisation.objects.filter(pk__in=[organisation.pk, BIG, 10**30, -(10**30)])) == [organisation]
    assert list(Organisation.objects.exclude(pk__in=[BIG])) == [organisation]
    assert list(Membership.objects.filter(organisation=BIG)) == []
    assert list(Membership.objects.filter(organisation_id=BIG)) == []
    assert list(Membership.objects.filter(organisation__in=[BIG, organisation.pk])) == [membership]
    assert list(Membership.objects.exclude(organisation_id=BIG)) == [membership]
    assert list(Membership.objects.filter(organisation__pk__in=[10**30])) == []
    assert list(Organisation.objects.filter(pk__in=["abc", "a\x00b", str(organisation.pk)])) == [organisation]
    assert list(Organisation.objects.filter(pk__in=["abc"])) == []
