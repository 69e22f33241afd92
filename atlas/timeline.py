"""The titled timeline's layout: lanes, rows, which events carry their title. No Plotly here.

:func:`lane_items` turns events into the items drawn on the lanes (one per event, or, for lanes
by source or by cited authority, one per source's version with that source's own date);
:func:`layout_items` packs their titles into rows with :func:`atlas.labels.pack_rows`, so that
no two titles overlap and lanes grow to fit, and leaves the least prominent events untitled,
counted per cluster, when the window is too wide to title everything.
:mod:`atlas.figures` draws the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas import schema
from atlas.labels import count_clusters, pack_rows, shorten, text_width

# What matters most on an overview: battles, deaths, appointments, treaties. A package may set
# its own with a numeric ``prominence`` column on events; context events come last.
KIND_PROMINENCE = {
    "battle": 3, "killing": 3, "death": 3, "appointment": 3, "treaty": 3, "arbitration": 3,
    "siege": 2, "capture": 2, "dismissal": 2, "revolt": 2, "conquest": 2, "assassination": 3,
}
DEFAULT_PROMINENCE = 1
LANE_COLUMNS = {"episode": schema.EPISODE_NAME, "place": schema.PLACE_NAME,
                "faction": schema.FACTION_NAME}
NO_AUTHORITY = "in its own voice"


@dataclass(frozen=True)
class TimelineStyle:
    """Sizes of the titled timeline, in pixels.

    ``plot_width`` is the narrowest the plot area is expected to be drawn (titles are packed for
    it, so they still do not overlap when it is drawn wider); up to ``title_all`` events every
    event is titled and lanes grow as needed; beyond it the lanes together hold about
    ``max_rows`` rows (titles and marks; at least two a lane) and the most prominent events are
    titled first. ``ink`` is the titles'
    colour (None: the chart theme's, which is a mid grey; pass a dark or light ink to suit the
    page's theme, for more contrast on a projector).
    """

    font: int = 12
    row: int = 21
    marker: int = 11
    plot_width: float = 370.0
    max_label: float = 170.0
    title_all: int = 40
    max_rows: int = 18
    ink: str | None = None


NORMAL = TimelineStyle()
PROJECTOR = TimelineStyle(font=16, row=27, marker=15, plot_width=500.0, max_label=230.0,
                          max_rows=15)


def prominence(events: pd.DataFrame) -> np.ndarray:
    """How much each event matters on an overview: the data's ``prominence``, else by kind."""
    by_kind = events["kind"].map(KIND_PROMINENCE).fillna(DEFAULT_PROMINENCE).to_numpy(float)
    if "context" in events:
        by_kind = np.where(events["context"].astype(bool).to_numpy(), 0.0, by_kind)
    if "prominence" in events:
        given = pd.to_numeric(events["prominence"], errors="coerce").to_numpy(float)
        by_kind = np.where(np.isnan(given), by_kind, given)
    return by_kind


def lane_items(events: pd.DataFrame, lane: str, lane_order: list[str] | None = None, *,
               attestations: pd.DataFrame | None = None,
               source_dates: pd.DataFrame | None = None,
               sources: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The items to draw on each lane, and the lanes top first.

    Parameters
    ----------
    events : pandas.DataFrame
        Dated events (the loader's columns).
    lane : {"episode", "place", "faction", "source", "authority"}
        What the lanes are. By source, each source that reports an event holds it at the date
        that source gives (its own date where it gives one, else the event's); by authority,
        the same for each authority a source cites (a source citing none speaks in its own
        voice and has its own lane).
    lane_order : list of str, optional
        Lane labels top first; others follow in order of first appearance by date.
    attestations, source_dates, sources : pandas.DataFrame, optional
        The loader's tables; needed for lanes by source or authority.

    Returns
    -------
    items : pandas.DataFrame
        One row per item: the event's columns plus ``lane`` (label), ``lane_index``,
        ``x``/``x0``/``x1`` (best, earliest, latest Julian Day Numbers), the matching ISO
        strings ``x_iso``/``x0_iso``/``x1_iso``, ``item_words`` (the date in words this item
        stands at) and ``prominence``.
    labels : list of str
        The lanes, top first.
    """
    base = events.assign(prominence=prominence(events))
    if lane in LANE_COLUMNS:
        names = base[LANE_COLUMNS[lane]].replace("", "(no place)" if lane == "place" else "(none)")
        items = _with_dates(base.assign(lane=names), None)
    else:
        items = _version_items(base, lane, attestations, source_dates, sources)
    ordered = items.sort_values("x", kind="stable")["lane"]
    seen = list(dict.fromkeys(ordered))
    order = [name for name in (lane_order or []) if name in set(seen)]
    labels = order + [name for name in seen if name not in set(order)]
    items["lane_index"] = items["lane"].map(pd.Series(range(len(labels)), index=labels))
    return items.reset_index(drop=True), labels


def _with_dates(items: pd.DataFrame, own: pd.DataFrame | None) -> pd.DataFrame:
    """Attach x columns: the item's own date where ``own`` gives one, else the event's."""
    items = items.assign(x=items[schema.BEST], x0=items[schema.EARLIEST],
                         x1=items[schema.LATEST], x_iso=items[schema.BEST_ISO],
                         x0_iso=items[schema.EARLIEST_ISO], x1_iso=items[schema.LATEST_ISO],
                         item_words=items[schema.DATE_WORDS])
    if own is None or own.empty:
        return items
    for target, column in (("x", schema.BEST), ("x0", schema.EARLIEST), ("x1", schema.LATEST),
                           ("x_iso", schema.BEST_ISO), ("x0_iso", schema.EARLIEST_ISO),
                           ("x1_iso", schema.LATEST_ISO), ("item_words", schema.DATE_WORDS)):
        given = own[column].reindex(items.index)
        items[target] = given.where(given.notna(), items[target])
    return items


def _version_items(events, lane, attestations, source_dates, sources) -> pd.DataFrame:
    """One item per (event, source) or (event, authority), at the date that version gives."""
    columns = ["event_id", "source_id", "authority", "attestation_id"]
    if attestations is None or attestations.empty:
        return _with_dates(events.assign(lane=[])[:0], None)
    links = attestations.rename(columns={"id": "attestation_id"})[columns].copy()
    links["authority"] = links["authority"].fillna("").astype(str)
    shorts = (sources.set_index("id")["short"] if sources is not None and "short" in sources
              else pd.Series(dtype=object))
    source_name = links["source_id"].map(lambda s: f"{shorts.get(s, s)} ({s})")
    if lane == "source":
        links["lane"] = source_name
    else:
        links["lane"] = links["authority"].where(links["authority"] != "",
                                                 source_name + ", " + NO_AUTHORITY)
    dates = source_dates if source_dates is not None else pd.DataFrame(columns=["attestation_id"])
    dated = links.merge(dates.drop(columns=["event_id", "source_id", "authority"],
                                   errors="ignore"),
                        on="attestation_id", how="left")
    # A version with its own date stands there; the same source's other quotes on that event
    # add no second item.
    dated["own"] = dated[schema.BEST].notna()
    dated = dated.sort_values(["own"], ascending=False, kind="stable")
    key = ["event_id", "lane", schema.BEST]
    dated = dated.drop_duplicates(key)
    has_own = dated[dated["own"]].groupby(["event_id", "lane"]).size()
    dated = dated[dated["own"] | ~dated.set_index(["event_id", "lane"]).index.isin(has_own.index)]
    dated = dated.sort_index(kind="stable")
    chosen = events.set_index("id", drop=False)
    known = dated["event_id"].isin(chosen.index)
    dated = dated[known].reset_index(drop=True)
    items = chosen.loc[dated["event_id"]].reset_index(drop=True).assign(lane=dated["lane"])
    return _with_dates(items, dated)


@dataclass(frozen=True)
class TimelineLayout:
    """Where each item and its title go (see :func:`layout_items`).

    Attributes
    ----------
    items : pandas.DataFrame
        The items with ``y`` (row centre, rows count down from 0 at the top), ``text`` (the
        title, shortened to fit, or "" when untitled), ``textposition`` and ``titled``.
    counts : pandas.DataFrame
        One row per cluster of untitled items: ``x_iso`` of its last mark, ``y``, ``count``.
    lanes : pandas.DataFrame
        One row per lane: ``label``, ``top`` and ``bottom`` (in rows), ``y`` of its name.
    rows : int
        Rows in all; the plot is ``rows * style.row`` pixels high.
    """

    items: pd.DataFrame
    counts: pd.DataFrame
    lanes: pd.DataFrame
    rows: int


def layout_items(items: pd.DataFrame, labels: list[str], window: tuple[int, int],
                 style: TimelineStyle = NORMAL) -> TimelineLayout:
    """Pack the items' titles into rows per lane so that no two titles overlap.

    Each lane's name takes the left of its first row; each item's box runs from its marker
    (or its span, when it has one) to the end of its title, drawn right of the marker, or left
    of it near the right edge. With at most ``style.title_all`` items every item is titled and
    lanes take as many rows as they need; otherwise each lane gets a share of
    ``style.max_rows``, filled by prominence, and the other items become marks on one more row
    with a count per cluster.

    Parameters
    ----------
    items : pandas.DataFrame
        Output of :func:`lane_items`.
    labels : list of str
        The lanes, top first.
    window : (int, int)
        First and last Julian Day Number shown.
    style : TimelineStyle
        Sizes.

    Returns
    -------
    TimelineLayout
    """
    first, last = window
    width = style.plot_width
    scale = width / max(last + 1 - first, 1)
    x_px = (items["x"].to_numpy(float) - first) * scale
    x0_px = np.clip((items["x0"].to_numpy(float) - first) * scale, 0, width)
    x1_px = np.clip((items["x1"].to_numpy(float) + 1 - first) * scale, 0, width)
    radius = style.marker / 2 + 4
    texts = np.array([shorten(str(t), style.font, style.max_label) for t in items["title"]],
                     dtype=object)
    text_px = np.array([text_width(t, style.font) for t in texts])
    # An item whose own date lies outside the window shows only the part of its span inside.
    outside = (x_px < 0) | (x_px > width)
    texts[outside] = ""
    text_px[outside] = 0.0
    to_right = x_px + radius + text_px <= width
    left = np.where(to_right, x_px - radius, x_px - radius - text_px)
    right = np.where(to_right, x_px + radius + text_px, x_px + radius)
    spans = items["x1"].to_numpy(float) > items["x0"].to_numpy(float)
    left = np.where(outside, x0_px, left)
    right = np.where(outside, x1_px, right)
    left = np.where(spans, np.minimum(left, x0_px), left)
    right = np.where(spans, np.maximum(right, x1_px), right)
    lane_index = items["lane_index"].to_numpy(int)
    priority = items["prominence"].to_numpy(float)
    title_all = len(items) <= style.title_all
    members = [np.flatnonzero(lane_index == index) for index in range(len(labels))]
    # The lane's name sits at the left of its first row, as a box placed before any title.
    boxes = [(np.append(-1e9, left[mine]),
              np.append(text_width(label, style.font) + 8, right[mine]),
              np.append(np.inf, priority[mine])) for label, mine in zip(labels, members,
                                                                        strict=True)]
    # Each lane may add a row of counted marks under its titles: keep one row each for them.
    shares = None if title_all else _shares(boxes, style.max_rows - len(labels))

    row = np.full(len(items), -1, dtype=int)
    lane_rows = []
    for index, mine in enumerate(members):
        lefts, rights, priorities = boxes[index]
        packing = pack_rows(lefts, rights, priorities,
                            max_rows=None if shares is None else shares[index])
        row[mine] = packing.row[1:]
        lane_rows.append(max(packing.rows, 1))

    titled = row >= 0
    y = np.zeros(len(items))
    lanes, count_rows = [], []
    top = 0
    for index, label in enumerate(labels):
        mine = lane_index == index
        y[mine & titled] = top + row[mine & titled] + 0.5
        marks = np.flatnonzero(mine & ~titled)
        bottom = top + lane_rows[index]
        if len(marks):
            y[marks] = bottom + 0.5
            # Marks dated outside the window (only their span shows) are not counted.
            counted = marks[~outside[marks]]
            if len(counted):
                clusters = count_clusters(x_px[counted], style.marker / 2,
                                          text_width("+999", style.font))
                last = pd.Series(x_px[counted]).groupby(clusters.cluster).idxmax().to_numpy()
                count_rows.append(pd.DataFrame({
                    "x_iso": items["x_iso"].to_numpy()[counted][last],
                    "y": bottom + 0.5, "count": clusters.count}))
            bottom += 1
        lanes.append({"label": label, "top": top, "bottom": bottom, "y": top + 0.5})
        top = bottom
    placed = items.assign(
        y=y, titled=titled, text=np.where(titled, texts, ""),
        textposition=np.where(to_right, "middle right", "middle left"))
    counts = (pd.concat(count_rows, ignore_index=True) if count_rows
              else pd.DataFrame({"x_iso": [], "y": [], "count": []}))
    return TimelineLayout(items=placed, counts=counts, rows=top,
                          lanes=pd.DataFrame(lanes, columns=["label", "top", "bottom", "y"]))


def _shares(boxes, budget: int) -> list[int]:
    """Rows for each lane out of ``budget``: a lane needing few gets them all, and what it
    leaves goes to the lanes that need more (water-filling); every lane gets at least one."""
    needs = []
    for lefts, rights, _ in boxes:
        # Packed in date order with ``budget`` rows at most: the rows all its titles need.
        packing = pack_rows(lefts, rights, np.zeros(len(lefts)), max_rows=budget)
        needs.append(packing.rows if packing.titled.all() else budget + 1)
    shares = [0] * len(boxes)
    left_over = budget
    for count, index in enumerate(sorted(range(len(boxes)), key=lambda i: (needs[i], i))):
        fair = max(1, left_over // (len(boxes) - count))
        shares[index] = max(1, min(needs[index], fair))
        left_over -= shares[index]
    return shares
