"""The editors' pages of learning paths: the role × owner grid, the pages (list, create, edit, steps added, removed,
reordered) with their refusals, the services' audit log, and attestations that stay valid when a module leaves the
path."""

import json
import re
import shutil

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.core.permissions import can
from auzolan.learning import attestation_document, services
from auzolan.learning.models import Module, Path, PathItem
from tests.accounts.factories import UserFactory
from tests.learning.factories import AuthorisedEditorFactory, ModuleFactory, PathFactory, path_of_two_modules
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "staff", "partner_editor", "partner_member", "unauthorised_editor", "other_partner"]


@pytest.fixture
def world():
    partner = OrganisationFactory()
    AuthorisedEditorFactory(organisation=partner)
    unauthorised = OrganisationFactory()
    other = OrganisationFactory()
    AuthorisedEditorFactory(organisation=other)
    users = {"anonymous": AnonymousUser(), "citizen": UserFactory(), "staff": UserFactory(is_staff=True)}
    users["partner_editor"] = MembershipFactory(organisation=partner, role="editor").user
    users["partner_member"] = MembershipFactory(organisation=partner, role="member").user
    users["unauthorised_editor"] = MembershipFactory(organisation=unauthorised, role="admin").user
    users["other_partner"] = MembershipFactory(organisation=other, role="admin").user
    return {"users": users, "partner": partner, "unauthorised": unauthorised}


# (owner of the path, published) -> roles that may change it
GRID = {
    ("agency", True): {"staff"},
    ("agency", False): {"staff"},
    ("partner", True): {"staff", "partner_editor"},
    ("partner", False): {"staff", "partner_editor"},
    ("unauthorised", True): {"staff"},  # an organisation without authorisation: its admins may not edit
}


def test_path_grid(world):
    owners = {"agency": None, "partner": world["partner"], "unauthorised": world["unauthorised"]}
    wrong = []
    for (owner, published), allowed in GRID.items():
        path = PathFactory(organisation=owners[owner], published=published)
        for role in ROLES:
            if can(world["users"][role], "learning.change_path", path) is not (role in allowed):
                wrong.append(("change_path", owner, published, role))
    for role in ROLES:
        allowed = role in {"staff", "partner_editor", "other_partner"}
        if can(world["users"][role], "learning.add_path") is not allowed:
            wrong.append(("add_path", role))
    assert not wrong


def token(response):
    return re.search(r'name="submission" value="([^"]+)"', response.content.decode()).group(1)


def test_staff_builds_a_path_on_the_pages(client):
    client.force_login(UserFactory(is_staff=True))
    published = ModuleFactory(title="Les bases")
    second = ModuleFactory(title="Aller plus loin")
    draft = ModuleFactory(state=Module.State.DRAFT)
    create = reverse("learning:path_create")
    page = client.get(create)
    assert page.status_code == 200 and "En basque (euskara)" in page.content.decode()
    data = {"title": "Nouvel élu", "audience": "elu", "description": "Les bases.", "title_eu": "Hautetsi berria"}
    assert client.post(create, {**data, "audience": "nexiste"}).status_code == 400
    assert client.post(create, {**data, "submission": token(page)}).status_code == 302
    path = Path.objects.get(slug="nouvel-elu")
    assert (path.title_eu, path.published, path.organisation) == ("Hautetsi berria", False, None)
    assert client.post(create, data).status_code == 409  # the same title again
    edit = reverse("learning:path_edit", args=[path.slug])
    assert client.post(edit, {**data, "published": "on", "description_eu": "Oinarriak."}).status_code == 302
    path.refresh_from_db()
    assert path.published and path.description_eu == "Oinarriak."

    add = reverse("learning:path_item_add", args=[path.slug])
    assert client.post(add, {"module": published.pk}).status_code == 302
    assert client.post(add, {"module": second.pk}).status_code == 302
    assert client.post(add, {"module": published.pk}).status_code == 409  # already in the path
    assert client.post(add, {"module": draft.pk}).status_code == 400  # not published: not a choice
    assert client.post(add, {"module": "99999999999999999999"}).status_code == 400
    assert client.post(add, {}).status_code == 400  # neither a module nor a workshop
    assert client.post(add, {"module": second.pk, "workshop_title": "Atelier"}).status_code == 400  # both
    response = client.post(add, {"workshop_title": "Atelier à Bayonne", "workshop_title_eu": "Tailerra Baionan"})
    assert response.status_code == 302
    items = list(path.items.order_by("position"))
    assert [str(item) for item in items] == ["Les bases", "Aller plus loin", "Atelier à Bayonne"]
    assert items[2].workshop_title_eu == "Tailerra Baionan"

    client.post(reverse("learning:path_item_move", args=[path.slug, items[2].pk]), {"direction": "up"})
    assert [str(item) for item in path.items.order_by("position")] == [
        "Les bases",
        "Atelier à Bayonne",
        "Aller plus loin",
    ]
    last = reverse("learning:path_item_move", args=[path.slug, items[1].pk])
    response = client.post(last, {"direction": "down"}, follow=True)  # already the last one: a message, no change
    assert "déjà à cette extrémité" in response.content.decode()
    assert [str(item) for item in path.items.order_by("position")][-1] == "Aller plus loin"
    assert client.post(reverse("learning:path_item_remove", args=[path.slug, items[0].pk])).status_code == 302
    assert [str(item) for item in path.items.order_by("position")] == ["Atelier à Bayonne", "Aller plus loin"]
    assert client.post(reverse("learning:path_item_remove", args=[path.slug, items[0].pk])).status_code == 404
    other = PathFactory()
    assert client.post(reverse("learning:path_item_remove", args=[other.slug, items[1].pk])).status_code == 404

    listing = client.get(reverse("learning:path_list")).content.decode()
    assert "Nouvel élu" in listing and other.title in listing
    page = client.get(edit).content.decode()
    assert "Aller plus loin" in page and "Ajouter une étape" in page
    actions = set(AuditLogEntry.objects.filter(action__startswith="learning.path.").values_list("action", flat=True))
    assert actions == {
        "learning.path.created",
        "learning.path.updated",
        "learning.path.item_added",
        "learning.path.reordered",
        "learning.path.item_removed",
    }


def test_partner_editor_edits_own_paths_only(client, world):
    editor = world["users"]["partner_editor"]
    client.force_login(editor)
    agency_path = PathFactory(title="Parcours de l'agence")
    page = client.get(reverse("learning:path_create"))
    data = {"title": "Parcours partenaire", "audience": "agent", "submission": token(page)}
    assert client.post(reverse("learning:path_create"), {**data}).status_code == 400  # the organisation is required
    assert (
        client.post(reverse("learning:path_create"), {**data, "organisation": world["partner"].pk}).status_code == 302
    )
    own = Path.objects.get(slug="parcours-partenaire")
    assert own.organisation == world["partner"]
    listing = client.get(reverse("learning:path_list")).content.decode()
    assert "Parcours partenaire" in listing and "Parcours de l&#x27;agence" not in listing
    assert client.get(reverse("learning:path_edit", args=[own.slug])).status_code == 200
    assert client.get(reverse("learning:path_edit", args=[agency_path.slug])).status_code == 404
    item = PathItem.objects.create(path=agency_path, workshop_title="Atelier")
    assert client.post(reverse("learning:path_item_remove", args=[agency_path.slug, item.pk])).status_code == 404
    assert PathItem.objects.filter(pk=item.pk).exists()
    with pytest.raises(ValidationError):  # another organisation's name
        services.path_create(actor=editor, title="Ailleurs", audience="elu", organisation=world["unauthorised"])
    client.force_login(world["users"]["citizen"])
    assert client.get(reverse("learning:path_list")).status_code == 404
    assert client.get(reverse("learning:path_create")).status_code == 404
    with pytest.raises(NotFound):  # out of reach looks like missing
        services.path_update(actor=world["users"]["citizen"], path=own, title="Pris")


def test_item_services_refuse_bad_input(world):
    staff = world["users"]["staff"]
    path = PathFactory()
    module = ModuleFactory()
    services.path_item_add(actor=staff, path=path, module=module)
    with pytest.raises(Conflict):
        services.path_item_add(actor=staff, path=path, module=module)
    with pytest.raises(ValidationError):
        services.path_item_add(actor=staff, path=path, workshop_title="   ")
    with pytest.raises(ValidationError):
        services.path_update(actor=staff, path=path, slug="autre")  # the address does not change


def test_removing_a_module_keeps_attestations_valid(client):
    path, modules = path_of_two_modules()
    learner = UserFactory()
    for module, pieces in modules:
        for piece in pieces:
            services.piece_complete(user=learner, module=module, piece=piece)
    attestation = services.attestation_issue(user=learner, path=path)
    code = attestation_document.code_for(attestation)
    facts = attestation_document.facts(attestation)
    item = path.items.get(module=modules[1][0])
    services.path_item_remove(actor=UserFactory(is_staff=True), item=item)
    attestation.refresh_from_db()
    assert attestation_document.facts(attestation) == facts  # frozen: duration and competences unchanged
    assert attestation_document.verify_code(attestation, code) == attestation_document.Verdict.VALID
    response = client.post(attestation.get_absolute_url(), {"code": code})
    assert response.status_code == 200


def test_loader_leaves_an_edited_path_alone_until_its_entry_changes(content_dir, tmp_path):
    services.content_load(directory=content_dir)
    path = Path.objects.get(slug="referent-donnees")
    workshop = path.items.get(module__isnull=True)
    services.path_item_remove(actor=UserFactory(is_staff=True), item=workshop)
    services.content_load(directory=content_dir)  # the file did not change: the editor's change stays
    assert not path.items.filter(module__isnull=True).exists()
    directory = tmp_path / "content"
    shutil.copytree(content_dir, directory)
    paths = json.loads((directory / "paths.json").read_text())
    paths[0]["description"] = "Publier les données de la commune."
    (directory / "paths.json").write_text(json.dumps(paths))
    services.content_load(directory=directory)  # the entry changed: the file wins
    path.refresh_from_db()
    assert path.description == "Publier les données de la commune."
    assert path.items.filter(module__isnull=True).count() == 1
