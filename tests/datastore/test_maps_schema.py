"""Coordinate columns read from the dataset's declared schema (Table Schema geopoint fields, number fields whose name,
title or description says latitude/longitude), then from the data dictionary and the names — with the demo's
"Équipements publics" shape (SCDL équipements: EQUIP_LAT / EQUIP_LONG)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from auzolan.catalog.models import TableSchema
from auzolan.datastore import maps
from tests.datastore.tabledata import equipements_csv, load_published, preview_path


def cols(*pairs):
    return [{"name": name, "type": type_} for name, type_ in pairs]


def schema(*fields):
    return {"fields": [{"name": name, "type": type_, **extra} for name, type_, extra in fields]}


EQUIPEMENTS = cols(
    ("COLL_NOM", "text"),
    ("EQUIP_NOM", "text"),
    ("ADR_COMMUNE", "text"),
    ("EQUIP_LAT", "number"),
    ("EQUIP_LONG", "number"),
)


# --- Detection ------------------------------------------------------------------------------------------------


def test_scdl_equipements_schema_gives_the_coordinates(settings):
    descriptor = json.loads((settings.BASE_DIR / "data/schemas/scdl/equipements.json").read_text(encoding="utf-8"))
    source = maps.detect(EQUIPEMENTS, schema=descriptor)
    assert source is not None and source.kind == "latlon"
    assert (source.latitude, source.longitude) == ("EQUIP_LAT", "EQUIP_LONG")


def test_schema_titles_and_descriptions_say_which_is_which():
    columns = cols(("nom", "text"), ("coord_a", "number"), ("coord_b", "number"))
    declared = schema(
        ("coord_a", "number", {"title": "Position nord-sud", "description": "Latitude en WGS 84."}),
        ("coord_b", "number", {"title": "Longitude (WGS 84)"}),
    )
    source = maps.detect(columns, schema=declared)
    assert (source.kind, source.latitude, source.longitude) == ("latlon", "coord_a", "coord_b")
    # a description that names both axes decides nothing
    both = schema(
        ("coord_a", "number", {"description": "Latitude ou longitude, selon le cas."}),
        ("coord_b", "number", {"title": "Longitude"}),
    )
    assert maps.detect(columns, schema=both) is None


def test_schema_geopoint_field():
    columns = cols(("nom", "text"), ("position", "text"))
    source = maps.detect(columns, schema=schema(("position", "geopoint", {})))
    assert source.kind == "point_text" and source.point == "position" and source.point_format == "default"
    source = maps.detect(columns, schema=schema(("position", "geopoint", {"format": "array"})))
    assert source.point_format == "array"


def test_the_schema_comes_before_the_names():
    columns = cols(("nom", "text"), ("lat", "number"), ("lon", "number"), ("y_wgs", "number"), ("x_wgs", "number"))
    declared = schema(("y_wgs", "number", {"title": "Latitude"}), ("x_wgs", "number", {"title": "Longitude"}))
    source = maps.detect(columns, schema=declared)
    assert (source.latitude, source.longitude) == ("y_wgs", "x_wgs")
    assert (maps.detect(columns).latitude, maps.detect(columns).longitude) == ("lat", "lon")


@pytest.mark.parametrize(
    ("lat", "lon"),
    [("EQUIP_LAT", "EQUIP_LONG"), ("latDepart", "lngDepart"), ("site_latitude", "site_longitude"), ("LAT_Y", "LON_X")],
)
def test_names_made_of_words_are_understood_without_a_schema(lat, lon):
    source = maps.detect(cols(("nom", "text"), (lat, "number"), (lon, "number")))
    assert source is not None and (source.latitude, source.longitude) == (lat, lon)


def test_pairs_are_matched_by_their_other_words():
    columns = cols(
        ("lat_depart", "number"), ("lat_arrivee", "number"), ("lon_arrivee", "number"), ("lon_depart", "number")
    )
    source = maps.detect(columns)
    assert (source.latitude, source.longitude) == ("lat_depart", "lon_depart")


def test_the_data_dictionary_labels_count_like_a_schema():
    columns = [
        {"name": "nom", "type": "text"},
        {"name": "Y", "type": "number", "label": "Latitude (WGS 84)"},
        {"name": "X", "type": "number", "label": "Longitude (WGS 84)"},
    ]
    source = maps.detect(columns)
    assert (source.latitude, source.longitude) == ("Y", "X")


def test_words_that_are_no_coordinates():
    assert maps.detect(cols(("longueur", "number"), ("latence", "number"))) is None
    assert maps.detect(cols(("long", "text"), ("nom", "text"))) is None
    declared = schema(("a", "number", {"description": "Mesurée le long de la voie, en latitude"}), ("b", "number", {}))
    assert maps.detect(cols(("a", "number"), ("b", "number")), schema=declared) is None


def test_the_label_is_the_most_distinct_name_column():
    source = maps.detect(EQUIPEMENTS, distinct={"COLL_NOM": 1, "EQUIP_NOM": 6, "ADR_COMMUNE": 1})
    assert source.label == "EQUIP_NOM"


# --- The demo's équipements, through the page ----------------------------------------------------------------


@pytest.fixture
def equipements(transactional_db):
    call_command("load_schemas", verbosity=0)
    dataset, resource, table = load_published(equipements_csv(6), name="equipements.csv")
    dataset.schema = TableSchema.objects.get(name="scdl/equipements")
    dataset.save(update_fields=["schema"])
    return dataset, resource, table


def test_equipements_preview_has_a_map(client, equipements):
    dataset, resource, _table = equipements
    content = client.get(preview_path(dataset, resource)).content.decode()
    assert 'id="preview-map-title"' in content and "6 lignes ont une position valide." in content
    positions = content.split('id="carte"', 1)[1].split("</section>", 1)[0]
    assert "Salle des sports municipale numéro 0" in positions
    data_url = reverse("datastore:preview_map_data", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    data = client.get(data_url).json()
    assert data["total"] == 6
    assert data["features"][0]["geometry"]["coordinates"] == [-1.4751, 43.4933]
    assert data["features"][0]["properties"]["label"] == "Salle des sports municipale numéro 0"


def test_schema_geopoint_text_column_through_the_page(client, transactional_db):
    dataset, resource, table = load_published(
        "nom;position\nFronton;-1.47, 43.49\nPlage;[-1.56, 43.48]\nFaux;abc\n", name="lieux.csv"
    )
    assert {c["name"]: c["type"] for c in table.columns}["position"] == "text"
    custom = TableSchema.objects.create(
        name="test/lieux", title="Lieux", descriptor=schema(("nom", "string", {}), ("position", "geopoint", {}))
    )
    dataset.schema = custom
    dataset.save(update_fields=["schema"])
    data_url = reverse("datastore:preview_map_data", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    data = client.get(data_url).json()
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[-1.47, 43.49], [-1.56, 43.48]]


def test_a_declared_geopoint_puts_the_longitude_first(client, transactional_db):
    """Table Schema writes a geopoint "lon, lat"; the ingestion, seeing two numbers, reads "lat, lon"."""
    dataset, resource, table = load_published("nom;position\nFronton;-1.47, 43.49\nPlage;-1.56, 43.48\n")
    assert {c["name"]: c["type"] for c in table.columns}["position"] == "geopoint"
    dataset.schema = TableSchema.objects.create(
        name="test/lieux", title="Lieux", descriptor=schema(("nom", "string", {}), ("position", "geopoint", {}))
    )
    dataset.save(update_fields=["schema"])
    data_url = reverse("datastore:preview_map_data", kwargs={"slug": dataset.slug, "resource": resource.identifier})
    data = client.get(data_url).json()
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [[-1.47, 43.49], [-1.56, 43.48]]
