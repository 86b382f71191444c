"""The events demo: the Rencontres Numériques 2026 with sessions in several communes, registrations, full sessions
with a waiting list, one offer pending, check-ins; loading twice changes nothing."""

import io

import pytest

from auzolan.accounts import demo as accounts_demo
from auzolan.events import demo
from auzolan.events.models import Event, Registration, WaitingListEntry
from auzolan.organisations import demo as organisations_demo

pytestmark = pytest.mark.django_db


def test_demo_edition(client):
    out = io.StringIO()
    accounts_demo.load(stdout=out)
    organisations_demo.load(stdout=out)
    assert demo.load(stdout=out)
    event = Event.objects.get(slug=demo.SLUG)
    assert event.state == "published" and event.organisation.kind == "agency"
    sessions = list(event.sessions.select_related("venue__commune"))
    assert len(sessions) == 12
    assert len({s.venue.commune_id for s in sessions if s.venue}) >= 5
    assert {s.format for s in sessions} == {"talk", "workshop", "round_table", "webinar"}
    assert WaitingListEntry.objects.filter(event=event, state="waiting").exists()
    assert WaitingListEntry.objects.filter(event=event, state="offered").count() == 1
    assert Registration.objects.filter(event=event, state="attended").count() >= 2
    assert client.get(event.get_absolute_url()).status_code == 200
    assert client.get("/evenements/").status_code == 200
    counts = (Registration.objects.count(), WaitingListEntry.objects.count())
    assert demo.load(stdout=out) == []
    assert (Registration.objects.count(), WaitingListEntry.objects.count()) == counts
