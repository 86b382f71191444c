"""The services below the pages: codes, answering once (even when two submissions race), permissions, the RGPD export
and deletion of the adults' data, and the framework command."""

import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from auzolan.accounts.services import user_export_data
from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.impact import codes, services
from auzolan.impact.models import Decision, Response
from auzolan.learning import services as learning_services
from auzolan.participation.services.codes import ALPHABET
from tests.accounts.factories import UserFactory
from tests.impact.factories import ENTRECOMP, small_experiment
from tests.organisations.factories import OrganisationFactory


@pytest.fixture
def setup(db):
    operator = UserFactory(is_staff=True)
    experiment = small_experiment(actor=operator, organisation=OrganisationFactory(kind="school"))
    cohort = services.cohort_add(actor=operator, experiment=experiment, name="6e A", kind="intervention")
    return operator, experiment, cohort


def test_codes_are_typable_and_unique(setup):
    operator, _experiment, cohort = setup
    created = services.codes_generate(actor=operator, cohort=cohort, count=30)
    assert len(set(created)) == 30
    assert all(len(code) == codes.CODE_LENGTH and set(code) <= set(ALPHABET) for code in created)
    assert not set("01IOL") & set("".join(created))
    assert codes.clean(f" {codes.format_code(created[0]).lower()} ") == created[0]
    with pytest.raises(ValidationError):
        services.codes_generate(actor=operator, cohort=cohort, count=31)  # 60 at most per cohort
    with pytest.raises(PermissionDenied):
        services.codes_generate(actor=UserFactory(), cohort=cohort, count=1)


def test_answering_checks_the_wave_and_the_scale(setup):
    operator, experiment, cohort = setup
    [code] = services.codes_generate(actor=operator, cohort=cohort, count=1)
    items = list(experiment.instrument.items.all())
    with pytest.raises(NotFound):
        services.code_check(code="ZZZZ-ZZZZ")
    with pytest.raises(Conflict):  # no wave open
        services.code_check(code=code)
    wave = experiment.waves.get(kind="pre")
    services.wave_set_open(actor=operator, wave=wave, is_open=True)
    with pytest.raises(ValidationError):
        services.response_submit(code=code, answers={items[0].pk: 3})
    with pytest.raises(ValidationError):
        services.response_submit(code=code, answers={item.pk: 9 for item in items})
    services.response_submit(code=code, answers={item.pk: 3 for item in items})
    with pytest.raises(Conflict):
        services.response_submit(code=code, answers={item.pk: 4 for item in items})
    assert Response.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL (SQLite serialises writes)"
)
@pytest.mark.django_db(transaction=True)
def test_two_racing_submissions_count_once():
    operator = UserFactory(is_staff=True)
    experiment = small_experiment(actor=operator, organisation=OrganisationFactory(kind="school"))
    cohort = services.cohort_add(actor=operator, experiment=experiment, name="6e B", kind="intervention")
    [code] = services.codes_generate(actor=operator, cohort=cohort, count=1)
    services.wave_set_open(actor=operator, wave=experiment.waves.get(kind="pre"), is_open=True)
    answers = {item.pk: 3 for item in experiment.instrument.items.all()}
    outcomes = []

    def submit():
        try:
            services.response_submit(code=code, answers=answers)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Response.objects.count() == 1


def test_items_must_belong_to_the_experiment_framework(setup):
    operator, experiment, _cohort = setup
    digcomp = learning_services.framework_load(path=ENTRECOMP.with_name("digcomp-2.2.json"))
    foreign = digcomp.competences.first()
    with pytest.raises(ValidationError):
        services.item_add(actor=operator, experiment=experiment, competence=foreign, text="x")


def test_adults_data_export_and_deletion(setup):
    operator, experiment, cohort = setup
    teacher = UserFactory()
    cohort.teacher = teacher
    cohort.save()
    services.decision_record(actor=operator, experiment=experiment, outcome="stop", rationale="Pas d'effet.")
    assert services.personal_data(teacher)["cohorts_taught"] == [{"experiment": experiment.title, "cohort": "6e A"}]
    assert services.personal_data(operator)["decisions"][0]["outcome"] == "stop"
    assert user_export_data(user=teacher)["impact"]["cohorts_taught"][0]["cohort"] == "6e A"
    services.deletion_cleanup(operator)
    decision = Decision.objects.get()
    assert decision.decided_by is None and decision.decided_by_name == "Compte supprimé"
    services.deletion_cleanup(teacher)
    cohort.refresh_from_db()
    assert cohort.teacher is None


def test_load_framework_command(db, tmp_path, capsys):
    call_command("impact_load_framework", str(ENTRECOMP))
    assert "entrecomp 2016 : 3 domaine(s), 15 compétence(s), 8 niveau(x)" in capsys.readouterr().out
    call_command("impact_load_framework", str(ENTRECOMP))  # idempotent
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"code": "x", "version": "1", "levels": [{}], "areas": []}))
    with pytest.raises(CommandError):
        call_command("impact_load_framework", str(broken))
    with pytest.raises(CommandError):
        call_command("impact_load_framework", str(tmp_path / "missing.json"))
