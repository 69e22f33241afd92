"""Tests of atlas/story_figures.py: the story's timeline and the map of a step, through fig.data."""

import numpy as np
import pytest

from atlas import story
from atlas.labels import boxes_overlap, label_box, text_width
from atlas.maplabels import MapStyle, fit_extent, to_pixels
from atlas.story_figures import (
    CURRENT_RING,
    LABEL_SIZE,
    MAX_ROWS,
    STORY_MAP_WIDTH,
    step_extent,
    story_map_figure,
    story_timeline_figure,
    visible_rows,
)


@pytest.fixture(scope="module")
def egypt(real_package):
    """'The fall of Egypt, 658'."""
    return story.read_stories(real_package)["egypt_658"]


def trace(fig, name):
    """The trace called ``name``."""
    return next(t for t in fig.data if t.name == name)


def test_the_current_step_is_ringed_past_solid_coming_faint(real_package, egypt):
    """Test that step 4's event is ringed, steps 1-3 are opaque and steps 5-12 faint."""
    events = story.story_events(real_package, egypt, 4)
    fig = story_timeline_figure(events, real_package.factions)
    assert list(trace(fig, "Ring").customdata[:, 0]) == ["ali_help_for_egypt"]
    assert trace(fig, "Ring").marker.symbol == "circle-open"
    past, coming = trace(fig, "Past steps"), trace(fig, "Coming steps")
    assert list(past.customdata[:, 0]) == list(events["id"][:3])
    assert len(coming.customdata) == 8
    assert past.opacity == 1 and coming.opacity < 0.5


def test_every_step_is_labelled_on_its_own_row_large_enough_to_read(real_package, egypt):
    """Test that each step has a label on its own row, rows tall enough that labels cannot touch."""
    height = 272
    fig = story_timeline_figure(story.story_events(real_package, egypt, 4), real_package.factions,
                                height=height)
    yaxis = fig.layout.yaxis
    assert len(set(yaxis.tickvals)) == len(yaxis.ticktext) == 12
    assert yaxis.tickfont.size >= 12 and fig.layout.xaxis.tickfont.size >= 12
    plot_height = height - fig.layout.margin.t - fig.layout.margin.b - 30  # minus the date ticks
    assert plot_height / 12 >= LABEL_SIZE * 1.2
    assert yaxis.ticktext[3] == "<b>4. Ali's help for Egypt fails</b>"
    assert yaxis.ticktext[0].startswith("1. Mu'awiya")
    assert "color:#8a8a8a" in yaxis.ticktext[4]
    assert all(len(t) < 120 for t in yaxis.ticktext)


def test_labels_are_escaped(real_package, egypt):
    """Test that a title with markup reaches Plotly as text."""
    events = story.story_events(real_package, egypt, 1)
    events.loc[0, "title"] = "<a href='x'>bad</a>"
    fig = story_timeline_figure(events, real_package.factions)
    assert "<a " not in fig.layout.yaxis.ticktext[0] and "&lt;a" in fig.layout.yaxis.ticktext[0]


@pytest.mark.parametrize(("total", "current", "expected"), [
    (8, 8, (0, 7)), (12, 12, (0, 11)), (30, 1, (0, 11)), (30, 15, (8, 19)), (30, 30, (18, 29)),
])
def test_a_long_story_shows_the_rows_around_the_current_step(total, current, expected):
    """Test that at most MAX_ROWS rows show, the current one among them."""
    first, last = visible_rows(total, current)
    assert (first, last) == expected
    assert first <= current - 1 <= last and last - first + 1 <= MAX_ROWS


def test_a_long_story_draws_only_the_rows_in_view(real_package):
    """Test that an episode story longer than MAX_ROWS draws MAX_ROWS rows around the current."""
    told = story.read_stories(real_package)["episode-egypt_conquest"]
    assert len(told) > MAX_ROWS
    fig = story_timeline_figure(story.story_events(real_package, told, len(told)), real_package.factions)
    assert len(fig.layout.yaxis.ticktext) == MAX_ROWS
    assert fig.layout.yaxis.ticktext[-1].startswith(f"<b>{len(told)}. ")
    assert list(fig.layout.yaxis.range) == [len(told) - 0.5, len(told) - MAX_ROWS - 0.5]


def test_the_timeline_draws_in_the_hijri_calendar(real_package, egypt):
    """Test that the AH axis is an Islamic-calendar date axis over the same Julian data."""
    fig = story_timeline_figure(story.story_events(real_package, egypt, 2), real_package.factions, axis="ah")
    assert fig.layout.xaxis.calendar == "islamic"
    assert trace(fig, "Current step").xcalendar == "julian"


def test_the_map_is_framed_on_the_steps_place_with_the_route_so_far(real_package, egypt):
    """Test that step 4 (Kufa) is centred, Fustat (the stop before) in frame, the route drawn."""
    fig = story_map_figure(real_package, story.story_events(real_package, egypt, 4))
    places = real_package.places.set_index("id")
    lon_range, lat_range = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    kufa, fustat = places.loc["kufa"], places.loc["fustat"]
    # The frame is a Mercator box: Kufa stands in its middle third across and down, as drawn.
    def mercator(lat):
        return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))

    across = (kufa["lon"] - lon_range[0]) / (lon_range[1] - lon_range[0])
    south, north = mercator(np.array(lat_range))
    down = (north - mercator(kufa["lat"])) / (north - south)
    assert 1 / 3 < across < 2 / 3 and 1 / 3 < down < 2 / 3, (across, down)
    assert lon_range[0] < fustat["lon"] < lon_range[1] and lat_range[0] < fustat["lat"] < lat_range[1]
    route = trace(fig, "Story so far")
    assert list(route.lon) == [fustat["lon"], kufa["lon"]]
    ring = trace(fig, "Current place")
    assert list(ring.lon) == [kufa["lon"]]


def test_a_step_without_any_place_yet_frames_the_whole_story(real_package, egypt):
    """Test that step 1 (no place, nothing before it) frames the story's places, no route."""
    fig = story_map_figure(real_package, story.story_events(real_package, egypt, 1))
    assert "Story so far" not in [t.name for t in fig.data]
    assert "Current place" not in [t.name for t in fig.data]
    lon_range, lat_range = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    places = real_package.places.set_index("id").loc[sorted(set(egypt.steps["frame_place"]) - {""})]
    assert list(places.index) == ["fustat", "kufa"]
    assert (lon_range[0] < places["lon"]).all() and (places["lon"] < lon_range[1]).all()
    assert (lat_range[0] < places["lat"]).all() and (places["lat"] < lat_range[1]).all()


@pytest.mark.parametrize(("place", "previous"), [("medina", ""), ("medina", "dhu_khushub"),
                                                  ("kufa", "fustat"), ("fustat", "siffin")])
def test_the_frame_is_centred_and_fits_the_maps_box(real_package, place, previous):
    """Test that the frame is centred on the place, holds the previous one, and is map-shaped."""
    coords = real_package.places.set_index("id")
    (lon0, lon1), (lat0, lat1) = step_extent(real_package.places, place, previous, aspect=1.6)
    assert np.isclose((lon0 + lon1) / 2, coords.at[place, "lon"])
    assert np.isclose((lat0 + lat1) / 2, coords.at[place, "lat"])
    if previous:
        assert lon0 < coords.at[previous, "lon"] < lon1 and lat0 < coords.at[previous, "lat"] < lat1
    stretch = 1 / np.cos(np.radians(coords.at[place, "lat"]))
    assert (lon1 - lon0) / ((lat1 - lat0) * stretch) == pytest.approx(1.6, rel=0.01)


def drawn_labels(fig, width: float):
    """Each place name a map figure draws: its text and box (as the atlas models Plotly's), by
    the trace that draws it (the offset follows that trace's marker size)."""
    geo = fig.layout.geo
    style = MapStyle(width=width, height=fig.layout.height)
    extent = fit_extent((tuple(geo.lonaxis.range), tuple(geo.lataxis.range)), style)
    labels = []
    for t in fig.data:
        if "text" not in (t.mode or "") or "markers" not in t.mode or t.text is None:
            continue
        x, y = to_pixels(list(t.lon), list(t.lat), extent, style)
        sizes = np.broadcast_to(np.asarray(t.marker.size, dtype=float), (len(x),))
        positions = [t.textposition] * len(x) if isinstance(t.textposition, str) \
            else list(t.textposition)
        for i, text in enumerate(t.text):
            if text:
                labels.append((text, label_box(x[i], y[i], text_width(text, style.font),
                                               style.font * 1.3, positions[i],
                                               sizes[i] / 2 / 0.8 + 1)))
    return labels


def test_the_steps_place_is_named_outside_its_ring_and_no_name_covers_the_ring(real_package,
                                                                                 egypt):
    """Test that at step 4 of 'The fall of Egypt, 658' Kufa's name is drawn outside the black
    ring around Kufa, and no place name is drawn over the ring."""
    fig = story_map_figure(real_package, story.story_events(real_package, egypt, 4), height=300)
    ring = trace(fig, "Current place")
    assert fig.data[-1] is ring  # on top of the route so far
    labels = drawn_labels(fig, STORY_MAP_WIDTH)
    geo = fig.layout.geo
    style = MapStyle(width=STORY_MAP_WIDTH, height=fig.layout.height)
    extent = fit_extent((tuple(geo.lonaxis.range), tuple(geo.lataxis.range)), style)
    x, y = to_pixels(list(ring.lon), list(ring.lat), extent, style)
    assert ring.marker.size >= CURRENT_RING.size
    reach = (ring.marker.size + ring.marker.line.width) / 2
    ring_box = (x[0] - reach, y[0] - reach, x[0] + reach, y[0] + reach)
    assert "Kufa" in [text for text, _ in labels]
    assert list(ring.text) == ["Kufa"]
    assert not [text for text, box in labels if boxes_overlap(box, ring_box)]
