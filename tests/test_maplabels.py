"""Tests for atlas/maplabels.py: the map's frame and labels that never overlap."""

import numpy as np
import pandas as pd
import pytest

from atlas.figures import event_extent, map_extent, place_counts
from atlas.labels import boxes_overlap, label_box, text_width
from atlas.maplabels import (
    NORMAL_MAP,
    PROJECTOR_MAP,
    Ring,
    choose_labels,
    fit_extent,
    marker_sizes,
    place_order,
    to_pixels,
)


def test_fit_extent_gives_the_frames_shape():
    """Test that the widened box fills the frame: same pixel width and height as the style."""
    extent = fit_extent(((30.0, 40.0), (20.0, 40.0)), NORMAL_MAP)
    x, y = to_pixels([extent[0][1]], [extent[1][0]], extent, NORMAL_MAP)
    assert x[0] == pytest.approx(NORMAL_MAP.width, rel=1e-6)
    assert y[0] == pytest.approx(NORMAL_MAP.height, rel=1e-6)


def test_priority_puts_the_selected_place_then_landmarks_then_busy_places(real_package):
    """Test the order labels are chosen in."""
    places = place_counts(real_package.events, real_package.places)
    order = place_order(places, selected="kufa")
    names = list(places["id"].iloc[order])
    assert names[0] == "kufa"
    landmarks = set(places.loc[places["landmark"].astype(bool), "id"]) - {"kufa"}
    assert set(names[1:1 + len(landmarks)]) == landmarks


@pytest.mark.parametrize("style", [NORMAL_MAP, PROJECTOR_MAP])
@pytest.mark.parametrize("selected", ["", "muhammad_killed", "battle_of_siffin"])
def test_real_map_labels_overlap_neither_each_other_nor_places(real_package, style, selected):
    """Test that on the real map no label box overlaps another label or another place's marker,
    and that the five places the design names are labelled on the overview."""
    places = place_counts(real_package.events, real_package.places)
    place = real_package.events.loc[real_package.events["id"] == selected, "place_id"]
    place = place.iloc[0] if len(place) else ""
    extent = fit_extent(event_extent(real_package.places, real_package.routes, place, selected)
                        or map_extent(real_package.places), style)
    texts = list(places["name"])
    regions = real_package.regions.geometry.representative_point()
    frame = regions.to_frame("p").assign(name=real_package.regions["name"].str.upper(),
                                         lon=regions.x, lat=regions.y)
    at, region_at = choose_labels(places, texts, extent, style, selected=place, regions=frame)
    x, y = to_pixels(places["lon"], places["lat"], extent, style)
    radius = marker_sizes(places["count"]) / 2
    boxes = [label_box(x[i], y[i], text_width(texts[i], style.font), style.font * 1.3, p,
                       radius[i] + 2) for i, p in enumerate(at) if p]
    rx, ry = to_pixels(frame["lon"], frame["lat"], extent, style)
    boxes += [label_box(rx[i], ry[i], text_width(n, style.region_font), style.region_font * 1.3,
                        p, 2.0) for i, (n, p) in enumerate(zip(frame["name"], region_at,
                                                                strict=True)) if p]
    assert all(not boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    labelled = [i for i, p in enumerate(at) if p]
    for box, i in zip(boxes, labelled, strict=False):
        for j in np.flatnonzero(np.arange(len(places)) != i):
            marker = (x[j] - radius[j], y[j] - radius[j], x[j] + radius[j], y[j] + radius[j])
            assert not boxes_overlap(box, marker), (texts[i], texts[j])
    if not selected:
        shown = {places["id"].iloc[i] for i in labelled}
        assert {"medina", "fustat", "kharbata", "siffin", "dumat_al_jandal"} <= shown
    else:
        assert at[list(places["id"]).index(place)] is not None


def test_the_map_frames_the_selected_events_place_and_route(real_package):
    """Test that framing on an event with a route takes in every point of the route."""
    routes = real_package.routes
    event_id = routes["event_id"].iloc[0]
    place = real_package.events.loc[real_package.events["id"] == event_id, "place_id"].iloc[0]
    (lon0, lon1), (lat0, lat1) = event_extent(real_package.places, routes, place, event_id)
    bounds = routes[routes["event_id"] == event_id].total_bounds
    assert lon0 <= bounds[0] and bounds[2] <= lon1 and lat0 <= bounds[1] and bounds[3] <= lat1
    assert event_extent(real_package.places, routes, "", "") is None


def test_no_label_covers_a_ring_and_the_ringed_place_is_named_outside_it():
    """Test that with a ring around Kufa, Kufa's name sits outside the ring and no other name
    (al-Hira's, a few pixels away) is placed over it."""
    ring = Ring(size=34, line=4, colour="#1a1a1a", name="Current place")
    places = pd.DataFrame({"id": ["kufa", "hira", "basra"], "name": ["Kufa", "al-Hira", "Basra"],
                           "lon": [44.40, 44.46, 47.80], "lat": [32.03, 31.90, 30.50],
                           "count": [1, 1, 3], "landmark": [False, False, True]})
    extent = fit_extent(((40.0, 50.0), (28.0, 35.0)), NORMAL_MAP)
    texts = list(places["name"])
    at, _ = choose_labels(places, texts, extent, NORMAL_MAP, selected="kufa",
                          rings={"kufa": ring})
    assert at[0] is not None
    x, y = to_pixels(places["lon"], places["lat"], extent, NORMAL_MAP)
    reach = ring.outer_radius
    ring_box = (x[0] - reach, y[0] - reach, x[0] + reach, y[0] + reach)
    radius = marker_sizes(places["count"]) / 2
    # Kufa's name is drawn by the ring's trace, so at the ring's text offset.
    offsets = [ring.text_offset, radius[1] + 2, radius[2] + 2]
    for i, position in enumerate(at):
        if position:
            box = label_box(x[i], y[i], text_width(texts[i], NORMAL_MAP.font),
                            NORMAL_MAP.font * 1.3, position, offsets[i])
            assert not boxes_overlap(box, ring_box), (texts[i], position)
    # Plotly draws a marker's text beyond the ring's line.
    assert ring.text_offset > ring.outer_radius


def test_a_ring_grows_around_a_busy_places_marker_and_names_it_outside_both():
    """Test that a ring around a marker wider than it is made for grows to surround it, and that
    its text (where Plotly draws it) is beyond the marker and the ring's line."""
    ring = Ring(size=30, line=3, colour="#7f7f7f", name="Highlighted place")
    assert ring.around(12) == ring
    marker = float(marker_sizes([16])[0])  # Medina's 16 events: 37 px
    grown = ring.around(marker)
    assert grown.size - grown.line > marker
    assert grown.text_offset > grown.outer_radius > marker / 2
