"""The map preview: detection of positions, ranges, sampling, the JSON endpoint and the page's list."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from auzolan.datastore import maps
from config.settings import tile_source
from tests.catalog.factories import DatasetFactory
from tests.datastore.tabledata import load
from tests.organisations.factories import MembershipFactory

# --- Detection ------------------------------------------------------------------------------------------------


def cols(*pairs):
    return [{"name": name, "type": type_} for name, type_ in pairs]


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("lat", "lon"),
        ("Latitude", "Longitude"),
        ("y_lat", "x_long"),
        ("coordonnées_lat", "coordonnées_long"),
        ("lat_wgs84", "lng"),
        ("GPS Latitude", "GPS Longitude"),
    ],
)
def test_latitude_and_longitude_columns_are_found_by_name(lat, lon):
    source = maps.detect(cols(("nom", "text"), (lat, "number"), (lon, "number")))
    assert source is not None and source.kind == "latlon"
    assert (source.latitude, source.longitude, source.label) == (lat, lon, "nom")


def test_a_geopoint_column_comes_first():
    source = maps.detect(cols(("commune", "text"), ("position", "geopoint"), ("lat", "number"), ("lon", "number")))
    assert source.kind == "point" and source.point == "position" and source.label == "commune"


def test_no_positions_no_map():
    assert maps.detect(cols(("commune", "text"), ("montant", "number"))) is None
    assert maps.detect(cols(("lat", "date"), ("lon", "date"))) is None  # dates are no coordinates
    assert maps.detect(cols(("latitude", "number"))) is None  # a latitude alone


def test_a_geojson_file_without_points_uses_its_geometries():
    source = maps.detect(cols(("nom", "text"), ("geometry", "text"), ("geometry_wkt", "text")))
    assert source.kind == "geometry" and source.label == "nom"


def test_geometry_ranges_are_checked():
    assert maps._geometry('{"type": "Polygon", "coordinates": [[[-1.4, 43.4], [-1.5, 43.5], [-1.4, 43.5]]]}')
    assert maps._geometry('{"type": "LineString", "coordinates": [[-1.4, 43.4], [200, 43.5]]}') is None
    assert maps._geometry('{"type": "Point", "coordinates": [-1.4, 95]}') is None
    assert maps._geometry("pas du json") is None
    assert maps._geometry('{"type": "Feature"}') is None


# --- Tables, the endpoint, the page ---------------------------------------------------------------------------

LATLON = (
    "nom;latitude;longitude\n"
    "Mairie de Bayonne;43,4929;-1,4748\n"
    "Mairie d'Anglet;43.4832;-1.5149\n"
    "Hors limites;95;-1.5\n"
    "Longitude fausse;43.4;-200\n"
    "Île nulle;0;0\n"
    "Sans position;;\n"
    "<script>alert(1)</script>;43.3;-1.4\n"
)

GEOJSON_POINTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"nom": "Fronton"},
            "geometry": {"type": "Point", "coordinates": [-1.47, 43.49]},
        },
        {
            "type": "Feature",
            "properties": {"nom": "Plage"},
            "geometry": {"type": "Point", "coordinates": [-1.56, 43.48]},
        },
        {
            "type": "Feature",
            "properties": {"nom": "Faux"},
            "geometry": {"type": "Point", "coordinates": [-1.56, 143.0]},
        },
    ],
}

GEOJSON_POLYGONS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"nom": "Quartier"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-1.47, 43.49], [-1.46, 43.49], [-1.46, 43.5], [-1.47, 43.49]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"nom": "Rue"},
            "geometry": {"type": "LineString", "coordinates": [[-1.47, 43.49], [-1.46, 43.48]]},
        },
    ],
}


@pytest.fixture
def publish(transactional_db):
    editor = MembershipFactory(role="editor").user
    dataset = DatasetFactory(organisation=editor.memberships.get().organisation, state="published")

    def do(content, name="lieux.csv"):
        resource, table = load(editor, dataset, content, name=name)
        return dataset, resource, table

    return do


def page_url(dataset, resource) -> str:
    return reverse("datastore:preview", kwargs={"slug": dataset.slug, "resource": resource.identifier})


def data_url(dataset, resource) -> str:
    return reverse("datastore:preview_map_data", kwargs={"slug": dataset.slug, "resource": resource.identifier})


def test_latlon_table_endpoint_keeps_valid_positions_only(client, publish):
    dataset, resource, _table = publish(LATLON)
    response = client.get(data_url(dataset, resource))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["total"] == 3 and data["shown"] == 3
    assert data["sampled"] is False
    labels = [f["properties"]["label"] for f in data["features"]]
    assert labels == ["Mairie de Bayonne", "Mairie d'Anglet", "<script>alert(1)</script>"]
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [-1.4748, 43.4929]}


def test_endpoint_follows_the_page_filters_and_refuses_bad_ones(client, publish):
    dataset, resource, _table = publish(LATLON)
    data = client.get(data_url(dataset, resource), {"nom__contains": "mairie"}).json()
    assert data["total"] == 2
    response = client.get(data_url(dataset, resource), {"latitude__gte": "abc"})
    assert response.status_code == 400
    assert "Valeur invalide pour la colonne latitude" in response.json()["error"]["message"]
    # The chart's parameters are no filters
    assert client.get(data_url(dataset, resource), {"chart_by": "nom"}).json()["total"] == 3


def test_page_lists_the_first_positions_and_loads_leaflet_locally(client, publish):
    dataset, resource, _table = publish(LATLON)
    response = client.get(page_url(dataset, resource))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="preview-map-title"' in content and "3 lignes ont une position valide." in content
    table = content.split('id="map-list-caption"', 1)[1].split("</table>", 1)[0]
    assert "Mairie de Bayonne" in table and "Hors limites" not in table and "Île nulle" not in table
    assert "&lt;script&gt;" in table and "<script>alert" not in content
    assert "43,49290" in table
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in content
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in content
    assert f'data-url="{data_url(dataset, resource)}"' in content
    assert 'data-tile-url=""' in content
    assert "http://" not in content.split('id="carte"', 1)[1].split("</section>", 1)[0]


def test_leaflet_is_served_by_staticfiles():
    assert finders.find("vendor/leaflet/leaflet.js") and finders.find("vendor/leaflet/leaflet.css")


def test_geopoint_table(client, publish):
    dataset, resource, table = publish("lieu;position\nFronton;43.49,-1.47\nPlage;43.48,-1.56\n")
    assert {c["name"]: c["type"] for c in table.columns}["position"] == "geopoint"
    data = client.get(data_url(dataset, resource)).json()
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[-1.47, 43.49], [-1.56, 43.48]]
    assert [f["properties"]["label"] for f in data["features"]] == ["Fronton", "Plage"]


def test_geojson_points_resource(client, publish):
    dataset, resource, _table = publish(json.dumps(GEOJSON_POINTS), name="lieux.geojson")
    data = client.get(data_url(dataset, resource)).json()
    assert data["total"] == 2
    assert [f["properties"]["label"] for f in data["features"]] == ["Fronton", "Plage"]
    assert 'id="preview-map-title"' in client.get(page_url(dataset, resource)).content.decode()


def test_geojson_polygons_resource(client, publish):
    dataset, resource, _table = publish(json.dumps(GEOJSON_POLYGONS), name="quartiers.geojson")
    data = client.get(data_url(dataset, resource)).json()
    assert [f["geometry"]["type"] for f in data["features"]] == ["Polygon", "LineString"]
    content = client.get(page_url(dataset, resource)).content.decode()
    assert "2 objets géographiques." in content and "<td>Polygon</td>" in content


def test_many_points_are_sampled(client, publish, monkeypatch):
    monkeypatch.setattr(maps, "MAX_POINTS", 10)
    rows = "".join(f"Lieu {i};{43 + i / 1000};{-1.5 + i / 1000}\n" for i in range(40))
    dataset, resource, _table = publish("nom;lat;lon\n" + rows)
    data = client.get(data_url(dataset, resource)).json()
    assert data["total"] == 40 and data["shown"] == 10 and data["sampled"] is True
    again = client.get(data_url(dataset, resource)).json()
    assert again["features"] == data["features"]  # repeatable
    content = client.get(page_url(dataset, resource)).content.decode()
    assert "un échantillon de 10" in content
    assert (
        content.split('id="map-list-caption"', 1)[1].split("</table>", 1)[0].count('<th scope="row">') == maps.LIST_SIZE
    )


def test_no_geo_table_has_no_map(client, publish):
    dataset, resource, _table = publish("commune;montant\nBayonne;3\n")
    content = client.get(page_url(dataset, resource)).content.decode()
    assert 'id="carte"' not in content and "leaflet" not in content
    response = client.get(data_url(dataset, resource))
    assert response.status_code == 404 and response.json()["error"]["code"] == "no-positions"


def test_endpoint_of_an_unpublished_dataset_is_a_404(client, publish):
    dataset, resource, _table = publish(LATLON)
    dataset.state = "draft"
    dataset.save(update_fields=["state"])
    assert client.get(data_url(dataset, resource)).status_code == 404


# --- Settings -------------------------------------------------------------------------------------------------


def test_tile_source_for_the_csp():
    assert tile_source("") == ""
    assert tile_source("/tuiles/{z}/{x}/{y}.png") == ""
    assert tile_source("https://tuiles.example.org/{z}/{x}/{y}.png") == "https://tuiles.example.org"
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"


def test_no_tile_server_no_other_host_in_the_csp(client, publish):
    dataset, resource, _table = publish(LATLON)
    policy = client.get(page_url(dataset, resource))["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img.split() == ["img-src", "'self'", "data:"]


def test_tile_settings_reach_the_page(client, publish, settings):
    settings.MAP_TILE_URL = "https://tuiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© <b>contributeurs</b>"
    dataset, resource, _table = publish(LATLON)
    content = client.get(page_url(dataset, resource)).content.decode()
    assert 'data-tile-url="https://tuiles.example.org/{z}/{x}/{y}.png"' in content
    assert 'data-tile-attribution="© &lt;b&gt;contributeurs&lt;/b&gt;"' in content
