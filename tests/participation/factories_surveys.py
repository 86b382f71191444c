"""Factories of the surveys area."""

import factory
from django.utils import timezone

from auzolan.participation.models import Choice, Question, Survey
from auzolan.participation.models.surveys import participant_key
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import process_with_phase


class SurveyFactory(factory.django.DjangoModelFactory):
    """A published survey (no question: add them with QuestionFactory or `question()`)."""

    class Meta:
        model = Survey

    process = factory.LazyFunction(lambda: process_with_phase("survey"))
    title = factory.Sequence(lambda n: f"Questionnaire {n}")
    published_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    kind = Question.Kind.SINGLE
    label = factory.Sequence(lambda n: f"Question {n}")
    position = factory.Sequence(lambda n: n)


def question(survey, kind="single", choices=(), **kwargs) -> Question:
    """A question with its choices (labels), for tests."""
    q = QuestionFactory(survey=survey, kind=kind, **kwargs)
    for index, label in enumerate(choices):
        Choice.objects.create(question=q, label=label, position=index)
    return q


def manager_of(process):
    """An editor of the process's organisation (who manages its surveys)."""
    return MembershipFactory(organisation=process.organisation, role="editor", state="active").user


def key_for(survey, user) -> str:
    return participant_key(process=survey.process, user_id=user.pk)
