"""The catalogue search: French full text, filters, facets, sorts, pages, the index in sync, the page over HTTP."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auzolan.catalog import search
from auzolan.catalog.models import Dataset, DatasetTheme
from auzolan.catalog.search import plain_excerpt, search_datasets, stem, terms
from auzolan.catalog.signals import dataset_changed
from tests.catalog.factories import DatasetFactory, KeywordFactory, ResourceFactory, TableSchemaFactory
from tests.organisations.factories import CommuneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def make(title, description="", *, themes=(), keywords=(), formats=(), communes=(), quality_score=None, **fields):
    dataset = DatasetFactory(title=title, description=description, **fields)
    for code in themes:
        DatasetTheme.objects.create(dataset=dataset, code=code)
    for keyword in keywords:
        dataset.keywords.add(keyword)
    for commune in communes:
        dataset.communes.add(commune)
    for fmt in formats:
        ResourceFactory(dataset=dataset, format=fmt)
    dataset_changed.send(sender=Dataset, dataset=dataset)
    if quality_score is not None:  # after the signal, which recomputes the score
        Dataset.objects.filter(pk=dataset.pk).update(quality_score=quality_score)
        dataset.quality_score = quality_score
    return dataset


def slugs(result):
    return [d.slug for d in result.results]


# --- Stemmer -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("deliberation", "Délibérations"),
        ("velo", "vélos"),
        ("journal", "journaux"),
        ("équipement", "equipements"),
        ("municipale", "municipal"),
        ("annuelle", "annuels"),
        ("ÉCOLE", "écoles"),
    ],
)
def test_stemmer_conflates_french_forms(a, b):
    assert terms(a) == terms(b)


def test_stemmer_keeps_short_words_and_numbers():
    assert stem("eau") == "eau"
    assert stem("2024") == "2024"
    assert terms("le budget de la commune") == ["budget", "commun"]


def test_plain_excerpt_strips_markdown():
    text = "# Titre\n\nLe **budget** de la [commune](https://x.fr) :\n\n- ligne <b>une</b>\n- `deux`"
    assert plain_excerpt(text) == "Titre Le budget de la commune : ligne une deux"
    assert plain_excerpt("mot " * 200, 20).endswith("…")


# --- Full text -----------------------------------------------------------------------------------------------


def test_accents_and_plurals_ignored_both_ways():
    conseil = make("Délibérations du conseil municipal")
    velos = make("Stationnements vélos")
    plain = make("Deliberation budgetaire", slug="deliberation-budgetaire")
    assert set(slugs(search_datasets(q="deliberation"))) == {conseil.slug, plain.slug}
    assert set(slugs(search_datasets(q="Délibérations"))) == {conseil.slug, plain.slug}
    assert slugs(search_datasets(q="velo")) == [velos.slug]
    assert slugs(search_datasets(q="vélos")) == [velos.slug]
    assert slugs(search_datasets(q="VELOS stationnement")) == [velos.slug]


def test_all_words_must_match():
    make("Budget primitif 2024")
    make("Budget supplémentaire")
    assert search_datasets(q="budget").total == 2
    assert search_datasets(q="budget primitif").total == 1


def test_body_fields_are_indexed():
    org = OrganisationFactory(name="Commune de Hasparren")
    commune = CommuneFactory(name="Ustaritz")
    keyword = KeywordFactory(name="marchés publics", slug="marches-publics")
    dataset = make(
        "Jeu A",
        "Liste des **arbres remarquables**.",
        organisation=org,
        keywords=[keyword],
        communes=[commune],
        themes=["ENVI"],
    )
    for q in ("arbre remarquable", "hasparren", "marché public", "ustaritz", "environnement"):
        assert slugs(search_datasets(q=q)) == [dataset.slug], q


def test_title_matches_rank_first():
    in_body = make("Inventaire", "Les équipements sportifs et les piscines de la commune, mis à jour.")
    in_title = make("Piscines municipales", "Horaires et tarifs.")
    result = search_datasets(q="piscine")
    assert slugs(result) == [in_title.slug, in_body.slug]
    assert result.sort == "relevance"


def test_drafts_and_archived_are_never_returned():
    make("Subventions publiées")
    make("Subventions brouillon", state=Dataset.State.DRAFT)
    make("Subventions archivées", state=Dataset.State.ARCHIVED)
    assert search_datasets(q="subventions").total == 1
    assert search_datasets().total == 1


@pytest.mark.parametrize("q", ['"*NEAR(', "a OR b", "title:x", "-", "^foo", "x" * 10_000, "' ; DROP TABLE", "😀", "_"])
def test_query_syntax_is_harmless(q):
    make("Délibérations")
    result = search_datasets(q=q)
    assert result.total >= 0


def test_empty_query_lists_everything_by_last_update():
    old = make("Ancien", last_modified=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    new = make("Récent", last_modified=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    result = search_datasets()
    assert slugs(result) == [new.slug, old.slug]
    assert result.sort == "updated"


# --- Index in sync -------------------------------------------------------------------------------------------


def test_index_follows_changes_and_deletion():
    dataset = make("Horaires des bibliothèques")
    assert search_datasets(q="bibliotheque").total == 1
    dataset.title = "Horaires des médiathèques"
    dataset.save()
    dataset_changed.send(sender=Dataset, dataset=dataset)
    assert search_datasets(q="bibliotheque").total == 0
    assert search_datasets(q="mediatheque").total == 1
    dataset.state = Dataset.State.ARCHIVED
    dataset.save()
    dataset_changed.send(sender=Dataset, dataset=dataset)
    assert search_datasets(q="mediatheque").total == 0
    dataset.state = Dataset.State.PUBLISHED
    dataset.save()
    dataset_changed.send(sender=Dataset, dataset=dataset)
    assert search_datasets(q="mediatheque").total == 1
    dataset.delete()
    table = "catalog_search"
    column = "rowid" if connection.vendor == "sqlite" else "dataset_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = %s", [dataset.pk or 0])  # noqa: S608
        assert cursor.fetchone()[0] == 0
    assert search_datasets(q="mediatheque").total == 0


def test_reindex_catalog_rebuilds_the_index():
    dataset = DatasetFactory(title="Qualité de l'eau")  # no signal: not indexed yet
    assert search_datasets(q="eau").total == 0
    call_command("reindex_catalog", stdout=__import__("io").StringIO())
    assert slugs(search_datasets(q="eau")) == [dataset.slug]


def test_rebuild_index_counts_only_published():
    make("Un")
    make("Deux", state=Dataset.State.DRAFT)
    assert search.rebuild_index() == 1


# --- Filters, facets, sorts, pages ---------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    bayonne = OrganisationFactory(name="Bayonne", slug="bayonne")
    biarritz = OrganisationFactory(name="Biarritz", slug="biarritz")
    velo = KeywordFactory(name="vélo", slug="velo")
    budget = KeywordFactory(name="budget", slug="budget")
    anglet = CommuneFactory(name="Anglet", insee_code="64024")
    schema = TableSchemaFactory(name="scdl/subventions", title="Subventions")
    a = make(
        "Pistes cyclables",
        organisation=bayonne,
        themes=["TRAN"],
        keywords=[velo],
        formats=["csv", "geojson"],
        communes=[anglet],
        licence="odc-odbl",
        frequency="ANNUAL",
        quality_score=0.5,
    )
    b = make(
        "Subventions aux associations",
        organisation=bayonne,
        themes=["ECON", "GOVE"],
        keywords=[budget],
        formats=["csv"],
        schema=schema,
        frequency="ANNUAL",
        quality_score=0.9,
    )
    c = make(
        "Budget primitif", organisation=biarritz, themes=["ECON"], keywords=[budget], formats=["pdf"], quality_score=0.2
    )
    return {"a": a, "b": b, "c": c}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"organisation": ["bayonne"]}, {"a", "b"}),
        ({"organisation": ["bayonne", "biarritz"]}, {"a", "b", "c"}),
        ({"theme": ["ECON"]}, {"b", "c"}),
        ({"keyword": ["velo"]}, {"a"}),
        ({"licence": ["odc-odbl"]}, {"a"}),
        ({"format": ["csv"]}, {"a", "b"}),
        ({"format": ["CSV"]}, {"a", "b"}),
        ({"schema": ["scdl/subventions"]}, {"b"}),
        ({"commune": ["64024"]}, {"a"}),
        ({"frequency": ["ANNUAL"]}, {"a", "b"}),
        ({"organisation": ["bayonne"], "theme": ["ECON"]}, {"b"}),
        ({"organisation": ["inconnue"]}, set()),
        ({"unknown": ["x"]}, {"a", "b", "c"}),
    ],
)
def test_filters(catalogue, filters, expected):
    result = search_datasets(filters=filters)
    assert set(slugs(result)) == {catalogue[k].slug for k in expected}
    assert result.total == len(expected)


def test_facet_counts(catalogue):
    facets = search_datasets().facets
    assert ("bayonne", "Bayonne", 2) in facets["organisation"]
    assert ("biarritz", "Biarritz", 1) in facets["organisation"]
    assert facets["organisation"][0][0] == "bayonne"  # by count
    assert {v: n for v, _, n in facets["theme"]} == {"ECON": 2, "GOVE": 1, "TRAN": 1}
    assert {v: n for v, _, n in facets["format"]} == {"csv": 2, "geojson": 1, "pdf": 1}
    assert {v: n for v, _, n in facets["keyword"]} == {"budget": 2, "velo": 1}
    assert {v: n for v, _, n in facets["schema"]} == {"scdl/subventions": 1}
    assert {v: n for v, _, n in facets["commune"]} == {"64024": 1}
    assert {v: n for v, _, n in facets["frequency"]} == {"ANNUAL": 2, "UNKNOWN": 1}
    assert {v: n for v, _, n in facets["licence"]} == {"lov2": 2, "odc-odbl": 1}


def test_facet_counts_follow_the_query_and_show_alternatives(catalogue):
    result = search_datasets(q="budget", filters={"organisation": ["biarritz"]})
    assert result.total == 1
    # The organisation facet ignores its own filter: Bayonne stays an alternative (its "budget" keyword matches).
    assert {v: n for v, _, n in result.facets["organisation"]} == {"bayonne": 1, "biarritz": 1}
    # The other facets count within the filtered set.
    assert {v: n for v, _, n in result.facets["format"]} == {"pdf": 1}


def test_selected_value_without_results_keeps_its_label(catalogue):
    result = search_datasets(q="cyclable", filters={"organisation": ["biarritz"]})
    assert result.total == 0
    assert ("biarritz", "Biarritz", 0) in result.facets["organisation"]


def test_sorts(catalogue):
    assert slugs(search_datasets(sort="quality")) == [catalogue[k].slug for k in ("b", "a", "c")]
    assert slugs(search_datasets(sort="title")) == [catalogue[k].slug for k in ("c", "a", "b")]
    assert search_datasets(sort="nonsense").sort == "updated"


def test_results_carry_what_the_list_needs(catalogue):
    result = search_datasets(filters={"organisation": ["bayonne"]}, sort="title")
    pistes = result.results[0]
    assert pistes.format_list == ["CSV", "GEOJSON"]
    assert pistes.keyword_names == ["vélo"]
    assert pistes.organisation.name == "Bayonne"


def test_pagination():
    for n in range(25):
        make(f"Jeu {n:02d}")
    first = search_datasets(sort="title", page_size=10)
    assert (first.total, first.num_pages, len(first.results)) == (25, 3, 10)
    assert first.has_next and not first.has_previous
    third = search_datasets(sort="title", page=3, page_size=10)
    assert slugs(third)[-1] == Dataset.objects.get(title="Jeu 24").slug
    assert len(third.results) == 5
    assert search_datasets(page=99).results == []
    assert search_datasets(page_size=1000).page_size == 100


def test_query_count_is_bounded(catalogue):
    with CaptureQueriesContext(connection) as few:
        search_datasets(q="budget")
    for n in range(15):
        make(f"Budget annexe {n}", themes=["ECON"], keywords=[KeywordFactory()], formats=["csv", "xlsx"])
    with CaptureQueriesContext(connection) as many:
        result = search_datasets(q="budget")
    assert result.total == 17
    assert len(many) == len(few) <= 16


# --- The page over HTTP --------------------------------------------------------------------------------------


def test_search_page(client, catalogue):
    response = client.get("/donnees/", {"q": "budget", "theme": "ECON"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert 'type="search"' in html
    assert 'role="status"' in html
    assert "Budget primitif" in html
    assert "<legend>Organisation</legend>" in html
    assert "retirer" in html
    assert 'type="application/atom+xml"' in html
    assert html.count("<h1") == 1


def test_search_page_lists_results_with_links(client, catalogue):
    html = client.get("/donnees/").content.decode()
    assert catalogue["a"].get_absolute_url() in html
    assert "qualité 50 %" in html
    assert "GEOJSON" in html


def test_search_page_remove_links_keep_other_filters_in_sorted_order(client, catalogue):
    response = client.get("/donnees/?theme=ECON&organisation=bayonne&q=budget")
    html = response.content.decode()
    assert 'href="?organisation=bayonne&amp;q=budget"' in html  # remove the theme
    assert 'href="?q=budget&amp;theme=ECON"' in html  # remove the organisation


def test_search_page_pagination(client):
    for n in range(45):
        make(f"Jeu {n:02d}")
    html = client.get("/donnees/", {"sort": "title", "page": "2"}).content.decode()
    assert 'aria-current="page">2<' in html
    assert 'href="?page=3&amp;sort=title"' in html
    assert 'class="pagination"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
        {"organisation": "n'existe-pas"},
        {"theme": "ZZZZ"},
        {"q": "x" * 10_000},
        {"q": '"*NEAR('},
        {"q": "AND OR NOT"},
        {"sort": "'; drop"},
    ],
)
def test_search_page_never_fails_on_bad_input(client, catalogue, params):
    response = client.get("/donnees/", params)
    assert response.status_code == 200


def test_search_page_empty_state(client, catalogue):
    html = client.get("/donnees/", {"q": "introuvablemot"}).content.decode()
    assert "Aucun jeu de données ne correspond" in html


def test_search_page_query_count_independent_of_results(client, django_assert_max_num_queries):
    for n in range(3):
        make(f"Budget {n}", themes=["ECON"], formats=["csv"])
    with CaptureQueriesContext(connection) as few:
        client.get("/donnees/", {"q": "budget"})
    for n in range(20):
        make(f"Budget annexe {n}", themes=["GOVE"], formats=["csv", "json"], keywords=[KeywordFactory()])
    with CaptureQueriesContext(connection) as many:
        assert client.get("/donnees/", {"q": "budget"}).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 20


def test_facet_cache_can_be_turned_off(settings, catalogue):
    settings.CATALOG_FACETS_CACHE_SECONDS = 0
    search_datasets()
    with CaptureQueriesContext(connection) as first:
        search_datasets()
    with CaptureQueriesContext(connection) as second:
        facets = search_datasets().facets
    assert len(first) == len(second)
    assert any("catalog_datasetformat" in q["sql"] for q in second)  # computed again, not read from the cache
    assert {v: n for v, _, n in facets["format"]} == {"csv": 2, "geojson": 1, "pdf": 1}
