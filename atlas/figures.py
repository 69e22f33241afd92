"""Plain Plotly figures: the timeline and the map. No Streamlit here.

Over 400 lines for one job: the two figures share their palette, escaping, calendar axis
and label styles; the label packing and the map's frame are already apart (labels.py,
timeline.py, maplabels.py).

Both build one trace per faction (or per layer), never one per event, so the cost grows with
the number of factions, not of events; above ``DENSE_THRESHOLD`` events the timeline switches
to WebGL traces. Dates are drawn from the loader's ISO strings of Julian dates with
``xcalendar="julian"``; the axis shows Julian CE dates or, on request, the Islamic calendar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry.base import BaseGeometry

from atlas import escape, schema
from atlas.dates import jdn_to_ah, jdn_to_iso, month_bounds, month_index
from atlas.maplabels import NORMAL_MAP, MapStyle, Ring, choose_labels, fit_extent, marker_sizes
from atlas.timeline import LANE_COLUMNS, NORMAL, TimelineStyle, lane_items, layout_items

DENSE_THRESHOLD = 3000
# Above this many events in view the timeline shows how many events fall in each month of each
# lane; a click on a month zooms the window to its year, where single events show again.
DENSITY_THRESHOLD = 5000
DENSITY_PREFIX = "month:"
UNCERTAIN_CERTAINTIES = ("approximate", "uncertain", "disputed")
MAP_LON = (25.0, 50.0)
MAP_LAT = (12.0, 40.0)
# The map's frame around a package's places: a share of their span on each side, at least a
# few degrees across, so that one place or a few close ones still get some land around them.
MAP_PAD = 0.15
MAP_MIN_SPAN = 8.0
# Framed on one event, the map shows its place and route with this much land around them.
EVENT_MIN_SPAN = 5.0
NEUTRAL = "#999999"
PLACE_COLOUR = "#8c2d04"
# Mid greys read on both the light and the dark theme.
HIGHLIGHT = "#7f7f7f"
# The map's rings: around the selected event's place, and around the place the view is focused on.
SELECTED_RING = Ring(size=30, line=3, colour=HIGHLIGHT, name="Highlighted place")
FOCUS_RING = Ring(size=36, line=3, colour="#0072B2", name="Highlighted place")
SOURCE_DATE = "#8a8a8a"

# A click selects a point; the ring drawn by the app marks it, so nothing is faded.
_NO_DIMMING = dict(selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)))
# On the timeline the selected event is shown by Plotly's own selection: its marker grows and the
# other markers fade, their titles less (they stay legible). A click in the chart shows it at once, with no
# new figure; a selection made elsewhere (the picker, a link) is drawn as the figure's
# ``selectedpoints`` (see :func:`timeline_figure`).
UNSELECTED_OPACITY = 0.3
UNSELECTED_TEXT_OPACITY = 0.6
SELECTED_GROWTH = 10

# The timeline's margins above and below its rows (the axis's ticks go below), in pixels.
_TOP = 6
_BOTTOM = 34
# Room under the map for its legend, so that the legend never shrinks the map itself.
_LEGEND = 110

_TIMELINE_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<br>"
    "Place: %{customdata[4]}<br>Sources: %{customdata[5]}<extra>%{customdata[6]}</extra>"
)
_HOVER_COLUMNS = ["id", "title", schema.DATE_WORDS, schema.AH_WORDS, schema.PLACE_NAME,
                  schema.SOURCE_LABELS, schema.FACTION_NAME]

# CE ticks: years without leading zeros ("656", not "0656"), months as "May 656".
# Tick labels by zoom: days, then months, then whole years. Plotly matches stops with inclusive
# bounds, so the ranges must not touch; "%-Y" writes 656, never 0656.
_DAY_MS = 86_400_000
_CE_TICKS = [
    dict(dtickrange=[None, 27 * _DAY_MS], value="%-d %b %-Y"),
    dict(dtickrange=["M1", "M11"], value="%b %-Y"),
    dict(dtickrange=["M12", None], value="%-Y"),
]
_AH_TICKS = [
    dict(dtickrange=[None, 27 * _DAY_MS], value="%-d %b %-Y AH"),
    dict(dtickrange=["M1", "M11"], value="%b %-Y"),
    dict(dtickrange=["M12", None], value="%-Y AH"),
]


# The last day an axis can name: 31 December 9999 (EDTF's years have four digits).
_LAST_DAY = month_bounds(month_index(9999, 12))[1]

# Data text for Plotly's labels goes through the one escaping module.
escape_text = escape.plotly


def map_extent(places: pd.DataFrame, min_span: float = MAP_MIN_SPAN
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The longitude and latitude ranges that frame ``places`` (the fixed Near East if none)."""
    lon = pd.to_numeric(places["lon"], errors="coerce").dropna() if len(places) else pd.Series()
    lat = pd.to_numeric(places["lat"], errors="coerce").dropna() if len(places) else pd.Series()
    if lon.empty or lat.empty:
        return MAP_LON, MAP_LAT

    def frame(low: float, high: float, limit: float) -> tuple[float, float]:
        span = max(high - low, min_span / (1 + 2 * MAP_PAD))
        middle = (low + high) / 2
        half = span * (1 + 2 * MAP_PAD) / 2
        return max(middle - half, -limit), min(middle + half, limit)

    return frame(lon.min(), lon.max(), 180.0), frame(lat.min(), lat.max(), 85.0)


def event_extent(places: pd.DataFrame, routes, place_id: str, event_id: str):
    """The frame on one event: its place and its route with some land around, or None.

    Parameters
    ----------
    places : pandas.DataFrame
        All places (``id``, ``lon``, ``lat``).
    routes : geopandas.GeoDataFrame
        Route lines with ``event_id``.
    place_id, event_id : str
        The selected event's place and id.
    """
    points = places.loc[places["id"] == place_id, ["lon", "lat"]]
    chosen = routes[routes["event_id"] == event_id] if len(routes) and event_id else routes[:0]
    if len(chosen):
        lon, lat = _line_coordinates(chosen.geometry)
        points = pd.concat([points, pd.DataFrame({"lon": lon, "lat": lat}).dropna()])
    if points.dropna().empty:
        return None
    return map_extent(points, min_span=EVENT_MIN_SPAN)


def _segments(x0: np.ndarray, x1: np.ndarray, y: np.ndarray):
    """Interleave (x0, x1, None) so many segments draw as one trace."""
    n = len(x0)
    xs = np.empty(n * 3, dtype=object)
    ys = np.empty(n * 3, dtype=object)
    xs[0::3], xs[1::3], xs[2::3] = x0, x1, None
    ys[0::3], ys[1::3], ys[2::3] = y, y, None
    return xs, ys


def timeline_figure(
    events: pd.DataFrame,
    factions: pd.DataFrame,
    *,
    lane: str = "episode",
    lane_order: list[str] | None = None,
    axis: str = "ce",
    window: tuple[int, int] | None = None,
    source_dates: pd.DataFrame | None = None,
    selected: str = "",
    revision: int = 0,
    attestations: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    style: TimelineStyle = NORMAL,
) -> go.Figure:
    """Build the timeline of ``events``, each titled on the chart where there is room.

    Each event is a marker at its best estimate, coloured by its faction, with its title beside
    it (placed by :func:`atlas.timeline.layout_items`: no two titles overlap, lanes grow to fit,
    and on a wide window the least prominent events are marks with a count per cluster). An
    event whose earliest and latest days differ also shows that whole span under it, faintly
    when the date is uncertain or imprecise. Where sources give their own dates, each is a
    diamond; on lanes by source or authority each version stands at its own date instead, and
    a line joins the same event across lanes.

    Parameters
    ----------
    events : pandas.DataFrame
        Dated events to draw (the loader's columns).
    factions : pandas.DataFrame
        Factions with ``id``, ``name`` and ``colour``; one trace per faction, in this order.
    lane : {"episode", "place", "faction", "source", "authority"}
        What the horizontal lanes are.
    lane_order : list of str, optional
        Lane labels top first (for episodes, the episodes table's order).
    axis : {"ce", "ah"}
        Julian CE ticks, or Islamic (AH) ticks.
    window : tuple of int, optional
        First and last month index shown (see ``atlas.dates.month_index``); the events' own
        span when not given.
    source_dates : pandas.DataFrame, optional
        The loader's ``source_dates`` for these events.
    selected : str
        Id of the event drawn as selected (Plotly's ``selectedpoints``: its marker larger, the
        others faded), as a click on it in the chart would show it; "" for none.
    revision : int
        Written into the layout's ``meta`` when not 0: a figure otherwise the same as one the
        browser has, which it must take afresh (its chart has since shown another click).
    attestations, sources : pandas.DataFrame, optional
        The loader's tables, for lanes by source or authority.
    style : TimelineStyle
        Text, marker and row sizes (:data:`atlas.timeline.PROJECTOR` for a projector).

    Returns
    -------
    plotly.graph_objects.Figure
        Every event trace carries the event id as ``customdata[0]``.
    """
    if len(events) > DENSITY_THRESHOLD:
        return density_figure(events, lane=lane, lane_order=lane_order, axis=axis, window=window)
    scatter = "scattergl" if len(events) > DENSE_THRESHOLD else "scatter"
    items, labels = lane_items(events, lane, lane_order, attestations=attestations,
                               source_dates=source_dates, sources=sources)
    days = _window_days(items, window)
    layout = layout_items(items, labels, days, style)
    by_version = lane in ("source", "authority")
    traces = _version_links(layout.items, scatter) if by_version else []
    traces += _event_traces(layout.items, factions, scatter, style)
    traces += _count_traces(layout.counts, scatter, style)
    if not by_version and source_dates is not None and len(source_dates):
        traces += _source_dates(layout.items, source_dates, scatter, style)
    if selected:
        _select_event(traces, selected)
    figure_layout = _timeline_layout(layout.lanes, layout.rows, axis, days, style)
    if revision:
        figure_layout["meta"] = dict(selection_revision=revision)
    return one_figure(traces, figure_layout)


def _event_traces(items: pd.DataFrame, factions: pd.DataFrame, scatter: str,
                  style: TimelineStyle) -> list[dict]:
    """Per faction acting in ``items`` (the table's order, then unknown ones): its spans, then
    its markers with their titles."""
    factions = factions.set_index("id")
    acting = set(items["faction_id"].unique())
    known = set(factions.index)
    present = [f for f in factions.index if f in acting]
    present += [f for f in items["faction_id"].unique() if f not in known]
    columns = _item_columns(items)
    spans = (items["x1"] > items["x0"]).to_numpy()
    firm = spans & ~columns["open"]
    faction_of = items["faction_id"].to_numpy()
    traces = []
    for faction_id in present:
        colour = factions["colour"].get(faction_id, NEUTRAL)
        name = factions["name"].get(faction_id, faction_id)
        mine = faction_of == faction_id
        for subset, opacity, label in ((mine & spans & ~firm, 0.3, "possible span"),
                                       (mine & firm, 0.85, "duration")):
            if subset.any():
                traces.append(_span_trace(columns, subset, scatter, colour, opacity,
                                          legendgroup=faction_id, name=f"{name}: {label}"))
        traces.append(_marker_trace(columns, mine, scatter, colour, escape_text([name])[0],
                                    faction_id, style))
    return traces


def _item_columns(items: pd.DataFrame) -> dict[str, np.ndarray]:
    """What the event traces draw of each item, as arrays to take each faction's rows from
    (taking rows of the whole table, per faction, cost more than drawing them)."""
    return {
        "x0_iso": items["x0_iso"].to_numpy(), "x1_iso": items["x1_iso"].to_numpy(),
        "x_iso": items["x_iso"].to_numpy(), "y": items["y"].to_numpy(),
        "text": escape_text(items["text"]), "textposition": items["textposition"].to_numpy(),
        # Not a firm day: the marker is open and the span faint.
        "open": (items[schema.APPROXIMATE] | items[schema.UNCERTAIN]
                 | (items[schema.PRECISION] != "day")).to_numpy(),
        "hover": _item_hover(items),
    }


def _span_trace(columns: dict, rows: np.ndarray, scatter: str, colour: str, opacity: float,
                **names) -> dict:
    """The spans of the items ``rows`` picks as one line trace, just under their titles' line
    so that the text stays readable over them."""
    xs, ys = _segments(columns["x0_iso"][rows], columns["x1_iso"][rows],
                       columns["y"][rows] + 0.32)
    return dict(type=scatter, x=xs, y=ys, mode="lines", xcalendar="julian", hoverinfo="skip",
                line=dict(color=colour, width=4), opacity=opacity, showlegend=False, **names)


def _marker_trace(columns: dict, rows: np.ndarray, scatter: str, colour: str, name: str,
                  group: str, style: TimelineStyle) -> dict:
    """One faction's events (``rows``): a marker each, open where the date is not a firm day,
    with its title."""
    dense = scatter == "scattergl"
    return dict(
        type=scatter, x=columns["x_iso"][rows], y=columns["y"][rows], mode="markers+text",
        xcalendar="julian", name=name, legendgroup=group,
        text=columns["text"][rows], textposition=columns["textposition"][rows],
        textfont=dict(size=style.font, color=style.ink), **_unclipped(scatter),
        marker=dict(color=colour, size=style.marker,
                    symbol=np.where(columns["open"][rows], "circle-open-dot", "circle"),
                    line=dict(color=colour if dense else "#333333", width=1.5)),
        customdata=columns["hover"][rows], hovertemplate=_TIMELINE_HOVER,
        selected=dict(marker=dict(opacity=1, size=style.marker + SELECTED_GROWTH)),
        unselected=dict(marker=dict(opacity=UNSELECTED_OPACITY),
                        textfont=dict(color=_faded(style.ink))))


def _unclipped(scatter: str) -> dict:
    """Titles at the plot's edge may run past it; WebGL traces have no such option."""
    return {} if scatter == "scattergl" else {"cliponaxis": False}


def _count_traces(counts: pd.DataFrame, scatter: str, style: TimelineStyle) -> list[dict]:
    """The counts of untitled events ("+3"); a click on one zooms to its year, as on the
    many-events timeline."""
    if not len(counts):
        return []
    months = counts["x_iso"].str[:7]
    return [dict(
        type=scatter, x=counts["x_iso"], y=counts["y"], mode="markers+text",
        xcalendar="julian", name="Untitled events", showlegend=False,
        customdata=np.column_stack([DENSITY_PREFIX + months.str.lstrip("0"),
                                    counts["count"].to_numpy(dtype=object)]),
        hovertemplate="%{customdata[1]} more event(s): click to show that year<extra></extra>",
        text=[f"+{n}" for n in counts["count"]], textposition="middle right",
        textfont=dict(size=style.font, color=style.ink), **_unclipped(scatter),
        marker=dict(size=style.marker, color="rgba(0,0,0,0)"))]


def one_figure(traces: list[dict], layout: dict) -> go.Figure:
    """One figure of ``traces`` (dicts with their ``type``) and ``layout``, validated once.

    Plotly validates a figure given whole in one pass; each ``add_trace`` or ``update_layout``
    call validates and copies again, which made up most of a figure's build time.
    """
    return go.Figure({"data": traces, "layout": layout})


def _faded(ink: str | None) -> str:
    """``ink`` (a "#rrggbb" colour; else the chart's grey) at the opacity of a faded title."""
    ink = ink if ink and len(ink) == 7 and ink.startswith("#") else "#7f7f7f"
    red, green, blue = (int(ink[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{UNSELECTED_TEXT_OPACITY})"


def _select_event(traces: list[dict], event_id: str) -> None:
    """Draw ``event_id``'s markers as selected, as Plotly draws a clicked point; none if absent.

    Every trace with markers gets ``selectedpoints`` (empty where the event is not), as after a
    click, so that the other events fade.
    """
    found = [[i for i, row in enumerate(trace["customdata"]) if row[0] == event_id]
             if trace.get("customdata") is not None else [] for trace in traces]
    if not any(found):
        return
    for trace, points in zip(traces, found, strict=True):
        if "markers" in trace.get("mode", ""):
            trace["selectedpoints"] = points


def _item_hover(items: pd.DataFrame) -> np.ndarray:
    """Hover data of timeline items: the date this item stands at, and its lane as [7]."""
    return np.column_stack([_hover_data(items.assign(**{schema.DATE_WORDS: items["item_words"]})),
                            escape_text(items["lane"])])


def _window_days(items: pd.DataFrame, window) -> tuple[int, int]:
    """The first and last day shown: the window's months, else the items' own span."""
    if window is not None:
        return month_bounds(window[0])[0], month_bounds(window[1])[1]
    if len(items):
        return int(items["x0"].min()), int(items["x1"].max())
    return month_bounds(0)[0], month_bounds(0)[1]


def _version_links(items: pd.DataFrame, scatter: str) -> list[dict]:
    """A thin line joining each event's versions from lane to lane (top to bottom), if any."""
    ordered = items.sort_values(["id", "lane_index", "x"], kind="stable")
    following = ordered.groupby("id", sort=False).shift(-1)
    pairs = following["y"].notna()
    if not pairs.any():
        return []
    xs, ys = _segments(ordered.loc[pairs, "x_iso"].to_numpy(),
                       following.loc[pairs, "x_iso"].to_numpy(), ordered.loc[pairs, "y"].to_numpy())
    ys[1::3] = following.loc[pairs, "y"].to_numpy()
    return [dict(type=scatter, x=xs, y=ys, mode="lines", xcalendar="julian", hoverinfo="skip",
                 name="Same event in another version", showlegend=False,
                 line=dict(color=SOURCE_DATE, width=1.5, dash="dot"))]


def _timeline_layout(lanes: pd.DataFrame, rows: int, axis: str, days, style: TimelineStyle,
                     row: int | None = None) -> dict:
    """The timeline's axes: dates in the chosen calendar, rows of ``style.row`` pixels, each
    lane's name at the left of its first row and a rule between lanes."""
    xaxis = dict(type="date", calendar="islamic" if axis == "ah" else "julian",
                 tickformatstops=_AH_TICKS if axis == "ah" else _CE_TICKS,
                 tickfont=dict(size=style.font),
                 showgrid=True, gridcolor="rgba(128,128,128,0.25)")
    if days is not None:
        # The range is read in the axis's calendar, so an AH axis needs AH dates.
        to_text = _ah_iso if axis == "ah" else jdn_to_iso
        xaxis["range"] = [to_text(days[0]), to_text(min(days[1] + 1, _LAST_DAY))]
    row = row or style.row
    rows = max(rows, 1)
    return dict(
        xaxis=xaxis,
        yaxis=dict(visible=False, range=[rows, 0], fixedrange=True, zeroline=False),
        height=rows * row + _TOP + _BOTTOM,
        margin=dict(l=8, r=8, t=_TOP, b=_BOTTOM),
        showlegend=False,
        clickmode="event+select", dragmode="pan", hovermode="closest",
        font=dict(size=style.font),
        annotations=[dict(x=0, xref="paper", xanchor="left", y=y, yref="y", yanchor="middle",
                          text=f"<b>{label}</b>", showarrow=False,
                          font=dict(size=style.font, color=style.ink),
                          name="lane")
                     for label, y in zip(escape_text(lanes["label"]), lanes["y"], strict=True)],
        shapes=[dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=top, y1=top,
                     line=dict(color="rgba(128,128,128,0.45)", width=1))
                for top in lanes["top"].iloc[1:]],
    )


def density_figure(events: pd.DataFrame, *, lane: str = "episode",
                   lane_order: list[str] | None = None, axis: str = "ce",
                   window: tuple[int, int] | None = None) -> go.Figure:
    """The timeline of many events: one bubble per lane and month, sized by its event count.

    Parameters are those of :func:`timeline_figure`. Each bubble's ``customdata[0]`` is
    ``"month:YYYY-MM"`` (see :func:`density_month`), so a click can zoom to that month's year.
    """
    # Versions by source or authority are too many to draw one by one: episodes stand in.
    column = LANE_COLUMNS.get(lane, schema.EPISODE_NAME)
    names = events[column].replace("", "(no place)" if lane == "place" else "(none)")
    month = events[schema.BEST_ISO].str[:7]
    counts = (pd.DataFrame({"lane": names.to_numpy(), "month": month.to_numpy()})
              .groupby(["lane", "month"], sort=False).size().rename("count").reset_index())
    seen = list(dict.fromkeys(names))
    order = [name for name in (lane_order or []) if name in set(seen)]
    labels = order + [name for name in seen if name not in set(order)]
    lane_index = counts["lane"].map(pd.Series(range(len(labels)), index=labels))
    biggest = max(int(counts["count"].max()), 1) if len(counts) else 1
    months = counts["month"].to_numpy(dtype=object)
    custom = np.column_stack([
        DENSITY_PREFIX + counts["month"].str.lstrip("0"), escape_text(counts["lane"]),
        counts["count"].to_numpy(dtype=object), months])
    bubbles = dict(
        type="scattergl", x=counts["month"] + "-15", y=2 * lane_index + 1.5, mode="markers",
        xcalendar="julian", name="Events per month",
        marker=dict(size=6 + 26 * np.sqrt(counts["count"].to_numpy() / biggest),
                    color=counts["count"], colorscale="Cividis", showscale=True,
                    colorbar=dict(title="events", thickness=10, len=0.8),
                    line=dict(width=0)),
        customdata=custom,
        hovertemplate="<b>%{customdata[2]} events</b><br>%{customdata[1]}<br>"
                      "month %{customdata[3]} (Julian)<br>Click to show that year's events"
                      "<extra></extra>",
        **_NO_DIMMING,
    )
    lanes = pd.DataFrame({"label": labels, "top": [2 * i for i in range(len(labels))]})
    lanes["y"] = lanes["top"] + 0.5
    days = (month_bounds(window[0])[0], month_bounds(window[1])[1]) if window else None
    return one_figure([bubbles], _timeline_layout(lanes, 2 * len(labels), axis, days, NORMAL,
                                                  row=30))


def density_month(point_id: str) -> int | None:
    """The month index a density bubble stands for ("month:656-05"), or None for an event id."""
    if not str(point_id).startswith(DENSITY_PREFIX):
        return None
    year, _, month = point_id[len(DENSITY_PREFIX):].partition("-")
    try:
        return int(year or 0) * 12 + int(month) - 1
    except ValueError:
        return None


def _hover_data(rows: pd.DataFrame) -> np.ndarray:
    """The hover columns with every shown text escaped (the id, used by clicks, kept as is)."""
    return np.column_stack([rows["id"].to_numpy(dtype=object)]
                           + [escape_text(rows[column]) for column in _HOVER_COLUMNS[1:]])


def _ah_iso(jdn: int) -> str:
    """An ISO-like string of the tabular Islamic date of ``jdn``, as Plotly's islamic axis reads."""
    year, month, day = jdn_to_ah(jdn)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _source_dates(items: pd.DataFrame, source_dates: pd.DataFrame, scatter: str,
                  style: TimelineStyle) -> list[dict]:
    """A small diamond, on the event's row, at each date a source gives (hover says which).

    The diamonds sit on the line of the spans, under the titles' text, so as not to hide it.
    """
    by_id = items.drop_duplicates("id").set_index("id")
    dates = source_dates[source_dates["event_id"].isin(by_id.index)]
    if dates.empty:
        return []
    custom = np.column_stack([
        dates["event_id"].to_numpy(dtype=object),
        escape_text(dates["event_id"].map(by_id["title"])),
        escape_text(dates["source_label"]), escape_text(dates[schema.DATE_WORDS]),
        escape_text(dates["authority"]),
    ])
    return [dict(
        type=scatter, x=dates[schema.BEST_ISO], y=dates["event_id"].map(by_id["y"]) + 0.32,
        mode="markers", xcalendar="julian", name="A source's own date",
        marker=dict(symbol="diamond-open", size=style.marker - 3, color=SOURCE_DATE,
                    line=dict(width=2)),
        customdata=custom,
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} gives %{customdata[3]}"
                      "<extra>%{customdata[4]}</extra>",
    )]


def place_counts(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Count events per place and keep places with events or marked as landmarks.

    Parameters
    ----------
    events : pandas.DataFrame
        The events shown.
    places : pandas.DataFrame
        All places, with ``landmark``.

    Returns
    -------
    pandas.DataFrame
        The places to draw with a ``count`` column.
    """
    counts = events["place_id"].value_counts()
    drawn = places.assign(count=places["id"].map(counts).fillna(0).astype(int))
    return drawn[(drawn["count"] > 0) | drawn["landmark"]].reset_index(drop=True)


def map_figure(
    places: pd.DataFrame,
    routes,
    regions,
    factions: pd.DataFrame,
    *,
    selected_place: str = "",
    focus_place: str = "",
    selected_route_event: str = "",
    extent: tuple[tuple[float, float], tuple[float, float]] | None = None,
    style: MapStyle = NORMAL_MAP,
    rings: dict[str, Ring] | None = None,
) -> go.Figure:
    """Build the map: regions, routes by faction, and places sized by their number of events.

    Parameters
    ----------
    places : pandas.DataFrame
        Output of :func:`place_counts`.
    routes : geopandas.GeoDataFrame
        Route lines to draw (already restricted to the events shown).
    regions : geopandas.GeoDataFrame
        Approximate provinces.
    factions : pandas.DataFrame
        Factions with ``id``, ``name``, ``colour``.
    selected_place : str
        Place of the selected event, ringed.
    focus_place : str
        Place the timeline is restricted to, ringed differently.
    selected_route_event : str
        Event whose route is drawn bold.
    extent : tuple, optional
        ((lon min, lon max), (lat min, lat max)) to show; :func:`map_extent` of ``places``
        when not given. Pass the extent of all the package's places to keep the frame steady
        while filters change. It is widened to the frame's shape.
    style : MapStyle
        The frame's size and the label font; labels that would overlap another label or a
        place are left to hover (see :func:`atlas.maplabels.choose_labels`).
    rings : dict, optional
        More places to ring (place id -> :class:`atlas.maplabels.Ring`), such as the Story
        page's current place. A ringed place's name is drawn by its ring's trace, outside the
        ring, and no other name covers a ring.

    Returns
    -------
    plotly.graph_objects.Figure
        Place traces carry the place id as ``customdata[0]``.
    """
    return one_figure(*map_parts(
        places, routes, regions, factions, selected_place=selected_place,
        focus_place=focus_place, selected_route_event=selected_route_event, extent=extent,
        style=style, rings=rings))


def map_parts(places: pd.DataFrame, routes, regions, factions: pd.DataFrame, *,
              selected_place: str = "", focus_place: str = "", selected_route_event: str = "",
              extent=None, style: MapStyle = NORMAL_MAP,
              rings: dict[str, Ring] | None = None) -> tuple[list[dict], dict]:
    """The traces and the layout of :func:`map_figure` (same parameters), to add to."""
    frame = fit_extent(extent or map_extent(places), style)
    rows = places.sort_values("count", ascending=False, kind="stable")
    uncertain = rows["location_certainty"].isin(UNCERTAIN_CERTAINTIES).to_numpy()
    names = rows["name"].astype(str) + np.where(uncertain, " (?)", "")
    marker_of = dict(zip(rows["id"], marker_sizes(rows["count"]), strict=True))
    ringed = [(place_id, ring.around(marker_of.get(place_id, 0.0)))
              for place_id, ring in ((selected_place, SELECTED_RING), (focus_place, FOCUS_RING),
                                     *(rings or {}).items()) if place_id]
    largest = {place_id: max((r for p, r in ringed if p == place_id), key=lambda r: r.size)
               for place_id, _ in ringed}
    centres = regions.geometry.representative_point() if len(regions) else None
    region_names = regions["name"].astype(str).str.upper() if len(regions) else []
    place_at, region_at = choose_labels(
        rows.assign(landmark=rows["landmark"].astype(bool)), names, frame, style,
        selected=selected_place or next(iter(rings or {}), ""), rings=largest,
        regions=pd.DataFrame({"name": region_names, "lon": centres.x, "lat": centres.y})
        if centres is not None else None)
    # A ringed place's name is drawn by its largest ring, outside it.
    label_of = {place_id: (name, at) for place_id, name, at
                in zip(rows["id"], escape_text(names), place_at, strict=True)
                if place_id in largest}
    place_at = [None if place_id in largest else at
                for place_id, at in zip(rows["id"], place_at, strict=True)]
    traces = [_region_trace(region) for region in regions.itertuples()]
    if centres is not None:
        traces.append(_region_names(centres, region_names, region_at, style))
    traces += _route_traces(routes, factions, selected_route_event)
    traces += [dict(type="scattergeo", lon=[None], lat=[None], mode="markers", name=label,
                    hoverinfo="skip", marker=dict(size=12, symbol=symbol, color=PLACE_COLOUR))
               for symbol, label in (("circle", "Place"),
                                     ("circle-open", "Place, location uncertain"))]
    # The rings under the places, which stay on top and clickable.
    traces += [_ring_trace(places, place_id, ring,
                           label_of.get(place_id, ("", None)) if largest[place_id] is ring
                           else ("", None), style)
               for place_id, ring in ringed if (places["id"] == place_id).any()]
    if len(rows):
        traces.append(_place_trace(rows, names, uncertain, place_at, style))
    return traces, _map_layout(frame, style)


def _region_trace(region) -> dict:
    """A region's outline, dotted and faintly filled: its borders are approximate."""
    lon, lat = _line_coordinates(region.geometry.boundary)
    return dict(type="scattergeo", lon=lon, lat=lat, mode="lines", fill="toself",
                fillcolor="rgba(120,110,90,0.10)",
                line=dict(color="rgba(90,80,60,0.55)", width=1, dash="dot"),
                name=f"{escape_text([region.name])[0]} (approximate)", hoverinfo="skip",
                showlegend=False)


def _region_names(centres, names, region_at, style: MapStyle) -> dict:
    """The regions' names where :func:`atlas.maplabels.choose_labels` found them room."""
    shown = np.array([p is not None for p in region_at], dtype=bool)
    return dict(type="scattergeo", lon=centres.x[shown], lat=centres.y[shown], mode="text",
                text=escape_text(names[shown]),
                textposition=[p for p in region_at if p is not None],
                textfont=dict(color="rgba(80,70,50,0.75)", size=style.region_font),
                hoverinfo="skip", showlegend=False, name="Regions")


def _route_traces(routes, factions: pd.DataFrame, selected_event: str) -> list[dict]:
    """One dashed line trace per faction's routes, and the selected event's route bold."""
    colours = factions.set_index("id")["colour"]
    names = factions.set_index("id")["name"]
    traces = []
    for faction_id, group in routes.groupby("faction_id", sort=False):
        lon, lat = _line_coordinates(group.geometry)
        traces.append(dict(
            type="scattergeo", lon=lon, lat=lat, mode="lines",
            line=dict(color=colours.get(faction_id, NEUTRAL), width=2.5, dash="dash"),
            name=f"Route: {escape_text([names.get(faction_id, faction_id)])[0]}",
            hoverinfo="skip"))
    chosen = routes[routes["event_id"] == selected_event] if selected_event and len(routes) \
        else routes[:0]
    if len(chosen):
        lon, lat = _line_coordinates(chosen.geometry)
        traces.append(dict(
            type="scattergeo", lon=lon, lat=lat, mode="lines", name="Selected route",
            hoverinfo="skip",
            line=dict(color=colours.get(chosen["faction_id"].iloc[0], NEUTRAL), width=7)))
    return traces


def _ring_trace(places: pd.DataFrame, place_id: str, ring: Ring, label, style: MapStyle) -> dict:
    """``ring`` around ``place_id``, with the place's name outside it where ``label`` says."""
    row = places[places["id"] == place_id]
    name, at = label
    return dict(type="scattergeo", lon=row["lon"], lat=row["lat"],
                mode="markers+text" if at else "markers", text=[name] if at else None,
                textposition=at, textfont=dict(size=style.font, color="#1a1a1a"),
                hoverinfo="skip", showlegend=False, name=ring.name,
                marker=dict(size=ring.size, symbol="circle-open", color=ring.colour,
                            line=dict(width=ring.line)))


def _place_trace(rows: pd.DataFrame, names, uncertain: np.ndarray, place_at,
                 style: MapStyle) -> dict:
    """Every place in one trace, largest first, so that a small place beside a big one stays
    on top and clickable; named where ``place_at`` gives a position."""
    custom = np.column_stack([rows["id"].to_numpy(dtype=object), escape_text(rows["name"]),
                              rows["count"].to_numpy(dtype=object),
                              escape_text(rows["location_certainty"]),
                              escape_text(rows["certainty_note"])])
    return dict(
        type="scattergeo", lon=rows["lon"], lat=rows["lat"], mode="markers+text", name="Places",
        text=np.where([p is not None for p in place_at], escape_text(names), ""),
        textposition=[p or "top center" for p in place_at],
        textfont=dict(size=style.font, color="#1a1a1a"), customdata=custom, showlegend=False,
        marker=dict(size=marker_sizes(rows["count"]),
                    symbol=np.where(uncertain, "circle-open", "circle"), color=PLACE_COLOUR,
                    opacity=np.where(rows["count"] > 0, 0.9, 0.45),
                    line=dict(color="#3b1a08", width=np.where(uncertain, 2.5, 1.5))),
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} event(s)<br>"
                      "Location: %{customdata[3]}<br>%{customdata[4]}<extra></extra>",
        **_NO_DIMMING)


def _map_layout(frame, style: MapStyle) -> dict:
    """The map's geography (offline: Plotly's own base map, no modern borders) and its frame."""
    lon_range, lat_range = frame
    return dict(
        geo=dict(projection=dict(type="mercator"), resolution=50,
                 lonaxis=dict(range=list(lon_range)), lataxis=dict(range=list(lat_range)),
                 showland=True, landcolor="#efe6d2", showocean=True, oceancolor="#cfe1ea",
                 showlakes=True, lakecolor="#cfe1ea", showrivers=True, rivercolor="#5b9bd5",
                 riverwidth=1.5, showcoastlines=True, coastlinecolor="#6b6b6b",
                 showcountries=False, showsubunits=False, showframe=False,
                 bgcolor="rgba(0,0,0,0)"),
        height=style.height + _LEGEND, margin=dict(l=0, r=0, t=0, b=_LEGEND),
        clickmode="event+select", dragmode="pan",
        legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, font=dict(size=12)),
        font=dict(size=14))


def _line_coordinates(geometries):
    """Flatten (multi)lines into lon/lat arrays with None between parts, without a loop."""
    if isinstance(geometries, BaseGeometry):
        geometries = [geometries]
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    coords, index = shapely.get_coordinates(parts, return_index=True)
    breaks = np.append(np.flatnonzero(np.diff(index)) + 1, len(index))
    lon = np.insert(coords[:, 0].astype(object), breaks, None)
    lat = np.insert(coords[:, 1].astype(object), breaks, None)
    return lon, lat
