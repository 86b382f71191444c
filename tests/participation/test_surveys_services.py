"""Surveys: building (services), answering (conditions, required, types, hostile input), anonymity, one response
per person."""

import hashlib

import pytest

from auzolan.core.errors import Conflict, NotFound, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.participation.models import Answer, Question, Survey, SurveyResponse
from auzolan.participation.selectors import surveys as selectors
from auzolan.participation.services import surveys as services
from tests.accounts.factories import UserFactory
from tests.participation.factories import process_with_phase
from tests.participation.factories_surveys import SurveyFactory, key_for, manager_of, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    return process_with_phase("survey")


@pytest.fixture
def manager(process):
    return manager_of(process)


# --- Building ----------------------------------------------------------------------------------------------


def test_manager_builds_a_survey_with_every_question_kind(process, manager):
    survey = services.survey_create(actor=manager, process=process, title="  Le  parc  ", introduction="Intro")
    assert survey.title == "Le parc" and survey.published_at is None and survey.is_anonymous
    single = services.question_add(
        actor=manager, survey=survey, kind="single", label="Venez-vous ?", choices=["Oui", "Non", ""]
    )
    multiple = services.question_add(
        actor=manager, survey=survey, kind="multiple", label="Quand ?", choices=["Matin", "Midi", "Soir"], max_choices=2
    )
    scale = services.question_add(
        actor=manager, survey=survey, kind="scale", label="Note", scale_min=0, scale_max=10, scale_min_label="Nul"
    )
    text = services.question_add(actor=manager, survey=survey, kind="text", label="Remarques", choices=["ignored"])
    ranking = services.question_add(
        actor=manager, survey=survey, kind="ranking", label="Classez", choices=["A", "B", "C"]
    )
    assert [q.position for q in (single, multiple, scale, text, ranking)] == [0, 1, 2, 3, 4]
    assert list(single.choices.values_list("label", flat=True)) == ["Oui", "Non"]
    assert multiple.max_choices == 2
    assert (scale.scale_min, scale.scale_max, scale.scale_min_label) == (0, 10, "Nul")
    assert text.choices.count() == 0
    services.survey_publish(actor=manager, survey=survey)
    survey.refresh_from_db()
    assert survey.published_at is not None
    assert AuditLogEntry.objects.filter(action="participation.survey_question.added").count() == 5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "single", "label": "Q", "choices": ["Seul"]}, "choices"),
        ({"kind": "single", "label": "Q", "choices": ["A", "a"]}, "choices"),
        ({"kind": "single", "label": "   ", "choices": ["A", "B"]}, "label"),
        ({"kind": "bogus", "label": "Q"}, "kind"),
        ({"kind": "multiple", "label": "Q", "choices": ["A", "B"], "max_choices": 3}, "max_choices"),
        ({"kind": "scale", "label": "Q", "scale_min": 5, "scale_max": 5}, "scale_max"),
        ({"kind": "scale", "label": "Q", "scale_min": 0, "scale_max": 50}, "scale_max"),
        ({"kind": "scale", "label": "Q", "scale_min": -1000, "scale_max": 5}, "scale_min"),
        ({"kind": "ranking", "label": "Q", "choices": [f"c{i}" for i in range(31)]}, "choices"),
        ({"kind": "text", "label": "Q" * 501}, "label"),
    ],
)
def test_question_validation(process, manager, kwargs, field):
    survey = SurveyFactory(process=process)
    with pytest.raises(ValidationError) as error:
        services.question_add(actor=manager, survey=survey, **kwargs)
    assert error.value.field == field
    assert not Question.objects.filter(survey=survey).exists()


def test_conditions_must_point_to_an_earlier_choice_question_of_the_same_survey(process, manager):
    survey = SurveyFactory(process=process)
    other = SurveyFactory(process=process)
    first = question(survey, "single", ["Oui", "Non"])
    text = question(survey, "text")
    foreign = question(other, "single", ["X", "Y"])
    with pytest.raises(ValidationError):
        services.question_add(
            actor=manager, survey=survey, kind="text", label="Q", condition_choice=foreign.choices.first()
        )
    ranking = question(survey, "ranking", ["R1", "R2"])
    with pytest.raises(ValidationError):
        services.question_add(
            actor=manager, survey=survey, kind="text", label="Q", condition_choice=ranking.choices.first()
        )
    # A question cannot depend on a question placed after it.
    with pytest.raises(ValidationError):
        services.question_update(
            actor=manager,
            question=first,
            kind="single",
            label="Q",
            choices=["Oui", "Non"],
            condition_choice=foreign.choices.first(),
        )
    later = services.question_add(actor=manager, survey=survey, kind="single", label="Oui ?", choices=["A", "B"])
    with pytest.raises(ValidationError):
        services.question_update(
            actor=manager,
            question=first,
            kind="single",
            label="Q",
            choices=["Oui", "Non"],
            condition_choice=later.choices.first(),
        )
    dependent = services.question_add(
        actor=manager, survey=survey, kind="text", label="Pourquoi ?", condition_choice=first.choices.first()
    )
    assert dependent.condition_choice.question == first
    assert text.survey == survey


def test_move_keeps_a_dependent_question_after_its_condition(process, manager):
    survey = SurveyFactory(process=process)
    a = question(survey, "single", ["Oui", "Non"], position=0)
    b = question(survey, "text", position=1, condition_choice=None)
    c = question(survey, "text", position=2)
    b.condition_choice = a.choices.first()
    b.save()
    with pytest.raises(ValidationError):
        services.question_move(actor=manager, question=b, direction="up")
    with pytest.raises(ValidationError):
        services.question_move(actor=manager, question=a, direction="down")
    services.question_move(actor=manager, question=c, direction="up")
    assert list(Question.objects.filter(survey=survey).values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    services.question_move(actor=manager, question=a, direction="up")  # already first: nothing changes
    with pytest.raises(ValidationError):
        services.question_move(actor=manager, question=a, direction="sideways")


def test_update_keeps_choices_matched_by_label_and_drops_conditions_on_removed_ones(process, manager):
    survey = SurveyFactory(process=process)
    a = question(survey, "single", ["Oui", "Non", "Peut-être"], position=0)
    oui = a.choices.get(label="Oui")
    maybe = a.choices.get(label="Peut-être")
    dep = question(survey, "text", position=1)
    dep.condition_choice = maybe
    dep.save()
    services.question_update(actor=manager, question=a, kind="single", label="Venez-vous ?", choices=["Non", "Oui"])
    assert list(a.choices.values_list("label", flat=True)) == ["Non", "Oui"]
    assert a.choices.get(label="Oui").pk == oui.pk
    dep.refresh_from_db()
    assert dep.condition_choice is None
    with pytest.raises(ValidationError):  # cannot delete a question others depend on
        dep.condition_choice = oui
        dep.save()
        services.question_delete(actor=manager, question=a)


def test_a_survey_with_responses_is_locked(process, manager):
    survey = SurveyFactory(process=process)
    q = question(survey, "single", ["Oui", "Non"])
    services.survey_answer(actor=UserFactory(), survey=survey, answers={q.pk: q.choices.first().pk})
    for call in (
        lambda: services.question_add(actor=manager, survey=survey, kind="text", label="Encore"),
        lambda: services.question_update(actor=manager, question=q, kind="single", label="X", choices=["A", "B"]),
        lambda: services.question_delete(actor=manager, question=q),
        lambda: services.question_move(actor=manager, question=q, direction="down"),
        lambda: services.survey_delete(actor=manager, survey=survey),
        lambda: services.survey_update(actor=manager, survey=survey, title="T", is_anonymous=False),
    ):
        with pytest.raises(Conflict):
            call()
    # The texts and the publication choices can still change.
    services.survey_update(actor=manager, survey=survey, title="Nouveau titre", results_public=False)
    survey.refresh_from_db()
    assert survey.title == "Nouveau titre" and not survey.results_public


def test_publish_needs_a_question(process, manager):
    survey = services.survey_create(actor=manager, process=process, title="Vide")
    with pytest.raises(ValidationError):
        services.survey_publish(actor=manager, survey=survey)


@pytest.mark.parametrize("who", ["citizen", "member", "other_editor"])
def test_only_the_organisation_editors_build_surveys(process, who):
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    if who == "citizen":
        actor = UserFactory()
    elif who == "member":
        actor = MembershipFactory(organisation=process.organisation, role="member").user
    else:
        actor = MembershipFactory(organisation=OrganisationFactory(), role="editor").user
    with pytest.raises(NotFound):
        services.survey_create(actor=actor, process=process, title="Pirate")
    survey = SurveyFactory(process=process)
    with pytest.raises(NotFound):
        services.question_add(actor=actor, survey=survey, kind="text", label="Pirate")
    assert Survey.objects.filter(process=process).count() == 1


# --- Answering ---------------------------------------------------------------------------------------------


@pytest.fixture
def full_survey(process):
    survey = SurveyFactory(process=process)
    single = question(survey, "single", ["Oui", "Non"], required=True, position=0)
    why = question(survey, "text", position=1, required=True)
    why.condition_choice = single.choices.get(label="Non")
    why.save()
    multiple = question(survey, "multiple", ["A", "B", "C"], max_choices=2, position=2)
    scale = question(survey, "scale", position=3, scale_min=1, scale_max=5)
    ranking = question(survey, "ranking", ["X", "Y", "Z"], position=4)
    return survey, single, why, multiple, scale, ranking


def _ids(q):
    return {c.label: c.pk for c in q.choices.all()}


def test_answer_every_kind(full_survey):
    survey, single, why, multiple, scale, ranking = full_survey
    user = UserFactory()
    r = _ids(ranking)
    response = services.survey_answer(
        actor=user,
        survey=survey,
        answers={
            single.pk: _ids(single)["Non"],
            why.pk: "  Trop loin  ",
            multiple.pk: [_ids(multiple)["A"], _ids(multiple)["C"], _ids(multiple)["A"]],
            scale.pk: "4",
            ranking.pk: {r["X"]: 2, r["Y"]: 1, r["Z"]: 3},
        },
    )
    answers = Answer.objects.filter(response=response)
    assert answers.filter(question=why).get().text == "Trop loin"
    assert answers.filter(question=multiple).count() == 2
    assert answers.get(question=scale).number == 4
    assert dict(answers.filter(question=ranking).values_list("choice__label", "rank")) == {"X": 2, "Y": 1, "Z": 3}


def test_hidden_question_answers_are_ignored_and_not_required(full_survey):
    survey, single, why, *_rest = full_survey
    response = services.survey_answer(
        actor=UserFactory(), survey=survey, answers={single.pk: _ids(single)["Oui"], why.pk: "réponse cachée"}
    )
    assert not Answer.objects.filter(response=response, question=why).exists()


def test_required_shown_question_must_be_answered(full_survey):
    survey, single, why, *_rest = full_survey
    with pytest.raises(ValidationError) as error:
        services.survey_answer(actor=UserFactory(), survey=survey, answers={single.pk: _ids(single)["Non"]})
    assert set(error.value.extra) == {f"q{why.pk}"}
    with pytest.raises(ValidationError) as error:
        services.survey_answer(actor=UserFactory(), survey=survey, answers={})
    assert set(error.value.extra) == {f"q{single.pk}"}
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        lambda s, m, sc, r: {s.pk: "abc"},
        lambda s, m, sc, r: {s.pk: -1},
        lambda s, m, sc, r: {s.pk: _ids(m)["A"]},  # a choice of another question
        lambda s, m, sc, r: {s.pk: True},
        lambda s, m, sc, r: {m.pk: list(_ids(m).values())},  # 3 > max 2
        lambda s, m, sc, r: {m.pk: ["x"]},
        lambda s, m, sc, r: {sc.pk: 6},
        lambda s, m, sc, r: {sc.pk: "1e3"},
        lambda s, m, sc, r: {r.pk: dict.fromkeys(_ids(r).values(), 1)},  # same rank
        lambda s, m, sc, r: {r.pk: {next(iter(_ids(r).values())): 1}},  # partial
        lambda s, m, sc, r: {r.pk: {999999: 1}},
        lambda s, m, sc, r: {r.pk: dict.fromkeys(_ids(r).values(), "x")},
        lambda s, m, sc, r: {r.pk: {c: i + 2 for i, c in enumerate(_ids(r).values())}},  # 2..4
    ],
)
def test_hostile_values_are_refused_per_question(full_survey, bad):
    survey, single, _why, multiple, scale, ranking = full_survey
    answers = {single.pk: _ids(single)["Oui"]}
    answers.update(bad(single, multiple, scale, ranking))
    with pytest.raises(ValidationError) as error:
        services.survey_answer(actor=UserFactory(), survey=survey, answers=answers)
    assert error.value.extra and all(key.startswith("q") for key in error.value.extra)
    assert not SurveyResponse.objects.exists()


def test_text_longer_than_the_limit_is_refused(process):
    survey = SurveyFactory(process=process)
    text = question(survey, "text")
    with pytest.raises(ValidationError):
        services.survey_answer(actor=UserFactory(), survey=survey, answers={text.pk: "a" * 5001})
    response = services.survey_answer(actor=UserFactory(), survey=survey, answers={text.pk: "nul\x00byte"})
    assert response.answers.get().text == "nulbyte"


def test_anonymous_response_has_no_user_and_a_keyed_participant_hash(process):
    survey = SurveyFactory(process=process, is_anonymous=True)
    q = question(survey, "single", ["Oui", "Non"])
    user = UserFactory()
    response = services.survey_answer(actor=user, survey=survey, answers={q.pk: q.choices.first().pk})
    response.refresh_from_db()
    assert response.user_id is None
    key = response.participant_key
    assert len(key) == 64 and key != str(user.pk)
    plain = {hashlib.sha256(str(user.pk).encode()).hexdigest(), hashlib.md5(str(user.pk).encode()).hexdigest()}  # noqa: S324
    assert key not in plain
    assert key == key_for(survey, user)
    # Another process has another secret: the same person gets another key.
    other = SurveyFactory(process=process_with_phase("survey"))
    assert key_for(other, user) != key
    # The audit log of an anonymous response does not name the person.
    entry = AuditLogEntry.objects.get(action="participation.survey_response.created")
    assert entry.actor_id is None and set(entry.data) == {"survey", "answers"}


def test_signed_response_keeps_the_user(process):
    survey = SurveyFactory(process=process, is_anonymous=False)
    q = question(survey, "single", ["Oui", "Non"])
    user = UserFactory()
    response = services.survey_answer(actor=user, survey=survey, answers={q.pk: q.choices.first().pk})
    assert response.user == user


def test_one_response_per_person(process):
    survey = SurveyFactory(process=process)
    q = question(survey, "single", ["Oui", "Non"])
    user = UserFactory()
    services.survey_answer(actor=user, survey=survey, answers={q.pk: q.choices.first().pk})
    with pytest.raises(Conflict) as error:
        services.survey_answer(actor=user, survey=survey, answers={q.pk: q.choices.last().pk})
    assert "déjà répondu" in error.value.message
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(question=q).get().choice.label == "Oui"
    assert services.has_answered(user=user, survey=survey)


def test_answered_survey_ids_one_query_per_process(process, django_assert_num_queries):
    answered, other = SurveyFactory(process=process), SurveyFactory(process=process)
    q = question(answered, "single", ["Oui", "Non"])
    question(other, "single", ["Oui", "Non"])
    user = UserFactory()
    services.survey_answer(actor=user, survey=answered, answers={q.pk: q.choices.first().pk})
    with django_assert_num_queries(1):
        assert selectors.answered_survey_ids(user=user, process=process) == {answered.pk}
    assert selectors.answered_survey_ids(user=UserFactory(), process=process) == set()


@pytest.mark.parametrize(
    ("phase", "published", "verification"),
    [("ideas", True, "account"), ("survey", False, "account"), ("survey", True, "residency_declared")],
)
def test_answering_needs_an_open_survey_and_eligibility(phase, published, verification):
    from django.utils import timezone

    process = process_with_phase(phase, verification=verification)
    survey = SurveyFactory(process=process, published_at=timezone.now() if published else None)
    q = question(survey, "single", ["Oui", "Non"])
    with pytest.raises(ValidationError):
        services.survey_answer(actor=UserFactory(), survey=survey, answers={q.pk: q.choices.first().pk})
    assert not SurveyResponse.objects.exists()


def test_moderating_free_texts(process, manager):
    survey = SurveyFactory(process=process)
    text = question(survey, "text")
    single = question(survey, "single", ["Oui", "Non"])
    response = services.survey_answer(actor=UserFactory(), survey=survey, answers={text.pk: "Bravo", single.pk: None})
    answer = response.answers.get()
    services.answer_text_moderate(actor=manager, answer=answer, published=True)
    answer.refresh_from_db()
    assert answer.text_published
    with pytest.raises(NotFound):
        services.answer_text_moderate(actor=UserFactory(), answer=answer, published=False)


def test_personal_data_export_holds_signed_responses_only(process):
    from auzolan.accounts.services import user_export_data

    user = UserFactory()
    signed = SurveyFactory(process=process, is_anonymous=False, title="Signé")
    anonymous = SurveyFactory(process=process, is_anonymous=True, title="Anonyme")
    for survey in (signed, anonymous):
        q = question(survey, "text", label=f"Q {survey.title}")
        services.survey_answer(actor=user, survey=survey, answers={q.pk: f"Réponse {survey.title}"})
    section = user_export_data(user=user)["participation_survey_responses"]
    assert [item["survey"] for item in section] == ["Signé"]
    assert section[0]["answers"][0]["text"] == "Réponse Signé"


def test_demo_survey(process, manager):
    from auzolan.participation.demo_surveys import load_demo_survey

    people = [UserFactory() for _ in range(6)]
    survey = load_demo_survey(actor=manager, process=process, respondents=people)
    assert survey.published_at is not None and survey.questions.count() == 5
    assert survey.responses.count() == 6
    assert load_demo_survey(actor=manager, process=process, respondents=people) == survey  # idempotent
