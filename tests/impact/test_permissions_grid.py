"""Who may do what in impact: role × action, deny by default (agency staff, the organisation running the experiment,
the cohort's teacher, everyone else), published and unpublished results."""

import pytest
from django.contrib.auth.models import AnonymousUser

from auzolan.core.permissions import can

ROLES = ("anonymous", "citizen", "member", "teacher", "other_admin", "admin", "operator")
MANAGERS = {"admin", "operator"}

GRID = {
    ("impact.add_experiment", None, "published"): {"admin", "other_admin", "operator"},
    ("impact.change_experiment", "experiment", "published"): MANAGERS,
    ("impact.view_report", "experiment", "published"): MANAGERS,
    ("impact.decide", "experiment", "published"): MANAGERS,
    ("impact.view_results", "experiment", "published"): set(ROLES),
    ("impact.view_results", "experiment", "unpublished"): MANAGERS,
    ("impact.view_cohort", "own_cohort", "published"): MANAGERS | {"teacher"},
    ("impact.view_cohort", "other_cohort", "published"): MANAGERS,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(GRID), ids=lambda case: "-".join(str(part) for part in case))
def test_impact_grid(demo_world, db, case, role):
    action, kind, state = case
    experiment = demo_world["experiment"]
    experiment.results_public = state == "published"
    obj = {
        None: None,
        "experiment": experiment,
        "own_cohort": demo_world["cohorts"]["4e A"],
        "other_cohort": demo_world["cohorts"]["4e C"],
    }[kind]
    user = AnonymousUser() if role == "anonymous" else demo_world["users"][role]
    assert can(user, action, obj) == (role in GRID[case])
