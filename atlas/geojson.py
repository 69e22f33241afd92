"""JSON and GeoJSON read as data: never a path to open, a URL to fetch or a format to sniff.

A package's geometry layers and its ``datapackage.json`` come from whoever made the package,
which on a public server may be an attacker. Handing such a file to a geometry library lets the
library decide what it is: GDAL will open an OGR VRT document that names ``/etc/passwd`` as a
CSV table, or a ``/vsicurl/`` address, and return what it read. So the atlas parses the bytes
itself: strict JSON (size and nesting bounded), then RFC 7946 GeoJSON built into shapely
geometries from their coordinates. Nothing in a file can make this module read another file
or reach the network; whatever is not plain GeoJSON is refused with a message that says why,
without echoing the file's content.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import shapely
import shapely.errors
import shapely.geometry

# Bounds on work done for one file: far above any real layer or descriptor of this atlas.
MAX_LAYER_BYTES = 64 * 1024 * 1024
MAX_DESCRIPTOR_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

# How deep each geometry's coordinates nest (a Point is a list of numbers: depth 1).
_COORDINATE_DEPTH = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3,
                     "Polygon": 3, "MultiPolygon": 4}


class Refused(ValueError):
    """A file that is not the JSON or GeoJSON asked for; the message says why, for a person."""


@dataclass(frozen=True)
class Feature:
    """One GeoJSON feature read from a layer: its number in the file, properties and geometry."""

    number: int
    properties: dict
    geometry: object | None  # a shapely geometry, or None for a null geometry


@dataclass(frozen=True)
class FeatureProblem:
    """Why feature ``number`` (counted from 1 in file order) could not be read."""

    number: int
    message: str


def read_json(path: Path, max_bytes: int, max_depth: int = MAX_DEPTH):
    """Read the JSON document in ``path``, bounded in size and nesting.

    Parameters
    ----------
    path : pathlib.Path
        A regular file. It is read as bytes and decoded as UTF-8 (a byte-order mark is allowed).
    max_bytes : int
        Larger files are refused before they are read.
    max_depth : int
        Arrays and objects nested deeper than this are refused.

    Returns
    -------
    object
        The parsed value.

    Raises
    ------
    Refused
        When the file is too large, not UTF-8, not JSON, or nested too deeply; the message names
        the limit or the position, never the file's content.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Refused(f"it is {size:,} bytes, more than the {max_bytes:,} bytes the atlas reads")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise Refused(f"it cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise Refused(f"it is more than the {max_bytes:,} bytes the atlas reads")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(f"it is not UTF-8 text (byte {exc.start:,})") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise Refused(f"it nests arrays or objects more than {max_depth} deep") from None
    except ValueError as exc:
        position = getattr(exc, "lineno", None)
        where = f" (line {exc.lineno}, column {exc.colno})" if position else ""
        raise Refused(f"it is not valid JSON{where}") from None
    if _depth(value) > max_depth:
        raise Refused(f"it nests arrays or objects more than {max_depth} deep")
    return value


def _depth(value, limit: int = MAX_DEPTH * 4) -> int:
    """How deep arrays and objects nest in ``value`` (a scalar is 0), without recursion.

    Lists of numbers (coordinates) are not walked into item by item.
    """
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return deepest


def read_features(path: Path, max_bytes: int = MAX_LAYER_BYTES
                  ) -> tuple[list[Feature], list[FeatureProblem]]:
    """Read a GeoJSON FeatureCollection (RFC 7946, longitude/latitude) from ``path``.

    Parameters
    ----------
    path : pathlib.Path
        The layer file.
    max_bytes : int
        Larger files are refused.

    Returns
    -------
    features : list of Feature
        The features that could be read, in file order.
    problems : list of FeatureProblem
        One per feature left out, numbered as in the file.

    Raises
    ------
    Refused
        When the file as a whole is not a GeoJSON FeatureCollection.
    """
    document = read_json(path, max_bytes)
    if not isinstance(document, dict):
        raise Refused("it is not a GeoJSON object (it should start with "
                      '{"type": "FeatureCollection")')
    kind = document.get("type")
    kind = kind if isinstance(kind, str) else None
    if kind == "Feature":
        items = [document]
    elif kind == "FeatureCollection" and isinstance(document.get("features"), list):
        items = document["features"]
    else:
        raise Refused(f"its type is {_named(kind)}, not a FeatureCollection with a list of "
                      "features")
    features, problems = [], []
    for number, item in enumerate(items, start=1):
        try:
            features.append(_feature(number, item))
        except Refused as exc:
            problems.append(FeatureProblem(number, str(exc)))
    return features, problems


def _feature(number: int, item) -> Feature:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        raise Refused("it is not a GeoJSON Feature")
    properties = item.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise Refused("its properties are not an object")
    geometry = item.get("geometry")
    return Feature(number, properties, None if geometry is None else parse_geometry(geometry))


def parse_geometry(geometry):
    """A shapely geometry from a GeoJSON geometry object, checked number by number.

    Raises
    ------
    Refused
        For an unknown type, coordinates of the wrong shape, or values that are not finite
        numbers.
    """
    if not isinstance(geometry, dict):
        raise Refused("its geometry is not an object")
    kind = geometry.get("type")
    kind = kind if isinstance(kind, str) else None
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            raise Refused("its GeometryCollection has no list of geometries")
        return shapely.GeometryCollection([parse_geometry(part) for part in parts])
    if kind not in _COORDINATE_DEPTH:
        raise Refused(f"its geometry type is {_named(kind)}; the atlas reads "
                      + ", ".join(_COORDINATE_DEPTH) + " and GeometryCollection")
    coordinates = geometry.get("coordinates")
    _check_coordinates(coordinates, _COORDINATE_DEPTH[kind])
    try:
        return shapely.geometry.shape({"type": kind, "coordinates": coordinates})
    except (ValueError, TypeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise Refused(f"its {kind} coordinates do not make a geometry ({exc})") from None


def _check_coordinates(value, depth: int) -> None:
    if depth == 1:
        if (not isinstance(value, list) or not 2 <= len(value) <= 3
                or not all(_is_number(v) for v in value)):
            raise Refused("a position is not [longitude, latitude] in numbers")
        return
    if not isinstance(value, list):
        raise Refused("its coordinates are not nested lists of [longitude, latitude]")
    for item in value:
        _check_coordinates(item, depth - 1)


def _is_number(value) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _named(value) -> str:
    if isinstance(value, str):
        return repr(value[:40])
    return "missing" if value is None else f"a {type(value).__name__}"
