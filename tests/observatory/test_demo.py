"""The demo's observatory: a year of history growing to today's real figures, the dataset published. Loading the demo
again changes none of its rows (snapshots, versions of the dataset's file): tests/core/test_demo_loaded.py."""

from __future__ import annotations

import random

import pytest

from auzolan.catalog.models import Dataset
from auzolan.datastore.models import ValidationReport
from auzolan.observatory import demo as observatory_demo
from auzolan.observatory import selectors
from auzolan.observatory.models import ObservatoryDataset
from tests.demo_world import demo_fixture, media_and_cache_fixture

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group(__name__)]  # one worker: one load (tests/demo_world.py)

demo = demo_fixture()
_media_and_cache = media_and_cache_fixture()

FIGURES = ("organisations_publishing", "datasets_published", "scdl_declared", "scdl_valid", "reuses")


def test_load_demo_builds_a_year_that_ends_at_the_real_figures(demo):
    assert "Observatoire : 12 relevés mensuels (11 reconstitués)" in demo
    history = list(selectors.snapshot_history())
    assert len(history) == 12 and [s.backfilled for s in history] == [True] * 11 + [False]
    today = history[-1]
    assert not ValidationReport.objects.filter(state=ValidationReport.State.PENDING).exists()
    assert today.scdl_declared > 0 and today.scdl_valid == today.scdl_declared  # the demo files pass the validator
    for name in FIGURES:
        series = [getattr(s, name) for s in history]
        assert series == sorted(series) or name == "scdl_valid", name  # a growth
        assert max(series) <= getattr(today, name)
    assert len({tuple(getattr(s, name) for name in FIGURES) for s in history}) >= 6  # not identical months
    assert history[0].datasets_published < today.datasets_published
    link = ObservatoryDataset.objects.get()
    assert link.dataset.state == Dataset.State.PUBLISHED and link.dataset.organisation.kind == "agency"


def test_backfilled_stages_move_back_and_never_beyond_today():
    current = {
        "organisations_publishing": 10,
        "datasets_published": 40,
        "scdl_declared": 8,
        "scdl_valid": 6,
        "reuses": 5,
        "bound_total": 6,
        "bound_publishing": 4,
        "stages": [{"stage": s, "label": f"É{s}", "count": c} for s, c in enumerate([1, 0, 2, 0, 3, 0, 0, 0, 1])],
        "communes": [
            {"insee": "64102", "organisation": "Bayonne", "stage": 8, "label": "É8", "bound": True},
            {"insee": "64024", "organisation": "Anglet", "stage": 4, "label": "É4", "bound": True},
            {"insee": "64122", "organisation": "", "stage": None, "label": "", "bound": None},
        ],
    }
    rng = random.Random(1)
    year_ago = observatory_demo.backfill_values(current, 11, rng)
    assert all(year_ago[name] <= current[name] for name in FIGURES)
    assert year_ago["bound_total"] == 6 and year_ago["bound_publishing"] <= 4
    assert sum(item["count"] for item in year_ago["stages"]) == 7  # the same organisations, earlier stages
    stages = {item["insee"]: item["stage"] for item in year_ago["communes"]}
    assert stages["64102"] < 8 and stages["64024"] < 4 and stages["64122"] is None
    emptied = {**current, "stages": [], "bound_total": None, "bound_publishing": None}
    without = observatory_demo.backfill_values(emptied, 3, rng)
    assert without["stages"] == [] and without["communes"] == [] and without["bound_publishing"] is None
