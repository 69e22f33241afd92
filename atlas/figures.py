"""Plain Plotly figures: the timeline and the map. No Streamlit here.

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
NEUTRAL = "#999999"
PLACE_COLOUR = "#8c2d04"
# Mid greys read on both the light and the dark theme.
HIGHLIGHT = "#7f7f7f"
SOURCE_DATE = "#8a8a8a"

# A click selects a point; the ring drawn by the app marks it, so nothing is faded.
_NO_DIMMING = dict(selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)))

# Rows within a lane, so that events close in time do not hide each other.
_SUB_ROWS = 3
_SUB_STEP = 0.24

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


def map_extent(places: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """The longitude and latitude ranges that frame ``places`` (the fixed Near East if none)."""
    lon = pd.to_numeric(places["lon"], errors="coerce").dropna() if len(places) else pd.Series()
    lat = pd.to_numeric(places["lat"], errors="coerce").dropna() if len(places) else pd.Series()
    if lon.empty or lat.empty:
        return MAP_LON, MAP_LAT

    def frame(low: float, high: float, limit: float) -> tuple[float, float]:
        span = max(high - low, MAP_MIN_SPAN / (1 + 2 * MAP_PAD))
        middle = (low + high) / 2
        half = span * (1 + 2 * MAP_PAD) / 2
        return max(middle - half, -limit), min(middle + half, limit)

    return frame(lon.min(), lon.max(), 180.0), frame(lat.min(), lat.max(), 85.0)


def lane_positions(events: pd.DataFrame, lane: str, lane_order: list[str] | None = None):
    """Place each event on a lane, spreading neighbours over a few rows within the lane.

    Parameters
    ----------
    events : pandas.DataFrame
        Events with the loader's columns.
    lane : {"episode", "place", "faction"}
        What the lanes are.
    lane_order : list of str, optional
        Lane labels top first; labels not in it follow in order of first appearance.

    Returns
    -------
    y : numpy.ndarray
        Vertical position of each event (lane index plus a small offset).
    labels : list of str
        Lane labels, top first; lane ``i`` is centred on ``y == i``.
    """
    column = {"episode": schema.EPISODE_NAME, "place": schema.PLACE_NAME,
              "faction": schema.FACTION_NAME}[lane]
    names = events[column].replace("", "(no place)" if lane == "place" else "(none)")
    ordered = events.assign(_lane=names).sort_values(schema.BEST, kind="stable")
    seen = list(dict.fromkeys(ordered["_lane"]))
    seen_set = set(seen)
    order = [name for name in (lane_order or []) if name in seen_set]
    order_set = set(order)
    labels = order + [name for name in seen if name not in order_set]
    index = pd.Series(range(len(labels)), index=labels)
    lane_index = names.map(index).to_numpy(dtype=float)
    sub_row = ordered.groupby("_lane", sort=False).cumcount().reindex(events.index).to_numpy()
    offset = (sub_row % _SUB_ROWS - (_SUB_ROWS - 1) / 2) * _SUB_STEP
    return lane_index + offset, labels


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
) -> go.Figure:
    """Build the timeline of ``events``.

    Each event is a marker at its best estimate, coloured by its faction; an event whose
    earliest and latest days differ also shows that whole span, faintly when the date is
    uncertain or imprecise. Where sources give their own dates, each is a labelled diamond.

    Parameters
    ----------
    events : pandas.DataFrame
        Dated events to draw (the loader's columns).
    factions : pandas.DataFrame
        Factions with ``id``, ``name`` and ``colour``; one trace per faction, in this order.
    lane : {"episode", "place", "faction"}
        What the horizontal lanes are.
    lane_order : list of str, optional
        Lane labels top first (for episodes, the episodes table's order).
    axis : {"ce", "ah"}
        Julian CE ticks, or Islamic (AH) ticks.
    window : tuple of int, optional
        First and last month index shown (see ``atlas.dates.month_index``).
    source_dates : pandas.DataFrame, optional
        The loader's ``source_dates`` for these events.
    selected : str
        Id of the selected event, drawn with a ring.

    Returns
    -------
    plotly.graph_objects.Figure
        Every event trace carries the event id as ``customdata[0]``.
    """
    if len(events) > DENSITY_THRESHOLD:
        return density_figure(events, lane=lane, lane_order=lane_order, axis=axis, window=window)
    dense = len(events) > DENSE_THRESHOLD
    scatter = go.Scattergl if dense else go.Scatter
    y, labels = lane_positions(events, lane, lane_order)
    positions = pd.Series(y, index=events.index)
    fig = go.Figure()
    factions = factions.set_index("id")
    acting = set(events["faction_id"].unique())
    known = set(factions.index)
    present = [f for f in factions.index if f in acting]
    present += [f for f in events["faction_id"].unique() if f not in known]

    spans = events[schema.LATEST] > events[schema.EARLIEST]
    firm = spans & (events[schema.PRECISION] == "day") & ~events[schema.APPROXIMATE] & \
        ~events[schema.UNCERTAIN]
    for faction_id in present:
        colour = factions["colour"].get(faction_id, NEUTRAL)
        name = factions["name"].get(faction_id, faction_id)
        mine = events["faction_id"] == faction_id
        for subset, opacity, width, label in ((mine & spans & ~firm, 0.28, 10, "possible span"),
                                              (mine & firm, 0.85, 10, "duration")):
            if subset.any():
                xs, ys = _segments(events.loc[subset, schema.EARLIEST_ISO].to_numpy(),
                                   events.loc[subset, schema.LATEST_ISO].to_numpy(),
                                   positions[subset].to_numpy())
                fig.add_trace(scatter(
                    x=xs, y=ys, mode="lines", xcalendar="julian", hoverinfo="skip",
                    line=dict(color=colour, width=width), opacity=opacity, legendgroup=faction_id,
                    showlegend=False, name=f"{name}: {label}"))
        rows = events[mine]
        symbols = np.where(rows[schema.APPROXIMATE] | rows[schema.UNCERTAIN]
                           | (rows[schema.PRECISION] != "day"), "circle-open-dot", "circle")
        fig.add_trace(scatter(
            x=rows[schema.BEST_ISO], y=positions[mine], mode="markers", xcalendar="julian",
            name=escape_text([name])[0], legendgroup=faction_id,
            marker=dict(color=colour, size=13, symbol=symbols,
                        line=dict(color=colour if dense else "#333333", width=1.5)),
            customdata=_hover_data(rows), hovertemplate=_TIMELINE_HOVER,
            **_NO_DIMMING,
        ))

    if source_dates is not None and len(source_dates):
        _add_source_dates(fig, events, source_dates, positions, scatter)
    is_selected = events["id"] == selected
    if selected and is_selected.any():
        row = events.index[is_selected][0]
        fig.add_trace(go.Scatter(
            x=[events.at[row, schema.BEST_ISO]], y=[positions[row]], mode="markers",
            xcalendar="julian", name="Selected", showlegend=False, hoverinfo="skip",
            marker=dict(size=26, symbol="circle-open", color=HIGHLIGHT, line=dict(width=4)),
        ))

    _timeline_layout(fig, labels, axis, window)
    return fig


def _timeline_layout(fig: go.Figure, labels: list[str], axis: str, window) -> None:
    """The timeline's axes: dates in the chosen calendar, one lane per label, top first."""
    xaxis = dict(type="date", calendar="islamic" if axis == "ah" else "julian",
                 tickformatstops=_AH_TICKS if axis == "ah" else _CE_TICKS,
                 title=None,
                 showgrid=True, gridcolor="rgba(128,128,128,0.25)")
    if window is not None:
        first, _ = month_bounds(window[0])
        _, last = month_bounds(window[1])
        # The range is read in the axis's calendar, so an AH axis needs AH dates.
        to_text = _ah_iso if axis == "ah" else jdn_to_iso
        xaxis["range"] = [to_text(first), to_text(min(last + 1, _LAST_DAY))]
    fig.update_layout(
        xaxis=xaxis,
        yaxis=dict(tickvals=list(range(len(labels))),
                   ticktext=[_wrap(label) for label in escape_text(labels)], autorange="reversed",
                   range=[len(labels) - 0.5, -0.5], showgrid=False, zeroline=False,
                   fixedrange=True),
        height=max(320, 80 + 58 * len(labels)),
        margin=dict(l=10, r=10, t=10, b=10),
        showlegend=False,
        clickmode="event+select", dragmode="pan", hovermode="closest",
        font=dict(size=14),
    )


def density_figure(events: pd.DataFrame, *, lane: str = "episode",
                   lane_order: list[str] | None = None, axis: str = "ce",
                   window: tuple[int, int] | None = None) -> go.Figure:
    """The timeline of many events: one bubble per lane and month, sized by its event count.

    Parameters are those of :func:`timeline_figure`. Each bubble's ``customdata[0]`` is
    ``"month:YYYY-MM"`` (see :func:`density_month`), so a click can zoom to that month's year.
    """
    column = {"episode": schema.EPISODE_NAME, "place": schema.PLACE_NAME,
              "faction": schema.FACTION_NAME}[lane]
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
    fig = go.Figure(go.Scattergl(
        x=counts["month"] + "-15", y=lane_index, mode="markers", xcalendar="julian",
        name="Events per month",
        marker=dict(size=6 + 26 * np.sqrt(counts["count"].to_numpy() / biggest),
                    color=counts["count"], colorscale="Cividis", showscale=True,
                    colorbar=dict(title="events", thickness=10, len=0.8),
                    line=dict(width=0)),
        customdata=custom,
        hovertemplate="<b>%{customdata[2]} events</b><br>%{customdata[1]}<br>"
                      "month %{customdata[3]} (Julian)<br>Click to show that year's events"
                      "<extra></extra>",
        **_NO_DIMMING,
    ))
    _timeline_layout(fig, labels, axis, window)
    return fig


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


def _wrap(label: str, width: int = 18) -> str:
    """Break a long lane label over two lines at the space nearest its middle."""
    if len(label) <= width or " " not in label:
        return label
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return f"{label[:cut]}<br>{label[cut + 1:]}"


def _ah_iso(jdn: int) -> str:
    """An ISO-like string of the tabular Islamic date of ``jdn``, as Plotly's islamic axis reads."""
    year, month, day = jdn_to_ah(jdn)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _add_source_dates(fig, events, source_dates, positions, scatter) -> None:
    by_id = pd.Series(positions.to_numpy(), index=events["id"].to_numpy())
    dates = source_dates[source_dates["event_id"].isin(by_id.index)]
    if dates.empty:
        return
    titles = events.set_index("id")["title"]
    custom = np.column_stack([
        dates["event_id"].to_numpy(dtype=object), escape_text(dates["event_id"].map(titles)),
        escape_text(dates["source_label"]), escape_text(dates[schema.DATE_WORDS]),
        escape_text(dates["authority"]),
    ])
    fig.add_trace(scatter(
        x=dates[schema.BEST_ISO], y=dates["event_id"].map(by_id) - 0.3, mode="markers+text",
        xcalendar="julian", name="A source's own date",
        text=escape_text(dates["source_id"]), textposition="top center", textfont=dict(size=10),
        marker=dict(symbol="diamond-open", size=11, color=SOURCE_DATE, line=dict(width=2)),
        customdata=custom,
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} gives %{customdata[3]}"
                      "<extra>%{customdata[4]}</extra>",
    ))


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
        while filters change.

    Returns
    -------
    plotly.graph_objects.Figure
        Place traces carry the place id as ``customdata[0]``.
    """
    fig = go.Figure()
    for region in regions.itertuples():
        lon, lat = _line_coordinates(region.geometry.boundary)
        fig.add_trace(go.Scattergeo(
            lon=lon, lat=lat, mode="lines", fill="toself", fillcolor="rgba(120,110,90,0.10)",
            line=dict(color="rgba(90,80,60,0.55)", width=1, dash="dot"),
            name=f"{escape_text([region.name])[0]} (approximate)", hoverinfo="skip",
            showlegend=False))
    if len(regions):
        centres = regions.geometry.representative_point()
        fig.add_trace(go.Scattergeo(
            lon=centres.x, lat=centres.y, mode="text", text=escape_text(regions["name"].str.upper()),
            textfont=dict(color="rgba(80,70,50,0.65)", size=12), hoverinfo="skip",
            showlegend=False, name="Regions"))

    colours = factions.set_index("id")["colour"]
    names = factions.set_index("id")["name"]
    for faction_id, group in routes.groupby("faction_id", sort=False):
        lon, lat = _line_coordinates(group.geometry)
        fig.add_trace(go.Scattergeo(
            lon=lon, lat=lat, mode="lines", line=dict(color=colours.get(faction_id, NEUTRAL),
                                                      width=2.5, dash="dash"),
            name=f"Route: {escape_text([names.get(faction_id, faction_id)])[0]}",
            hoverinfo="skip"))
    if selected_route_event and len(routes):
        chosen = routes[routes["event_id"] == selected_route_event]
        if len(chosen):
            lon, lat = _line_coordinates(chosen.geometry)
            fig.add_trace(go.Scattergeo(
                lon=lon, lat=lat, mode="lines", name="Selected route", hoverinfo="skip",
                line=dict(color=colours.get(chosen["faction_id"].iloc[0], NEUTRAL), width=7)))

    # One trace, largest first, so that a small place beside a big one stays on top and clickable.
    rows = places.sort_values("count", ascending=False, kind="stable")
    uncertain = rows["location_certainty"].isin(UNCERTAIN_CERTAINTIES).to_numpy()
    for symbol, label in (("circle", "Place"), ("circle-open", "Place, location uncertain")):
        fig.add_trace(go.Scattergeo(lon=[None], lat=[None], mode="markers", name=label,
                                    hoverinfo="skip", marker=dict(size=12, symbol=symbol,
                                                                  color=PLACE_COLOUR)))
    if len(rows):
        custom = np.column_stack([rows["id"].to_numpy(dtype=object), escape_text(rows["name"]),
                                  rows["count"].to_numpy(dtype=object),
                                  escape_text(rows["location_certainty"]),
                                  escape_text(rows["certainty_note"])])
        fig.add_trace(go.Scattergeo(
            lon=rows["lon"], lat=rows["lat"], mode="markers+text", name="Places",
            text=escape_text(rows["name"] + np.where(uncertain, " (?)", "")),
            textposition="top center",
            textfont=dict(size=13, color="#1a1a1a"), customdata=custom, showlegend=False,
            marker=dict(size=9 + 7 * np.sqrt(rows["count"].to_numpy()),
                        symbol=np.where(uncertain, "circle-open", "circle"), color=PLACE_COLOUR,
                        opacity=np.where(rows["count"] > 0, 0.9, 0.45),
                        line=dict(color="#3b1a08", width=np.where(uncertain, 2.5, 1.5))),
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} event(s)<br>"
                          "Location: %{customdata[3]}<br>%{customdata[4]}<extra></extra>",
            **_NO_DIMMING))
    for place_id, colour, size in ((selected_place, HIGHLIGHT, 30), (focus_place, "#0072B2", 36)):
        row = places[places["id"] == place_id]
        if place_id and len(row):
            fig.add_trace(go.Scattergeo(
                lon=row["lon"], lat=row["lat"], mode="markers", hoverinfo="skip",
                showlegend=False, name="Highlighted place",
                marker=dict(size=size, symbol="circle-open", color=colour, line=dict(width=3))))

    lon_range, lat_range = extent or map_extent(places)
    fig.update_geos(
        projection_type="mercator", resolution=50,
        lonaxis_range=list(lon_range), lataxis_range=list(lat_range),
        showland=True, landcolor="#efe6d2", showocean=True, oceancolor="#cfe1ea",
        showlakes=True, lakecolor="#cfe1ea", showrivers=True, rivercolor="#5b9bd5",
        riverwidth=1.5, showcoastlines=True, coastlinecolor="#6b6b6b",
        showcountries=False, showsubunits=False, showframe=False, bgcolor="rgba(0,0,0,0)",
    )
    fig.update_layout(
        height=560, margin=dict(l=0, r=0, t=10, b=10), clickmode="event+select",
        dragmode="pan", legend=dict(orientation="h", yanchor="top", y=-0.01, x=0,
                                    font=dict(size=12)),
        font=dict(size=14),
    )
    return fig


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
