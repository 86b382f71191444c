import factory
from django.contrib.auth.models import AnonymousUser

from auzolan.organisations.models import Commune, Membership, Organisation, Territory
from tests.accounts.factories import UserFactory


def _luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to `prefix`."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("slug",)

    name = "CA du Pays Basque"
    slug = "pays-basque"
    siren = "200067106"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    territory = factory.SubFactory(TerritoryFactory)
    insee_code = factory.Sequence(lambda n: f"64{n % 1000:03d}")
    siren = factory.Sequence(lambda n: _luhn_complete(f"21640{n % 1000:03d}"))
    name = factory.Sequence(lambda n: f"Commune {n}")
    department = "64"
    population = 2500


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = "commune"
    college = "local_authorities"
    membership_status = "member"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    state = "active"


ROLES = ("anonymous", "outsider", "pending", "member", "editor", "admin", "other_admin", "operator")


class World:
    """One organisation with a person in each role, another organisation with its admin, and an operator."""

    def __init__(self, *, status: str = "member"):
        self.organisation = OrganisationFactory(membership_status=status, name="Commune d'Ustaritz", slug="ustaritz")
        self.other = OrganisationFactory(name="Commune de Hasparren", slug="hasparren")
        self.users = {"outsider": UserFactory(), "operator": UserFactory(is_staff=True, territory_role="agency")}
        self.memberships = {}
        for role, state in (("pending", "pending"), ("member", "active"), ("editor", "active"), ("admin", "active")):
            user = UserFactory()
            self.users[role] = user
            self.memberships[role] = MembershipFactory(
                organisation=self.organisation,
                user=user,
                role="member" if role == "pending" else role,
                state=state,
            )
        self.users["other_admin"] = UserFactory()
        MembershipFactory(organisation=self.other, user=self.users["other_admin"], role="admin")

    def user(self, role: str):
        return AnonymousUser() if role == "anonymous" else self.users[role]
