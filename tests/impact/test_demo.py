"""The demo: a YESict-like experiment (two intervention classes, one comparison class, pre and post) whose report
shows a moderate effect with honest uncertainty, a decision, and nothing about a pupil but codes."""

import pytest

from auzolan.impact import demo, report
from auzolan.impact.models import Answer, Decision, PupilCode, Response, ResultsOpenData
from tests.impact.factories import build_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_a_credible_experiment_once():
    world = build_demo()
    experiment = world["experiment"]
    assert [(c.name, c.kind) for c in experiment.cohorts.order_by("name")] == [
        ("4e A", "intervention"),
        ("4e B", "intervention"),
        ("4e C", "comparison"),
    ]
    assert PupilCode.objects.count() == 72
    assert Response.objects.filter(wave__kind="pre").count() == 70
    assert Response.objects.filter(wave__kind="post").count() == 68
    assert (
        len({tuple(Answer.objects.filter(response=r).values_list("value", flat=True)) for r in Response.objects.all()})
        > 100
    )
    data = report.experiment_report(experiment=experiment)
    overall = data["outcomes"][0]
    change = overall["changes"]["intervention"]
    assert 0.3 < change["g_z"] < 1.5  # a moderate effect …
    assert change["g_z_ci"][0] > 0 and change["g_z_ci"][1] - change["g_z_ci"][0] > 0.4  # … with honest uncertainty
    did = overall["did"]
    assert did["estimate"] > 0 and did["ci"][0] < did["estimate"] < did["ci"][1]
    assert "pilote" in did["power"]
    assert abs(overall["changes"]["comparison"]["mean_diff"]) < change["mean_diff"]
    decision = Decision.objects.get(experiment=experiment)
    assert decision.outcome == "adapt" and decision.report["outcomes"][0]["key"] == "overall"
    assert experiment.results_public
    link = ResultsOpenData.objects.get()
    assert link.dataset.state == "published" and link.dataset.organisation.kind == "agency"
    assert demo.load(stdout=None) == []  # idempotent
    assert PupilCode.objects.count() == 72
