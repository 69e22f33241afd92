"""The map: regions, routes by faction, places sized by their events, rings. No Streamlit here.

:func:`map_parts` makes the traces and the layout (the Story page's map adds its route to them);
:func:`map_figure` makes the figure. Labels are placed by :mod:`atlas.maplabels`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry.base import BaseGeometry

from atlas.figure_base import NEUTRAL, NO_DIMMING, escape_text, one_figure
from atlas.maplabels import NORMAL_MAP, MapStyle, Ring, choose_labels, fit_extent, marker_sizes

UNCERTAIN_CERTAINTIES = ("approximate", "uncertain", "disputed")
MAP_LON = (25.0, 50.0)
MAP_LAT = (12.0, 40.0)
# The map's frame around a package's places: a share of their span on each side, at least a
# few degrees across, so that one place or a few close ones still get some land around them.
MAP_PAD = 0.15
MAP_MIN_SPAN = 8.0
# Framed on one event, the map shows its place and route with this much land around them.
EVENT_MIN_SPAN = 5.0
PLACE_COLOUR = "#8c2d04"
# Mid greys read on both the light and the dark theme.
HIGHLIGHT = "#7f7f7f"
# The map's rings: around the selected event's place, and around the place the view is focused on.
SELECTED_RING = Ring(size=30, line=3, colour=HIGHLIGHT, name="Highlighted place")
FOCUS_RING = Ring(size=36, line=3, colour="#0072B2", name="Highlighted place")
# Room under the map for its legend, so that the legend never shrinks the map itself.
_LEGEND = 110


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
        **NO_DIMMING)


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
