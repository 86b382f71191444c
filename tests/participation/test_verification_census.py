"""Residency: declaration, census lists kept as keyed hashes only, checks with one entry per account and rate limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from auzolan.core.errors import ApplicationError, Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation.models import CensusEntry, CensusList, Residency
from auzolan.participation.services import verification as services
from tests.accounts.factories import UserFactory
from tests.organisations.factories import CommuneFactory
from tests.participation.factories import DistrictFactory, process_with_phase
from tests.participation.factories_processes import editor, member

pytestmark = pytest.mark.django_db

CSV = (
    "nom;date_naissance;code_postal;quartier\n"
    "Etchévèrry-Lòpez;14/07/1980;64100;Centre\n"
    "Durruty;01/02/1975;64100;\n"
    "  durruty ;1975-02-01; 64100 ;\n"
)


def _file(text, name="liste.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def setup():
    process = process_with_phase("vote", verification="residency_census")
    organisation = process.organisation
    DistrictFactory(organisation=organisation, name="Centre", slug="centre")
    return process, organisation, editor(organisation)


def test_upload_stores_only_keyed_hashes(setup):
    _process, organisation, actor = setup
    census = services.census_upload(actor=actor, organisation=organisation, file=_file(CSV), identifiers="identity")
    assert census.entries_count == 2  # the duplicate row (same person after normalisation) counts once
    assert CensusEntry.objects.filter(census=census, district__name="Centre").count() == 1
    # No clear identifier anywhere in the census tables (every text column), nor in the audit log.
    needles = ["ETCHEVERRY", "Etchévèrry", "DURRUTY", "durruty", "1980-07-14", "14/07/1980", "1975"]
    with connection.cursor() as cursor:
        for model in (CensusList, CensusEntry):
            columns = [
                f.column for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")
            ]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {model._meta.db_table}")  # noqa: S608
            dump = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert dump.strip()
            for needle in needles:
                assert needle.lower() not in dump.lower(), (model, needle)
    audit = " ".join(str(e.data) for e in AuditLogEntry.objects.all())
    assert all(n.lower() not in audit.lower() for n in needles)
    # The hash is keyed: the same identifiers hashed without the secret key do not match.
    import hashlib

    plain = hashlib.sha256(b"ETCHEVERRY LOPEZ\x1f1980-07-14\x1f64100").hexdigest()
    assert not CensusEntry.objects.filter(key_hash=plain).exists()


@pytest.mark.parametrize(
    "content, encoding, message",
    [
        ("", "utf-8", "vide"),
        ("nom;date_naissance;code_postal\n", "utf-8", "en-tête"),
        ("nom;code_postal\nDupont;64100\n", "utf-8", "Colonnes manquantes"),
        ("nom;date_naissance;code_postal\nÉlodie;01/01/1990;64100\n", "latin-1", "UTF-8"),
        ("nom;date_naissance;code_postal\nDupont;01/01/1990;64100\nMartin;pas une date;64100\n", "utf-8", "Ligne 3"),
        ("nom;date_naissance;code_postal;quartier\nDupont;01/01/1990;64100;Inconnu\n", "utf-8", "quartier inconnu"),
    ],
)
def test_bad_csv_is_refused_whole_with_a_french_message(setup, content, encoding, message):
    _process, organisation, actor = setup
    services.census_upload(actor=actor, organisation=organisation, file=_file(CSV), identifiers="identity")
    before = set(CensusEntry.objects.values_list("key_hash", flat=True))
    with pytest.raises(ValidationError, match=message):
        services.census_upload(
            actor=actor, organisation=organisation, file=_file(content, encoding=encoding), identifiers="identity"
        )
    assert set(CensusEntry.objects.values_list("key_hash", flat=True)) == before
    assert CensusList.objects.count() == 1


def test_only_editors_upload(setup):
    _process, organisation, _actor = setup
    with pytest.raises(NotFound):
        services.census_upload(
            actor=member(organisation), organisation=organisation, file=_file(CSV), identifiers="identity"
        )


def test_resident_verifies_once_and_one_entry_verifies_one_account(setup):
    process, organisation, actor = setup
    services.census_upload(actor=actor, organisation=organisation, file=_file(CSV), identifiers="identity")
    user = UserFactory()
    values = {"nom": "etcheverry lopez", "date_naissance": "1980-07-14", "code_postal": "64 100"}
    residency = services.residency_verify_census(user=user, process=process, values=values)
    assert residency.method == "census" and residency.district.name == "Centre"
    # The same person again: fine. Another account with the same identifiers: refused and audited.
    services.residency_verify_census(user=user, process=process, values=values)
    other = UserFactory()
    with pytest.raises(ValidationError, match="autre compte"):
        services.residency_verify_census(user=other, process=process, values=values)
    assert AuditLogEntry.objects.filter(action="participation.residency.census_failed", actor=other).exists()
    assert not Residency.objects.filter(user=other).exists()


def test_failed_attempts_are_rate_limited_and_audited(setup):
    process, organisation, actor = setup
    services.census_upload(actor=actor, organisation=organisation, file=_file(CSV), identifiers="identity")
    user = UserFactory()
    wrong = {"nom": "Inconnu", "date_naissance": "1990-01-01", "code_postal": "64100"}
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(ValidationError, match="aucune personne"):
            services.residency_verify_census(user=user, process=process, values=wrong)
    right = {"nom": "Durruty", "date_naissance": "1975-02-01", "code_postal": "64100"}
    with pytest.raises(ApplicationError, match="Trop d'essais"):
        services.residency_verify_census(user=user, process=process, values=right)
    assert AuditLogEntry.objects.filter(action="participation.residency.census_failed").count() == 5
    assert "Inconnu" not in str(list(AuditLogEntry.objects.values_list("data", flat=True)))
    # Another account is not affected.
    services.residency_verify_census(user=UserFactory(), process=process, values=right)


def test_replacing_the_list_keeps_residents_still_listed(setup):
    process, organisation, actor = setup
    services.census_upload(actor=actor, organisation=organisation, file=_file(CSV), identifiers="identity")
    kept, removed = UserFactory(), UserFactory()
    services.residency_verify_census(
        user=kept, process=process, values={"nom": "Durruty", "date_naissance": "1975-02-01", "code_postal": "64100"}
    )
    services.residency_verify_census(
        user=removed,
        process=process,
        values={"nom": "Etcheverry Lopez", "date_naissance": "1980-07-14", "code_postal": "64100"},
    )
    services.census_upload(
        actor=actor,
        organisation=organisation,
        file=_file("nom;date_naissance;code_postal\nDurruty;01/02/1975;64100\nNouveau;03/03/2000;64100\n"),
        identifiers="identity",
        replaces=CensusList.objects.get().pk,
    )
    assert CensusList.objects.count() == 1
    assert Residency.objects.get(user=kept).method == "census"
    assert Residency.objects.get(user=kept).census_entry.census == CensusList.objects.get()
    assert Residency.objects.get(user=removed).method == "declared"


def test_declared_residency(setup):
    process, organisation, actor = setup
    commune = CommuneFactory()
    organisation.communes.add(commune)
    district = DistrictFactory(organisation=organisation, postal_codes="64100")
    user = UserFactory()
    with pytest.raises(ValidationError, match="honneur"):
        services.residency_declare(user=user, process=process, postal_code="64100")
    with pytest.raises(ValidationError, match="5 chiffres"):
        services.residency_declare(user=user, process=process, postal_code="6410", certified=True)
    with pytest.raises(ValidationError, match="quartier"):
        services.residency_declare(user=user, process=process, postal_code="64200", district=district, certified=True)
    with pytest.raises(ValidationError, match="périmètre"):
        services.residency_declare(
            user=user, process=process, postal_code="64100", commune=CommuneFactory(), certified=True
        )
    residency = services.residency_declare(
        user=user, process=process, postal_code="64100", district=district, certified=True
    )
    assert residency.method == "declared" and residency.commune == commune
    services.census_upload(actor=actor, organisation=organisation, file=_file(CSV), identifiers="identity")
    services.residency_verify_census(
        user=user, process=process, values={"nom": "Durruty", "date_naissance": "1975-02-01", "code_postal": "64100"}
    )
    with pytest.raises(Conflict):
        services.residency_declare(user=user, process=process, postal_code="64100", certified=True)


def test_elector_number_lists(setup):
    process, organisation, actor = setup
    services.census_upload(
        actor=actor,
        organisation=organisation,
        file=_file("Numéro électeur,autre\n 123 456 ,x\n789,y\n"),
        identifiers="elector_number",
    )
    services.residency_verify_census(user=UserFactory(), process=process, values={"numero_electeur": "123456"})


def test_residency_and_census_pages(client, setup):
    process, organisation, actor = setup
    census_url = reverse("participation:census", args=[organisation.slug])
    client.force_login(member(organisation))
    assert client.get(census_url).status_code == 404
    client.force_login(actor)
    assert client.get(census_url).status_code == 200
    response = client.post(census_url, {"identifiers": "identity", "file": _file(CSV)})
    assert response.status_code == 302
    current = {"replace": "on", "current_list": CensusList.objects.get(is_active=True).pk}
    response = client.post(census_url, {"identifiers": "identity", "file": _file("x;y\n1;2\n"), **current})
    assert "Colonnes manquantes" in response.content.decode()
    assert client.post(census_url, {"identifiers": "zzz"}).status_code == 200

    url = reverse("participation:residency", args=[process.slug])
    client.logout()
    assert client.get(url).status_code == 302
    user = UserFactory()
    client.force_login(user)
    page = client.get(url).content.decode()
    assert "Nom de naissance" in page and "Déclarer" in page
    response = client.post(
        url, {"action": "census", "nom": "X", "date_naissance": "n'importe quoi", "code_postal": "1"}
    )
    assert response.status_code == 200
    response = client.post(
        url, {"action": "census", "nom": "Inconnu", "date_naissance": "01/01/1990", "code_postal": "64100"}
    )
    assert "aucune personne" in response.content.decode()
    response = client.post(
        url, {"action": "census", "nom": "Durruty", "date_naissance": "01/02/1975", "code_postal": "64100"}
    )
    assert response.status_code == 302
    # Now the vote phase (census level) is open to this person.
    from auzolan.core.permissions import can

    user.__dict__.pop("_participation_residencies", None)
    assert can(user, "participation.vote", process)
    other = UserFactory()
    client.force_login(other)
    response = client.post(url, {"action": "declare", "postal_code": "64100", "certified": "on"})
    assert response.status_code == 302 and Residency.objects.get(user=other).method == "declared"
    assert client.get(reverse("participation:residency", args=["nope"])).status_code == 404


def test_replacing_the_active_list_must_be_confirmed(client, setup, settings):
    settings.LANGUAGE_CODE = "fr"
    _process, organisation, actor = setup
    census_url = reverse("participation:census", args=[organisation.slug])
    client.force_login(actor)
    page = client.get(census_url).content.decode()
    assert 'name="replace"' not in page  # no list yet: nothing to confirm
    assert client.post(census_url, {"identifiers": "identity", "file": _file(CSV)}).status_code == 302
    first = CensusList.objects.get(is_active=True)
    entries = CensusEntry.objects.count()
    page = client.get(census_url).content.decode()
    assert 'name="replace"' in page and f'name="current_list" value="{first.pk}"' in page
    assert f"Je remplace la liste actuelle ({first.entries_count} inscrits, déposée le" in page

    other = "nom;date_naissance;code_postal\nAlzuri;03/03/1990;64100\n"
    for data in (
        {},  # not confirmed
        {"replace": "on"},  # confirmed without knowing which list
        {"replace": "on", "current_list": first.pk + 1},  # a list that is no longer (or never was) the active one
        {"replace": "on", "current_list": "garbage"},
    ):
        response = client.post(census_url, {"identifiers": "identity", "file": _file(other), **data})
        assert response.status_code == 200
        content = response.content.decode()
        assert "cochez la case" in content or "a changé entre-temps" in content or "nombre entier" in content
        assert list(CensusList.objects.filter(is_active=True)) == [first]
        assert CensusList.objects.count() == 1 and CensusEntry.objects.count() == entries
        assert f'name="current_list" value="{first.pk}"' in content  # the form shown again can be confirmed
    response = client.post(
        census_url, {"identifiers": "identity", "file": _file(other), "replace": "on", "current_list": first.pk}
    )
    assert response.status_code == 302
    active = CensusList.objects.get(is_active=True)
    assert active.pk != first.pk and active.entries_count == 1
