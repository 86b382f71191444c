"""The territory training map: élus and agents trained, counted through the communes of their organisations, by topic;
small counts hidden (participation's rule) on the pages and in the open dataset; the agency's page publishes it."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auzolan.catalog.models import Dataset
from auzolan.learning import selectors, services, training_map
from auzolan.learning.models import Module, TrainingDataset
from tests.accounts.factories import UserFactory
from tests.learning.factories import TopicFactory, module_with_pieces
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def trained(organisation, module, pieces, *, role="elected"):
    user = UserFactory(territory_role=role)
    MembershipFactory(organisation=organisation, user=user)
    for piece in pieces:
        services.piece_complete(user=user, module=module, piece=piece)
    return user


@pytest.fixture
def world():
    bayonne = CommuneFactory(insee_code="64102", name="Bayonne")
    biarritz = CommuneFactory(insee_code="64122", name="Biarritz")
    anglet = CommuneFactory(insee_code="64024", name="Anglet")
    city = OrganisationFactory(name="Ville de Bayonne")
    city.communes.add(bayonne)
    syndicate = OrganisationFactory(name="Syndicat côte basque", kind="syndicate")
    syndicate.communes.add(bayonne, biarritz)
    cyber = TopicFactory(slug="cyber", title="Cybersécurité")
    open_data = TopicFactory(slug="open-data", title="Open data")
    cyber_module, cyber_pieces = module_with_pieces(1, topic=cyber)
    od_module, od_pieces = module_with_pieces(1, topic=open_data)
    for _ in range(4):
        trained(city, cyber_module, cyber_pieces)
    for _ in range(2):
        trained(city, cyber_module, cyber_pieces, role="agent")
    both = trained(city, od_module, od_pieces)  # in both organisations: counted once in Bayonne
    MembershipFactory(organisation=syndicate, user=both)
    for _ in range(3):
        trained(syndicate, od_module, od_pieces, role="agent")
    trained(city, cyber_module, cyber_pieces, role="citizen")  # not an élu or an agent
    outsider = UserFactory(territory_role="elected")  # trained, but in no organisation
    services.piece_complete(user=outsider, module=cyber_module, piece=cyber_pieces[0])
    return {"bayonne": bayonne, "biarritz": biarritz, "anglet": anglet, "od_module": od_module}


def counts(data):
    return {row["commune"].name: (row["elected"], row["agent"], row["total"]) for row in data.rows}


def test_counts_by_commune_and_topic(world):
    assert counts(selectors.territory_training()) == {"Anglet": (0, 0, 0), "Bayonne": (5, 5, 10), "Biarritz": (1, 3, 4)}
    assert counts(selectors.territory_training(topic="open-data"))["Bayonne"] == (1, 3, 4)
    assert counts(selectors.territory_training(topic="cyber"))["Biarritz"] == (0, 0, 0)
    assert sum(count for _month, count in selectors.territory_training().months) == 11
    Module.objects.filter(pk=world["od_module"].pk).update(state=Module.State.ARCHIVED)
    assert counts(selectors.territory_training())["Biarritz"] == (0, 0, 0)  # archived modules no longer count


def test_small_counts_hidden_with_participation_rule(world):
    rows = {r["commune"].name: r for r in training_map.protected_rows(selectors.territory_training().rows)}
    assert [c["value"] for c in rows["Biarritz"]["cells"]] == [None, None, None]  # 1, 3 and 4: small
    # each column hides exactly one small figure (Biarritz's), so its smallest other figure, Bayonne's, goes too
    assert [c["value"] for c in rows["Bayonne"]["cells"]] == [None, None, None]
    assert [c["value"] for c in rows["Anglet"]["cells"]] == [0, 0, 0]


def test_public_page_map_and_table(client, world):
    page = client.get(reverse("learning:territory_map"))
    content = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="obs-map__svg" role="img"' in content and "<title>Bayonne : " in content
    assert "<caption" in content and "masqué" in content
    assert "Biarritz</th><td>64122</td><td>masqué</td><td>masqué</td><td>masqué</td>" in content
    filtered = client.get(reverse("learning:territory_map"), {"theme": "open-data"}).content.decode()
    assert "Élus et agents formés — Open data" in filtered
    assert client.get(reverse("learning:territory_map"), {"theme": "<script>"}).status_code == 200


def test_agency_page_and_publication(client, world):
    manage = reverse("learning:territory_map_manage")
    client.force_login(UserFactory())
    assert client.get(manage).status_code == 404
    assert client.post(reverse("learning:territory_map_publish")).status_code == 404
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(manage).status_code == 200
    response = client.post(reverse("learning:territory_map_publish"))
    assert response.status_code == 302 and not TrainingDataset.objects.exclude(dataset=None).exists()  # no agency
    agency = OrganisationFactory(name="Agence numérique", kind="agency", slug="agence")
    MembershipFactory(organisation=agency, user=staff, role="admin")
    client.post(reverse("learning:territory_map_publish"))
    link = TrainingDataset.objects.get()
    assert link.dataset.state == Dataset.State.PUBLISHED and link.dataset.organisation == agency
    assert link.dataset.title in client.get(manage).content.decode()
    call_command("learning_publish_training_map", stdout=io.StringIO())  # the scheduled run: same dataset
    assert TrainingDataset.objects.get().dataset_id == link.dataset_id


def test_open_dataset_hides_small_counts(world):
    rows = list(csv.DictReader(io.StringIO(services.training_csv().decode())))
    by_key = {(r["commune_insee"], r["theme"]): r for r in rows}
    assert by_key[("64102", "cyber")]["personnes_formees"] == "6" and by_key[("64102", "cyber")]["masque"] == "non"
    assert by_key[("64122", "open-data")] | {"mois": ""} == {
        "commune_insee": "64122",
        "commune": "Biarritz",
        "theme": "open-data",
        "mois": "",
        "personnes_formees": "",
        "masque": "oui",
    }
    assert all(r["personnes_formees"] == "" or int(r["personnes_formees"]) >= 5 for r in rows)


def test_queries_do_not_grow_with_communes(client):
    module, pieces = module_with_pieces(1)

    def queries(count):
        for _ in range(count):
            organisation = OrganisationFactory()
            organisation.communes.add(CommuneFactory())
            trained(organisation, module, pieces)
        client.get(reverse("learning:territory_map"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("learning:territory_map")).status_code == 200
        return len(captured)

    assert queries(2) == queries(6)
