import json

import pytest
from django.core.management import CommandError, call_command

from auzolan.catalog.models import TableSchema

pytestmark = pytest.mark.django_db


def test_load_schemas_is_idempotent(capsys):
    call_command("load_schemas")
    assert "9 ajouté(s)" in capsys.readouterr().out
    subventions = TableSchema.objects.get(name="scdl/subventions")
    assert subventions.is_scdl and subventions.title == "Subventions" and subventions.version == "2.1.1"
    assert subventions.url.startswith("https://gitlab.com/opendatafrance/scdl/subventions")
    assert any(field["name"] == "nomBeneficiaire" for field in subventions.descriptor["fields"])
    # no "path": the homepage is the reference
    assert TableSchema.objects.get(name="scdl/marches-publics").url == "https://github.com/virgilus"
    before = list(TableSchema.objects.values())
    call_command("load_schemas")
    assert "9 inchangé(s)" in capsys.readouterr().out
    assert list(TableSchema.objects.values()) == before


def test_load_schemas_updates_a_changed_file(tmp_path, capsys):
    path = tmp_path / "essai.json"
    path.write_text(json.dumps({"title": "Essai", "version": "1.0", "fields": [{"name": "a"}]}), encoding="utf-8")
    call_command("load_schemas", directory=tmp_path)
    path.write_text(json.dumps({"title": "Essai", "version": "1.1", "fields": [{"name": "a"}]}), encoding="utf-8")
    call_command("load_schemas", directory=tmp_path)
    assert "1 mis à jour" in capsys.readouterr().out
    assert TableSchema.objects.get(name="scdl/essai").version == "1.1"


def test_load_schemas_refuses_a_file_that_is_not_a_table_schema(tmp_path):
    (tmp_path / "faux.json").write_text('{"title": "Pas de champs"}', encoding="utf-8")
    with pytest.raises(CommandError, match="Table Schema"):
        call_command("load_schemas", directory=tmp_path)
    assert not TableSchema.objects.exists()
