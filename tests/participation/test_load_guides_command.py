import pytest
from django.core.management import call_command

from auzolan.participation.models import Guide


@pytest.mark.django_db
def test_load_guides_creates_the_missing_guides_and_keeps_edited_ones(capsys):
    call_command("load_guides")
    count = Guide.objects.count()
    assert count >= 3 and f"{count} guide(s) créé(s)" in capsys.readouterr().out
    guide = Guide.objects.first()
    Guide.objects.filter(pk=guide.pk).update(body="Texte adapté par l'agence")
    Guide.objects.exclude(pk=guide.pk).first().delete()
    call_command("load_guides")
    assert "1 guide(s) créé(s)" in capsys.readouterr().out
    assert Guide.objects.count() == count
    assert Guide.objects.get(pk=guide.pk).body == "Texte adapté par l'agence"
