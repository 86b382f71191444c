"""The public page /observatoire/: HTTP, no JavaScript needed, every drawing followed by its table, the map with and
without outlines, with and without a programme provider."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from auzolan.observatory import geo, services
from tests.observatory.factories import ObservatorySnapshotFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/observatoire/"


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_address_is_french_and_public(client, db):
    assert reverse("observatory:observatory") == URL
    assert client.get(URL).status_code == 200
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_the_page_holds_no_script_and_no_third_party_address(client, world):
    html = _page(client)
    main = html.split('id="contenu"', 1)[-1] if 'id="contenu"' in html else html
    assert "<script" not in main.split("</main>")[0]
    assert not re.search(r'(src|href)="https?://(?!testserver)', main.split("</main>")[0])


def test_the_current_figures_and_the_missing_stage_figures_said(client, world):
    html = _page(client)
    assert "organisations qui publient" in html
    assert "1 / 3" in html  # SCDL conformant / declared
    assert "ne sont pas disponibles" in html  # no programme: stage figures absent, said
    assert "Étape de la feuille de route de chaque commune" in html  # the map's table
    assert 'role="img"' in html and "obs-map-desc" in html
    assert html.count('class="obs-map__commune"') == 3  # the three communes have outlines in the shipped file


def test_with_a_programme_the_map_and_the_tables_show_the_stages(client, world, programme):
    programme[world.bayonne.pk] = {"stage": 5, "stage_total": 8, "stage_label": "Premier jeu publié", "bound": True}
    programme[world.anglet.pk] = {"stage": 2, "stage_total": 8, "stage_label": "Référents nommés", "bound": False}
    html = _page(client)
    assert "ne sont pas disponibles" not in html
    assert "Organisations suivies par le programme, par étape" in html
    assert "5 sur 8 — Premier jeu publié" in html
    assert "Bayonne : Premier jeu publié" in html  # the shape's title
    assert 'fill="url(#obs-stage-5)"' in html and 'fill="url(#obs-stage-2)"' in html
    assert "Étape 5 sur 8 — Premier jeu publié — 1 commune" in " ".join(html.split())  # the legend, in words
    assert "1 / 1" in html  # bound organisations publishing / bound (Anglet is not bound)


def test_without_outlines_the_table_alone_is_given_and_said(client, world, settings, tmp_path):
    empty = tmp_path / "none.geojson"
    empty.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    settings.OBSERVATORY_OUTLINES = empty
    html = _page(client)
    assert "obs-map-desc" not in html
    assert "Les contours des communes de ce territoire ne sont pas disponibles" in html
    assert "Étape de la feuille de route de chaque commune" in html
    settings.OBSERVATORY_OUTLINES = tmp_path / "missing.geojson"
    assert "ne sont pas disponibles" in _page(client)


def test_communes_without_an_outline_are_in_the_table_only(client, world, settings, tmp_path):
    partial = tmp_path / "partial.geojson"
    square = {"type": "Polygon", "coordinates": [[[-1.5, 43.4], [-1.4, 43.4], [-1.4, 43.5], [-1.5, 43.4]]]}
    partial.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"properties": {"code": "64102"}, "geometry": square}]})
    )
    settings.OBSERVATORY_OUTLINES = partial
    html = _page(client)
    assert html.count('class="obs-map__commune"') == 1
    assert "2 communes n&#x27;ont pas de contour" in html or "2 communes n'ont pas de contour" in html


def test_the_charts_each_followed_by_its_table(client, world):
    for month, datasets in ((1, 4), (2, 5), (3, 7)):
        ObservatorySnapshotFactory(month=datetime.date(2026, month, 1), datasets_published=datasets)
    html = _page(client)
    for slug in ("organisations", "datasets", "scdl", "bound", "stages", "reuses"):
        assert f'id="obs-chart-{slug}-caption"' in html
        assert f'id="obs-table-{slug}-caption"' in html
    assert html.count("<polyline") == 4  # the obligation and stage charts have no value without a programme
    assert "aucune valeur disponible" in html
    assert "Données du graphique : Jeux de données publiés" in html
    assert "75 %" in html  # the SCDL share of each month (3 of 4)


def test_without_any_snapshot_the_history_says_so(client, world):
    assert "Aucun relevé mensuel pour l'instant" in _page(client).replace("&#x27;", "'")


def test_the_page_links_to_the_dataset_once_published(client, world):
    agency = OrganisationFactory(territory=world.territory, kind="agency", slug="agence")
    admin = MembershipFactory(organisation=agency, role="admin").user
    assert "un jeu de données ouvert" not in _page(client)
    with freeze_time("2026-03-10"):
        services.snapshot_take()
        dataset = services.observatory_publish(actor=admin)
    assert dataset.get_absolute_url() in _page(client)


def test_the_programme_page_links_to_the_observatory(client, world):
    ObservatorySnapshotFactory(month=datetime.date(2026, 1, 1), organisations_publishing=7, datasets_published=40)
    html = client.get(reverse("core:programme_opendata")).content.decode()
    assert URL in html and "Derniers chiffres relevés (janvier 2026)" in html
    assert '<span class="stat__value">40</span>' in html


def test_the_outlines_are_projected_once(settings, tmp_path):
    geo._project.cache_clear()
    geo.projection()
    geo.projection()
    assert geo._project.cache_info().hits >= 1
    projection = geo.projection()
    assert len(projection.outlines) == 158 and 0 < projection.height < 1000


def test_the_site_maps_list_the_observatory(client, db):
    assert URL in client.get(reverse("core:sitemap")).content.decode()
    assert URL in client.get("/sitemap.xml").content.decode()


def test_the_mean_stage_chart_reads_the_snapshots_stages(client, world):
    stages = [{"stage": 2, "label": "", "count": 1}, {"stage": 4, "label": "", "count": 3}]
    ObservatorySnapshotFactory(month=datetime.date(2026, 1, 1), stages=stages)
    ObservatorySnapshotFactory(month=datetime.date(2026, 2, 1), stages=[])
    html = _page(client)
    table = html.split('id="obs-table-stages-caption"', 1)[1].split("</table>", 1)[0]
    assert "3,5" in table and "non disponible" in table
