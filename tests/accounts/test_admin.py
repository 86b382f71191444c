import pytest
from django.urls import reverse

from auzolan.accounts.models import User
from auzolan.core.audit import audit_log
from auzolan.core.models import AuditLogEntry
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True, territory_role="agency")
    client.force_login(admin)
    return client


def test_staff_can_open_the_user_list(superuser_client):
    UserFactory(full_name="Maddi Etxeberria")
    response = superuser_client.get("/back-office/accounts/user/", {"q": "Etxeberria"})
    assert response.status_code == 200
    assert "Maddi Etxeberria" in response.content.decode()


def test_non_staff_cannot_open_the_back_office(user_client):
    response = user_client.get("/back-office/accounts/user/")
    assert response.status_code == 302
    assert "/back-office/login/" in response.url


def test_add_and_change_forms(superuser_client):
    assert superuser_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouvelle@Exemple.fr",
            "full_name": "Nouvelle Personne",
            "territory_role": "agent",
            "usable_password": "true",
            "password1": "un-mot-de-passe-tres-long-9",
            "password2": "un-mot-de-passe-tres-long-9",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert user.check_password("un-mot-de-passe-tres-long-9")
    response = superuser_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    password_page = superuser_client.get(reverse("admin:auth_user_password_change", args=[user.pk]))
    assert password_page.status_code == 200


def test_deleting_from_the_admin_anonymises(superuser_client):
    person = UserFactory()
    audit_log(actor=person, action="accounts.profile.updated", obj=person)
    response = superuser_client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.deleted_at is not None and not person.is_active
    assert AuditLogEntry.objects.get(action="accounts.profile.updated").actor == person


def test_bulk_delete_action_anonymises(superuser_client):
    people = UserFactory.create_batch(2)
    response = superuser_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in people], "post": "yes"},
    )
    assert response.status_code == 302
    assert User.objects.filter(pk__in=[p.pk for p in people], deleted_at__isnull=False).count() == 2
