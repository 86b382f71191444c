"""A partner's administrators edit their own presentation (the public text and the contact) through HTTP: the page,
the link on the public page and in "Mon espace", a valid and an invalid submission, another organisation's
administrators; and the service below it."""

import re

import pytest
from django.urls import reverse

from auzolan.core.errors import NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.youth import services
from auzolan.youth.models import Partnership
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

VALID = {
    "description": "<script>alert('x')</script> Des ateliers de programmation avec les secondes.",
    "contact_role": "Proviseur adjoint",
    "contact_email": "vie-scolaire@lycee.example.org",
    # no "contact_is_public": the box is unchecked
    # fields staff decide, sent anyway: ignored
    "is_public": "",
    "since": "2001-01-01",
    "collaborations": ["data_reuse"],
}


def _member(partnership, role="admin"):
    return MembershipFactory(organisation=partnership.organisation, role=role, state="active").user


def _edit_url(partnership):
    return reverse("youth:partner_edit", args=[partnership.organisation.slug])


def _state(partnership):
    partnership = Partnership.objects.get(pk=partnership.pk)
    return {
        **{
            name: getattr(partnership, name)
            for name in ("description", "contact_role", "contact_email", "contact_is_public", "since", "is_public")
        },
        "collaborations": sorted(c.kind for c in partnership.collaborations.all()),
    }


def test_the_public_page_links_to_the_presentation_for_the_partners_admins_only(world, client):
    partnership = world["public"]
    detail = reverse("youth:partner_detail", args=[partnership.organisation.slug])
    link = _edit_url(partnership)
    assert link not in client.get(detail).content.decode()
    for user in (_member(partnership, role="editor"), world["operator"], _member(world["company"])):
        client.force_login(user)
        assert link not in client.get(detail).content.decode()
    client.force_login(_member(partnership))
    page = client.get(detail).content.decode()
    assert link in page and "Modifier notre présentation" in page


def test_mon_espace_links_to_the_presentation_when_the_organisation_is_a_partner(world, client):
    partnership = world["hidden"]
    client.force_login(_member(partnership))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert _edit_url(partnership) in page and "Partenariat jeunesse avec l'agence" in page
    client.force_login(_member(partnership, role="member"))
    assert "Partenariat jeunesse avec l'agence" not in client.get(reverse("accounts:dashboard")).content.decode()
    client.force_login(MembershipFactory(organisation=OrganisationFactory(), role="admin", state="active").user)
    assert "Partenariat jeunesse avec l'agence" not in client.get(reverse("accounts:dashboard")).content.decode()


def test_a_partners_admin_edits_the_presentation_and_nothing_else(world, client):
    partnership = world["public"]
    before = _state(partnership)
    client.force_login(_member(partnership))
    page = client.get(_edit_url(partnership))
    assert page.status_code == 200
    content = page.content.decode()
    assert '<label for="id_description">' in content and 'name="is_public"' not in content
    assert 'name="collaborations"' not in content and 'name="since"' not in content
    response = client.post(_edit_url(partnership), VALID)
    assert response.status_code == 302
    assert response["Location"] == reverse("youth:partner_detail", args=[partnership.organisation.slug])
    after = _state(partnership)
    assert after["description"] == VALID["description"] and after["contact_role"] == "Proviseur adjoint"
    assert after["contact_email"] == VALID["contact_email"] and after["contact_is_public"] is False
    for name in ("since", "is_public", "collaborations"):
        assert after[name] == before[name]
    entry = AuditLogEntry.objects.get(action="youth.partnership.updated_by_partner")
    assert entry.data["changed"] == ["contact_email", "contact_is_public", "contact_role", "description"]
    # The public sees the text as text, and no longer the contact.
    client.logout()
    public = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in public and "<script>alert" not in public
    assert VALID["contact_email"] not in public and "Proviseur adjoint" not in public


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"contact_role": "x" * 121}, "contact_role"),
        ({"contact_email": "pas une adresse"}, "contact_email"),
    ],
)
def test_bad_input_shows_the_error_next_to_its_field_and_changes_nothing(world, client, change, field):
    partnership = world["public"]
    before = _state(partnership)
    client.force_login(_member(partnership))
    response = client.post(_edit_url(partnership), {**VALID, **change})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    content = response.content.decode()
    widget = re.search(rf'<(?:input|textarea)[^>]*id="id_{field}"[^>]*>', content).group()
    assert f'id="id_{field}_error"' in content and f"id_{field}_error" in widget  # the error is linked to its field
    assert _state(partnership) == before
    assert not AuditLogEntry.objects.filter(action="youth.partnership.updated_by_partner").exists()


def test_another_organisations_admin_gets_a_404_and_changes_nothing(world, client):
    partnership = world["hidden"]
    before = _state(partnership)
    client.force_login(_member(world["public"]))
    assert client.get(_edit_url(partnership)).status_code == 404
    assert client.post(_edit_url(partnership), VALID).status_code == 404
    assert _state(partnership) == before


def test_a_hidden_partnerships_admin_goes_back_to_mon_espace(world, client):
    partnership = world["hidden"]
    client.force_login(_member(partnership))
    response = client.post(_edit_url(partnership), {**VALID, "contact_is_public": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
    assert _state(partnership)["is_public"] is False


# --- The service ------------------------------------------------------------------------------------------------


def test_service_updates_the_text_and_audits_only_a_change(world):
    partnership = world["company"]
    admin = _member(partnership)
    updated = services.partnership_update_by_partner(
        actor=admin,
        partnership=partnership,
        description="  Des stages de troisième.  ",
        contact_role=" Accueil ",
        contact_email="accueil@hegoa.example.org",
        contact_is_public=True,
    )
    assert (updated.description, updated.contact_role) == ("Des stages de troisième.", "Accueil")
    assert AuditLogEntry.objects.filter(action="youth.partnership.updated_by_partner", actor=admin).count() == 1
    services.partnership_update_by_partner(
        actor=admin,
        partnership=partnership,
        description="Des stages de troisième.",
        contact_role="Accueil",
        contact_email="accueil@hegoa.example.org",
    )
    assert AuditLogEntry.objects.filter(action="youth.partnership.updated_by_partner").count() == 1


@pytest.mark.parametrize("who", ["editor", "other_admin", "operator"])
def test_service_refuses_anyone_but_the_partners_admins(world, who):
    partnership = world["company"]
    actor = {
        "editor": lambda: _member(partnership, role="editor"),
        "other_admin": lambda: _member(world["public"]),
        "operator": lambda: world["operator"],
    }[who]()
    before = _state(partnership)
    with pytest.raises(NotFound):
        services.partnership_update_by_partner(actor=actor, partnership=partnership, description="Autre chose")
    assert _state(partnership) == before


def test_service_refuses_an_empty_description(world):
    partnership = world["company"]
    with pytest.raises(ValidationError) as error:
        services.partnership_update_by_partner(actor=_member(partnership), partnership=partnership, description=" ")
    assert error.value.field == "description"
