"""The legal obligation: more than 3,500 inhabitants and at least 50 agents; unknown figures are not bound (to fill
in); the agency's override wins."""

import pytest

from auzolan.core.errors import NotFound, ValidationError
from auzolan.opendata_programme import selectors, services
from tests.opendata_programme.factories import PilotGroupMemberFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


@pytest.mark.parametrize(
    ("population", "agents", "bound"),
    [
        (3500, 50, False),
        (3501, 50, True),
        (3501, 49, False),
        (3500, 49, False),
        (100_000, 50, True),
    ],
)
def test_rule_boundaries(population, agents, bound):
    assert selectors.rule_binds(population, agents) is bound


@pytest.mark.parametrize(("population", "agents"), [(None, 60), (5000, None), (None, None)])
def test_unknown_figures_are_not_bound_and_to_fill_in(population, agents):
    organisation = OrganisationFactory.build(population=population, agents_count=agents)
    duty = selectors.obligation_of(organisation, None)
    assert duty.bound is False and duty.to_fill_in


@pytest.mark.django_db
def test_override_both_ways_and_back_to_the_rule(operator):
    organisation = OrganisationFactory(population=3501, agents_count=50)
    assert selectors.obligation(organisation).bound
    services.obligation_override(actor=operator, organisation=organisation, bound=False, reason="Fusion en cours")
    duty = selectors.obligation(organisation)
    assert not duty.bound and duty.source == "override" and duty.reason == "Fusion en cours"
    services.obligation_override(actor=operator, organisation=organisation, bound=None)
    assert selectors.obligation(organisation).bound

    small = OrganisationFactory(population=1200, agents_count=8)
    services.obligation_override(actor=operator, organisation=small, bound=True, reason="Engagement volontaire")
    assert selectors.obligation(small).bound


@pytest.mark.django_db
def test_override_needs_a_reason_and_an_operator(operator):
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.obligation_override(actor=operator, organisation=organisation, bound=True, reason="  ")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    with pytest.raises(NotFound):
        services.obligation_override(actor=admin, organisation=organisation, bound=True, reason="Je décide")


@pytest.mark.django_db
def test_programme_organisations_are_bound_overridden_or_in_a_group(operator):
    bound = OrganisationFactory(population=3501, agents_count=50)
    OrganisationFactory(population=3500, agents_count=50)  # not followed
    member = PilotGroupMemberFactory(organisation=OrganisationFactory(population=None)).organisation
    overridden = OrganisationFactory(population=10, agents_count=1)
    services.obligation_override(actor=operator, organisation=overridden, bound=True, reason="Volontaire")
    assert set(selectors.programme_organisations()) == {bound, member, overridden}
    rows = selectors.followed_organisations(only_bound=True)
    assert {row.organisation for row in rows} == {bound, overridden}
