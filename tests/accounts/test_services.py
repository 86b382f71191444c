import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from auzolan.accounts import services
from auzolan.accounts.models import User
from auzolan.accounts.services import user_delete, user_export_data, user_update_profile
from auzolan.core.audit import audit_log
from auzolan.core.errors import ApplicationError, ValidationError
from auzolan.core.models import AuditLogEntry, Job
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_update_profile_changes_fields_and_logs(user):
    user_update_profile(actor=user, user=user, full_name="  Maddi Etxeberria ", territory_role="elected")
    user.refresh_from_db()
    assert user.full_name == "Maddi Etxeberria"
    assert user.territory_role == "elected"
    entry = AuditLogEntry.objects.get(action="accounts.profile.updated")
    assert entry.actor == user
    assert entry.data == {"fields": ["full_name", "territory_role"]}


def test_update_profile_without_change_logs_nothing(user):
    user_update_profile(actor=user, user=user, full_name=user.full_name, territory_role=user.territory_role)
    assert not AuditLogEntry.objects.filter(action="accounts.profile.updated").exists()


@pytest.mark.parametrize(
    ("full_name", "role", "field"),
    [("   ", "citizen", "full_name"), ("Ane", "emperor", "territory_role")],
)
def test_update_profile_refuses_bad_input(user, full_name, role, field):
    with pytest.raises(ValidationError) as error:
        user_update_profile(actor=user, user=user, full_name=full_name, territory_role=role)
    assert error.value.field == field


def test_update_profile_of_someone_else_is_refused(user):
    other = UserFactory()
    with pytest.raises(ValidationError):
        user_update_profile(actor=user, user=other, full_name="Pirate", territory_role="citizen")
    other.refresh_from_db()
    assert other.full_name != "Pirate"


def test_export_contains_account_addresses_activity_and_sections(user, monkeypatch):
    monkeypatch.setitem(services._export_sections, "test_section", lambda u: [{"owner": u.email}])
    audit_log(actor=user, action="accounts.profile.updated", obj=user)
    data = user_export_data(user=user)
    assert data["account"]["email"] == user.email
    assert data["account"]["full_name"] == user.full_name
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert [a["action"] for a in data["activity"]] == ["accounts.profile.updated"]
    assert data["test_section"] == [{"owner": user.email}]


def test_delete_anonymises_and_keeps_audit_entries(client, user):
    audit_log(actor=user, action="accounts.profile.updated", obj=user)
    email = user.email
    job = Job.objects.create(owner=user, kind="accounts.export", label="Export")
    path = default_storage.save(f"private/exports/{user.pk}/{job.pk}.json", ContentFile(b"{}"))
    client.force_login(user)

    user_delete(actor=user, user=user)

    user.refresh_from_db()
    assert user.email != email and "@invalid.invalid" in user.email
    assert user.full_name == ""
    assert not user.is_active
    assert user.deleted_at is not None
    assert user.display_name == "Compte supprimé"
    assert str(user) == "Compte supprimé"
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(email=email).exists()
    assert not User.objects.filter(email=email).exists()
    # What they did stays, attributed to the anonymised account.
    entry = AuditLogEntry.objects.get(action="accounts.profile.updated")
    assert entry.actor == user
    assert str(entry.actor) == "Compte supprimé"
    assert AuditLogEntry.objects.filter(action="accounts.user.deleted", object_id=str(user.pk)).exists()
    # Export files and jobs are gone; the session no longer authenticates.
    assert not default_storage.exists(path)
    assert not Job.objects.filter(owner=user).exists()
    response = client.get("/moi/")
    assert response.status_code == 302
    # And the person cannot sign in again.
    assert not client.login(username=email, password=PASSWORD)


def test_delete_refused_by_a_hook_deletes_nothing(user, monkeypatch):
    def refuse(u):
        raise ApplicationError("Vous êtes le seul administrateur de Mairie d'Ascain.")

    monkeypatch.setattr(services, "_deletion_checks", [refuse])
    with pytest.raises(ApplicationError):
        user_delete(actor=user, user=user)
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None and user.has_usable_password()


def test_delete_someone_else_is_refused_unless_staff(user, operator):
    other = UserFactory()
    with pytest.raises(ValidationError):
        user_delete(actor=user, user=other)
    user_delete(actor=operator, user=other)
    other.refresh_from_db()
    assert other.deleted_at is not None
