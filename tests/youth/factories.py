"""Factories of youth: partnerships, actions, and a youth survey with answers."""

import datetime as dt

import factory
from django.utils import timezone

from auzolan.participation.models import Answer, Survey, SurveyResponse
from auzolan.youth.models import Action, Collaboration, Partnership
from tests.organisations.factories import OrganisationFactory
from tests.participation.factories_surveys import SurveyFactory, key_for, question


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A public partnership of a school (add collaborations with `kinds=[…]`)."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind="school", college="education")
    description = "Des ateliers avec les élèves."
    since = dt.date(2020, 9, 1)
    contact_role = "Vie scolaire"
    is_public = True

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        for kind in extracted or ["workshops"]:
            Collaboration.objects.create(partnership=self, kind=kind)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    survey = factory.LazyFunction(lambda: SurveyFactory(audience="youth"))
    title = factory.Sequence(lambda n: f"Action {n}")
    decided_by = "Conseil communautaire"
    decided_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))


def youth_survey_with_answers(*, counts: dict[str, int], users, audience: str = "youth", **kwargs) -> Survey:
    """A published survey (youth by default) with one single-choice question answered `counts[label]` times, by
    `users`."""
    survey = SurveyFactory(audience=audience, **kwargs)
    q = question(survey, "single", choices=list(counts))
    people = iter(users)
    for choice in q.choices.all():
        for _ in range(counts[choice.label]):
            response = SurveyResponse.objects.create(survey=survey, participant_key=key_for(survey, next(people)))
            Answer.objects.create(response=response, question=q, choice=choice)
    return survey
