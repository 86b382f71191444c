"""Correcting and removing cohorts, waves and items: allowed while nothing depends on them, refused with a French
message once pupils have answered, read-only on a closed experiment, only for the experiment's managers."""

import json

import pytest
from django.urls import reverse

from auzolan.core.errors import Conflict, PermissionDenied, ValidationError
from auzolan.core.models import AuditLogEntry
from auzolan.impact import report, services
from auzolan.impact.models import Cohort, PupilCode
from auzolan.learning import services as learning_services
from auzolan.learning.models import Competence
from tests.accounts.factories import UserFactory
from tests.impact.factories import ENTRECOMP, small_experiment
from tests.organisations.factories import MembershipFactory, OrganisationFactory

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def world(db):
    organisation = OrganisationFactory(kind="school")
    admin = MembershipFactory(organisation=organisation, role="admin").user
    experiment = small_experiment(actor=admin, organisation=organisation)
    cohort = services.cohort_add(actor=admin, experiment=experiment, name="6e A", kind="intervention")
    return {"admin": admin, "experiment": experiment, "cohort": cohort}


def answer(admin, experiment, cohort, kind: str = "pre") -> None:
    """One pupil of `cohort` answers the `kind` wave (opened for that)."""
    [code] = services.codes_generate(actor=admin, cohort=cohort, count=1)
    services.wave_set_open(actor=admin, wave=experiment.waves.get(kind=kind), is_open=True)
    services.response_submit(code=code, answers={item.pk: 3 for item in experiment.instrument.items.all()})


def url(name: str, experiment, obj) -> str:
    return reverse(f"impact:{name}", args=[experiment.slug, obj.pk])


# --- Cohorts -------------------------------------------------------------------------------------------------------


def test_cohort_edit_page_changes_everything_before_answers(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    teacher = MembershipFactory(organisation=experiment.organisation, role="member").user
    client.force_login(admin)
    page = client.get(url("cohort_edit", experiment, cohort))
    assert page.status_code == 200 and page.content.count(b"<h1") == 1
    assert 'value="6e A"' in page.content.decode()
    data = {"name": " 6e B ", "kind": "comparison", "teacher": teacher.pk}
    assert client.post(url("cohort_edit", experiment, cohort), data).status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.kind, cohort.teacher) == ("6e B", "comparison", teacher)
    entry = AuditLogEntry.objects.get(action="impact.cohort.updated")
    assert entry.data["changed"] == ["name", "kind", "teacher"]


def test_cohort_edit_refuses_a_taken_name_and_bad_input(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    services.cohort_add(actor=admin, experiment=experiment, name="6e C", kind="comparison")
    client.force_login(admin)
    taken = client.post(url("cohort_edit", experiment, cohort), {"name": "6e C", "kind": "intervention"})
    assert taken.status_code == 409 and "déjà ce nom" in taken.content.decode()
    assert client.post(url("cohort_edit", experiment, cohort), {"name": "", "kind": "x"}).status_code == 400
    cohort.refresh_from_db()
    assert cohort.name == "6e A"


def test_answered_cohort_keeps_its_role_but_can_be_renamed(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    answer(admin, experiment, cohort)
    with pytest.raises(Conflict, match="rôle"):
        services.cohort_update(actor=admin, cohort=cohort, name="6e A", kind="comparison")
    client.force_login(admin)
    page = client.get(url("cohort_edit", experiment, cohort)).content.decode()
    assert "son rôle ne peut plus changer" in page
    refused = client.post(url("cohort_edit", experiment, cohort), {"name": "6e A", "kind": "comparison"})
    assert refused.status_code == 409 and "réécrirait les résultats" in refused.content.decode()
    assert 'href="#id_kind"' in refused.content.decode()  # the error summary links to the field
    renamed = client.post(url("cohort_edit", experiment, cohort), {"name": "6e A bis", "kind": "intervention"})
    assert renamed.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.kind) == ("6e A bis", "intervention")


def test_cohort_delete_goes_with_its_unused_codes(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    services.codes_generate(actor=admin, cohort=cohort, count=3)
    client.force_login(admin)
    page = client.get(url("cohort_delete", experiment, cohort))
    assert page.status_code == 200 and "3 codes élèves" in page.content.decode()
    assert client.post(url("cohort_delete", experiment, cohort)).status_code == 302
    assert not Cohort.objects.filter(pk=cohort.pk).exists()
    assert not PupilCode.objects.exists()
    entry = AuditLogEntry.objects.get(action="impact.cohort.deleted")
    assert entry.data == {"name": "6e A", "kind": "intervention", "labels_deleted": 3}


def test_answered_cohort_cannot_be_deleted(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    answer(admin, experiment, cohort)
    with pytest.raises(Conflict, match="déjà répondu"):
        services.cohort_delete(actor=admin, cohort=cohort)
    client.force_login(admin)
    page = client.get(url("cohort_delete", experiment, cohort)).content.decode()
    assert "déjà répondu" in page and "Supprimer définitivement" not in page
    response = client.post(url("cohort_delete", experiment, cohort), follow=True)
    assert "déjà répondu" in response.content.decode()
    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_no_pupil_code_in_the_cohort_audit(world):
    admin, cohort = world["admin"], world["cohort"]
    created = services.codes_generate(actor=admin, cohort=cohort, count=2)
    services.cohort_update(actor=admin, cohort=cohort, name="6e Z", kind="comparison")
    services.cohort_delete(actor=admin, cohort=cohort)
    dumped = json.dumps(list(AuditLogEntry.objects.values("data", "object_repr")))
    assert not any(code in dumped for code in created)


def test_hostile_cohort_name_stays_text(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    client.force_login(admin)
    assert (
        client.post(url("cohort_edit", experiment, cohort), {"name": HOSTILE, "kind": "intervention"}).status_code
        == 302
    )
    for page in ("manage", "cohort_edit", "cohort_delete"):
        address = (
            reverse("impact:manage", args=[experiment.slug]) if page == "manage" else url(page, experiment, cohort)
        )
        html = client.get(address).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html


def test_renaming_a_cohort_leaves_the_report_figures_unchanged(demo_world, db, client):
    experiment, admin = demo_world["experiment"], demo_world["users"]["admin"]
    services.experiment_transition(actor=admin, experiment=experiment, name="reopen")
    before = report.experiment_report(experiment=experiment)
    cohort = demo_world["cohorts"]["4e A"]
    client.force_login(admin)
    data = {"name": "4e A atelier", "kind": cohort.kind, "teacher": cohort.teacher_id}
    assert client.post(url("cohort_edit", experiment, cohort), data).status_code == 302
    after = report.experiment_report(experiment=experiment)
    before.pop("generated_at"), after.pop("generated_at")
    assert "4e A atelier" in json.dumps(after, ensure_ascii=False)
    assert json.dumps(after, ensure_ascii=False).replace("4e A atelier", "4e A") == json.dumps(
        before, ensure_ascii=False
    )


# --- Waves ---------------------------------------------------------------------------------------------------------


def test_wave_edit_page_changes_kind_and_dates_before_answers(world, client):
    admin, experiment = world["admin"], world["experiment"]
    wave = experiment.waves.get(kind="post")
    client.force_login(admin)
    page = client.get(url("wave_edit", experiment, wave))
    assert page.status_code == 200 and 'value="2026-09-20"' in page.content.decode()
    data = {"kind": "follow_up", "opens_on": "2026-12-01", "closes_on": "2026-12-12"}
    assert client.post(url("wave_edit", experiment, wave), data).status_code == 302
    wave.refresh_from_db()
    assert (wave.kind, str(wave.opens_on), str(wave.closes_on)) == ("follow_up", "2026-12-01", "2026-12-12")
    assert AuditLogEntry.objects.get(action="impact.wave.updated").data["changed"] == ["kind", "opens_on", "closes_on"]


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"kind": "post", "opens_on": "2026-09-20", "closes_on": "2026-09-19"}, 400, "ouverture ou après"),
        ({"kind": "pre", "opens_on": "2026-09-20", "closes_on": "2026-09-21"}, 409, "existe déjà"),
        ({"kind": "later", "opens_on": "2026-09-20", "closes_on": "2026-09-21"}, 400, "choix"),
        ({"kind": "post", "opens_on": "hier", "closes_on": ""}, 400, "date"),
    ],
)
def test_wave_edit_keeps_the_creation_rules(world, client, data, status, message):
    experiment = world["experiment"]
    wave = experiment.waves.get(kind="post")
    client.force_login(world["admin"])
    response = client.post(url("wave_edit", experiment, wave), data)
    assert response.status_code == status and message in response.content.decode().lower()
    wave.refresh_from_db()
    assert (wave.kind, str(wave.closes_on)) == ("post", "2026-09-20")


def test_answered_wave_keeps_its_kind_but_dates_can_be_corrected(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    answer(admin, experiment, cohort)
    wave = experiment.waves.get(kind="pre")
    with pytest.raises(Conflict, match="Seules ses dates"):
        services.wave_update(actor=admin, wave=wave, kind="follow_up", opens_on=wave.opens_on, closes_on=wave.closes_on)
    client.force_login(admin)
    assert "seules ses dates" in client.get(url("wave_edit", experiment, wave)).content.decode()
    refused = client.post(
        url("wave_edit", experiment, wave), {"kind": "follow_up", "opens_on": "2026-09-01", "closes_on": "2026-09-05"}
    )
    assert refused.status_code == 409 and "réécrirait" in refused.content.decode()
    dates = {"kind": "pre", "opens_on": "2026-09-02", "closes_on": "2026-09-08"}
    assert client.post(url("wave_edit", experiment, wave), dates).status_code == 302
    wave.refresh_from_db()
    assert (wave.kind, str(wave.opens_on), str(wave.closes_on)) == ("pre", "2026-09-02", "2026-09-08")
    assert wave.is_open  # correcting the dates does not close it


def test_wave_delete_without_answers(world, client):
    admin, experiment = world["admin"], world["experiment"]
    wave = experiment.waves.get(kind="post")
    client.force_login(admin)
    assert client.get(url("wave_delete", experiment, wave)).status_code == 200
    assert client.post(url("wave_delete", experiment, wave)).status_code == 302
    assert not experiment.waves.filter(kind="post").exists()
    assert AuditLogEntry.objects.filter(action="impact.wave.deleted").count() == 1


def test_answered_or_open_wave_cannot_be_deleted(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    answer(admin, experiment, cohort)
    pre = experiment.waves.get(kind="pre")
    with pytest.raises(Conflict, match="déjà répondu"):
        services.wave_delete(actor=admin, wave=pre)
    post = experiment.waves.get(kind="post")
    services.wave_set_open(actor=admin, wave=post, is_open=True)
    with pytest.raises(Conflict, match="fermez-le"):
        services.wave_delete(actor=admin, wave=post)
    client.force_login(admin)
    page = client.get(url("wave_delete", experiment, post)).content.decode()
    assert "fermez-le" in page and "Supprimer définitivement" not in page
    assert "fermez-le" in client.post(url("wave_delete", experiment, post), follow=True).content.decode()
    assert experiment.waves.count() == 2


# --- Items ---------------------------------------------------------------------------------------------------------


def test_item_edit_page_changes_wording_competence_and_scoring(world, client):
    admin, experiment = world["admin"], world["experiment"]
    item = experiment.instrument.items.get(text="Item 0")
    competence = Competence.objects.filter(framework=experiment.framework).order_by("code")[5]
    client.force_login(admin)
    page = client.get(url("item_edit", experiment, item))
    assert page.status_code == 200 and 'value="Item 0"' in page.content.decode()
    data = {"competence": competence.pk, "text": "Je propose des idées", "reverse_scored": "on"}
    assert client.post(url("item_edit", experiment, item), data).status_code == 302
    item.refresh_from_db()
    assert (item.text, item.competence, item.reverse_scored) == ("Je propose des idées", competence, True)
    assert AuditLogEntry.objects.get(action="impact.item.updated").data["changed"] == [
        "text",
        "competence",
        "reverse_scored",
    ]


def test_item_competence_must_be_of_the_framework(world, client):
    admin, experiment = world["admin"], world["experiment"]
    item = experiment.instrument.items.get(text="Item 0")
    foreign = learning_services.framework_load(path=ENTRECOMP.with_name("digcomp-2.2.json")).competences.first()
    with pytest.raises(ValidationError):
        services.item_update(actor=admin, item=item, competence=foreign, text="X")
    client.force_login(admin)
    response = client.post(url("item_edit", experiment, item), {"competence": foreign.pk, "text": "X"})
    assert response.status_code == 400
    assert (
        client.post(url("item_edit", experiment, item), {"competence": item.competence_id, "text": ""}).status_code
        == 400
    )
    item.refresh_from_db()
    assert item.text == "Item 0"


def test_answered_questionnaire_freezes_its_items(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    answer(admin, experiment, cohort)
    item = experiment.instrument.items.get(text="Item 0")
    with pytest.raises(Conflict, match="ajoutez un nouvel item"):
        services.item_update(actor=admin, item=item, competence=item.competence, text="Autre énoncé")
    with pytest.raises(Conflict, match="ajoutez un nouvel item"):
        services.item_delete(actor=admin, item=item)
    client.force_login(admin)
    manage = client.get(reverse("impact:manage", args=[experiment.slug])).content.decode()
    assert url("item_edit", experiment, item) not in manage and "ajoutez un nouvel item" in manage
    page = client.get(url("item_edit", experiment, item)).content.decode()
    assert "ajoutez un nouvel item" in page and 'class="form"' not in page
    refused = client.post(url("item_edit", experiment, item), {"competence": item.competence_id, "text": "Autre"})
    assert refused.status_code == 409
    assert "Supprimer définitivement" not in client.get(url("item_delete", experiment, item)).content.decode()
    client.post(url("item_delete", experiment, item))
    item.refresh_from_db()
    assert item.text == "Item 0"
    # A new item is still welcome.
    assert (
        client.post(
            reverse("impact:item_add", args=[experiment.slug]),
            {"competence": item.competence_id, "text": "Nouvel item"},
        ).status_code
        == 302
    )


def test_item_delete_keeps_the_order(world, client):
    admin, experiment = world["admin"], world["experiment"]
    competence = experiment.instrument.items.first().competence
    services.item_add(actor=admin, experiment=experiment, competence=competence, text="Item 2")
    first = experiment.instrument.items.get(text="Item 0")
    client.force_login(admin)
    assert client.get(url("item_delete", experiment, first)).status_code == 200
    assert client.post(url("item_delete", experiment, first)).status_code == 302
    assert list(experiment.instrument.items.values_list("text", "position")) == [("Item 1", 1), ("Item 2", 2)]
    added = services.item_add(actor=admin, experiment=experiment, competence=competence, text="Item 3")
    assert added.position == 3
    assert AuditLogEntry.objects.filter(action="impact.item.deleted").count() == 1


def test_hostile_item_text_stays_text(world, client):
    admin, experiment = world["admin"], world["experiment"]
    item = experiment.instrument.items.get(text="Item 0")
    client.force_login(admin)
    data = {"competence": item.competence_id, "text": HOSTILE}
    assert client.post(url("item_edit", experiment, item), data).status_code == 302
    for address in (
        reverse("impact:manage", args=[experiment.slug]),
        url("item_edit", experiment, item),
        url("item_delete", experiment, item),
    ):
        html = client.get(address).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;" in html


# --- Permissions and the closed experiment -------------------------------------------------------------------------

EDIT_PAGES = ["cohort_edit", "cohort_delete", "wave_edit", "wave_delete", "item_edit", "item_delete"]


def _target(world, page):
    if page.startswith("item"):
        return world["experiment"].instrument.items.get(text="Item 0")
    if page.startswith("wave"):
        return world["experiment"].waves.get(kind="post")
    return world["cohort"]


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("role", ["other_admin", "teacher", "member"])
def test_edit_pages_are_404_for_others(world, client, page, role):
    experiment = world["experiment"]
    if role == "other_admin":
        user = MembershipFactory(organisation=OrganisationFactory(), role="admin").user
    else:
        user = MembershipFactory(organisation=experiment.organisation, role="member").user
        if role == "teacher":
            world["cohort"].teacher = user
            world["cohort"].save()
    client.force_login(user)
    address = url(page, experiment, _target(world, page))
    assert client.get(address).status_code == 404
    data = {"name": "X", "kind": "follow_up", "opens_on": "2026-09-01", "closes_on": "2026-09-02"}
    assert client.post(address, data).status_code == 404
    world["cohort"].refresh_from_db()
    assert world["cohort"].name == "6e A"
    assert world["experiment"].waves.filter(kind="post").exists()
    assert world["experiment"].instrument.items.filter(text="Item 0").exists()


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_edit_pages_ask_anonymous_visitors_to_log_in(world, client, page):
    response = client.get(url(page, world["experiment"], _target(world, page)))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_services_refuse_other_managers(world):
    outsider = MembershipFactory(organisation=OrganisationFactory(), role="admin").user
    with pytest.raises(PermissionDenied):
        services.cohort_update(actor=outsider, cohort=world["cohort"], name="X", kind="comparison")
    with pytest.raises(PermissionDenied):
        services.cohort_delete(actor=UserFactory(), cohort=world["cohort"])
    wave = world["experiment"].waves.get(kind="post")
    with pytest.raises(PermissionDenied):
        services.wave_update(actor=outsider, wave=wave, kind="post", opens_on=wave.opens_on, closes_on=wave.closes_on)
    with pytest.raises(PermissionDenied):
        services.wave_delete(actor=outsider, wave=wave)
    item = world["experiment"].instrument.items.first()
    with pytest.raises(PermissionDenied):
        services.item_update(actor=outsider, item=item, competence=item.competence, text="X")
    with pytest.raises(PermissionDenied):
        services.item_delete(actor=outsider, item=item)


def test_closed_experiment_is_read_only(world, client):
    admin, experiment, cohort = world["admin"], world["experiment"], world["cohort"]
    services.experiment_transition(actor=admin, experiment=experiment, name="start")
    experiment = services.experiment_transition(actor=admin, experiment=experiment, name="close")
    with pytest.raises(Conflict, match="terminée"):
        services.cohort_update(actor=admin, cohort=cohort, name="6e Z", kind="intervention")
    with pytest.raises(Conflict, match="terminée"):
        services.cohort_delete(actor=admin, cohort=cohort)
    client.force_login(admin)
    manage = client.get(reverse("impact:manage", args=[experiment.slug])).content.decode()
    assert url("cohort_edit", experiment, cohort) not in manage
    page = client.get(url("cohort_edit", experiment, cohort)).content.decode()
    assert "terminée" in page and 'class="form"' not in page
    assert (
        client.post(url("cohort_edit", experiment, cohort), {"name": "6e Z", "kind": "intervention"}).status_code == 409
    )
    delete_page = client.get(url("cohort_delete", experiment, cohort)).content.decode()
    assert "terminée" in delete_page and "Supprimer définitivement" not in delete_page
    client.post(url("cohort_delete", experiment, cohort))
    cohort.refresh_from_db()
    assert cohort.name == "6e A"
    wave = experiment.waves.get(kind="post")
    with pytest.raises(Conflict, match="terminée"):
        services.wave_update(actor=admin, wave=wave, kind="post", opens_on=wave.opens_on, closes_on=wave.closes_on)
    with pytest.raises(Conflict, match="terminée"):
        services.wave_delete(actor=admin, wave=wave)
    assert url("wave_edit", experiment, wave) not in manage
    assert "Supprimer définitivement" not in client.get(url("wave_delete", experiment, wave)).content.decode()
    item = experiment.instrument.items.first()
    with pytest.raises(Conflict, match="terminée"):
        services.item_update(actor=admin, item=item, competence=item.competence, text="X")
    with pytest.raises(Conflict, match="terminée"):
        services.item_delete(actor=admin, item=item)
    assert url("item_edit", experiment, item) not in manage
