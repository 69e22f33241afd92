"""The Story page's two figures: the story's timeline and the map framed on the step's place.

Plain Plotly figures, no Streamlit. The timeline gives each step its own row, labelled on the
axis with its number and title, so no two labels can overlap; the map reuses the atlas's
:func:`atlas.map_figures.map_parts` and adds the story's route so far.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from atlas import schema
from atlas.dates import jdn_to_iso
from atlas.figure_base import escape_text, one_figure
from atlas.filters import visible_routes
from atlas.map_figures import map_extent, map_parts, place_counts
from atlas.maplabels import MapStyle, Ring
from atlas.package.types import Package

# At most this many rows show at once; a longer story scrolls its rows with the current step.
MAX_ROWS = 12
LABEL_SIZE = 13
LABEL_CHARS = 34
RING = "#1a1a1a"
COMING_GREY = "#8a8a8a"
ROUTE_COLOUR = "#1a1a1a"
# The ring around the step's place; the map draws the place's name outside it.
CURRENT_RING = Ring(size=34, line=4, colour=RING, name="Current place")
# The map's half-span around the step's place, at least (degrees of longitude and latitude).
MIN_HALF_LON = 5.0
MIN_HALF_LAT = 2.6
_STATE_STYLE = {  # state -> (trace name, opacity, marker size)
    "past": ("Past steps", 1.0, 13),
    "current": ("Current step", 1.0, 15),
    "coming": ("Coming steps", 0.25, 11),
}


def step_label(number: int, title: str, state: str) -> str:
    """A row's label: '4. Title', shortened; the current step bold, coming steps grey."""
    text = f"{number}. {title}"
    if len(text) > LABEL_CHARS:
        text = text[: LABEL_CHARS - 1].rstrip() + "…"
    text = str(escape_text([text])[0])
    if state == "current":
        return f"<b>{text}</b>"
    if state == "coming":
        return f"<span style='color:{COMING_GREY}'>{text}</span>"
    return text


def visible_rows(total: int, current: int, limit: int = MAX_ROWS) -> tuple[int, int]:
    """The first and last row index (0-based) shown, keeping the current step in view."""
    if total <= limit:
        return 0, total - 1
    first = min(max(current - 1 - limit // 2, 0), total - limit)
    return first, first + limit - 1


def story_timeline_figure(events: pd.DataFrame, factions: pd.DataFrame, *, axis: str = "ce",
                          height: int = 280) -> go.Figure:
    """Build the story's timeline: a row per step, the current one ringed.

    Parameters
    ----------
    events : pandas.DataFrame
        :func:`atlas.story.story_events`: the story's events in step order with ``step`` and
        ``state`` ('past', 'current', 'coming').
    factions : pandas.DataFrame
        Factions with ``id`` and ``colour``.
    axis : {"ce", "ah"}
        Julian CE ticks, or Islamic (AH) ticks.
    height : int
        The figure's height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces named 'Past steps', 'Current step', 'Coming steps' and 'Ring' carry the
        event id as ``customdata[0]``; the y axis labels every step.
    """
    colours = factions.set_index("id")["colour"]
    current_rows = events.loc[events["state"] == "current", "step"]
    number = int(current_rows.iloc[0]) if len(current_rows) else 1
    # Only the rows in view are drawn, so a story of thousands of steps costs what twelve do.
    first, last = visible_rows(len(events), number)
    rows = events.iloc[first:last + 1]
    rows = rows.assign(y=rows["step"] - 1, colour=rows["faction_id"].map(colours).fillna("#999999"))
    dated = rows[rows[schema.HAS_DATE].astype(bool)]
    traces = [trace for state, style in _STATE_STYLE.items()
              for trace in _state_traces(dated[dated["state"] == state], *style)]
    current = dated[dated["state"] == "current"]
    if len(current):
        traces.append(dict(
            type="scatter", x=current[schema.BEST_ISO], y=current["y"], mode="markers",
            xcalendar="julian", name="Ring", customdata=current[["id"]].to_numpy(),
            hoverinfo="skip", cliponaxis=False,
            marker=dict(size=30, symbol="circle-open", color=RING, line=dict(width=3.5))))
    labels = [step_label(n, t, s) for n, t, s in zip(rows["step"], rows["title"], rows["state"],
                                                     strict=True)]
    xaxis = dict(type="date", calendar="islamic" if axis == "ah" else "julian",
                 tickformat="%b %-Y AH" if axis == "ah" else "%b %-Y",
                 showgrid=True, gridcolor="rgba(128,128,128,0.25)", nticks=6,
                 tickfont=dict(size=LABEL_SIZE))
    if len(dated):
        xaxis["range"] = _date_range(dated)
    return one_figure(traces, dict(
        xaxis=xaxis,
        yaxis=dict(tickvals=list(rows["y"]), ticktext=labels, range=[last + 0.5, first - 0.5],
                   showgrid=True, gridcolor="rgba(128,128,128,0.12)", zeroline=False,
                   fixedrange=True, tickfont=dict(size=LABEL_SIZE), automargin=True),
        height=height, margin=dict(l=6, r=12, t=6, b=6), showlegend=False,
        hovermode="closest", dragmode=False, font=dict(size=LABEL_SIZE),
    ))


def _state_traces(mine: pd.DataFrame, name: str, opacity: float, size: int) -> list[dict]:
    """The steps of one state: their possible spans, faint, then their markers; none if none."""
    if mine.empty:
        return []
    spans = mine[mine[schema.LATEST] > mine[schema.EARLIEST]]
    xs = np.column_stack([spans[schema.EARLIEST_ISO], spans[schema.LATEST_ISO],
                          np.full(len(spans), None)]).ravel()
    ys = np.column_stack([spans["y"], spans["y"], np.full(len(spans), None)]).ravel()
    return [
        dict(type="scatter", x=xs, y=ys, mode="lines", xcalendar="julian", hoverinfo="skip",
             line=dict(color="#777777", width=7), opacity=0.35 * opacity, showlegend=False,
             name=f"{name}: possible span"),
        dict(type="scatter", x=mine[schema.BEST_ISO], y=mine["y"], mode="markers",
             xcalendar="julian", name=name, opacity=opacity,
             customdata=np.column_stack([mine["id"], escape_text(mine["title"]),
                                         escape_text(mine[schema.DATE_WORDS])]),
             hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
             marker=dict(size=size, color=mine["colour"],
                         line=dict(color="#333333", width=1.5)))]


def _date_range(dated: pd.DataFrame) -> list[str]:
    """The x range: the story's first to last possible day, with a little room on each side."""
    first, last = int(dated[schema.EARLIEST].min()), int(dated[schema.LATEST].max())
    pad = max(15, (last - first) // 20)
    return [jdn_to_iso(first - pad), jdn_to_iso(last + pad)]


def step_extent(places: pd.DataFrame, place_id: str, previous_id: str = "", aspect: float = 1.6,
                story_places=()) -> tuple[tuple[float, float], tuple[float, float]]:
    """The map's frame: centred on ``place_id``, wide enough to show ``previous_id`` too.

    ``aspect`` is the map's width over its height; the frame is widened or heightened to it, so
    that the map fills its box. With no known place, the frame holds ``story_places`` (else
    every place).
    """
    coords = places.set_index("id")[["lon", "lat"]].astype(float)
    if place_id in coords.index:
        lon, lat = coords.loc[place_id]
        half_lon, half_lat = MIN_HALF_LON, MIN_HALF_LAT
        if previous_id in coords.index:
            before_lon, before_lat = coords.loc[previous_id]
            half_lon = max(half_lon, abs(before_lon - lon) * 1.25)
            half_lat = max(half_lat, abs(before_lat - lat) * 1.25)
    else:
        shown = coords[coords.index.isin(list(story_places))]
        shown = shown if len(shown) else coords
        if shown.empty:
            return map_extent(places)
        (west, south), (east, north) = shown.min(), shown.max()
        lon, lat = (west + east) / 2, (south + north) / 2
        half_lon = max(MIN_HALF_LON, (east - west) / 2 * 1.25)
        half_lat = max(MIN_HALF_LAT, (north - south) / 2 * 1.25)
    # Mercator stretches latitude by about 1/cos(lat): a degree north is taller than one east.
    stretch = 1 / max(np.cos(np.radians(lat)), 0.2)
    half_lon, half_lat = max(half_lon, half_lat * stretch * aspect), \
        max(half_lat, half_lon / (stretch * aspect))
    return ((max(lon - half_lon, -180.0), min(lon + half_lon, 180.0)),
            (max(lat - half_lat, -85.0), min(lat + half_lat, 85.0)))


def route_so_far(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The places the story has been framed on, up to the current step, each once in a row."""
    shown = events[(events["state"] != "coming") & (events["frame_place"] != "")]
    stops = shown.loc[shown["frame_place"] != shown["frame_place"].shift(), ["step", "frame_place"]]
    located = places.set_index("id")[["lon", "lat", "name"]]
    stops = stops[stops["frame_place"].isin(located.index)]
    return stops.join(located, on="frame_place").reset_index(drop=True)


# The story map's narrowest width in pixels at 1280x720 (its column beside the step's text); the
# labels are placed for it so that none overlaps.
STORY_MAP_WIDTH = 440.0


def story_map_figure(package: Package, events: pd.DataFrame, *, height: int = 330) -> go.Figure:
    """Build the map of one step: framed on its place, the story's route so far drawn.

    Parameters
    ----------
    package : Package
        The loaded data (places, routes, regions, factions).
    events : pandas.DataFrame
        :func:`atlas.story.story_events` at the current step.
    height : int
        The figure's height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        The atlas's map (places, regions, routes of the steps so far) with a 'Story so far'
        line through the places in step order and the 'Current place' ringed.
    """
    so_far = events[events["state"] != "coming"]
    current = events[events["state"] == "current"]
    place = current["frame_place"].iloc[0] if len(current) else ""
    stops = route_so_far(events, package.places)
    previous = stops["frame_place"].iloc[-2] if len(stops) > 1 else ""
    event_id = current["id"].iloc[0] if len(current) else ""
    drawn = place_counts(so_far, package.places)
    if place and not (drawn["id"] == place).any():
        # The step's place has no event yet: drawn anyway, so that its ring has a place.
        drawn = pd.concat([drawn, package.places[package.places["id"] == place].assign(count=0)],
                          ignore_index=True)
    traces, layout = map_parts(
        drawn, visible_routes(package.routes, so_far), package.regions, package.factions,
        selected_route_event=event_id,
        extent=step_extent(package.places, place, previous, story_places=events["frame_place"]),
        style=MapStyle(width=STORY_MAP_WIDTH, height=height),
        rings={place: CURRENT_RING} if place else None)
    if len(stops) > 1:
        traces.append(dict(
            type="scattergeo", lon=stops["lon"], lat=stops["lat"], mode="lines+markers",
            name="Story so far", hoverinfo="skip", line=dict(color=ROUTE_COLOUR, width=3),
            marker=dict(size=8, color=ROUTE_COLOUR, symbol="arrow", angleref="previous")))
    # The ring and the place's name on top of the route so far.
    traces.sort(key=lambda trace: trace.get("name") == CURRENT_RING.name)
    layout.update(height=height, showlegend=False, margin=dict(l=0, r=0, t=0, b=0),
                  dragmode=False)
    return one_figure(traces, layout)
