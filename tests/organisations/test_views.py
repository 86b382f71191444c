import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.cache import SessionStore
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from auzolan.core.registry import dashboard_sections
from auzolan.organisations.middleware import SESSION_KEY, current_organisation
from auzolan.organisations.models import Commune, Membership
from tests.accounts.factories import UserFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory, World

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def login(client, world, role):
    client.force_login(world.user(role))
    return world.user(role)


# --- territory -----------------------------------------------------------------------------------------


def test_territory_page(client):
    call_command("load_territory", stdout=None)
    organisation = OrganisationFactory(name="Ville de Bayonne", kind="commune")

    organisation.communes.add(Commune.objects.get(insee_code="64102"))
    response = client.get(reverse("organisations:territory"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "CA du Pays Basque" in content
    assert "<caption>" in content
    assert "1 commune sur 158 est membre" in content
    assert "64102" in content and organisation.get_absolute_url() in content
    assert len(response.context["communes"]) == 158

    filtered = client.get(reverse("organisations:territory"), {"q": "bayo"})
    assert [c.name for c in filtered.context["communes"]] == ["Bayonne"]


def test_territory_page_without_territory(client):
    response = client.get(reverse("organisations:territory"))
    assert response.status_code == 200
    assert "pas encore chargé" in response.content.decode()


# --- list ----------------------------------------------------------------------------------------------


def test_list_shows_public_organisations_only(client):
    OrganisationFactory(name="Visible", membership_status="member")
    OrganisationFactory(name="Suspendue", membership_status="suspended")
    OrganisationFactory(name="Prospect", membership_status="prospect")
    OrganisationFactory(name="Ancienne", membership_status="former")
    response = client.get(reverse("organisations:list"))
    assert response.status_code == 200
    names = [o.name for o in response.context["organisations"]]
    assert names == ["Suspendue", "Visible"]
    assert "2 organisations" in response.content.decode()


def test_list_filters(client):
    OrganisationFactory(name="Lycée Cassin", kind="school", college="education")
    commune = CommuneFactory(name="Ustaritz")
    org = OrganisationFactory(name="Mairie", kind="commune")
    org.communes.add(commune)
    url = reverse("organisations:list")
    assert [o.name for o in client.get(url, {"kind": "school"}).context["organisations"]] == ["Lycée Cassin"]
    assert [o.name for o in client.get(url, {"college": "education"}).context["organisations"]] == ["Lycée Cassin"]
    assert [o.name for o in client.get(url, {"q": "ustar"}).context["organisations"]] == ["Mairie"]
    response = client.get(url, {"kind": "dragon"})  # an unknown value is ignored, with the error shown
    assert response.status_code == 200
    assert len(response.context["organisations"]) == 2


def test_list_pagination_keeps_the_filters(client):
    for n in range(35):
        OrganisationFactory(name=f"Ecole {n:02d}", kind="school", college="education")
    response = client.get(reverse("organisations:list"), {"kind": "school"})
    assert len(response.context["organisations"]) == 30
    assert "?kind=school&amp;page=2" in response.content.decode()
    second = client.get(reverse("organisations:list"), {"kind": "school", "page": 2})
    assert len(second.context["organisations"]) == 5
    assert client.get(reverse("organisations:list"), {"page": "abc"}).status_code == 200


def test_list_query_count_is_bounded(client, django_assert_max_num_queries):
    communes = [CommuneFactory() for _ in range(3)]
    for _ in range(20):
        organisation = OrganisationFactory()
        organisation.communes.set(communes)
        MembershipFactory.create_batch(2, organisation=organisation)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("organisations:list"))
    assert len(response.context["organisations"]) == 20


# --- detail --------------------------------------------------------------------------------------------


def test_detail_for_anonymous(client):
    world = World()
    world.organisation.description = "Ligne 1\nLigne 2 <script>"
    world.organisation.website = "https://ustaritz.fr"
    world.organisation.save()
    response = client.get(world.organisation.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert "Ligne 1<br>Ligne 2 &lt;script&gt;" in content
    assert "https://ustaritz.fr" in content
    assert response.context["members_count"] == 3
    assert response.context["members"] is None
    assert "Modifier" not in content and "Demander à rejoindre" not in content
    assert "Connectez-vous" in content


@pytest.mark.parametrize(
    ("role", "edit", "manage", "request_button", "members"),
    [
        ("outsider", False, False, True, False),
        ("member", False, False, False, True),
        ("admin", True, True, False, True),
        ("operator", True, True, True, True),
    ],
)
def test_detail_buttons_by_permission(client, role, edit, manage, request_button, members):
    world = World()
    login(client, world, role)
    content = client.get(world.organisation.get_absolute_url()).content.decode()
    assert (reverse("organisations:edit", args=["ustaritz"]) in content) is edit
    assert (reverse("organisations:members", args=["ustaritz"]) in content) is manage
    assert ("Demander à rejoindre" in content) is request_button
    assert (world.user("editor").display_name in content) is members


def test_detail_pending_note(client):
    world = World()
    login(client, world, "pending")
    content = client.get(world.organisation.get_absolute_url()).content.decode()
    assert "Votre demande est en attente" in content
    assert "Demander à rejoindre" not in content


def test_detail_unknown_slug(client):
    assert client.get(reverse("organisations:detail", args=["nulle-part"])).status_code == 404


# --- request / leave -----------------------------------------------------------------------------------


def test_request_membership(client):
    world = World()
    outsider = login(client, world, "outsider")
    response = client.post(reverse("organisations:request", args=["ustaritz"]))
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider).state == "pending"
    assert "Votre demande a été envoyée" in texts(response)[0]
    again = client.post(reverse("organisations:request", args=["ustaritz"]))
    assert "déjà demandé" in texts(again)[-1]


def test_request_membership_needs_login_and_post(client):
    World()
    assert client.post(reverse("organisations:request", args=["ustaritz"])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("organisations:request", args=["ustaritz"])).status_code == 405


def test_request_membership_of_a_prospect_is_404(client):
    world = World(status="prospect")
    login(client, world, "outsider")
    assert client.post(reverse("organisations:request", args=["ustaritz"])).status_code == 404


def test_member_leaves(client):
    world = World()
    member = login(client, world, "member")
    session = client.session
    session[SESSION_KEY] = world.organisation.pk
    session.save()
    response = client.post(reverse("organisations:leave", args=["ustaritz"]))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=member).exists()
    assert "Vous avez quitté" in texts(response)[0]
    assert SESSION_KEY not in client.session


def test_pending_withdraws_request(client):
    world = World()
    login(client, world, "pending")
    response = client.post(reverse("organisations:leave", args=["ustaritz"]))
    assert "retirée" in texts(response)[0]


def test_last_admin_cannot_leave(client):
    world = World()
    login(client, world, "admin")
    response = client.post(reverse("organisations:leave", args=["ustaritz"]))
    assert response.status_code == 302
    assert "au moins un administrateur" in texts(response)[0]
    assert Membership.objects.filter(pk=world.memberships["admin"].pk).exists()


def test_leave_without_membership_is_404(client):
    world = World()
    login(client, world, "outsider")
    assert client.post(reverse("organisations:leave", args=["ustaritz"])).status_code == 404


def test_member_of_a_prospect_leaves_and_goes_to_the_list(client):
    world = World(status="prospect")
    login(client, world, "member")
    response = client.post(reverse("organisations:leave", args=["ustaritz"]))
    assert response["Location"] == reverse("organisations:list")


# --- edit ----------------------------------------------------------------------------------------------


def test_edit_form_fields_for_admin_and_staff(client):
    world = World()
    login(client, world, "admin")
    form = client.get(reverse("organisations:edit", args=["ustaritz"])).context["form"]
    assert "college" not in form.fields and "description" in form.fields
    client.force_login(world.user("operator"))
    form = client.get(reverse("organisations:edit", args=["ustaritz"])).context["form"]
    assert "college" in form.fields and "membership_status" in form.fields


def test_edit_saves(client):
    world = World()
    login(client, world, "admin")
    data = {
        "name": "Ustaritz",
        "siret": "",
        "population": "7000",
        "agents_count": "",
        "description": "Herria",
        "website": "",
        "contact_email": "",
    }
    response = client.post(reverse("organisations:edit", args=["ustaritz"]), data)
    assert response.status_code == 302
    assert response["Location"] == world.organisation.get_absolute_url()
    world.organisation.refresh_from_db()
    assert (world.organisation.name, world.organisation.population) == ("Ustaritz", 7000)
    assert "enregistrées" in texts(response)[0]


def test_edit_shows_service_errors_next_to_the_field(client):
    world = World()
    login(client, world, "admin")
    data = {
        "name": "Ustaritz",
        "siret": "21640102600018",
        "population": "",
        "agents_count": "",
        "description": "",
        "website": "",
        "contact_email": "",
    }
    response = client.post(reverse("organisations:edit", args=["ustaritz"]), data)
    assert response.status_code == 200
    assert "clé de contrôle" in response.context["form"].errors["siret"][0]
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Commune d'Ustaritz"


def test_edit_form_errors(client):
    world = World()
    login(client, world, "admin")
    response = client.post(reverse("organisations:edit", args=["ustaritz"]), {"name": "", "population": "-3"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"name", "population"}


# --- members -------------------------------------------------------------------------------------------


def test_members_page(client):
    world = World()
    login(client, world, "admin")
    response = client.get(reverse("organisations:members", args=["ustaritz"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert len(response.context["active_members"]) == 3
    assert [m.user for m in response.context["pending"]] == [world.user("pending")]
    assert "Accepter" in content and "Refuser" in content and "Ajouter une personne" in content


def test_add_member(client):
    world = World()
    login(client, world, "admin")
    person = UserFactory(email="peio@exemple.fr")
    response = client.post(
        reverse("organisations:members", args=["ustaritz"]), {"add-email": "peio@exemple.fr", "add-role": "editor"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=person).role == "editor"
    assert "ajouté" in texts(response)[0]


def test_add_member_unknown_email(client):
    world = World()
    login(client, world, "admin")
    response = client.post(
        reverse("organisations:members", args=["ustaritz"]), {"add-email": "nobody@exemple.fr", "add-role": "member"}
    )
    assert response.status_code == 400
    assert "Aucun compte actif" in response.context["add_form"].errors["email"][0]


def test_change_role(client):
    world = World()
    login(client, world, "admin")
    pk = world.memberships["member"].pk
    response = client.post(reverse("organisations:member_role", args=["ustaritz", pk]), {f"m{pk}-role": "editor"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=pk).role == "editor"
    assert "enregistré" in texts(response)[0]


def test_change_role_of_last_admin_is_refused(client):
    world = World()
    login(client, world, "admin")
    pk = world.memberships["admin"].pk
    response = client.post(reverse("organisations:member_role", args=["ustaritz", pk]), {f"m{pk}-role": "member"})
    assert "au moins un administrateur" in texts(response)[0]
    bad = client.post(reverse("organisations:member_role", args=["ustaritz", pk]), {f"m{pk}-role": "king"})
    assert "Choisissez un rôle" in texts(bad)[-1]


def test_membership_of_another_organisation_is_404(client):
    world = World()
    login(client, world, "other_admin")
    other_pk = MembershipFactory(organisation=world.other).pk
    # the other admin manages Hasparren, not Ustaritz's members, and cannot reach them through their own slug
    url = reverse("organisations:member_role", args=["hasparren", world.memberships["member"].pk])
    assert client.post(url, {"role": "admin"}).status_code == 404
    assert client.post(reverse("organisations:member_role", args=["ustaritz", other_pk]), {}).status_code == 404


def test_remove_member_confirmation_then_post(client):
    world = World()
    login(client, world, "admin")
    url = reverse("organisations:member_remove", args=["ustaritz", world.memberships["member"].pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert confirm.content.decode().count("<h1") == 1
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=world.memberships["member"].pk).exists()
    assert "ne fait plus partie" in texts(response)[0]


def test_remove_last_admin_is_refused(client):
    world = World()
    login(client, world, "operator")
    response = client.post(reverse("organisations:member_remove", args=["ustaritz", world.memberships["admin"].pk]))
    assert "au moins un administrateur" in texts(response)[0]


@pytest.mark.parametrize(("decision", "state"), [("accept", "active"), ("refuse", None)])
def test_decide_request(client, decision, state):
    world = World()
    login(client, world, "admin")
    pk = world.memberships["pending"].pk
    response = client.post(reverse("organisations:member_decide", args=["ustaritz", pk]), {"decision": decision})
    assert response.status_code == 302
    assert Membership.objects.filter(pk=pk).values_list("state", flat=True).first() == state
    assert texts(response)


def test_decide_errors(client):
    world = World()
    login(client, world, "admin")
    url = reverse("organisations:member_decide", args=["ustaritz", world.memberships["member"].pk])
    assert "déjà été traitée" in texts(client.post(url, {"decision": "accept"}))[0]
    assert "accepter ou de refuser" in texts(client.post(url, {"decision": "maybe"}))[-1]


# --- switch --------------------------------------------------------------------------------------------


def test_switch_to_own_organisation(client):
    world = World()
    user = login(client, world, "member")
    MembershipFactory(organisation=world.other, user=user)
    response = client.post(reverse("organisations:switch"), {"organisation": world.other.pk, "next": "/organisations/"})
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert client.session[SESSION_KEY] == world.other.pk


@pytest.mark.parametrize("role", ["outsider", "pending", "operator"])
def test_switch_to_a_forged_organisation_is_refused(client, role):
    world = World()
    login(client, world, role)
    response = client.post(reverse("organisations:switch"), {"organisation": world.organisation.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_bad_input_and_method(client):
    world = World()
    login(client, world, "member")
    assert client.post(reverse("organisations:switch"), {"organisation": "abc"}).status_code == 404
    assert client.post(reverse("organisations:switch"), {"organisation": 999999}).status_code == 404
    assert client.get(reverse("organisations:switch")).status_code == 405


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_switch_ignores_next_to_another_host(client, target):
    world = World()
    login(client, world, "member")
    response = client.post(reverse("organisations:switch"), {"organisation": world.organisation.pk, "next": target})
    assert response["Location"] == "/moi/"


def test_switch_needs_login(client):
    world = World()
    response = client.post(reverse("organisations:switch"), {"organisation": world.organisation.pk})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


# --- home and dashboard contributions ------------------------------------------------------------------


def test_home_section_template(rf):
    OrganisationFactory(name="Ville d'Anglet")
    html = render_to_string("organisations/_home_members.html", {}, request=rf.get("/"))
    assert "Organisations membres récentes" in html
    assert "Ville d&#x27;Anglet" in html


def test_dashboard_section(rf):
    world = World()
    user = world.user("pending")
    MembershipFactory(organisation=world.other, user=user, role="editor")
    request = rf.get("/moi/")
    request.user, request.session = user, SessionStore()
    request.organisation = current_organisation(request)
    sections = dict(dashboard_sections(request))
    section = sections["organisations/_dashboard.html"]
    assert [m.organisation for m in section["memberships"]] == [world.organisation, world.other]
    html = render_to_string("organisations/_dashboard.html", {"section": section}, request=request)
    assert "Mes organisations" in html
    assert "Demande en attente" in html
    assert "vous agissez pour elle" in html
    assert reverse("organisations:list") in html
