"""Builders of impact tests: a small experiment through the services, and the demo world."""

from __future__ import annotations

import datetime as dt

from auzolan.impact import demo, services
from auzolan.impact.models import Experiment
from auzolan.learning import services as learning_services
from auzolan.learning.models import Competence, Framework
from tests.accounts.factories import UserFactory
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory, TerritoryFactory

ENTRECOMP = learning_services.CONTENT_DIR / "frameworks" / "entrecomp-2016.json"


def entrecomp() -> Framework:
    return Framework.objects.filter(code="entrecomp").first() or learning_services.framework_load(path=ENTRECOMP)


def build_demo() -> dict:
    """The demo experiment (3 classes, pre and post, a decision), its school's people and an outsider."""
    TerritoryFactory()
    CommuneFactory(insee_code="64160", name="Cambo-les-Bains")
    OrganisationFactory(kind="agency", name="Agence numérique du Pays Basque", college="founders")
    entrecomp()
    demo.load(stdout=None)
    experiment = Experiment.objects.get(slug=demo.SLUG)
    cohorts = {c.name: c for c in experiment.cohorts.select_related("teacher")}
    admin = experiment.organisation.memberships.get(role="admin").user
    other_org = OrganisationFactory()
    return {
        "experiment": experiment,
        "cohorts": cohorts,
        "users": {
            "operator": UserFactory(is_staff=True),
            "admin": admin,
            "teacher": cohorts["4e A"].teacher,
            "other_admin": MembershipFactory(organisation=other_org, role="admin").user,
            "member": MembershipFactory(organisation=experiment.organisation, role="member").user,
            "citizen": UserFactory(),
        },
    }


def small_experiment(*, actor, organisation, items: int = 2, slug: str = "") -> Experiment:
    """An experiment with an intervention and a comparison cohort, `items` items on two competences, pre and post."""
    framework = entrecomp()
    experiment = services.experiment_create(
        actor=actor,
        organisation=organisation,
        title="Expérience de test",
        hypothesis="H",
        intervention="I",
        framework=framework,
        slug=slug,
    )
    competences = list(Competence.objects.filter(framework=framework).order_by("code")[:2])
    for index in range(items):
        services.item_add(actor=actor, experiment=experiment, competence=competences[index % 2], text=f"Item {index}")
    for kind, day in (("pre", 1), ("post", 20)):
        services.wave_add(
            actor=actor,
            experiment=experiment,
            kind=kind,
            opens_on=dt.date(2026, 9, day),
            closes_on=dt.date(2026, 9, day),
        )
    return experiment
