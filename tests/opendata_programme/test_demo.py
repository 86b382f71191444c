import csv
import io
import json

import pytest
from django.conf import settings
from django.utils import timezone

from auzolan.datastore.validation import validate_rows
from auzolan.opendata_programme import exports, selectors
from auzolan.opendata_programme.models import InventoryLine, Meeting, PilotGroup, SupportAction
from tests.demo_world import demo_fixture, media_and_cache_fixture

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(__name__)]  # one worker: one load (tests/demo_world.py)

demo = demo_fixture()
_media_and_cache = media_and_cache_fixture()


def test_demo_tells_the_story_of_a_pilot_group():
    group = PilotGroup.objects.get(name="Groupe pilote 2026")
    members = selectors.group_members(group)
    assert len(members) == 12
    facts = selectors.observatory_facts()
    stages = {facts[m.organisation_id]["stage"] for m in members}
    assert len(stages) >= 5, stages  # clearly different stages
    assert min(stages) == 0
    bayonne = next(m.organisation for m in members if m.organisation.slug == "commune-de-bayonne")
    road = selectors.roadmap(bayonne)
    assert {s.step.code for s in road.steps if s.done} >= {"commitment", "referents_named", "first_reuse"}
    assert InventoryLine.objects.values("title").distinct().count() >= 10  # real lines, not near-duplicates
    assert Meeting.objects.exclude(decisions="").exists()
    assert SupportAction.objects.filter(done=False, due_date__lt=timezone.localdate()).exists()
    # no two communes share the same follow-up
    assert Meeting.objects.values("notes").distinct().count() >= 8
    # each pilot commune's inventory, exported in the SCDL catalogue format, passes the platform's own validator
    descriptor = json.loads((settings.BASE_DIR / "data/schemas/scdl/catalogue.json").read_text())
    exported = 0
    for member in members:
        organisation = member.organisation
        lines = selectors.inventory_for_export(organisation)
        if not lines:
            continue
        text = exports.catalogue_csv(organisation, lines, url_of=lambda path: "https://auzolan.example.org" + path)
        report = validate_rows(list(csv.reader(io.StringIO(text))), descriptor)
        assert report.valid, (organisation.name, report.errors[:3])
        exported += 1
    assert exported >= 8
    # Loading the demo again changes none of its rows: tests/core/test_demo_loaded.py.
