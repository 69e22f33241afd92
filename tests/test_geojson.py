"""Tests of atlas/geojson.py: JSON and GeoJSON read as data, bounded, never opened as anything else."""

import json

import pytest
import shapely

from atlas.geojson import MAX_DEPTH, Refused, parse_geometry, read_features, read_json


def write(tmp_path, text: str, name: str = "layer.geojson"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def collection(*geometries, properties=None) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties or {"id": str(i)}, "geometry": g}
        for i, g in enumerate(geometries)]})


def test_a_feature_collection_is_read_with_its_properties(tmp_path):
    """Test that plain GeoJSON gives shapely geometries and the properties, in file order."""
    line = {"type": "LineString", "coordinates": [[36.3, 33.5], [31.23, 30.0]]}
    features, problems = read_features(write(tmp_path, collection(line, line)))
    assert problems == []
    assert [f.number for f in features] == [1, 2]
    assert features[0].properties == {"id": "0"}
    assert features[0].geometry.equals(shapely.LineString([(36.3, 33.5), (31.23, 30.0)]))


@pytest.mark.parametrize("kind, coordinates", [
    ("Point", [31.2, 30.0]),
    ("MultiPoint", [[31.2, 30.0], [32, 29]]),
    ("LineString", [[31.2, 30.0], [32, 29]]),
    ("MultiLineString", [[[31.2, 30.0], [32, 29]]]),
    ("Polygon", [[[29, 25], [33, 25], [33, 31], [29, 25]]]),
    ("MultiPolygon", [[[[29, 25], [33, 25], [33, 31], [29, 25]]]]),
])
def test_every_geojson_geometry_type_is_read(kind, coordinates):
    """Test that each RFC 7946 geometry type becomes the shapely geometry of that type."""
    assert parse_geometry({"type": kind, "coordinates": coordinates}).geom_type == kind


@pytest.mark.parametrize("text, words", [
    ('<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>'
     "</OGRVRTLayer></OGRVRTDataSource>", "not valid JSON"),
    ("/vsicurl/http://127.0.0.1:9/x.geojson", "not valid JSON"),
    ("id,WKT\nr1,\"LINESTRING (30 10, 10 30)\"\n", "not valid JSON"),
    ('"just a string"', "not a GeoJSON object"),
    ('{"type": "Topology", "objects": {}}', "'Topology'"),
    ('{"type": "FeatureCollection", "features": 5}', "not a FeatureCollection"),
    ("[" * 10_000 + "]" * 10_000, f"more than {MAX_DEPTH} deep"),
    ("[" * 100 + "]" * 100, f"more than {MAX_DEPTH} deep"),
])
def test_anything_but_geojson_is_refused_without_its_content(tmp_path, text, words):
    """Test that VRT, GDAL paths, CSV, other JSON and deep nesting are refused, not opened."""
    with pytest.raises(Refused) as refused:
        read_features(write(tmp_path, text))
    assert words in str(refused.value)
    assert "passwd" not in str(refused.value) and "LINESTRING" not in str(refused.value)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    """Test that the size bound holds whatever the content."""
    path = write(tmp_path, collection({"type": "Point", "coordinates": [1, 2]}))
    with pytest.raises(Refused, match="more than the 10 bytes"):
        read_features(path, max_bytes=10)


def test_bytes_that_are_not_utf8_are_refused(tmp_path):
    """Test that a binary file (a GeoPackage, a shapefile) is refused as not UTF-8."""
    path = tmp_path / "layer.geojson"
    path.write_bytes(b"SQLite format 3\x00\xff\xfe")
    with pytest.raises(Refused, match="not UTF-8"):
        read_json(path, 1000)


@pytest.mark.parametrize("geometry, words", [
    ({"type": "Point", "coordinates": ["31", "30"]}, "in numbers"),
    ({"type": "Point", "coordinates": [float("nan"), 30]}, "in numbers"),
    ({"type": "Point", "coordinates": [True, 30]}, "in numbers"),
    ({"type": "LineString", "coordinates": [31, 30]}, "in numbers"),
    ({"type": "LineString", "coordinates": 5}, "nested lists"),
    ({"type": "Polygon", "coordinates": [[[1, 1], [2, 2]]]}, "do not make a geometry"),
    ({"type": "Circle", "coordinates": [1, 2]}, "'Circle'"),
    ({"type": "GeometryCollection", "geometries": "x"}, "no list"),
    ("LINESTRING (1 2, 3 4)", "not an object"),
])
def test_a_bad_feature_is_left_out_with_its_number(tmp_path, geometry, words):
    """Test that one malformed feature is a located problem and the others are still read."""
    good = {"type": "Point", "coordinates": [31.2, 30.0]}
    text = collection(good, good).replace('"coordinates": [31.2, 30.0]}', "BAD}", 1)
    text = text.replace('{"type": "Point", BAD}', json.dumps(geometry))
    features, problems = read_features(write(tmp_path, text))
    assert [f.number for f in features] == [2]
    assert [p.number for p in problems] == [1]
    assert words in problems[0].message


def test_null_geometry_and_null_properties_are_allowed(tmp_path):
    """Test that RFC 7946's nulls are read (the loader then reports the empty geometry)."""
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": None, "geometry": None}]})
    features, problems = read_features(write(tmp_path, text))
    assert problems == [] and features[0].geometry is None and features[0].properties == {}


def test_a_descriptor_nested_within_the_limit_is_read(tmp_path):
    """Test that the depth bound does not refuse ordinary nesting."""
    value = {"a": [[[[{"b": 1}]]]]}
    assert read_json(write(tmp_path, json.dumps(value), "d.json"), 1000) == value
