"""The roadmap template of issue 12, seeded once; the agency edits it afterwards (pages and back office)."""

from django.db import migrations

from auzolan.opendata_programme.defaults import DEFAULT_STEPS


def seed(apps, schema_editor):
    RoadmapStep = apps.get_model("opendata_programme", "RoadmapStep")
    for position, (code, title, short, help_text, evidence, observer, link) in enumerate(DEFAULT_STEPS, start=1):
        RoadmapStep.objects.get_or_create(
            code=code,
            defaults={
                "position": position * 10,
                "title": title,
                "short_label": short,
                "help_text": help_text,
                "evidence_hint": evidence,
                "observer": observer,
                "threshold": 3 if code == "inventory_done" else 1,
                "link": link,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("opendata_programme", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
