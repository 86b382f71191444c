"""HTTP tests of the budget pages: vote flow without JavaScript, checkout, receipt, verification, results,
Pabulib download, management pages, permissions, XSS, garbage input, query counts."""

import hashlib
import hmac

import pytest
from django.conf import settings
from django.urls import reverse

from auzolan.core.registry import page_sections
from auzolan.participation.models import Ballot, Budget, Project
from auzolan.participation.services import budgets as services
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import ProcessFactory, ProposalFactory
from tests.participation.factories_budgets import (
    BudgetFactory,
    ProjectFactory,
    ballot,
    closed_vote_process,
    future_vote_process,
    vote_process,
)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def url(name, process, budget=None, **kwargs):
    args = {"slug": process.slug}
    if budget is not None:
        args["pk"] = budget.pk
    args.update(kwargs)
    return reverse(f"participation:{name}", kwargs=args)


def editor_client(client, process):
    user = UserFactory()
    MembershipFactory(organisation=process.organisation, user=user, role="editor")
    client.force_login(user)
    return user


@pytest.fixture
def voting():
    process = vote_process()
    budget = BudgetFactory(process=process, envelope=100, title="Centre-ville")
    projects = [ProjectFactory(budget=budget, cost=cost, title=f"Projet à {cost} €") for cost in (60, 30, 20)]
    return process, budget, projects


def test_vote_flow_without_javascript(client, voting):
    process, budget, (p60, p30, p20) = voting
    user = UserFactory()
    client.force_login(user)
    page = client.get(url("budget_detail", process, budget))
    assert page.status_code == 200
    assert "Reste dans l&#x27;enveloppe" in page.content.decode() or "Reste dans l'enveloppe" in page.content.decode()
    for project in (p60, p30):
        response = client.post(url("budget_select", process, budget), {"project": project.pk, "action": "add"})
        assert response.status_code == 302
    # 60 + 30 + 20 > 100: the third is refused with the reason.
    response = client.post(url("budget_select", process, budget), {"project": p20.pk, "action": "add"}, follow=True)
    assert "dépasse l" in response.content.decode()
    response = client.post(url("budget_select", process, budget), {"project": p30.pk, "action": "remove"})
    response = client.post(url("budget_select", process, budget), {"project": p20.pk, "action": "add"})
    page = client.get(url("budget_checkout", process, budget))
    assert page.status_code == 200
    content = page.content.decode()
    rows = ['<th scope="row">Projet à 60 €</th>', '<th scope="row">Projet à 20 €</th>']
    assert all(row in content for row in rows) and '<th scope="row">Projet à 30 €</th>' not in content
    # Without the confirmation box: 400, nothing cast.
    response = client.post(url("budget_checkout", process, budget), {})
    assert response.status_code == 400 and not Ballot.objects.exists()
    response = client.post(url("budget_checkout", process, budget), {"confirm": "on"})
    assert response.status_code == 302
    assert response.url == url("ballot_receipt", process, budget)
    cast = Ballot.objects.get(user=user)
    assert sorted(cast.lines.values_list("project_id", flat=True)) == sorted([p60.pk, p20.pk])
    receipt = client.get(response.url)
    assert services.format_receipt(cast.receipt) in receipt.content.decode()
    # Back on the confirmation page (back button): the receipt, never "aucun projet choisi".
    back = client.get(url("budget_checkout", process, budget), follow=True)
    assert back.redirect_chain[-1][0] == url("ballot_receipt", process, budget)
    assert "déjà voté" in back.content.decode() and "aucun projet" not in back.content.decode()
    # A replay of the confirmation (another tab, back button): "déjà voté", never a 500, still one ballot.
    for project in (p60, p20):
        client.post(url("budget_select", process, budget), {"project": project.pk, "action": "add"})
    response = client.post(url("budget_checkout", process, budget), {"confirm": "on"})
    assert response.status_code in (403, 409)
    assert Ballot.objects.count() == 1


def test_same_submission_token_twice_counts_once(client, voting):
    process, budget, (p60, _p30, p20) = voting
    client.force_login(UserFactory())
    for project in (p60, p20):
        client.post(url("budget_select", process, budget), {"project": project.pk, "action": "add"})
    data = {"confirm": "on", "submission": "9a6a5f0e-4b1f-4f55-9d5c-0f6a3c1d2e3f"}
    assert client.post(url("budget_checkout", process, budget), data).status_code == 302
    response = client.post(url("budget_checkout", process, budget), data)
    assert response.status_code == 302
    assert Ballot.objects.count() == 1


def test_checkout_refused_under_the_minimum_share(client):
    process = vote_process()
    budget = BudgetFactory(process=process, envelope=100, min_share_percent=80)
    project = ProjectFactory(budget=budget, cost=10)
    client.force_login(UserFactory())
    client.post(url("budget_select", process, budget), {"project": project.pk, "action": "add"})
    page = client.get(url("budget_checkout", process, budget))
    assert "au moins 80" in page.content.decode()
    response = client.post(url("budget_checkout", process, budget), {"confirm": "on"})
    assert response.status_code == 400 and not Ballot.objects.exists()


def test_refused_vote_is_said_above_the_form(client, voting):
    """The person already voted in another budget of the process: a Conflict, said above the form, not on a field."""
    process, budget, (p60, *_rest) = voting
    other_budget = BudgetFactory(process=process)
    project = ProjectFactory(budget=other_budget, cost=10)
    voter = UserFactory()
    services.ballot_submit(budget=other_budget, project_ids=[project.pk], user=voter)
    client.force_login(voter)
    client.post(url("budget_select", process, budget), {"project": p60.pk, "action": "add"})
    response = client.post(url("budget_checkout", process, budget), {"confirm": "on"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "Votre vote n'a pas été enregistré" in content and "une seule participation" in content


def test_anonymous_visitor_sees_projects_and_how_to_vote(client, voting):
    process, budget, (_p60, *_rest) = voting
    page = client.get(url("budget_detail", process, budget))
    assert page.status_code == 200
    assert "Connectez-vous" in page.content.decode()
    response = client.post(url("budget_checkout", process, budget), {"confirm": "on"})
    assert response.status_code in (400, 403)
    assert not Ballot.objects.exists()


def test_selection_garbage_and_closed_vote(client, voting):
    process, budget, _projects = voting
    client.force_login(UserFactory())
    for data in ({}, {"project": "abc", "action": "add"}, {"project": "999999", "action": "add"}, {"project": "1"}):
        assert client.post(url("budget_select", process, budget), data).status_code == 302
    other_budget = BudgetFactory(process=future_vote_process())
    project = ProjectFactory(budget=other_budget)
    response = client.post(
        url("budget_select", other_budget.process, other_budget), {"project": project.pk, "action": "add"}, follow=True
    )
    assert "pas ouvert" in response.content.decode()


def test_pages_of_a_draft_process_are_404_for_the_public(client):
    process = ProcessFactory(state="draft")
    budget = BudgetFactory(process=process)
    for name in ("budget_detail", "budget_checkout", "budget_results", "budget_pabulib"):
        assert client.get(url(name, process, budget)).status_code == 404
    assert client.get(url("budget_list", process)).status_code == 404
    assert client.get(url("code_entry", process)).status_code == 404
    assert client.get("/participer/inconnue/budgets/").status_code == 404
    assert client.get(url("budget_detail", ProcessFactory(), budget)).status_code == 404  # budget of another process


def test_list_project_and_section_pages(client, voting):
    process, budget, (p60, *_rest) = voting
    assert client.get(url("budget_list", process)).status_code == 200
    response = client.get(url("budget_project", process, budget, project_pk=p60.pk))
    assert response.status_code == 200
    assert client.get(url("budget_project", process, budget, project_pk=999999)).status_code == 404
    request = client.get(url("budget_list", process)).wsgi_request
    sections = dict(page_sections("participation_process", request, process))
    assert sections["participation/budgets/_section.html"]["budgets"][0].pk == budget.pk
    # The block on the process page, and the "vote" action pointing to the budgets.
    content = client.get(process.get_absolute_url()).content.decode()
    assert "Centre-ville" in content
    assert url("budget_list", process) in content


def test_xss_in_project_and_budget_texts_is_escaped(client):
    process = vote_process()
    budget = BudgetFactory(process=process, title=XSS, description=XSS)
    project = ProjectFactory(budget=budget, title=XSS, description=XSS, feasibility_note=XSS)
    client.force_login(UserFactory())
    client.post(url("budget_select", process, budget), {"project": project.pk, "action": "add"})
    pages = [
        url("budget_list", process),
        url("budget_detail", process, budget),
        url("budget_project", process, budget, project_pk=project.pk),
        url("budget_checkout", process, budget),
    ]
    for page in pages:
        content = client.get(page).content.decode()
        assert "<script>alert" not in content, page
        assert "onerror=alert" not in content or "&lt;img" in content, page
        assert "<img src=x" not in content, page


def test_verify_page(client, voting):
    process, budget, (p60, *_rest) = voting
    cast = services.ballot_submit(budget=budget, project_ids=[p60.pk], user=UserFactory())
    response = client.get(url("ballot_verify", process), {"receipt": services.format_receipt(cast.receipt)})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bulletin trouvé" in content and "Projet à 60" not in content  # never the choices
    assert client.get(url("ballot_verify", process)).status_code == 200
    assert client.get(url("ballot_verify", process), {"receipt": "NOPE"}).status_code == 404
    assert client.get(url("ballot_verify", process), {"receipt": ""}).status_code == 400
    assert client.get(url("ballot_verify", process), {"receipt": "x" * 500}).status_code == 400
    # A receipt of another process is not confirmed here.
    other = BudgetFactory(process=vote_process())
    other_cast = services.ballot_submit(budget=other, project_ids=[ProjectFactory(budget=other).pk], user=UserFactory())
    assert client.get(url("ballot_verify", process), {"receipt": other_cast.receipt}).status_code == 404


def test_receipt_page_needs_a_ballot(client, voting):
    process, budget, _projects = voting
    assert client.get(url("ballot_receipt", process, budget)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url("ballot_receipt", process, budget)).status_code == 404


@pytest.fixture
def published():
    process = closed_vote_process()
    budget = BudgetFactory(process=process, envelope=100, title="Quartier Nord")
    a, b, c = (ProjectFactory(budget=budget, cost=cost, title=f"P{cost}") for cost in (60, 50, 30))
    for choice in ([a], [a, c], [b], [b], [c]):
        ballot(budget, choice)
    editor = UserFactory()
    MembershipFactory(organisation=process.organisation, user=editor, role="editor")
    services.budget_compute_results(actor=editor, budget=budget)
    return process, budget, (a, b, c), editor


def test_results_hidden_until_published_except_for_managers(client, published):
    process, budget, _projects, editor = published
    assert client.get(url("budget_results", process, budget)).status_code == 404
    assert client.get(url("budget_pabulib", process, budget)).status_code == 404
    client.force_login(editor)
    preview = client.get(url("budget_results", process, budget))
    assert preview.status_code == 200 and "Aperçu" in preview.content.decode()
    assert client.post(url("manage_publish_results", process, budget)).status_code == 302
    client.logout()
    page = client.get(url("budget_results", process, budget))
    content = page.content.decode()
    assert page.status_code == 200
    assert "<caption>" in content and 'scope="col"' in content and 'scope="row"' in content
    assert "Lauréat" in content and "le moins cher" in content  # winners in text, tie-break explained


def test_pabulib_download_parses(client, published):
    process, budget, (a, b, c), editor = published
    services.budget_publish_results(actor=editor, budget=budget)
    response = client.get(url("budget_pabulib", process, budget))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sections = parse_pabulib(response.content.decode())
    assert sections["META"]["budget"] == "100"
    assert sections["META"]["num_votes"] == "5"
    assert sections["META"]["vote_type"] == "approval"
    projects = {row["project_id"]: row for row in sections["PROJECTS"]}
    # All three have 2 votes: C (30) then B (50) win on the cheaper-first tie-break, A (60) no longer fits.
    assert [projects[str(p.pk)]["votes"] for p in (a, b, c)] == ["2", "2", "2"]
    assert [projects[str(p.pk)]["selected"] for p in (a, b, c)] == ["0", "1", "1"]
    votes = sections["VOTES"]
    assert sorted(row["voter_id"] for row in votes) == ["1", "2", "3", "4", "5"]
    counted = sum(row["vote"].split(",").count(str(b.pk)) for row in votes)
    assert counted == 2
    # Voters are numbered in a keyed shuffle of their receipts (not the voting order, not the receipts' order,
    # which a voter's receipt would give away).
    key = (settings.SECRET_KEY + process.secret).encode()
    shuffled = [
        ",".join(str(pid) for pid in sorted(cast.lines.values_list("project_id", flat=True)))
        for cast in sorted(
            Ballot.objects.all(), key=lambda b: hmac.new(key, b.receipt.encode(), hashlib.sha256).hexdigest()
        )
    ]
    assert [row["vote"] for row in votes] == shuffled


def parse_pabulib(text: str) -> dict:
    """A small Pabulib reader: META as a dict, PROJECTS and VOTES as lists of dicts."""
    sections: dict = {}
    current = None
    header = None
    for line in text.splitlines():
        if line in ("META", "PROJECTS", "VOTES"):
            current, header = line, None
            sections[current] = {} if line == "META" else []
            continue
        fields = line.split(";")
        if header is None:
            header = fields
            continue
        assert len(fields) == len(header), line
        if current == "META":
            sections["META"][fields[0]] = fields[1]
        else:
            sections[current].append(dict(zip(header, fields, strict=True)))
    return sections


# --- Management pages --------------------------------------------------------------------------------------


def test_management_pages_are_404_for_others(client, voting):
    process, budget, (p60, *_rest) = voting
    names = [
        url("manage_budgets", process),
        url("manage_budget_create", process),
        url("manage_budget", process, budget),
        url("manage_project_create", process, budget),
        url("manage_project_import", process, budget),
        url("manage_project_edit", process, budget, project_pk=p60.pk),
        url("manage_paper_ballots", process, budget),
        url("manage_codes", process),
    ]
    for page in names:
        assert client.get(page).status_code == 302  # login first
    client.force_login(UserFactory())
    for page in names:
        assert client.get(page).status_code == 404, page
    assert client.post(url("manage_compute_results", process, budget)).status_code == 404
    assert client.post(url("manage_codes_revoke", process), {"batch": "x"}).status_code == 404


def test_editor_sets_up_a_budget_with_projects(client):
    process = future_vote_process()
    editor_client(client, process)
    assert client.get(url("manage_budgets", process)).status_code == 200
    assert client.get(url("manage_budget_create", process)).status_code == 200
    response = client.post(
        url("manage_budget_create", process),
        {
            "title": "Budget du centre",
            "envelope": "50000",
            "rule": "knapsack",
            "min_share_percent": "0",
            "min_projects": "1",
            "result_method": "greedy",
        },
    )
    assert response.status_code == 302
    budget = Budget.objects.get(process=process)
    assert client.get(url("manage_budget", process, budget)).status_code == 200
    response = client.post(
        url("manage_project_create", process, budget), {"title": "Bancs", "cost": "3000", "is_feasible": "on"}
    )
    assert response.status_code == 302
    project = Project.objects.get(budget=budget)
    assert client.get(url("manage_project_edit", process, budget, project_pk=project.pk)).status_code == 200
    response = client.post(
        url("manage_project_edit", process, budget, project_pk=project.pk),
        {"title": "Bancs ombragés", "cost": "3500", "is_feasible": "on"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.cost) == ("Bancs ombragés", 3500)
    proposal = ProposalFactory(process=process, title="Fontaine")
    assert client.get(url("manage_project_import", process, budget)).status_code == 200
    response = client.post(url("manage_project_import", process, budget), {"proposal": proposal.pk, "cost": "9000"})
    assert response.status_code == 302
    assert budget.projects.filter(proposal=proposal).exists()
    response = client.post(url("manage_project_delete", process, budget, project_pk=project.pk))
    assert response.status_code == 302 and not Project.objects.filter(pk=project.pk).exists()
    # Garbage: 400 with the form, never a 500.
    assert client.post(url("manage_budget_create", process), {"envelope": "-5", "rule": "zzz"}).status_code == 400
    assert client.post(url("manage_project_create", process, budget), {"cost": "abc"}).status_code == 400


def test_editor_cannot_change_frozen_rules_through_the_page(client, voting):
    process, budget, _projects = voting
    editor_client(client, process)
    page = client.get(url("manage_budget", process, budget))
    assert "figés" in page.content.decode()
    response = client.post(
        url("manage_budget", process, budget),
        {"title": "Nouveau", "envelope": "1", "rule": "approval", "min_share_percent": "0", "min_projects": "1"},
    )
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.title, budget.envelope, budget.rule) == ("Nouveau", 100, "knapsack")


@pytest.mark.parametrize("make_process", [vote_process, closed_vote_process], ids=["vote-open", "vote-over"])
def test_no_budget_creation_offered_once_voting_has_opened(client, make_process):
    """The list page offered "Créer un budget" while the vote was open, and the form then answered 400."""
    process = make_process()
    BudgetFactory(process=process, envelope=100)
    editor_client(client, process)
    page = client.get(url("manage_budgets", process)).content.decode()
    assert url("manage_budget_create", process) not in page
    assert "on ne peut plus ajouter de budget" in page
    response = client.get(url("manage_budget_create", process), follow=True)
    assert response.redirect_chain[-1][0] == url("manage_budgets", process)
    assert "on ne peut plus ajouter de budget" in response.content.decode()
    assert client.post(url("manage_budget_create", process), {"title": "X", "envelope": "5"}).status_code == 302
    assert Budget.objects.filter(process=process).count() == 1


def test_budget_creation_offered_before_the_vote(client):
    process = future_vote_process()
    editor_client(client, process)
    assert url("manage_budget_create", process) in client.get(url("manage_budgets", process)).content.decode()


def test_paper_ballots_compute_and_publish_pages(client):
    process = closed_vote_process()
    budget = BudgetFactory(process=process, envelope=100)
    a, b = ProjectFactory(budget=budget, cost=60), ProjectFactory(budget=budget, cost=50)
    ballot(budget, [a])
    editor_client(client, process)
    assert client.get(url("manage_paper_ballots", process, budget)).status_code == 200
    response = client.post(
        url("manage_paper_ballots", process, budget),
        {"paper_ballots": "2", f"project_{a.pk}": "0", f"project_{b.pk}": "3"},
    )
    assert response.status_code == 400 and "ne peut pas avoir plus de voix" in response.content.decode()
    response = client.post(
        url("manage_paper_ballots", process, budget),
        {"paper_ballots": "3", f"project_{a.pk}": "0", f"project_{b.pk}": "3"},
    )
    assert response.status_code == 302
    assert client.post(url("manage_compute_results", process, budget)).status_code == 302
    b.refresh_from_db()
    assert b.is_winner and b.rank == 1
    assert client.post(url("manage_publish_results", process, budget)).status_code == 302
    budget.refresh_from_db()
    assert budget.results_published_at is not None
    response = client.post(
        url("manage_paper_ballots", process, budget),
        {"paper_ballots": "9", f"project_{a.pk}": "9", f"project_{b.pk}": "3"},
    )
    assert response.status_code == 400


def test_management_refusals_keep_their_message(client):
    process = future_vote_process()
    editor_client(client, process)
    # The service refuses the rules: the form again, with the message next to its field, and a 400.
    response = client.post(
        url("manage_budget_create", process),
        {
            "title": "Budget",
            "envelope": "100",
            "rule": "approval",
            "min_share_percent": "0",
            "min_projects": "3",
            "max_projects": "2",
            "result_method": "greedy",
        },
    )
    assert response.status_code == 400 and "au moins égal au nombre minimal" in response.content.decode()
    assert not Budget.objects.exists()
    budget = BudgetFactory(process=process)
    proposal = ProposalFactory(process=process, title="Fontaine")
    page = url("manage_project_import", process, budget)
    assert client.post(page, {"proposal": proposal.pk, "cost": "9000"}).status_code == 302
    # The same proposal again (a Conflict): the message on the form, answered 400 as it always was.
    response = client.post(page, {"proposal": proposal.pk, "cost": "9000"})
    assert response.status_code == 400 and "déjà un projet de ce budget" in response.content.decode()
    # A button refused: back to the budget's page with the message.
    response = client.post(url("manage_publish_results", process, budget), follow=True)
    assert response.redirect_chain[-1][0] == url("manage_budget", process, budget)
    assert "Calculez d&#x27;abord les résultats" in response.content.decode()


def test_budget_list_query_count(client, django_assert_max_num_queries):
    process = vote_process()
    for _ in range(15):
        budget = BudgetFactory(process=process)
        ProjectFactory.create_batch(3, budget=budget)
    with django_assert_max_num_queries(8):
        assert client.get(url("budget_list", process)).status_code == 200


def test_vote_page_query_count(client, django_assert_max_num_queries):
    process = vote_process()
    budget = BudgetFactory(process=process)
    ProjectFactory.create_batch(40, budget=budget)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(14):
        assert client.get(url("budget_detail", process, budget)).status_code == 200


def test_results_page_query_count(client, published, django_assert_max_num_queries):
    process, budget, _projects, editor = published
    services.budget_publish_results(actor=editor, budget=budget)
    ProjectFactory.create_batch(30, budget=budget)
    with django_assert_max_num_queries(8):
        assert client.get(url("budget_results", process, budget)).status_code == 200
