"""The geometry layers (routes and regions): GeoJSON read safely, features checked, ids resolved.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd

from atlas import geojson, schema
from atlas.frames import isin
from atlas.package.types import (
    NOTICE,
    ROW,
    Report,
    TableCount,
    shorten,
)
from atlas.safepath import inside

# The properties the app reads from each layer; a layer without some gets them empty.
_LAYER_COLUMNS = {
    schema.ROUTES_FILE: ("id", "event_id", "name", "faction_id", "certainty", "note", "reference"),
    schema.REGIONS_FILE: ("id", "name", "certainty", "note"),
}


def empty_layer(name: str) -> gpd.GeoDataFrame:
    """A layer with no features but the columns the app reads."""
    columns = {c: pd.Series(dtype="str") for c in _LAYER_COLUMNS[name]}
    return gpd.GeoDataFrame({**columns, ROW: pd.Series(dtype="int64")}, geometry=[],
                            crs="EPSG:4326")


def read_layer(geo_dir, name, report, valid_events, tables, files) -> tuple[gpd.GeoDataFrame, TableCount]:
    """Read one GeoJSON layer; return the kept features and its row counts."""
    path = geo_dir / name
    empty = empty_layer(name)
    nothing = TableCount(0, 0, 0)
    if not geo_dir.is_dir():
        return empty, nothing
    if not path.is_file():
        report.add(name, None, None, None, "there is no such layer in the geometry folder, so "
                   "none is drawn", NOTICE, code="layer-missing")
        return empty, nothing
    if not inside(geo_dir, name):
        report.add(name, None, None, None, "the layer is a link to a file outside the geometry "
                   "folder, so it was not read — put the GeoJSON file itself there", code="path")
        return empty, nothing
    try:
        features, feature_problems = geojson.read_features(path)
    except geojson.Refused as exc:
        report.add(name, None, None, None, f"this layer is not GeoJSON ({exc}), so it was not "
                   "read — save it as a GeoJSON FeatureCollection in longitude/latitude "
                   "(EPSG:4326)", code="layer")
        return empty, nothing
    for problem in feature_problems:
        report.add(name, problem.number, "geometry", None, f"feature {problem.number}: "
                   f"{problem.message}; the feature was left out — write each feature as GeoJSON "
                   "with [longitude, latitude] coordinates", code="geometry")
    layer = _layer_frame(name, features, report)
    read = len(features) + len(feature_problems)
    if layer.empty:
        return empty, TableCount(read, 0, read)
    if not layer["id"].astype(bool).any():
        report.add(name, None, "id", None, "the features have no 'id' property — give each "
                   "feature an id", code="layer")
        return empty, TableCount(read, 0, read)
    keep = pd.Series(True, index=layer.index)
    bounds = layer.geometry.bounds
    out_of_range = ((bounds["minx"] < -180) | (bounds["maxx"] > 180)
                    | (bounds["miny"] < -90) | (bounds["maxy"] > 90) | layer.geometry.is_empty
                    | layer.geometry.isna() | bounds["minx"].isna())
    for row, ident in zip(layer.loc[out_of_range, ROW], layer.loc[out_of_range, "id"], strict=True):
        report.add(name, row, "geometry", ident, "the geometry is empty or outside longitude "
                   "-180..180 / latitude -90..90; the feature was left out — write coordinates "
                   "as [longitude, latitude]", code="geometry")
    keep &= ~out_of_range
    if valid_events is not None:
        for column, known in (("event_id", valid_events),
                              ("faction_id", set(tables[schema.FACTIONS]["id"]))):
            values = layer[column].fillna("") if column in layer else pd.Series("", index=layer.index)
            unknown = ~isin(values.astype(str), known)
            table = schema.EVENTS if column == "event_id" else schema.FACTIONS
            rejected = report.rejection(table, "id")
            for row, value in zip(layer.loc[unknown, ROW], values[unknown], strict=True):
                if value in rejected:
                    at, why = rejected[value]
                    report.add(name, row, column, value, f"{files[table]} row {at} was rejected "
                               f"({why}), so this feature was left out too — fix that row",
                               code="fk-rejected")
                    continue
                report.add(name, row, column, value, "there is no such id in the data package; "
                           "the feature was left out — correct the id", code="fk-missing")
            keep &= ~unknown
    kept = layer[keep].reset_index(drop=True)
    return kept, TableCount(read, len(kept), read - len(kept))


def _layer_frame(name: str, features: list[geojson.Feature], report: Report) -> gpd.GeoDataFrame:
    """The features' geometry and the properties the app reads, as text (missing ones empty)."""
    columns = {column: [] for column in _LAYER_COLUMNS[name]}
    for feature in features:
        for column, values in columns.items():
            value = feature.properties.get(column)
            if isinstance(value, dict | list):
                report.add(name, feature.number, column, shorten(json.dumps(value)),
                           "this property must be text, so it was left empty", code="layer")
                value = None
            values.append("" if value is None else str(value))
    frame = {column: pd.Series(values, dtype="str") for column, values in columns.items()}
    frame[ROW] = pd.Series([f.number for f in features], dtype="int64")
    return gpd.GeoDataFrame(frame, geometry=[f.geometry for f in features], crs="EPSG:4326")
