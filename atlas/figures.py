"""Plain Plotly figures: the timeline and the many-events timeline. No Streamlit here.

The map is :mod:`atlas.map_figures` (its public names are imported here too, as before); the
label packing is :mod:`atlas.timeline`. Both figures build one trace per faction (or per
layer), never one per event, so the cost grows with the number of factions, not of events,
and are made in one step (:func:`atlas.figure_base.one_figure`). Above ``DENSE_THRESHOLD``
events the timeline switches to WebGL traces. Dates are drawn from the loader's ISO strings of
Julian dates with ``xcalendar="julian"``; the axis shows Julian CE dates or, on request, the
Islamic calendar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from atlas import schema
from atlas.dates import jdn_to_ah, jdn_to_iso, month_bounds, month_index
from atlas.figure_base import NEUTRAL, NO_DIMMING, escape_text, one_figure

# The map's public names, imported from here by the pages, the benchmarks and the tests.
from atlas.map_figures import MAP_LAT as MAP_LAT
from atlas.map_figures import MAP_LON as MAP_LON
from atlas.map_figures import MAP_MIN_SPAN as MAP_MIN_SPAN
from atlas.map_figures import event_extent as event_extent
from atlas.map_figures import map_extent as map_extent
from atlas.map_figures import map_figure as map_figure
from atlas.map_figures import place_counts as place_counts
from atlas.timeline import LANE_COLUMNS, NORMAL, TimelineStyle, lane_items, layout_items

DENSE_THRESHOLD = 3000
# Above this many events in view the timeline shows how many events fall in each month of each
# lane; a click on a month zooms the window to its year, where single events show again.
DENSITY_THRESHOLD = 5000
DENSITY_PREFIX = "month:"
SOURCE_DATE = "#8a8a8a"

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
    found = [np.flatnonzero(trace["customdata"][:, 0] == event_id).tolist()
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
        **NO_DIMMING,
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


