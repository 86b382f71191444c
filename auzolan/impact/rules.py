"""Who may do what in impact. Asked through core.permissions.can; deny by default.

- Agency staff (operators) manage every experiment.
- The organisation running an experiment (its active administrators and editors) manages it: cohorts, instrument,
  waves, codes, the report and decisions.
- The teacher of a cohort sees that cohort's codes (to print them) and how many codes answered each wave — never
  the answers of a code, never the report.
- Everyone reads the results of an experiment whose results were published (aggregates above the minimum cell size).
- Pupils have no account: answering with a code is not a permission but a code check (services.response_submit).
"""

import rules

from auzolan.core.rules import is_operator
from auzolan.organisations.models import Membership

MANAGING_ROLES = ("admin", "editor")


def managed_organisations(user) -> set[int]:
    if not (user and user.is_authenticated and user.is_active):
        return set()
    cache = user.__dict__.get("_impact_managed_orgs")
    if cache is None:
        cache = set(
            Membership.objects.filter(user=user, state=Membership.State.ACTIVE, role__in=MANAGING_ROLES).values_list(
                "organisation_id", flat=True
            )
        )
        user.__dict__["_impact_managed_orgs"] = cache
    return cache


@rules.predicate
def manages_an_organisation(user) -> bool:
    return bool(managed_organisations(user))


@rules.predicate
def runs_experiment(user, experiment) -> bool:
    return experiment is not None and experiment.organisation_id in managed_organisations(user)


@rules.predicate
def runs_cohort_experiment(user, cohort) -> bool:
    return cohort is not None and cohort.experiment.organisation_id in managed_organisations(user)


@rules.predicate
def teaches_cohort(user, cohort) -> bool:
    return bool(cohort is not None and user and user.is_authenticated and cohort.teacher_id == user.pk)


@rules.predicate
def results_are_public(user, experiment) -> bool:
    return experiment is not None and experiment.results_public


can_manage_experiment = is_operator | runs_experiment

# obj: None — the list of managed experiments and the creation form
rules.add_perm("impact.add_experiment", is_operator | manages_an_organisation)
# obj: an Experiment
rules.add_perm("impact.change_experiment", can_manage_experiment)
rules.add_perm("impact.view_report", can_manage_experiment)
rules.add_perm("impact.decide", can_manage_experiment)
rules.add_perm("impact.view_results", results_are_public | can_manage_experiment)
# obj: a Cohort — its codes sheet and participation counts
rules.add_perm("impact.view_cohort", is_operator | runs_cohort_experiment | teaches_cohort)
