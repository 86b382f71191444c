"""Participatory budget pages checked with axe-core in a real browser: vote, checkout, receipt, verification,
results, code entry and the management pages."""

import pytest
from playwright.sync_api import expect

from auzolan.participation.services import budgets as services
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_no_blocking_violations
from tests.browser.test_accessibility import visit
from tests.organisations.factories import MembershipFactory
from tests.participation.factories_budgets import (
    BudgetFactory,
    ProjectFactory,
    ballot,
    closed_vote_process,
    vote_process,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voting():
    process = vote_process(title="Budget participatif 2026")
    budget = BudgetFactory(process=process, title="Quartier du Petit Bayonne", envelope=100_000, min_share_percent=50)
    projects = [
        ProjectFactory(budget=budget, title=title, cost=cost, description="Un **projet** des habitants.")
        for title, cost in (("Bancs à l'ombre", 20_000), ("Jardin partagé", 45_000), ("Piste cyclable", 70_000))
    ]
    return process, budget, projects


def test_vote_checkout_receipt_and_verify_pages(page, live_server, login, voting):
    process, budget, _projects = voting
    login(UserFactory())
    base = f"/participer/{process.slug}/budgets/{budget.pk}/"
    visit(page, live_server, base)
    assert page.locator("h1").count() == 1
    assert_no_blocking_violations(page)
    # Choose two projects with the buttons (no JavaScript needed), then check the running total.
    page.get_by_role("button", name="Choisir « Bancs à l'ombre »").click()
    page.get_by_role("button", name="Choisir « Jardin partagé »").click()
    assert "65" in page.locator("#selection-summary").inner_text()
    assert_no_blocking_violations(page)
    visit(page, live_server, base + "confirmer/")
    assert_no_blocking_violations(page)
    page.get_by_label("Je confirme mon vote").check()
    page.get_by_role("button", name="Valider mon vote").click()
    page.wait_for_url(f"**{base}recu/")
    assert "Votre vote est enregistré" in page.content()
    assert_no_blocking_violations(page)
    page.get_by_role("link", name="Vérifier mon bulletin").click()
    assert "Bulletin trouvé" in page.content()
    assert_no_blocking_violations(page)


def test_project_list_and_code_pages(page, live_server, voting):
    process, budget, projects = voting
    visit(page, live_server, f"/participer/{process.slug}/budgets/")
    assert_no_blocking_violations(page)
    visit(page, live_server, f"/participer/{process.slug}/budgets/{budget.pk}/projets/{projects[0].pk}/")
    assert_no_blocking_violations(page)
    # This vote is for accounts: the code page says so instead of taking a code.
    visit(page, live_server, f"/participer/{process.slug}/code/")
    assert "ne se fait pas avec un code" in page.content()
    assert_no_blocking_violations(page)
    process.phases.filter(kind="vote").update(verification="code")
    visit(page, live_server, f"/participer/{process.slug}/code/")
    page.get_by_label("Votre code").fill("AAAAA-AAAAA")
    page.get_by_role("button", name="Valider le code").click()
    expect(page.locator(".errorlist, .field-errors").first).to_be_visible()
    assert_no_blocking_violations(page)


def test_results_page(page, live_server):
    process = closed_vote_process()
    budget = BudgetFactory(process=process, envelope=100)
    a, b, c = (ProjectFactory(budget=budget, cost=cost, title=f"Projet {cost}") for cost in (60, 50, 30))
    for choice in ([a], [a, c], [b]):
        ballot(budget, choice)
    editor = UserFactory()
    MembershipFactory(organisation=process.organisation, user=editor, role="editor")
    services.budget_compute_results(actor=editor, budget=budget)
    services.budget_publish_results(actor=editor, budget=budget)
    visit(page, live_server, f"/participer/{process.slug}/budgets/{budget.pk}/resultats/")
    assert page.locator("table caption").count() == 1
    assert_no_blocking_violations(page)


def test_management_pages(page, live_server, login, voting):
    process, budget, projects = voting
    editor = UserFactory()
    MembershipFactory(organisation=process.organisation, user=editor, role="editor")
    login(editor)
    for path in (
        f"/participer/gerer/{process.slug}/budgets/",
        f"/participer/gerer/{process.slug}/budgets/nouveau/",
        f"/participer/gerer/{process.slug}/budgets/{budget.pk}/",
        f"/participer/gerer/{process.slug}/budgets/{budget.pk}/projets/{projects[0].pk}/",
        f"/participer/gerer/{process.slug}/budgets/{budget.pk}/bulletins-papier/",
        f"/participer/gerer/{process.slug}/codes/",
    ):
        visit(page, live_server, path)
        assert page.locator("h1").count() == 1, path
        assert_no_blocking_violations(page)
    page.get_by_label("Nombre de codes").fill("3")
    page.get_by_role("button", name="Créer et afficher les codes").click()
    expect(page.locator("table .sha256")).to_have_count(3)
    assert_no_blocking_violations(page)
