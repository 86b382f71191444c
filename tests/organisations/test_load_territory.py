import csv
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from auzolan.organisations.models import Commune, Territory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_territory", *args, stdout=out)
    return out.getvalue()


def test_the_real_files_load_the_158_communes():
    output = run()
    assert "158 communes créées" in output
    assert Commune.objects.count() == 158
    territory = Territory.objects.get()
    assert territory.siren == "200067106"
    bayonne = Commune.objects.get(insee_code="64102")
    assert (bayonne.name, bayonne.population, bayonne.population_year) == ("Bayonne", 54584, 2025)
    assert bayonne.territory == territory


def test_a_second_run_changes_nothing():
    run()
    output = run()
    assert "0 communes créées, 0 mises à jour, 158 inchangées" in output
    assert Commune.objects.count() == 158


def _broken_copy(tmp_path, change):
    source = settings.BASE_DIR / "data/territory/capb-communes-epcicom2025.csv"
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows, fieldnames = change(rows)
    target = tmp_path / "epci.csv"
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_missing_column_loads_nothing(tmp_path):
    def drop_column(rows):
        fields = [f for f in rows[0] if f != "siren_membre"]
        return [{k: r[k] for k in fields} for r in rows], fields

    with pytest.raises(CommandError, match="colonnes"):
        run("--epci", str(_broken_copy(tmp_path, drop_column)))
    assert not Commune.objects.exists()
    assert not Territory.objects.exists()


def test_bad_siren_loads_nothing(tmp_path):
    def bad_siren(rows):
        rows[-1]["siren_membre"] = "216401027"  # wrong Luhn key
        return rows, list(rows[0])

    with pytest.raises(CommandError, match=r"Ligne 159 .*SIREN"):
        run("--epci", str(_broken_copy(tmp_path, bad_siren)))
    assert not Commune.objects.exists()
    assert not Territory.objects.exists()


def test_bad_population_loads_nothing(tmp_path):
    def bad_population(rows):
        rows[3]["ptot_2025"] = "beaucoup"
        return rows, list(rows[0])

    with pytest.raises(CommandError, match="population invalide"):
        run("--epci", str(_broken_copy(tmp_path, bad_population)))
    assert not Commune.objects.exists()


def test_bad_encoding_loads_nothing(tmp_path):
    target = tmp_path / "latin1.csv"
    target.write_bytes(
        "siren,raison_sociale,insee,siren_membre,nom_membre\n200067106,CA,64102,216401026,Ayherre é\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="illisible"):
        run("--epci", str(target))
    assert not Commune.objects.exists()


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="illisible"):
        run("--epci", str(tmp_path / "absent.csv"))
