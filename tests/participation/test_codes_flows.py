"""One-time codes: generation (shown once, stored hashed), entry, one vote per code, revocation, rate limit."""

import csv
import io
import logging

import pytest
from django.urls import reverse

from auzolan.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.core.ratelimit import RateLimited
from auzolan.participation.models import AccessCode, Ballot
from auzolan.participation.services import budgets as budget_services
from auzolan.participation.services import codes as services
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.participation.factories import DistrictFactory
from tests.participation.factories_budgets import BudgetFactory, ProjectFactory, future_vote_process, vote_process

pytestmark = pytest.mark.django_db


def editor_of(process):
    user = UserFactory()
    MembershipFactory(organisation=process.organisation, user=user, role="editor")
    return user


@pytest.fixture
def code_vote():
    process = vote_process(verification="code")
    budget = BudgetFactory(process=process, envelope=100)
    project = ProjectFactory(budget=budget, cost=50)
    return process, budget, project


def test_generated_codes_are_readable_and_stored_only_as_keyed_hashes(code_vote, caplog):
    process, _budget, _project = code_vote
    caplog.set_level(logging.DEBUG)
    codes = services.access_codes_generate(actor=editor_of(process), process=process, count=25, batch="Marché")
    assert len(codes) == len(set(codes)) == 25
    for code in codes:
        assert len(code) == 11 and code[5] == "-"
        assert set(code.replace("-", "")) <= set(services.ALPHABET)
        assert not set(code) & set("01OIL")
    stored = list(AccessCode.objects.filter(process=process).values_list("code_hash", flat=True))
    assert sorted(stored) == sorted(services.code_hash(process, c) for c in codes)
    clear = {c.replace("-", "") for c in codes} | set(codes)
    dumped = str(list(AccessCode.objects.values())) + str(list(AuditLogEntry.objects.values()))
    assert not any(c in dumped for c in clear)
    assert not any(c in caplog.text for c in clear)
    # The hash depends on the process secret: the same code in another process has another hash.
    other = vote_process(verification="code")
    assert services.code_hash(other, codes[0]) != services.code_hash(process, codes[0])


def test_generation_limits_and_permission(code_vote):
    process, _budget, _project = code_vote
    with pytest.raises(PermissionDenied):
        services.access_codes_generate(actor=UserFactory(), process=process, count=5)
    with pytest.raises(ValidationError):
        services.access_codes_generate(actor=editor_of(process), process=process, count=0)
    with pytest.raises(ValidationError):
        services.access_codes_generate(
            actor=editor_of(process), process=process, count=services.MAX_CODES_PER_BATCH + 1
        )


def test_code_votes_once(client, code_vote):
    process, budget, project = code_vote
    [code] = services.access_codes_generate(actor=editor_of(process), process=process, count=1)
    entry = reverse("participation:code_entry", kwargs={"slug": process.slug})
    assert client.get(entry).status_code == 200
    response = client.post(entry, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    detail = reverse("participation:budget_detail", kwargs={"slug": process.slug, "pk": budget.pk})
    assert response.url == detail
    client.post(
        reverse("participation:budget_select", kwargs={"slug": process.slug, "pk": budget.pk}),
        {"project": project.pk, "action": "add"},
    )
    checkout = reverse("participation:budget_checkout", kwargs={"slug": process.slug, "pk": budget.pk})
    response = client.post(checkout, {"confirm": "on"})
    assert response.status_code == 302
    cast = Ballot.objects.get()
    assert cast.user is None and cast.access_code.used_at is not None
    assert client.get(response.url).status_code == 200  # receipt from the session
    # Same code again, in a new session: refused.
    client.logout()
    response = client.post(entry, {"code": code})
    assert response.status_code == 400 and "déjà servi" in response.content.decode()
    # The service refuses too.
    with pytest.raises(Conflict):
        budget_services.ballot_submit(budget=budget, project_ids=[project.pk], access_code_id=cast.access_code_id)
    assert Ballot.objects.count() == 1


def test_logged_in_person_needs_a_code_in_a_code_phase(client, code_vote):
    _process, budget, project = code_vote
    with pytest.raises(PermissionDenied) as error:
        budget_services.ballot_submit(budget=budget, project_ids=[project.pk], user=UserFactory())
    assert error.value.code == "code"


@pytest.mark.parametrize("verification", ["account", "residency_declared", "residency_census"])
def test_code_is_refused_in_a_phase_that_does_not_vote_with_codes(verification):
    process = vote_process(verification=verification)
    budget = BudgetFactory(process=process)
    project = ProjectFactory(budget=budget)
    [code] = services.access_codes_generate(actor=editor_of(process), process=process, count=1)
    with pytest.raises(ValidationError) as refused:
        services.access_code_check(process=process, code=code, client_keys=["ip:1"])
    assert refused.value.code == "codes-not-used" and "connectez-vous" in refused.value.message
    # The ballot box refuses it too (defence in depth).
    access_code = AccessCode.objects.get(process=process)
    with pytest.raises(PermissionDenied):
        budget_services.ballot_submit(budget=budget, project_ids=[project.pk], access_code_id=access_code.pk)


def test_code_page_says_when_codes_are_not_used(client):
    """The page accepted a code in a residency phase; the ballot was refused after the person chose projects."""
    process = vote_process(verification="residency_declared")
    BudgetFactory(process=process)
    [code] = services.access_codes_generate(actor=editor_of(process), process=process, count=1)
    entry = reverse("participation:code_entry", kwargs={"slug": process.slug})
    page = client.get(entry).content.decode()
    assert "ne se fait pas avec un code" in page and 'name="code"' not in page
    response = client.post(entry, {"code": code})
    assert response.status_code == 400 and "ne se fait pas avec un code" in response.content.decode()
    assert not client.session.get("participation_codes")


def test_code_page_before_the_vote_gives_its_date(client):
    process = future_vote_process()
    process.phases.filter(kind="vote").update(verification="code")
    entry = reverse("participation:code_entry", kwargs={"slug": process.slug})
    assert "pas encore ouvert" in client.get(entry).content.decode()


def test_revoked_or_foreign_codes_are_refused(code_vote):
    process, budget, project = code_vote
    editor = editor_of(process)
    [code] = services.access_codes_generate(actor=editor, process=process, count=1, batch="Lot A")
    access_code = services.access_code_check(process=process, code=code, client_keys=["ip:1"])
    assert services.access_codes_revoke(actor=editor, process=process, batch="Lot A") == 1
    with pytest.raises(ValidationError):
        services.access_code_check(process=process, code=code, client_keys=["ip:1"])
    with pytest.raises(PermissionDenied):
        budget_services.ballot_submit(budget=budget, project_ids=[project.pk], access_code_id=access_code.pk)
    other = vote_process(verification="code")
    [foreign] = services.access_codes_generate(actor=editor_of(other), process=other, count=1)
    with pytest.raises(ValidationError):
        services.access_code_check(process=process, code=foreign, client_keys=["ip:2"])
    with pytest.raises(NotFound):  # an unknown batch
        services.access_codes_revoke(actor=editor, process=process, batch="nope")


def test_district_code_votes_in_its_district_budget(code_vote):
    process, _budget, project = code_vote
    north = DistrictFactory(organisation=process.organisation)
    north_budget = BudgetFactory(process=process, district=north)
    south_budget = BudgetFactory(process=process, district=DistrictFactory(organisation=process.organisation))
    [code] = services.access_codes_generate(actor=editor_of(process), process=process, count=1, district=north)
    access_code = services.access_code_check(process=process, code=code, client_keys=["ip:1"])
    assert {b.pk for b in budget_services.allowed_budgets(process, access_code=access_code)} == {
        project.budget_id,
        north_budget.pk,
    }
    with pytest.raises(PermissionDenied):
        budget_services.ballot_submit(
            budget=south_budget, project_ids=[ProjectFactory(budget=south_budget).pk], access_code_id=access_code.pk
        )


def test_brute_force_is_throttled_and_audited(client, code_vote):
    process, _budget, _project = code_vote
    [code] = services.access_codes_generate(actor=editor_of(process), process=process, count=1)
    entry = reverse("participation:code_entry", kwargs={"slug": process.slug})
    for _ in range(services.CODE_ATTEMPTS_PER_WINDOW):
        assert client.post(entry, {"code": "AAAAA-AAAAA"}).status_code == 400
    response = client.post(entry, {"code": code})  # even the right code waits
    assert response.status_code == 429
    assert "Trop d" in response.content.decode()
    assert AuditLogEntry.objects.filter(action="participation.access_code.throttled").exists()
    # The limit is per IP address too: a fresh session from the same address is still throttled.
    client.cookies.clear()
    assert client.post(entry, {"code": code}).status_code == 429


def test_too_many_wrong_codes_is_a_rate_limit_with_its_delay(code_vote):
    process, _budget, _project = code_vote
    for _ in range(services.CODE_ATTEMPTS_PER_WINDOW):
        with pytest.raises(ValidationError):
            services.access_code_check(process=process, code="AAAAA-AAAAA", client_keys=["ip:9"])
    with pytest.raises(RateLimited) as error:
        services.access_code_check(process=process, code="AAAAA-AAAAA", client_keys=["ip:9"])
    assert (error.value.status, error.value.code) == (429, "throttled")
    assert error.value.extra["retry_after"] == services.CODE_WINDOW_SECONDS


def test_codes_in_use_only_while_a_code_vote_runs(code_vote):
    process, _budget, _project = code_vote
    assert services.codes_in_use(process)
    assert not services.codes_in_use(vote_process(verification="account"))
    later = future_vote_process()
    later.phases.filter(kind="vote").update(verification="code")
    assert not services.codes_in_use(later)


def test_revoking_an_unknown_batch_says_so(client, code_vote):
    process, _budget, _project = code_vote
    client.force_login(editor_of(process))
    services.access_codes_generate(actor=editor_of(process), process=process, count=2, batch="Marché")
    revoke = reverse("participation:manage_codes_revoke", kwargs={"slug": process.slug})
    response = client.post(revoke, {"batch": "Inconnu"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("participation:manage_codes", kwargs={"slug": process.slug})
    assert "Ce lot de codes n&#x27;existe pas." in response.content.decode()
    response = client.post(revoke, {"batch": "Marché"}, follow=True)
    assert "2 codes non utilisés sont révoqués." in response.content.decode()
    response = client.post(revoke, {}, follow=True)
    assert "Cette demande n&#x27;est pas valable." in response.content.decode()


def test_code_entry_garbage(client, code_vote):
    process, _budget, _project = code_vote
    entry = reverse("participation:code_entry", kwargs={"slug": process.slug})
    for data in ({}, {"code": ""}, {"code": "x" * 200}, {"code": "<script>"}):
        assert client.post(entry, data).status_code == 400


def test_codes_management_pages(client, code_vote):
    process, _budget, _project = code_vote
    client.force_login(editor_of(process))
    page = reverse("participation:manage_codes", kwargs={"slug": process.slug})
    assert client.get(page).status_code == 200
    response = client.post(page, {"count": "3", "batch": "École", "output": "html"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response.content.decode().count('class="sha256"') == 3
    response = client.post(page, {"count": "4", "batch": "Mairie", "output": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["code", "adresse"] and len(rows) == 5
    assert rows[1][1].endswith(f"/participer/{process.slug}/code/")
    listing = client.get(page).content.decode()
    assert "École" in listing and "Mairie" in listing
    assert rows[1][0] not in listing  # never shown again
    response = client.post(
        reverse("participation:manage_codes_revoke", kwargs={"slug": process.slug}), {"batch": "Mairie"}
    )
    assert response.status_code == 302
    assert AccessCode.objects.filter(batch="Mairie", is_revoked=True).count() == 4
    assert client.post(page, {"count": "abc"}).status_code == 400
