"""Exact query counts of the main list pages, with 2 and with 10 rows: the same number either way, so an N+1 (a query
per row) fails here, and any new query on a list page shows up as a changed snapshot to look at.

Each count is taken on a warm process (a first request fills Django's per-process caches: content types, sites) with
an empty cache (facets, counters), as a visitor would find it after any write.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from auzolan.accounts.services import api_token_create
from auzolan.catalog.models import Dataset, DatasetTheme
from auzolan.catalog.signals import dataset_changed
from auzolan.harvest.models import HarvestRun, HarvestSource
from auzolan.learning import services as learning_services
from auzolan.observatory import registry
from auzolan.opendata_programme.services import roadmap_template_seed
from tests.accounts.factories import UserFactory
from tests.catalog.factories import (
    DatasetFactory,
    KeywordFactory,
    ResourceFactory,
    ReuseLinkFactory,
    TableSchemaFactory,
)
from tests.events import factories as events_factories
from tests.learning.factories import PathFactory, PathItemFactory, TopicFactory, module_with_pieces
from tests.observatory.factories import ObservatorySnapshotFactory, version
from tests.opendata_programme.factories import (
    InventoryLineFactory,
    MeetingFactory,
    PilotGroupFactory,
    PilotGroupMemberFactory,
    SupportActionFactory,
    scdl_schema,
    validated_dataset,
)
from tests.organisations.factories import CommuneFactory, MembershipFactory, OrganisationFactory
from tests.participation.factories import (
    CategoryFactory,
    DistrictFactory,
    PhaseFactory,
    ProcessFactory,
    ProposalFactory,
)
from tests.participation.factories_surveys import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db
ROWS = [2, 10]


def assert_queries(client, django_assert_num_queries, url: str, expected: int, *, shows: list[str]):
    client.get(url)  # fills the per-process caches
    cache.clear()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    missing = [text for text in shows if text not in html]
    assert not missing, f"{url} does not list {missing[:3]}"


def _dataset(organisation, n: int) -> Dataset:
    dataset = DatasetFactory(organisation=organisation, title=f"Budget numéro {n}", slug=f"budget-{n}")
    DatasetTheme.objects.create(dataset=dataset, code="ECON")
    dataset.keywords.add(KeywordFactory())
    ResourceFactory(dataset=dataset, format="csv")
    ResourceFactory(dataset=dataset, format="json")
    dataset_changed.send(sender=Dataset, dataset=dataset)  # the search index and the quality score
    return dataset


@pytest.mark.parametrize("rows", ROWS)
def test_catalogue_search(client, django_assert_num_queries, rows):
    organisation = OrganisationFactory()
    datasets = [_dataset(organisation, n) for n in range(rows)]
    assert_queries(
        client, django_assert_num_queries, "/donnees/?q=budget", 14, shows=[d.get_absolute_url() for d in datasets]
    )


@pytest.mark.parametrize("rows", ROWS)
def test_ckan_package_search(client, django_assert_num_queries, rows):
    organisation = OrganisationFactory()
    datasets = [_dataset(organisation, n) for n in range(rows)]
    url = '/api/3/action/package_search?q=budget&rows=20&facet.field=["organization","tags","res_format"]'
    assert_queries(client, django_assert_num_queries, url, 11, shows=[f'"name": "{d.slug}"' for d in datasets])


@pytest.mark.parametrize("rows", ROWS)
def test_datasets_of_an_organisation(client, django_assert_num_queries, rows):
    """The organisation's page lists its latest datasets (catalog's section)."""
    organisation = OrganisationFactory()
    datasets = [_dataset(organisation, n) for n in range(rows)]
    url = reverse("organisations:detail", kwargs={"slug": organisation.slug})
    assert_queries(client, django_assert_num_queries, url, 5, shows=[d.get_absolute_url() for d in datasets])


@pytest.mark.parametrize("rows", ROWS)
def test_datasets_an_editor_publishes(client, django_assert_num_queries, rows):
    organisation = OrganisationFactory()
    editor = UserFactory()
    MembershipFactory(organisation=organisation, user=editor, role="editor")
    datasets = [_dataset(organisation, n) for n in range(rows)]
    Dataset.objects.filter(pk=datasets[0].pk).update(state=Dataset.State.DRAFT)
    client.force_login(editor)
    assert_queries(
        client, django_assert_num_queries, reverse("catalog:publish_home"), 7, shows=[d.title for d in datasets]
    )


@pytest.mark.parametrize("rows", ROWS)
def test_participation_processes(client, django_assert_num_queries, rows):
    processes = []
    for n in range(rows):
        process = ProcessFactory(organisation=OrganisationFactory(), title=f"Démarche numéro {n}")
        PhaseFactory(process=process, kind="ideas")
        processes.append(process)
    url = reverse("participation:process_list")
    assert_queries(client, django_assert_num_queries, url, 4, shows=[p.title for p in processes])


@pytest.mark.parametrize("rows", ROWS)
def test_proposals_of_a_process(client, django_assert_num_queries, rows):
    process = ProcessFactory()
    PhaseFactory(process=process, kind="ideas")
    category = CategoryFactory(process=process)
    district = DistrictFactory(organisation=process.organisation)
    proposals = [
        ProposalFactory(process=process, category=category, district=district, title=f"Proposition numéro {n}")
        for n in range(rows)
    ]
    citizen = UserFactory()
    client.force_login(citizen)
    url = reverse("participation:proposal_list", kwargs={"slug": process.slug})
    assert_queries(client, django_assert_num_queries, url, 14, shows=[p.title for p in proposals])


@pytest.mark.parametrize("rows", ROWS)
def test_surveys_an_editor_manages(client, django_assert_num_queries, rows):
    process = ProcessFactory()
    PhaseFactory(process=process, kind="survey")
    editor = UserFactory()
    MembershipFactory(organisation=process.organisation, user=editor, role="editor")
    surveys = [SurveyFactory(process=process, title=f"Questionnaire numéro {n}") for n in range(rows)]
    for survey in surveys:
        QuestionFactory(survey=survey)
    client.force_login(editor)
    url = reverse("participation:survey_manage_list", kwargs={"slug": process.slug})
    assert_queries(client, django_assert_num_queries, url, 8, shows=[s.title for s in surveys])


@pytest.mark.parametrize("rows", ROWS)
def test_surveys_on_the_process_page(client, django_assert_num_queries, rows):
    """The public process page lists its open surveys (participation's sections)."""
    process = ProcessFactory()
    PhaseFactory(process=process, kind="survey")
    surveys = [SurveyFactory(process=process, title=f"Questionnaire numéro {n}") for n in range(rows)]
    for survey in surveys:
        QuestionFactory(survey=survey)
    url = reverse("participation:process_detail", kwargs={"slug": process.slug})
    assert_queries(client, django_assert_num_queries, url, 9, shows=[s.title for s in surveys])


def _harvest_world(rows: int):
    organisation = OrganisationFactory()
    editor = UserFactory()
    MembershipFactory(organisation=organisation, user=editor, role="editor")
    sources = []
    for n in range(rows):
        source = HarvestSource.objects.create(
            organisation=organisation,
            name=f"Portail {n}",
            kind="ckan",
            url=f"https://data{n}.exemple.fr",
            created_by=editor,
        )
        HarvestRun.objects.create(source=source, state=HarvestRun.State.FAILED, message="Délai dépassé")
        sources.append(source)
    return editor, sources


@pytest.mark.parametrize("rows", ROWS)
def test_harvest_sources(client, django_assert_num_queries, rows):
    editor, sources = _harvest_world(rows)
    client.force_login(editor)
    assert_queries(client, django_assert_num_queries, "/moissonnage/", 6, shows=[s.name for s in sources])


@pytest.mark.parametrize("rows", ROWS)
def test_harvest_runs_of_a_source(client, django_assert_num_queries, rows):
    editor, (source, *_others) = _harvest_world(1)
    for _n in range(rows):
        HarvestRun.objects.create(source=source, started_by=editor, created=3, updated=1)
    client.force_login(editor)
    assert_queries(
        client, django_assert_num_queries, f"/moissonnage/{source.pk}/", 8, shows=["Historique des moissons"]
    )


@pytest.mark.parametrize("rows", ROWS)
def test_dcat_feed(client, django_assert_num_queries, rows):
    """A page of the DCAT feed: count, latest update, the page, keywords, themes, communes, resources (with their
    current version); the organisation's feed looks the organisation up first."""
    organisation = OrganisationFactory()
    datasets = [_dataset(organisation, n) for n in range(rows)]
    for dataset in datasets:
        dataset.communes.add(CommuneFactory())
        ResourceFactory(dataset=dataset, kind="api", url="https://api.exemple.fr/")
    shows = [str(dataset.identifier) for dataset in datasets]
    assert_queries(client, django_assert_num_queries, "/catalog.ttl", 7, shows=shows)
    url = reverse("catalog:organisation_dcat_jsonld", kwargs={"slug": organisation.slug})
    assert_queries(client, django_assert_num_queries, url, 8, shows=shows)


@pytest.mark.parametrize("rows", ROWS)
def test_api_tokens_of_a_person(client, django_assert_num_queries, rows):
    person = UserFactory()
    tokens = [api_token_create(actor=person, name=f"Script {n}", lifetime_days=30)[0] for n in range(rows)]
    client.force_login(person)
    assert_queries(client, django_assert_num_queries, "/moi/jetons-api/", 5, shows=[t.name for t in tokens])


@pytest.mark.parametrize("rows", ROWS)
def test_reuses_in_the_api(client, django_assert_num_queries, rows):
    dataset = DatasetFactory()
    reuses = [ReuseLinkFactory(dataset=dataset, state="published").reuse for _n in range(rows)]
    assert_queries(client, django_assert_num_queries, "/api/v1/reuses", 3, shows=[r.url for r in reuses])


# --- The open data programme (issue 12) ----------------------------------------------------------------------


def _programme_world(rows: int):
    roadmap_template_seed()  # a transactional test may have flushed the migration's steps
    group = PilotGroupFactory()
    schema = scdl_schema()
    scdl_schema("scdl/budget", "Budget")
    organisations = []
    for n in range(rows):
        organisation = OrganisationFactory(population=5000 + n, agents_count=60)
        PilotGroupMemberFactory(group=group, organisation=organisation, elected_referent=UserFactory())
        validated_dataset(organisation, schema, valid=bool(n % 2))
        organisations.append(organisation)
    first = organisations[0]
    lines = InventoryLineFactory.create_batch(rows, organisation=first)
    meetings = MeetingFactory.create_batch(rows, organisation=first)
    actions = [
        SupportActionFactory(organisation=first, meeting=meetings[n], owner=UserFactory(is_staff=True))
        for n in range(rows)
    ]
    return group, organisations, lines, meetings, actions


@pytest.mark.parametrize("rows", ROWS)
def test_programme_dashboard(client, django_assert_num_queries, rows):
    _group, organisations, _lines, _meetings, actions = _programme_world(rows)
    client.force_login(UserFactory(is_staff=True))
    shows = [o.name for o in organisations] + [a.title for a in actions]
    # 25: with the learning module's "referents trained" (3 queries: progress, paths and their items)
    assert_queries(client, django_assert_num_queries, "/programme-open-data/", 25, shows=shows)


@pytest.mark.parametrize("rows", ROWS)
def test_programme_coverage_matrix(client, django_assert_num_queries, rows):
    _group, organisations, _lines, _meetings, _actions = _programme_world(rows)
    client.force_login(UserFactory(is_staff=True))
    url = "/programme-open-data/couverture-scdl/"
    assert_queries(client, django_assert_num_queries, url, 10, shows=[o.name for o in organisations])


@pytest.mark.parametrize("rows", ROWS)
def test_programme_pilot_group(client, django_assert_num_queries, rows):
    group, organisations, _lines, _meetings, _actions = _programme_world(rows)
    client.force_login(UserFactory(is_staff=True))
    url = f"/programme-open-data/groupes/{group.pk}/"
    assert_queries(
        client, django_assert_num_queries, url, 19, shows=[o.name for o in organisations]
    )  # with learning: +3


@pytest.mark.parametrize("rows", ROWS)
def test_programme_inventory(client, django_assert_num_queries, rows):
    _group, organisations, lines, _meetings, _actions = _programme_world(rows)
    client.force_login(MembershipFactory(organisation=organisations[0], role="admin").user)
    url = f"/organisations/{organisations[0].slug}/programme-open-data/inventaire/"
    assert_queries(client, django_assert_num_queries, url, 7, shows=[line.title for line in lines])


@pytest.mark.parametrize("rows", ROWS)
def test_programme_support(client, django_assert_num_queries, rows):
    _group, organisations, _lines, _meetings, actions = _programme_world(rows)
    client.force_login(MembershipFactory(organisation=organisations[0], role="admin").user)
    url = f"/organisations/{organisations[0].slug}/programme-open-data/accompagnement/"
    assert_queries(client, django_assert_num_queries, url, 9, shows=[a.title for a in actions])


@pytest.mark.parametrize("rows", ROWS)
def test_observatory(client, django_assert_num_queries, rows):
    """The observatory: indicators, communes map and table, one chart per indicator (rows = communes with their
    commune organisation and datasets, SCDL datasets, re-uses and monthly snapshots)."""
    schema = TableSchemaFactory(name="scdl/subventions", is_scdl=True)
    names = []
    facts = {}
    for n in range(rows):
        commune = CommuneFactory(name=f"Herri {n}")
        organisation = OrganisationFactory(territory=commune.territory, kind="commune", name=f"Commune Herri {n}")
        organisation.communes.set([commune])
        dataset = DatasetFactory(organisation=organisation, schema=schema)
        version(dataset, f"d{n}.csv", report=n % 2 == 0)
        ReuseLinkFactory(dataset=dataset, state="published")
        ObservatorySnapshotFactory(month=datetime.date(2025, n % 12 + 1, 1))
        facts[organisation.pk] = {"stage": n % 4, "stage_total": 8, "stage_label": "", "bound": True}
        names.append(commune.name)
    previous = registry.current_provider()
    registry.register_programme_facts(lambda: facts)
    try:
        assert_queries(client, django_assert_num_queries, "/observatoire/", 12, shows=names)
    finally:
        registry.register_programme_facts(previous)


def _learning_rows(rows: int, user=None):
    """`rows` published modules in `rows` topics, each in a path, with progress of `user` when given."""
    modules = []
    for n in range(rows):
        module, pieces = module_with_pieces(2, title=f"Module numéro {n}", topic=TopicFactory(title=f"Thème {n}"))
        PathItemFactory(path=PathFactory(title=f"Parcours numéro {n}"), module=module)
        if user is not None:
            learning_services.progress_record_view(user=user, module=module, piece=pieces[0])
            learning_services.piece_complete(user=user, module=module, piece=pieces[0])
            if n % 2:
                learning_services.piece_complete(user=user, module=module, piece=pieces[1])
        modules.append(module)
    return modules


@pytest.mark.parametrize("rows", ROWS)
def test_learning_catalogue(client, django_assert_num_queries, rows):
    modules = _learning_rows(rows)
    assert_queries(client, django_assert_num_queries, "/formation/", 3, shows=[m.get_absolute_url() for m in modules])


@pytest.mark.parametrize("rows", ROWS)
def test_learning_catalogue_by_audience(client, django_assert_num_queries, rows):
    modules = _learning_rows(rows)
    shows = [m.get_absolute_url() for m in modules]
    assert_queries(client, django_assert_num_queries, "/formation/?public=elu", 4, shows=shows)


@pytest.mark.parametrize("rows", ROWS)
def test_my_training(client, django_assert_num_queries, rows):
    user = UserFactory()
    modules = _learning_rows(rows, user=user)
    client.force_login(user)
    # 10: with the person's attestations and the organisations they administer (learning part 2: +2)
    assert_queries(client, django_assert_num_queries, "/moi/formation/", 10, shows=[m.title for m in modules])


# --- Events (issue 14) -------------------------------------------------------------------------------------------


def _events_world(rows: int):
    event = events_factories.EventFactory(title="Rencontres Numériques")
    sessions = [events_factories.SessionFactory(event=event, title=f"Atelier {n}", capacity=5) for n in range(rows)]
    registrations = [events_factories.RegistrationFactory(session=session) for session in sessions]
    return event, sessions, registrations


@pytest.mark.parametrize("rows", ROWS)
def test_events_agenda(client, django_assert_num_queries, rows):
    _event, sessions, _registrations = _events_world(rows)
    assert_queries(client, django_assert_num_queries, reverse("events:agenda"), 3, shows=[s.title for s in sessions])


@pytest.mark.parametrize("rows", ROWS)
def test_events_event_page(client, django_assert_num_queries, rows):
    event, sessions, _registrations = _events_world(rows)
    client.force_login(UserFactory())
    assert_queries(client, django_assert_num_queries, event.get_absolute_url(), 10, shows=[s.title for s in sessions])


@pytest.mark.parametrize("rows", ROWS)
def test_events_registrations_list(client, django_assert_num_queries, rows):
    event, _sessions, registrations = _events_world(rows)
    organiser = MembershipFactory(organisation=event.organisation, role="editor").user
    client.force_login(organiser)
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    assert_queries(client, django_assert_num_queries, url, 10, shows=[r.code for r in registrations])
