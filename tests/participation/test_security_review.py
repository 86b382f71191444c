"""Regression tests of the participation security review: each one failed before its fix."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from auzolan.notifications import emails
from auzolan.participation.models import District, Follow, Process
from tests.notifications.factories import NotificationFactory
from tests.participation.factories import DistrictFactory, ProcessFactory, ProposalFactory
from tests.participation.factories_budgets import BudgetFactory
from tests.participation.factories_processes import editor

pytestmark = pytest.mark.django_db


def test_deleting_a_district_that_has_a_budget_is_refused_with_a_message(client):
    """Was a 500 (ProtectedError: Budget.district is PROTECT)."""
    district = DistrictFactory()
    BudgetFactory(process=ProcessFactory(organisation=district.organisation), district=district)
    client.force_login(editor(district.organisation))
    url = reverse("participation:district_edit", kwargs={"org_slug": district.organisation.slug, "pk": district.pk})
    response = client.post(url, {"delete": "1"}, follow=True)
    assert response.status_code == 200
    assert District.objects.filter(pk=district.pk).exists()
    assert "Un budget participatif est attribué à ce quartier" in response.content.decode()


def test_deleting_a_district_without_budget_still_works(client):
    district = DistrictFactory()
    client.force_login(editor(district.organisation))
    url = reverse("participation:district_edit", kwargs={"org_slug": district.organisation.slug, "pk": district.pk})
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not District.objects.filter(pk=district.pk).exists()


@pytest.mark.parametrize(
    "target",
    ["abc", "process_list", "https://evil.example/", "//evil.example/x", "/a\r\nSet-Cookie: x=1", "javascript:x"],
)
@pytest.mark.parametrize("name", ["follow_process", "proposal_support"])
def test_next_parameter_is_a_local_path_or_ignored(client, user, target, name):
    """`next=abc` was a 500 (redirect() took it for a view name); other sites and header injection are ignored."""
    proposal = ProposalFactory()
    process = proposal.process
    client.force_login(user)
    kwargs = {"slug": process.slug} if name == "follow_process" else {"slug": process.slug, "pk": proposal.pk}
    response = client.post(reverse(f"participation:{name}", kwargs=kwargs), {"next": target})
    assert response.status_code == 302
    default = process.get_absolute_url() if name == "follow_process" else proposal.get_absolute_url()
    assert response["Location"] == default


def test_next_parameter_local_path_is_followed(client, user):
    process = ProcessFactory()
    client.force_login(user)
    url = reverse("participation:follow_process", kwargs={"slug": process.slug})
    response = client.post(url, {"next": "/participer/demarches/?page=2"})
    assert response["Location"] == "/participer/demarches/?page=2"
    assert Follow.objects.filter(user=user, process=process).exists()


@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999999", "abc", "1.5"])
def test_scope_ids_out_of_database_range_are_a_form_error(client, value):
    """A district id of 23 digits was a 500 on SQLite (OverflowError) in the process forms."""
    district = DistrictFactory()
    client.force_login(editor(district.organisation))
    url = reverse("participation:process_create", kwargs={"org_slug": district.organisation.slug})
    response = client.post(url, {"title": "Une démarche", "template": "idea_box", "districts": [value]})
    assert response.status_code == 200
    assert not Process.objects.exists()
    assert "districts" in response.context["form"].errors


def test_notification_email_subject_with_a_carriage_return_is_sent_on_one_line():
    """A title with a carriage return (from a proposal title, say) made the e-mail fail (BadHeaderError)."""
    notification = NotificationFactory(title="Réponse à « Des bancs\r\nBcc: x@example.org »")
    emails.send_one(notification)
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\r" not in subject and "\n" not in subject
    assert "Des bancs Bcc: x@example.org" in subject


@pytest.mark.parametrize("what", ["proposal", "comment"])
def test_rate_limit_holds_for_submissions_sent_at_the_same_moment(monkeypatch, what):
    """Two submissions in flight at once both passed the check made before either was counted (limit 1 → 2
    contributions). A second submission is made while the first is between its check and its write."""
    from auzolan.participation.models import Comment, Proposal
    from auzolan.participation.services import comments as comment_services
    from auzolan.participation.services import moderation
    from auzolan.participation.services import proposals as proposal_services
    from auzolan.participation.services.moderation import RateLimited
    from tests.accounts.factories import UserFactory
    from tests.participation.factories import process_with_phase

    monkeypatch.setattr(moderation, "PER_MINUTE", 1)
    process = process_with_phase("ideas")
    user = UserFactory()
    target = ProposalFactory(process=process) if what == "comment" else None

    def submit():
        if what == "proposal":
            proposal_services.proposal_create(actor=user, process=process, title="Des bancs", body="Des bancs.")
        else:
            comment_services.comment_create(actor=user, process=process, proposal=target, body="D'accord.")

    module = proposal_services if what == "proposal" else comment_services
    original = module._clean_text if what == "proposal" else module._clean
    state = {"nested": False}

    def interleaved(*args, **kwargs):
        if not state["nested"]:
            state["nested"] = True
            submit()  # the other tab's submission, while this one has passed its check
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "_clean_text" if what == "proposal" else "_clean", interleaved)
    with pytest.raises(RateLimited):
        submit()
    model = Proposal if what == "proposal" else Comment
    assert model.objects.filter(author=user).count() == 1


def test_published_ballot_order_does_not_follow_the_receipts():
    """The Pabulib file listed ballots in the order of their receipts: a voter's receipt (which they hold and may
    show) told roughly which line was their ballot. The order is now a keyed shuffle, stable between exports."""
    from auzolan.participation.models import Ballot
    from auzolan.participation.selectors.budgets import ballot_project_lists
    from tests.participation.factories_budgets import ProjectFactory, ballot

    budget = BudgetFactory()
    projects = ProjectFactory.create_batch(3, budget=budget)
    for index in range(60):
        ballot(budget, [projects[index % 3]] if index % 2 else projects[:2])
    rows = ballot_project_lists(budget)
    assert rows == ballot_project_lists(budget)  # stable
    assert len(rows) == 60
    by_receipt = [
        sorted(b.lines.values_list("project_id", flat=True))
        for b in Ballot.objects.filter(budget=budget).order_by("receipt")
    ]
    by_id = [
        sorted(b.lines.values_list("project_id", flat=True))
        for b in Ballot.objects.filter(budget=budget).order_by("pk")
    ]
    assert sorted(map(tuple, rows)) == sorted(map(tuple, by_receipt))  # the same ballots…
    assert rows != by_receipt and rows != by_id  # …in neither the receipts' nor the casting order
    unordered = ballot_project_lists(budget, published_order=False)
    assert unordered == by_id


def test_anonymous_survey_export_rows_are_not_in_answering_order(client):
    """The CSV of an anonymous survey listed rows in the order of answering: with the day, the row number gave the
    time back (the first person at the town hall this morning is row 1). Signed surveys keep the answering order."""
    import csv
    import io
    from datetime import timedelta

    from django.utils import timezone

    from auzolan.participation.models import Answer, SurveyResponse
    from auzolan.participation.models.surveys import participant_key
    from tests.participation.factories_surveys import QuestionFactory, SurveyFactory, manager_of

    survey = SurveyFactory(is_anonymous=True)
    text = QuestionFactory(survey=survey, kind="text", label="Votre idée")
    start = timezone.now() - timedelta(hours=5)
    for index in range(30):
        response = SurveyResponse.objects.create(
            survey=survey, participant_key=participant_key(process=survey.process, user_id=1000 + index)
        )
        SurveyResponse.objects.filter(pk=response.pk).update(created_at=start + timedelta(minutes=index))
        Answer.objects.create(response=response, question=text, text=f"idée {index:02d}")
    client.force_login(manager_of(survey.process))
    url = reverse("participation:survey_export", kwargs={"slug": survey.process.slug, "pk": survey.pk})
    content = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))[1:]
    ideas = [row[-1] for row in rows]
    assert sorted(ideas) == [f"idée {i:02d}" for i in range(30)]
    assert ideas != sorted(ideas)
    assert all(len(row[1]) == 10 for row in rows)  # the day only
