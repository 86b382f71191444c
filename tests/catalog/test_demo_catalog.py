import csv
import io

import pytest
from django.core.management import call_command

from auzolan.catalog.models import Dataset, ResourceVersion, TableSchema

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    return capsys.readouterr().out


def test_demo_publishes_realistic_datasets(demo, client):
    assert "jeux de données publiés" in demo
    assert TableSchema.objects.filter(is_scdl=True).count() == 9
    published = Dataset.objects.published()
    assert published.count() >= 10
    assert published.values("organisation").distinct().count() >= 4
    subventions = published.filter(title="Subventions attribuées en 2025", schema__name="scdl/subventions").first()
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


def test_demo_catalogue_is_idempotent(demo):
    before = list(ResourceVersion.objects.values_list("sha256", "file").order_by("pk"))
    count = Dataset.objects.count()
    call_command("load_demo")
    assert Dataset.objects.count() == count
    assert list(ResourceVersion.objects.values_list("sha256", "file").order_by("pk")) == before
