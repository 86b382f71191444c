import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import resolve

from auzolan.catalog.models import Dataset, Reuse, ReuseLink
from auzolan.catalog.reuses import reuse_moderate, reuse_submit
from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from tests.accounts.factories import UserFactory
from tests.catalog.factories import DatasetFactory, ReuseLinkFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def submit(actor, datasets, url="https://exemple.fr/carte", **fields):
    values = {"title": "Carte des équipements", "description": "Une carte.", "kind": "visualisation", "url": url}
    values.update(fields)
    return reuse_submit(actor=actor, datasets=datasets, **values)


@pytest.fixture
def editor():
    return UserFactory()


@pytest.fixture
def dataset(editor):
    dataset = DatasetFactory(title="Équipements publics")
    MembershipFactory(organisation=dataset.organisation, user=editor, role="editor")
    return dataset


def test_submit_creates_one_pending_link_per_dataset(user, dataset):
    other = DatasetFactory()
    reuse = submit(user, [dataset, other, dataset])
    assert sorted(reuse.links.values_list("dataset_id", "state")) == sorted(
        [(dataset.pk, "pending"), (other.pk, "pending")]
    )
    assert AuditLogEntry.objects.filter(action="catalog.reuse.submitted", object_id=str(reuse.pk)).exists()


def test_submit_rules(user, dataset):
    with pytest.raises(ValidationError, match="http"):
        submit(user, [dataset], url="javascript:alert(1)")
    with pytest.raises(ValidationError, match="au moins un"):
        submit(user, [])
    with pytest.raises(ValidationError, match="publiés"):
        submit(user, [DatasetFactory(state=Dataset.State.DRAFT)])
    with pytest.raises(PermissionDenied):
        submit(AnonymousUser(), [dataset])
    assert not Reuse.objects.exists()


def test_same_url_for_the_same_dataset_is_a_conflict(user, dataset):
    submit(user, [dataset])
    with pytest.raises(Conflict, match="Équipements publics"):
        submit(UserFactory(), [dataset, DatasetFactory()])
    assert Reuse.objects.count() == 1
    submit(user, [DatasetFactory()])  # the same address for another dataset is fine


def test_moderation(user, dataset, editor):
    link = submit(user, [dataset]).links.get()
    with pytest.raises(ValidationError, match="motif"):
        reuse_moderate(actor=editor, link=link, approve=False, reason="  ")
    reuse_moderate(actor=editor, link=link, approve=True)
    link.refresh_from_db()
    assert link.state == "published" and link.moderated_by == editor
    with pytest.raises(Conflict):
        reuse_moderate(actor=editor, link=link, approve=False, reason="Non")
    with pytest.raises(NotFound):
        reuse_moderate(actor=UserFactory(), link=link, approve=True)
    assert AuditLogEntry.objects.filter(action="catalog.reuse.published", organisation=dataset.organisation).exists()


def test_member_without_edit_role_cannot_moderate(user, dataset):
    member = UserFactory()
    MembershipFactory(organisation=dataset.organisation, user=member, role="member")
    link = submit(user, [dataset]).links.get()
    with pytest.raises(NotFound):
        reuse_moderate(actor=member, link=link, approve=True)


# --- HTTP ---


def test_create_page_requires_login(client, dataset):
    response = client.get(f"/reutilisations/proposer/?dataset={dataset.slug}")
    assert response.status_code == 302 and "login" in response["Location"]


def test_create_page_preselects_and_submits(client, user, dataset):
    client.force_login(user)
    response = client.get(f"/reutilisations/proposer/?dataset={dataset.slug}")
    assert response.status_code == 200
    assert f'value="{dataset.slug}" selected' in response.content.decode()
    response = client.post(
        "/reutilisations/proposer/",
        {"title": "Carte", "description": "Une carte.", "kind": "application", "url": "https://carte.exemple",
         "datasets": [dataset.slug]},
    )  # fmt: skip
    assert response.status_code == 302
    assert ReuseLink.objects.filter(dataset=dataset, state="pending").count() == 1
    mine = client.get("/reutilisations/mes-propositions/").content.decode()
    assert "Carte" in mine and "En attente de modération" in mine


def test_create_page_refuses_javascript_urls_and_duplicates(client, user, dataset):
    client.force_login(user)
    data = {"title": "Carte", "description": "Une carte.", "kind": "application", "datasets": [dataset.slug]}
    response = client.post("/reutilisations/proposer/", {**data, "url": "javascript:alert(1)"})
    assert response.status_code == 400 and not Reuse.objects.exists()
    client.post("/reutilisations/proposer/", {**data, "url": "https://carte.exemple"})
    response = client.post("/reutilisations/proposer/", {**data, "url": "https://carte.exemple"})
    assert response.status_code == 400
    assert "déjà proposée" in response.content.decode()
    assert Reuse.objects.count() == 1


def test_public_list_shows_only_published_links(client, dataset):
    ReuseLinkFactory(dataset=dataset, reuse__title="Publiée", state="published")
    ReuseLinkFactory(dataset=dataset, reuse__title="En attente")
    ReuseLinkFactory(dataset=dataset, reuse__title="Refusée", state="rejected")
    response = client.get("/reutilisations/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Publiée" in html and "En attente" not in html and "Refusée" not in html


def test_moderation_pages(client, user, dataset, editor):
    assert resolve("/publier/reutilisations/").url_name == "reuse_moderation"
    link = submit(user, [dataset]).links.get()
    other = ReuseLinkFactory(reuse__title="Pour une autre organisation")
    # an outsider sees nothing and cannot moderate
    client.force_login(user)
    assert "Carte des équipements" not in client.get("/publier/reutilisations/").content.decode()
    response = client.post(f"/publier/reutilisations/{link.pk}/", {f"l{link.pk}-decision": "publish"})
    assert response.status_code == 404
    # the dataset's editor
    client.force_login(editor)
    html = client.get("/publier/reutilisations/").content.decode()
    assert "Carte des équipements" in html and "Pour une autre organisation" not in html
    response = client.post(f"/publier/reutilisations/{other.pk}/", {f"l{other.pk}-decision": "publish"})
    assert response.status_code == 404
    response = client.post(
        f"/publier/reutilisations/{link.pk}/", {f"l{link.pk}-decision": "reject", f"l{link.pk}-reason": "Lien mort."}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.state == "rejected" and link.reason == "Lien mort."
    client.force_login(user)
    assert "Lien mort." in client.get("/reutilisations/mes-propositions/").content.decode()


def test_operator_moderates_everything(operator_client, user, dataset):
    link = submit(user, [dataset]).links.get()
    assert "Carte des équipements" in operator_client.get("/publier/reutilisations/").content.decode()
    operator_client.post(f"/publier/reutilisations/{link.pk}/", {f"l{link.pk}-decision": "publish"})
    link.refresh_from_db()
    assert link.state == "published"
    html = operator_client.get(f"/donnees/{dataset.slug}/").content.decode()
    assert "Carte des équipements" in html
