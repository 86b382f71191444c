"""Small-group suppression: a cohort, group or competence with fewer pupils than the minimum cell size is not reported
(the report says why), is left out of its group's pooled figures (no working out by subtraction), and never reaches
the open dataset."""

import csv
import io
import random

import pytest

from auzolan.catalog.models import Dataset
from auzolan.core.errors import ValidationError, full_clean_or_raise
from auzolan.impact import opendata, report, services
from auzolan.impact.models import Cohort, ResultsOpenData
from tests.accounts.factories import UserFactory
from tests.impact.factories import small_experiment
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _answer(experiment, cohort: Cohort, pupils: int, *, missing_post: int = 0, seed: int = 1) -> None:
    rng = random.Random(seed)
    codes = services.codes_generate(actor=experiment.created_by, cohort=cohort, count=pupils)
    items = list(experiment.instrument.items.all())
    for kind in ("pre", "post"):
        wave = experiment.waves.get(kind=kind)
        services.wave_set_open(actor=experiment.created_by, wave=wave, is_open=True)
        for index, code in enumerate(codes):
            if kind == "post" and index < missing_post:
                continue
            lift = 1 if kind == "post" and cohort.kind == "intervention" else 0
            answers = {item.pk: min(5, max(1, rng.choice([2, 3, 3, 4]) + lift * rng.choice([0, 1]))) for item in items}
            services.response_submit(code=code, answers=answers)
        services.wave_set_open(actor=experiment.created_by, wave=wave, is_open=False)


@pytest.fixture
def world():
    operator = UserFactory(is_staff=True)
    OrganisationFactory(kind="agency", name="Agence")
    experiment = small_experiment(actor=operator, organisation=OrganisationFactory(kind="school"))
    cohorts = {
        name: services.cohort_add(actor=operator, experiment=experiment, name=name, kind=kind)
        for name, kind in (("5e A", "intervention"), ("5e B", "intervention"), ("5e C", "comparison"))
    }
    return operator, experiment, cohorts


def test_a_small_cohort_is_left_out_everywhere_and_said_so(world):
    operator, experiment, cohorts = world
    _answer(experiment, cohorts["5e A"], 12, seed=1)
    _answer(experiment, cohorts["5e B"], 4, seed=2)  # 4 pupils < 5: never reported
    _answer(experiment, cohorts["5e C"], 9, missing_post=5, seed=3)  # 4 left at the post-test
    data = report.experiment_report(experiment=experiment)
    assert {(e["cohort"], e["wave"]) for e in data["excluded"]} == {
        ("5e B", "Avant"),
        ("5e B", "Après"),
        ("5e C", "Après"),
    }
    overall = data["outcomes"][0]
    shown = [(row["cohort"], row["wave"], row["n"]) for row in overall["descriptives"]]
    assert ("5e A", "pre", 12) in shown and ("5e C", "pre", 9) in shown
    assert all(name != "5e B" for name, _wave, _n in shown)
    assert all(name != "Ensemble du groupe" for name, _wave, _n in shown)  # the pooled group would be 5e A + 5e B
    assert overall["changes"]["intervention"]["n"] == 12  # 5e B's pairs are not pooled in
    assert "n'est pas publiée" in overall["changes"]["comparison"]["message"]
    assert "trop peu" in overall["did"]["message"]
    assert all(o["changes"]["intervention"]["n"] == 12 for o in data["outcomes"])

    services.results_set_public(actor=operator, experiment=experiment, public=True)
    dataset = opendata.results_publish(actor=operator)
    rows = list(csv.DictReader(io.StringIO(opendata.results_csv().decode())))
    assert rows and all(int(row["n"]) >= 5 for row in rows)
    assert {row["groupe"] for row in rows} == {"intervention", "comparison"}
    # 5e A alone stands for the intervention group (5e B is out); the comparison group's post-test is out.
    assert {(row["groupe"], row["temps_de_mesure"], row["nombre_de_classes"], row["n"]) for row in rows} >= {
        ("intervention", "pre", "1", "12"),
        ("intervention", "post", "1", "12"),
        ("comparison", "pre", "1", "9"),
    }
    assert not any(row["groupe"] == "comparison" and row["temps_de_mesure"] == "post" for row in rows)
    assert dataset.state == Dataset.State.PUBLISHED
    link = ResultsOpenData.objects.get()
    assert opendata.results_publish(actor=operator) == dataset and ResultsOpenData.objects.get().sha256 == link.sha256


def test_unpublished_experiments_are_not_in_the_dataset(world):
    _operator, experiment, cohorts = world
    _answer(experiment, cohorts["5e A"], 8)
    assert list(csv.reader(io.StringIO(opendata.results_csv().decode())))[1:] == []


def test_minimum_cell_size_cannot_go_below_five(world):
    _operator, experiment, _cohorts = world
    experiment.min_cell_size = 3
    with pytest.raises(ValidationError):
        full_clean_or_raise(experiment)
