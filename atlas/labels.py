"""Label packing: where text labels go so that no two of them overlap. No Streamlit, no Plotly.

Two packers, both deterministic (the same input always gives the same answer, ties broken by
the items' order) and pure (arrays in, arrays out):

- :func:`pack_rows` stacks one-line labels into rows, as vis-timeline stacks its items: each
  label goes to the first row where it collides with no label already placed. Given a row limit,
  the labels that matter most are placed first and the rest are left untitled, and
  :func:`count_clusters` groups those into marks with one count each.
- :func:`place_boxes` places labels around points on a plane (a map): by priority, each label
  tries a few positions around its point and takes the first that overlaps nothing already
  drawn; a label with no free position is dropped (its point keeps its hover text).

Widths come from :func:`text_width`, a conservative estimate from the font size and the
characters (wider than the browser draws, never narrower), so a packing made for a plot of a
given size still holds when the plot is drawn wider.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Share of the font size each character takes, by kind of character; generous on purpose.
_NARROW = set("iljtfr.,;:'’!|() ")
_WIDE = set("MWmw@%&—…")
_NARROW_EM, _PLAIN_EM, _UPPER_EM, _WIDE_EM = 0.34, 0.58, 0.70, 0.92
ELLIPSIS = "…"


def text_width(text: str, size: float) -> float:
    """An upper estimate of the width in pixels of ``text`` drawn in a sans-serif font of ``size``.

    Parameters
    ----------
    text : str
        One line of plain text (no markup).
    size : float
        Font size in pixels.

    Returns
    -------
    float
        The estimated width, a few per cent wider than common sans-serif fonts draw it.
    """
    return sum(map(_em, text)) * size


@lru_cache(maxsize=4096)
def _em(char: str) -> float:
    """A character's width in ems (see :func:`text_width`)."""
    if char in _WIDE:
        return _WIDE_EM
    if char in _NARROW:
        return _NARROW_EM
    return _UPPER_EM if char.isupper() or char.isdigit() else _PLAIN_EM


@lru_cache(maxsize=65536)
def shorten(text: str, size: float, max_width: float) -> str:
    """``text`` cut at a word (or, failing that, a character) and ended with "…" to fit ``max_width``.

    Text that already fits is returned unchanged. Results are remembered: a page shows the same
    titles on every rerun.
    """
    if text_width(text, size) <= max_width:
        return text
    room = max_width / size - _em(ELLIPSIS)
    used, cut = 0.0, 0
    for char in text:
        used += _em(char)
        if used > room:
            break
        cut += 1
    cut = text[:cut]
    words = cut.rsplit(" ", 1)[0] if " " in cut.strip() and len(cut) > 8 else cut
    return words.rstrip(" ,;:-–") + ELLIPSIS


@dataclass(frozen=True)
class RowPacking:
    """Where :func:`pack_rows` put each label.

    Attributes
    ----------
    row : numpy.ndarray of int
        The row of each label, 0 first; -1 for a label left untitled (only with a row limit).
    rows : int
        How many rows the titled labels use.
    """

    row: np.ndarray
    rows: int

    @property
    def titled(self) -> np.ndarray:
        """Whether each label was placed."""
        return self.row >= 0


def pack_rows(left: Sequence[float], right: Sequence[float],
              priority: Sequence[float] | None = None, *, max_rows: int | None = None,
              gap: float = 6.0) -> RowPacking:
    """Stack horizontal label boxes into rows so that no two boxes in a row overlap.

    Each box, taken in turn, goes to the first row (0, 1, ...) where it overlaps no box placed
    before it, keeping at least ``gap`` pixels from its neighbours: vis-timeline's stacking.
    Without ``max_rows`` every box is placed, in order of ``left`` (rows grow as needed). With
    ``max_rows``, boxes are taken by ``priority`` (highest first), and a box that fits in none of
    the rows is left out (row -1).

    Parameters
    ----------
    left, right : sequence of float
        Each box's horizontal extent in pixels (``right >= left``).
    priority : sequence of float, optional
        How much each label matters; only used with ``max_rows``.
    max_rows : int, optional
        The most rows to use.
    gap : float
        Least horizontal space between two boxes in a row, in pixels.

    Returns
    -------
    RowPacking
        The row of each box. Ties (same priority, same ``left``) keep the input's order, so the
        same input always packs the same way. Cost: O(n · rows · log n).
    """
    left = np.asarray(left, dtype=float)
    right = np.maximum(np.asarray(right, dtype=float), left)
    n = len(left)
    if max_rows is None or priority is None:
        order = np.lexsort((np.arange(n), left))
    else:
        order = np.lexsort((np.arange(n), left, -np.asarray(priority, dtype=float)))
    limit = n if max_rows is None else max(int(max_rows), 0)
    # Per row, the placed boxes sorted by their left edge, and their right edges alongside.
    starts: list[list[float]] = []
    ends: list[list[float]] = []
    row = np.full(n, -1, dtype=int)
    for item in order:
        a, b = left[item] - gap / 2, right[item] + gap / 2
        for r in range(limit):
            if r == len(starts):
                starts.append([])
                ends.append([])
            if _free(starts[r], ends[r], a, b):
                at = bisect.bisect_left(starts[r], a)
                starts[r].insert(at, a)
                ends[r].insert(at, b)
                row[item] = r
                break
    return RowPacking(row=row, rows=int(row.max()) + 1 if n and row.max() >= 0 else 0)


def _free(starts: list[float], ends: list[float], a: float, b: float) -> bool:
    """Whether [a, b) overlaps none of a row's boxes (sorted by start, never overlapping)."""
    at = bisect.bisect_left(starts, a)
    if at < len(starts) and starts[at] < b:
        return False
    return not (at > 0 and ends[at - 1] > a)


@dataclass(frozen=True)
class Clusters:
    """Untitled marks grouped so that each group's count label has room (:func:`count_clusters`).

    Attributes
    ----------
    cluster : numpy.ndarray of int
        The cluster of each mark, numbered left to right.
    count : numpy.ndarray of int
        How many marks each cluster holds.
    label_left : numpy.ndarray of float
        Where each cluster's count label starts, in pixels: just right of its last mark.
    """

    cluster: np.ndarray
    count: np.ndarray
    label_left: np.ndarray


def count_clusters(x: Sequence[float], radius: float, label_width: float,
                   gap: float = 4.0) -> Clusters:
    """Group marks on one row so that a count label after each group overlaps no other group.

    Marks are taken left to right; a mark joins the current group when it starts before the end
    of the group's count label (drawn right after the group's last mark), else it starts a new
    group. So count labels never overlap each other or another group's marks.

    Parameters
    ----------
    x : sequence of float
        The marks' centres in pixels.
    radius : float
        Half a mark's width in pixels.
    label_width : float
        Width of the widest count label in pixels.
    gap : float
        Space between a group's last mark and its label, and between groups.
    """
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="stable")
    cluster = np.zeros(len(x), dtype=int)
    counts: list[int] = []
    label_left: list[float] = []
    for item in order:
        value = x[item]
        if counts and value - radius < label_left[-1] + label_width + gap:
            counts[-1] += 1
            label_left[-1] = max(label_left[-1], value + radius + gap)
        else:
            counts.append(1)
            label_left.append(value + radius + gap)
        cluster[item] = len(counts) - 1
    return Clusters(cluster=cluster, count=np.array(counts, dtype=int),
                    label_left=np.array(label_left, dtype=float))


# Positions tried around a point, in order: (horizontal, vertical) alignment of the label's box
# relative to the point, as Plotly's textposition names them.
POSITIONS = ("top center", "middle right", "middle left", "bottom center",
             "top right", "top left", "bottom right", "bottom left")


def label_box(x: float, y: float, width: float, height: float, position: str,
              offset: float) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom; y down) of a label at ``position`` around a point."""
    vertical, horizontal = position.split(" ")
    if horizontal == "center":
        left = x - width / 2
    elif horizontal == "right":
        left = x + (offset if vertical == "middle" else offset * 0.3)
    else:
        left = x - width - (offset if vertical == "middle" else offset * 0.3)
    if vertical == "middle":
        top = y - height / 2
    elif vertical == "top":
        top = y - offset - height
    else:
        top = y + offset
    return left, top, left + width, top + height


def place_boxes(x: Sequence[float], y: Sequence[float], width: Sequence[float],
                height: Sequence[float], offset: Sequence[float], *,
                obstacles: Sequence[tuple[float, float, float, float]] = (),
                positions: Sequence[str] = POSITIONS,
                bounds: tuple[float, float, float, float] | None = None,
                pad: float = 2.0) -> list[str | None]:
    """Choose a position around each point for its label so that no two labels overlap.

    Points are taken in the given order (put the most important first). Each tries
    ``positions`` in turn and takes the first whose box overlaps no label placed before, no
    obstacle and stays inside ``bounds``; a label with no such position gets None (leave it to
    hover).

    Parameters
    ----------
    x, y : sequence of float
        The points in pixels (y grows downwards).
    width, height : sequence of float
        Each label's size in pixels.
    offset : sequence of float
        Distance from each point to its label (the marker's radius and a little more).
    obstacles : sequence of (left, top, right, bottom)
        Boxes no label may cover (e.g. markers of the most important points).
    positions : sequence of str
        Candidate positions, in order of preference (see :data:`POSITIONS`).
    bounds : (left, top, right, bottom), optional
        The drawing area; labels must stay inside it.
    pad : float
        Space kept clear around each label, in pixels.

    Returns
    -------
    list of (str or None)
        The chosen position of each label, in the input's order.
    """
    placed: list[tuple[float, float, float, float]] = list(obstacles)
    chosen: list[str | None] = []
    for i in range(len(x)):
        choice = None
        for position in positions:
            left, top, right, bottom = label_box(x[i], y[i], width[i], height[i], position,
                                                 offset[i])
            box = (left - pad, top - pad, right + pad, bottom + pad)
            if bounds is not None and not _inside(box, bounds):
                continue
            if not any(boxes_overlap(box, other) for other in placed):
                choice = position
                placed.append(box)
                break
        chosen.append(choice)
    return chosen


def _inside(box, bounds) -> bool:
    return box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and \
        box[3] <= bounds[3]


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes (left, top, right, bottom) share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
