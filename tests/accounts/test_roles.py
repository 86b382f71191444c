"""A person chooses the role they declare among those a visitor may claim; the agency role is given by agency staff
only (the back office), and the services enforce it whatever the form."""

import pytest
from django.urls import reverse

from auzolan.accounts.adapter import AccountAdapter
from auzolan.accounts.models import TerritoryRole, User
from auzolan.accounts.services import SELF_SERVICE_ROLES, user_update_profile
from auzolan.core.errors import ValidationError
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Txakoli-et-Ossau-Iraty-2026"


def _signup(client, role):
    return client.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@exemple.eus",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Nouvelle Personne",
            "territory_role": role,
        },
    )


def test_self_service_roles_are_every_role_but_the_agency():
    assert TerritoryRole.AGENCY not in SELF_SERVICE_ROLES
    assert set(SELF_SERVICE_ROLES) == set(TerritoryRole) - {TerritoryRole.AGENCY}


def test_signup_page_does_not_offer_the_agency_role(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'value="citizen"' in html and 'value="elected"' in html
    assert 'value="agency"' not in html


def test_signup_with_the_agency_role_is_refused(client):
    response = _signup(client, "agency")
    assert response.status_code == 200
    assert "territory_role" in response.context["form"].errors
    assert not User.objects.filter(email="nouvelle@exemple.eus").exists()


def test_signup_with_a_self_service_role_works(client):
    assert _signup(client, "elected").status_code == 302
    assert User.objects.get(email="nouvelle@exemple.eus").territory_role == "elected"


def test_signup_adapter_refuses_the_agency_role_even_without_the_form(rf):
    """The adapter (allauth's write path) asks the service, so a form that let it through changes nothing."""

    class Form:
        cleaned_data = {"email": "x@exemple.fr", "full_name": "X", "territory_role": "agency"}

    with pytest.raises(ValidationError) as error:
        AccountAdapter(rf.post("/")).save_user(rf.post("/"), User(email="x@exemple.fr"), Form(), commit=False)
    assert error.value.field == "territory_role"


def test_a_person_cannot_give_themselves_the_agency_role(user):
    with pytest.raises(ValidationError) as error:
        user_update_profile(actor=user, user=user, full_name="Moi", territory_role="agency")
    assert error.value.field == "territory_role"
    user.refresh_from_db()
    assert user.territory_role != "agency"


def test_staff_may_give_the_agency_role(user, operator):
    user_update_profile(actor=operator, user=user, full_name=user.full_name, territory_role="agency")
    user.refresh_from_db()
    assert user.territory_role == "agency"


def test_a_member_of_the_agency_keeps_the_role_when_editing_their_name():
    member = UserFactory(territory_role="agency")
    user_update_profile(actor=member, user=member, full_name="Nouveau nom", territory_role="agency")
    member.refresh_from_db()
    assert (member.full_name, member.territory_role) == ("Nouveau nom", "agency")


def test_profile_page_refuses_the_agency_role(user_client, user):
    html = user_client.get(reverse("accounts:profile")).content.decode()
    assert 'value="agency"' not in html
    response = user_client.post(reverse("accounts:profile"), {"full_name": "Moi", "territory_role": "agency"})
    assert response.status_code == 200
    assert "territory_role" in response.context["form"].errors
    user.refresh_from_db()
    assert user.territory_role != "agency"


def test_profile_page_of_an_agency_member_offers_their_role(client):
    member = UserFactory(territory_role="agency")
    client.force_login(member)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'value="agency" selected' in html
    response = client.post(reverse("accounts:profile"), {"full_name": "Nouveau nom", "territory_role": "agency"})
    assert response.status_code == 302
