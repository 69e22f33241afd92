"""The map's frame and which of its labels to draw where, so that no two overlap. No Plotly here.

The map is a Mercator projection of a longitude/latitude box drawn into a frame of known pixel
size (Plotly fits the box into the frame); :func:`fit_extent` widens the box to the frame's
shape so that the map fills it, and :func:`to_pixels` gives each place's pixel position in it.
:func:`choose_labels` then places place names by priority (the selected place, the landmarks,
then by number of events) and region names where no place name is, with
:func:`atlas.labels.place_boxes`. A place ringed on the map (the selected event's, the Story
page's current one: a :class:`Ring`) has its name drawn by the ring's trace, outside the ring,
and no other name may cover the ring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from atlas.labels import label_box, place_boxes, text_width

Extent = tuple[tuple[float, float], tuple[float, float]]
REGION_POSITIONS = ("middle center", "bottom center", "top center", "middle right",
                    "middle left")


@dataclass(frozen=True)
class MapStyle:
    """Sizes of the map in pixels: the narrowest frame expected, and the label font."""

    width: float = 380.0
    height: int = 430
    font: int = 13
    region_font: int = 12


NORMAL_MAP = MapStyle()
PROJECTOR_MAP = MapStyle(width=520.0, height=430, font=16, region_font=14)


@dataclass(frozen=True)
class Ring:
    """An open circle drawn around a place: its Plotly marker size and line width in pixels."""

    size: float
    line: float
    colour: str
    name: str

    # The size is meant for a marker up to this wide; a ring around a wider one grows as much.
    FITS_MARKER = 20.0

    def around(self, marker: float) -> Ring:
        """This ring grown, if need be, to surround a place marker ``marker`` pixels wide."""
        return replace(self, size=self.size + max(0.0, float(marker) - self.FITS_MARKER))

    @property
    def outer_radius(self) -> float:
        """How far from the place the ring's line reaches, in pixels."""
        return (self.size + self.line) / 2

    @property
    def text_offset(self) -> float:
        """How far from the place Plotly draws the text of a marker of this size, in pixels.

        Plotly puts a marker's text at its radius / 0.8 + 1 (plotly.js ``textPointPosition``),
        which is outside the ring's line for the rings the atlas draws.
        """
        return self.size / 2 / 0.8 + 1


def _mercator_y(lat) -> np.ndarray:
    lat = np.radians(np.clip(np.asarray(lat, dtype=float), -85, 85))
    return np.log(np.tan(np.pi / 4 + lat / 2))


def _latitude(y: float) -> float:
    return float(np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2))


def fit_extent(extent: Extent, style: MapStyle) -> Extent:
    """Widen ``extent`` in one direction so that its Mercator box has the frame's shape."""
    (lon0, lon1), (lat0, lat1) = extent
    x_span = np.radians(lon1 - lon0)
    y0, y1 = _mercator_y([lat0, lat1])
    wanted = style.width / style.height
    if x_span / (y1 - y0) < wanted:
        grow = (wanted * (y1 - y0) - x_span) / 2
        lon0, lon1 = lon0 - np.degrees(grow), lon1 + np.degrees(grow)
    else:
        grow = (x_span / wanted - (y1 - y0)) / 2
        lat0, lat1 = _latitude(y0 - grow), _latitude(y1 + grow)
    return (float(max(lon0, -180)), float(min(lon1, 180))), (float(lat0), float(lat1))


def to_pixels(lon, lat, extent: Extent, style: MapStyle) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions (x right, y down) of points in the frame showing ``extent``."""
    (lon0, lon1), (lat0, lat1) = extent
    y0, y1 = _mercator_y([lat0, lat1])
    x_span = np.radians(lon1 - lon0)
    scale = min(style.width / x_span, style.height / (y1 - y0))
    x = np.radians(np.asarray(lon, dtype=float) - lon0) * scale
    y = (y1 - _mercator_y(lat)) * scale
    return x, y


def marker_sizes(counts) -> np.ndarray:
    """A place's marker diameter in pixels from its number of events."""
    return 9 + 7 * np.sqrt(np.asarray(counts, dtype=float))


def place_order(places: pd.DataFrame, selected: str = "") -> np.ndarray:
    """Positions of ``places`` rows by label priority: selected, landmarks, most events, name."""
    rank = np.where(places["id"] == selected, 0, np.where(places["landmark"].astype(bool), 1, 2))
    return np.lexsort((places["name"].to_numpy(str), -places["count"].to_numpy(float), rank))


def choose_labels(places: pd.DataFrame, texts, extent: Extent, style: MapStyle, *,
                  selected: str = "", regions: pd.DataFrame | None = None,
                  rings: Mapping[str, Ring] | None = None):
    """Where to draw each place name and region name, or None where there is no room.

    Parameters
    ----------
    places : pandas.DataFrame
        Places with ``id``, ``name``, ``lon``, ``lat``, ``count``, ``landmark``.
    texts : sequence of str
        The label of each place, as drawn.
    extent : ((lon0, lon1), (lat0, lat1))
        What the map shows (after :func:`fit_extent`).
    style : MapStyle
        Frame and font sizes.
    selected : str
        The selected event's place, labelled first.
    regions : pandas.DataFrame, optional
        ``name``, ``lon``, ``lat`` of each region's label point.
    rings : mapping of str to Ring, optional
        The places drawn with a ring (the largest one per place). No label may cover a ring,
        and a ringed place's own label is placed where the ring's trace draws it
        (:attr:`Ring.text_offset` from the place), outside the ring.

    Returns
    -------
    place_positions : list of (str or None)
        Each place's textposition, in the input's order.
    region_positions : list of (str or None)
        Each region's textposition.
    """
    bounds = (0.0, 0.0, *_frame(extent, style))
    x, y = to_pixels(places["lon"], places["lat"], extent, style)
    radius = marker_sizes(places["count"]) / 2
    offset = radius + 2
    rings = rings or {}
    ring_of = [rings.get(place) for place in places["id"]]
    # A ring is an obstacle as large as its line reaches; its place's label goes outside it.
    reach = np.array([max(r, ring.outer_radius) if ring else r
                      for r, ring in zip(radius, ring_of, strict=True)], dtype=float)
    offset = np.array([ring.text_offset if ring else o for o, ring in zip(offset, ring_of,
                                                                           strict=True)], dtype=float)
    markers = [(x[i] - reach[i], y[i] - reach[i], x[i] + reach[i], y[i] + reach[i])
               for i in range(len(places))]
    order = place_order(places, selected)
    height = style.font * 1.3
    texts = list(texts)
    chosen = place_boxes(x[order], y[order], [text_width(texts[i], style.font) for i in order],
                         [height] * len(order), offset[order], obstacles=markers,
                         bounds=bounds)
    place_positions: list[str | None] = [None] * len(places)
    taken = list(markers)
    for rank, i in enumerate(order):
        place_positions[i] = chosen[rank]
        if chosen[rank]:
            taken.append(label_box(x[i], y[i], text_width(texts[i], style.font), height,
                                   chosen[rank], offset[i]))
    region_positions: list[str | None] = []
    if regions is not None and len(regions):
        rx, ry = to_pixels(regions["lon"], regions["lat"], extent, style)
        names = list(regions["name"])
        region_positions = place_boxes(
            rx, ry, [text_width(n, style.region_font) for n in names],
            # A text-only trace draws its text right at the point (no marker to step around).
            [style.region_font * 1.3] * len(names), [2.0] * len(names),
            obstacles=taken, positions=REGION_POSITIONS, bounds=bounds)
    return place_positions, region_positions


def _frame(extent: Extent, style: MapStyle) -> tuple[float, float]:
    """The pixel width and height the extent's box takes in the frame."""
    (lon0, lon1), (lat0, lat1) = extent
    x, y = to_pixels([lon1], [lat0], extent, style)
    return float(x[0]), float(y[0])
