import csv
import io
import json
import math

import pytest
from django.core.management import call_command

from auzolan.catalog import demo_data
from auzolan.catalog.models import Dataset, ResourceVersion, TableSchema
from auzolan.datastore.validation.french import siret_valid
from tests.demo_world import demo_fixture, media_and_cache_fixture

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(__name__)]  # one worker: one load (tests/demo_world.py)


demo = demo_fixture()
_media_and_cache = media_and_cache_fixture()


def test_demo_publishes_realistic_datasets(demo, client):
    assert "jeux de données publiés" in demo
    assert TableSchema.objects.filter(is_scdl=True).count() == 9
    published = Dataset.objects.published()
    assert published.count() >= 10
    assert published.values("organisation").distinct().count() >= 4
    subventions = published.filter(
        title="Subventions aux associations de Bayonne en 2025", schema__name="scdl/subventions"
    ).first()
    assert subventions is not None and subventions.quality_score > 0.8
    assert published.filter(title__contains="vélos").exists()
    version = ResourceVersion.objects.filter(resource__dataset=subventions).get()
    with version.file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))
    fields = [field["name"] for field in subventions.schema.descriptor["fields"]]
    assert list(rows[0]) == fields and len(rows) == 40
    assert rows[0]["nomAttribuant"] == subventions.organisation.name
    response = client.get(subventions.get_absolute_url())
    assert response.status_code == 200 and "Subventions" in response.content.decode()


# Loading the demo again changes none of the catalogue's rows (datasets, files and their checksums):
# tests/core/test_demo_loaded.py.
def _schema_resources():
    """(dataset, schema name, version) for each file of a demo dataset that declares a schema."""
    for dataset in Dataset.objects.published().filter(schema__isnull=False).select_related("schema"):
        for version in ResourceVersion.objects.filter(resource__dataset=dataset, resource__kind="file"):
            yield dataset, dataset.schema.name, version


def test_every_demo_file_with_a_schema_validates_with_zero_errors(demo, tmp_path):
    """The demo passes the platform's own validator (`manage.py validate`, custom checks of the SCDL included)."""
    resources = list(_schema_resources())
    assert {name for _dataset, name, _version in resources} >= {
        "scdl/subventions",
        "scdl/deliberations",
        "scdl/equipements",
    }
    failures = []
    for dataset, name, version in resources:
        path = tmp_path / f"{version.pk}.csv"
        with version.file.open("rb") as handle:
            path.write_bytes(handle.read())
        out = io.StringIO()
        try:
            call_command("validate", str(path), schema=name, json=True, stdout=out)
        except SystemExit as exit_:  # 1: not valid
            report = json.loads(out.getvalue())
            failures.append((dataset.title, exit_.code, report["stats"], report["errors"][:5]))
        else:
            assert json.loads(out.getvalue())["stats"]["errors"] == 0
    assert not failures, failures


def test_demo_titles_descriptions_and_files_are_distinct(demo):
    published = list(Dataset.objects.published())
    titles = [d.title.casefold() for d in published]
    assert len(titles) == len(set(titles)), sorted(titles)
    descriptions = [d.description for d in published]
    assert len(descriptions) == len(set(descriptions))
    hashes = list(ResourceVersion.objects.filter(resource__dataset__in=published).values_list("sha256", flat=True))
    assert len(hashes) == len(set(hashes)), "two demo files have the same content"


def _rows(title: str) -> list[dict]:
    version = ResourceVersion.objects.get(resource__dataset__title=title, resource__kind="file")
    with version.file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))


def test_demo_looks_like_the_territory(demo):
    """Each commune has its own associations, places and council business; places lie in their commune."""

    equipment = Dataset.objects.published().filter(schema__name="scdl/equipements")
    assert equipment.count() >= 5
    for dataset in equipment:
        commune = dataset.organisation.communes.get()
        centre = demo_data.COMMUNES[commune.name].centre
        rows = _rows(dataset.title)
        assert len(rows) >= 4
        for row in rows:
            assert row["ADR_COMMUNE"] == commune.name and row["EQUIP_UID"].startswith(commune.insee_code)
            latitude, longitude = float(row["EQUIP_LAT"]), float(row["EQUIP_LONG"])
            north = (latitude - centre[0]) * 111_320
            east = (longitude - centre[1]) * 111_320 * math.cos(math.radians(centre[0]))
            assert math.hypot(north, east) <= 1300, (row["EQUIP_NOM"], latitude, longitude)
    grants = {
        d.organisation.name: _rows(d.title) for d in Dataset.objects.published().filter(schema__name="scdl/subventions")
    }
    assert len(grants) >= 3
    beneficiaries = [{row["nomBeneficiaire"] for row in rows} for rows in grants.values()]
    for index, names in enumerate(beneficiaries):
        assert len(names) >= 10
        for other in beneficiaries[index + 1 :]:
            assert not names & other, "two communes fund the same associations"
    for name, rows in grants.items():
        amounts = [float(row["montant"]) for row in rows]
        assert all(300 <= amount <= 60_000 for amount in amounts) and len(set(amounts)) > 15, name
        assert all(siret_valid(row["idBeneficiaire"]) for row in rows if row["idBeneficiaire"])
    councils = [
        {row["DELIB_OBJET"] for row in _rows(d.title)}
        for d in Dataset.objects.published().filter(schema__name="scdl/deliberations")
    ]
    assert len(councils) >= 2 and all(len(objects) == 30 for objects in councils)
    assert councils[0] != councils[1]
