"""A complete participation world for one organisation (every kind of object a participation URL can name), and
the enumeration of the participation URL patterns with the object each keyword argument designates.

Used by the tenant isolation and "never a 500" tests: a new URL pattern is picked up automatically; a keyword
argument whose object cannot be inferred from the path fails loudly (teach `_object_for` about it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from auzolan.participation.models import (
    Answer,
    Choice,
    CommentVersion,
    Phase,
    ProposalAttachment,
    SurveyResponse,
    UserBlock,
)
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.participation.factories import CategoryFactory, DistrictFactory, ProcessFactory, ProposalFactory
from tests.participation.factories_budgets import BudgetFactory, ProjectFactory
from tests.participation.factories_followup import FollowUpFactory, FollowUpUpdateFactory
from tests.participation.factories_proposals import CommentFactory, ReportFactory
from tests.participation.factories_surveys import QuestionFactory, SurveyFactory

#: Patterns that name no organisation's object (lists of everything public, the agency's guides).
NOT_TENANT_SCOPED = {
    "process_list",  # public list of public processes
    "manage_home",  # the person's own organisations
    "guide_list",  # the agency's methodology guides (no organisation)
    "guide_create",
    "guide_detail",
    "guide_edit",
}


@dataclass
class World:
    organisation: object
    editor: object
    citizen: object
    process: object
    phase: object
    district: object
    category: object
    proposal: object
    attachment: object
    comment: object
    block: object
    survey: object
    question: object
    answer: object
    budget: object
    project: object
    followup: object
    update: object


def build_world(tag: str) -> World:
    organisation = OrganisationFactory(slug=f"org-{tag}")
    editor = UserFactory()
    MembershipFactory(organisation=organisation, user=editor, role="editor")
    citizen = UserFactory()
    process = ProcessFactory(organisation=organisation, slug=f"demarche-{tag}")
    now = timezone.now()
    phase = Phase.objects.create(
        process=process, kind="ideas", start_at=now - timedelta(days=1), end_at=now + timedelta(days=10)
    )
    Phase.objects.create(
        process=process, kind="vote", start_at=now + timedelta(days=10), end_at=now + timedelta(days=20)
    )
    district = DistrictFactory(organisation=organisation)
    category = CategoryFactory(process=process)
    proposal = ProposalFactory(process=process, author=citizen, category=category, district=district)
    attachment = ProposalAttachment.objects.create(
        proposal=proposal, file=ContentFile(b"%PDF-1.4 test", name="note.pdf"), title="Note", size=13
    )
    comment = CommentFactory(proposal=proposal, author=citizen)
    CommentVersion.objects.create(comment=comment, body="Ancienne version")
    ReportFactory(proposal=proposal)
    blocked = UserFactory()
    block = UserBlock.objects.create(organisation=organisation, user=blocked, reason="Spam", blocked_by=editor)
    survey = SurveyFactory(process=process)
    question = QuestionFactory(survey=survey, kind="text")
    choice_question = QuestionFactory(survey=survey, kind="single")
    choice = Choice.objects.create(question=choice_question, label="Oui", position=0)
    response = SurveyResponse.objects.create(survey=survey, user=None, participant_key=f"key-{tag}")
    answer = Answer.objects.create(response=response, question=question, text="Plus d'arbres")
    Answer.objects.create(response=response, question=choice_question, choice=choice)
    budget = BudgetFactory(process=process, district=district)
    project = ProjectFactory(budget=budget)
    followup = FollowUpFactory(process=process, proposal=proposal)
    update = FollowUpUpdateFactory(followup=followup)
    return World(
        organisation=organisation,
        editor=editor,
        citizen=citizen,
        process=process,
        phase=phase,
        district=district,
        category=category,
        proposal=proposal,
        attachment=attachment,
        comment=comment,
        block=block,
        survey=survey,
        question=question,
        answer=answer,
        budget=budget,
        project=project,
        followup=followup,
        update=update,
    )


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    kwargs: tuple[str, ...]

    @property
    def is_management(self) -> bool:
        return self.route.startswith("gerer/")

    def __str__(self) -> str:
        return self.name


def participation_patterns() -> list[Pattern]:
    """Every URL pattern of the `participation` namespace (routes relative to /participer/)."""
    resolver = get_resolver()

    def find(res):
        for item in res.url_patterns:
            if isinstance(item, URLResolver):
                if item.namespace == "participation":
                    return item
                found = find(item)
                if found is not None:
                    return found
        return None

    namespace = find(resolver)
    assert namespace is not None, "no participation namespace"
    result = []
    for item in namespace.url_patterns:
        assert isinstance(item, URLPattern), "nested resolvers in participation: extend this helper"
        route = str(item.pattern)
        result.append(Pattern(item.name, route, tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))))
    return result


# The object a `pk`-like argument designates, from the path segment just before it.
_SEGMENT_OBJECTS = {
    "phases": "phase",
    "categories": "category",
    "quartiers": "district",
    "propositions": "proposal",
    "commentaires": "comment",
    "blocages": "block",
    "questionnaires": "survey",
    "questions": "question",
    "reponses": "answer",
    "budgets": "budget",
    "projets": "project",
    "suivi": "followup",
    "points": "update",
    "pieces-jointes": "attachment",
}


def _object_for(pattern: Pattern, kwarg: str, world: World, kind: str):
    if kwarg == "org_slug":
        return world.organisation.slug
    if kwarg == "slug":
        return world.process.slug
    if kwarg == "kind":
        return kind
    if pattern.route.endswith(f"<str:kind>/<int:{kwarg}>/") or re.search(rf"<str:kind>/<int:{kwarg}>/", pattern.route):
        return (world.proposal if kind == "proposition" else world.comment).pk
    match = re.search(rf"([-\w]+)/<int:{kwarg}>", pattern.route)
    assert match, f"{pattern.name}: cannot tell what <{kwarg}> designates"
    segment = match.group(1)
    assert segment in _SEGMENT_OBJECTS, f"{pattern.name}: unknown segment {segment!r} before <{kwarg}>"
    return getattr(world, _SEGMENT_OBJECTS[segment]).pk


def kwargs_for(pattern: Pattern, *, slug_world: World, object_world: World, kind: str = "proposition") -> dict:
    """Keyword arguments naming the organisation and process of `slug_world` and the objects of `object_world`."""
    values = {}
    for kwarg in pattern.kwargs:
        world = slug_world if kwarg in ("slug", "org_slug") else object_world
        values[kwarg] = _object_for(pattern, kwarg, world, kind)
    return values


def url_for(pattern: Pattern, kwargs: dict) -> str:
    from django.urls import reverse

    return reverse(f"participation:{pattern.name}", kwargs=kwargs)
