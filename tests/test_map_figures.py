"""Tests for atlas/map_figures.py, read through fig.data and fig.layout."""

import pandas as pd
import pytest

from atlas.filters import FilterState, apply_filters
from atlas.map_figures import MAP_LAT, MAP_LON, MAP_MIN_SPAN, map_extent, map_figure, place_counts


@pytest.fixture
def package(tiny_package):
    """The tiny package, loaded once per session."""
    return tiny_package


def test_place_counts_keep_landmarks_and_places_with_events(package):
    """Test that counts come from the events shown and landmarks stay."""
    revolt = apply_filters(package, FilterState(episodes=("revolt",))).events
    counts = place_counts(revolt, package.places).set_index("id")["count"].to_dict()
    assert counts == {"medina": 2, "kharbata": 0}


def test_map_draws_places_by_certainty_sized_by_count(package):
    """Test that uncertain places are open markers marked (?) and size grows with the count."""
    fig = map_figure(place_counts(package.events, package.places), package.routes,
                     package.regions, package.factions)
    places = next(t for t in fig.data if t.name == "Places")
    ids = [row[0] for row in places.customdata]
    symbols = dict(zip(ids, places.marker.symbol, strict=True))
    sizes = dict(zip(ids, places.marker.size, strict=True))
    labels = dict(zip(ids, places.text, strict=True))
    assert symbols == {"medina": "circle", "kharbata": "circle-open", "fustat": "circle"}
    assert labels["kharbata"] == "Kharbata (?)" and labels["medina"] == "Medina"
    assert sizes["medina"] > sizes["fustat"]
    # Largest first, so smaller markers are drawn on top and stay clickable.
    assert list(places.marker.size) == sorted(places.marker.size, reverse=True)
    legend = {t.name for t in fig.data if t.showlegend is not False}
    assert {"Place", "Place, location uncertain"} <= legend


def test_map_is_offline_ready_without_modern_borders(package):
    """Test that the geo layout shows coasts and rivers and hides countries."""
    geo = map_figure(place_counts(package.events, package.places), package.routes,
                     package.regions, package.factions).layout.geo
    assert geo.showcoastlines and geo.showrivers and geo.showland and geo.showocean
    assert geo.showcountries is False and geo.showsubunits is False
    lon, lat = geo.lonaxis.range, geo.lataxis.range
    assert lon[0] < package.places["lon"].min() and package.places["lon"].max() < lon[1]
    assert lat[0] < package.places["lat"].min() and package.places["lat"].max() < lat[1]


def test_map_routes_coloured_by_faction_and_selected_route_bold(package):
    """Test that routes are drawn in their faction's colour, the selected one wider."""
    fig = map_figure(place_counts(package.events, package.places), package.routes,
                     package.regions, package.factions, selected_route_event="fall",
                     selected_place="fustat", focus_place="medina")
    route = next(t for t in fig.data if t.name == "Route: Syrians")
    bold = next(t for t in fig.data if t.name == "Selected route")
    assert route.line.color == "#CC79A7" and bold.line.width > route.line.width
    rings = [t for t in fig.data if t.name == "Highlighted place"]
    assert [list(t.lat) for t in rings] == [[30.006], [24.467]]


def test_regions_are_marked_approximate(package):
    """Test that each region is drawn and named as approximate."""
    fig = map_figure(place_counts(package.events, package.places), package.routes,
                     package.regions, package.factions)
    assert any(t.name == "Egypt (approximate)" and t.fill == "toself" for t in fig.data)


@pytest.mark.parametrize(
    ("lons", "lats"),
    [([39.6, 31.2, 44.4], [24.5, 30.0, 33.3]), ([28.97], [41.01]), ([-9.1, 139.7], [38.7, 35.7])],
)
def test_the_map_frames_the_data_places(lons, lats):
    """Test that the extent holds every place with a margin, and a lone place gets some land."""
    (lon0, lon1), (lat0, lat1) = map_extent(pd.DataFrame({"lon": lons, "lat": lats}))
    assert lon0 < min(lons) and max(lons) < lon1 and lat0 < min(lats) and max(lats) < lat1
    assert lon1 - lon0 >= MAP_MIN_SPAN - 1e-9 and lat1 - lat0 >= MAP_MIN_SPAN - 1e-9


def test_a_package_without_places_gets_the_default_frame():
    """Test that no places means the fixed Near East frame, not an error."""
    assert map_extent(pd.DataFrame({"lon": [], "lat": []})) == (MAP_LON, MAP_LAT)


def test_the_places_are_drawn_last_over_rings_routes_and_regions(package):
    """Test that the layers stack as the clicks need them: regions at the bottom, then routes,
    the rings, and the places on top (a click on a place must reach its marker)."""
    fig = map_figure(place_counts(package.events, package.places), package.routes,
                     package.regions, package.factions, selected_route_event="fall",
                     selected_place="fustat")
    names = [t.name for t in fig.data]
    assert names[-1] == "Places" and names[-2] == "Highlighted place"
    assert names.index("Egypt (approximate)") < names.index("Route: Syrians") \
        < names.index("Selected route") < names.index("Highlighted place")
