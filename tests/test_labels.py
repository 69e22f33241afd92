"""Tests for atlas/labels.py: the packers never let two labels overlap, and always agree."""

import numpy as np
import pytest

from atlas.labels import (
    boxes_overlap,
    count_clusters,
    label_box,
    pack_rows,
    place_boxes,
    shorten,
    text_width,
)
from atlas.package import load_package
from atlas.timeline import NORMAL, PROJECTOR, lane_items, layout_items


def row_overlaps(left, right, rows, gap=0.0):
    """Pairs of boxes on the same row that overlap."""
    pairs = []
    for r in set(rows[rows >= 0]):
        mine = np.flatnonzero(rows == r)
        order = mine[np.argsort(left[mine])]
        for a, b in zip(order, order[1:], strict=False):
            if right[a] + gap > left[b]:
                pairs.append((a, b))
    return pairs


def test_text_width_grows_with_size_and_length_and_is_generous():
    """Test that the estimate is longer for longer text and bigger fonts, about 0.6 em a letter."""
    assert text_width("Battle of the Camel", 12) < text_width("Battle of the Camel", 16)
    assert text_width("Siffin", 12) < text_width("Siffin and the arbitration", 12)
    assert 0.5 * 12 * 10 < text_width("abcdeghkno", 12) < 0.7 * 12 * 10


def test_shorten_cuts_at_a_word_with_an_ellipsis_and_keeps_short_text():
    """Test that a long title ends with '…' within the width, and a short one is untouched."""
    assert shorten("Battle of the Camel", 12, 500) == "Battle of the Camel"
    short = shorten("Muhammad ibn Abi Bakr is appointed governor of Egypt", 12, 150)
    assert short.endswith("…") and text_width(short, 12) <= 150
    assert "Muhammad ibn" in short and not short.endswith(" …")


def test_pack_rows_puts_each_box_on_the_first_free_row():
    """Test vis-timeline stacking: overlapping boxes go down a row, the next free one back up."""
    packing = pack_rows([0, 50, 120, 60], [100, 150, 200, 70], gap=0)
    assert list(packing.row) == [0, 1, 0, 2]
    assert packing.rows == 3


def test_one_hundred_events_on_one_day_take_one_hundred_rows():
    """Test the adversarial cluster: 100 labels at the same spot never overlap, rows grow."""
    left = np.full(100, 40.0)
    right = left + 120
    packing = pack_rows(left, right)
    assert packing.titled.all() and packing.rows == 100
    assert row_overlaps(left, right, packing.row) == []


def test_with_a_row_limit_the_most_prominent_labels_are_placed():
    """Test that a row limit keeps the highest priorities and leaves the rest untitled."""
    left = np.full(10, 0.0)
    priority = np.arange(10)
    packing = pack_rows(left, left + 50, priority, max_rows=3)
    assert sorted(np.flatnonzero(packing.titled)) == [7, 8, 9]
    assert packing.rows == 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_boxes_never_overlap_and_pack_the_same_way_twice(seed):
    """Test on random clusters that no row holds overlapping boxes and the result repeats."""
    rng = np.random.default_rng(seed)
    left = np.concatenate([rng.uniform(0, 400, 300), np.full(50, 200.0)])
    right = left + rng.uniform(10, 200, len(left))
    priority = rng.integers(0, 4, len(left))
    for max_rows in (None, 4):
        first = pack_rows(left, right, priority, max_rows=max_rows, gap=6)
        again = pack_rows(left, right, priority, max_rows=max_rows, gap=6)
        assert np.array_equal(first.row, again.row)
        assert row_overlaps(left, right, first.row, gap=6) == []


def test_count_clusters_leave_room_for_each_count():
    """Test that each cluster's count label ends before the next cluster's first mark."""
    x = np.array([10, 12, 14, 200, 205, 400.0])
    clusters = count_clusters(x, radius=5, label_width=30)
    assert list(clusters.count) == [3, 2, 1]
    starts = [x[clusters.cluster == c].min() - 5 for c in range(3)]
    for c in range(2):
        assert clusters.label_left[c] + 30 < starts[c + 1]


def test_place_boxes_drop_what_cannot_be_placed_and_never_overlap():
    """Test that labels around crowded points are placed without overlap, the rest dropped."""
    x = np.array([100.0, 102, 104, 300])
    y = np.array([100.0, 101, 99, 100])
    chosen = place_boxes(x, y, [80] * 4, [16] * 4, [6] * 4, bounds=(0, 0, 400, 200))
    boxes = [label_box(x[i], y[i], 80, 16, p, 6) for i, p in enumerate(chosen) if p]
    assert chosen[0] == "top center" and chosen[3] == "top center"
    assert all(not boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(0 <= b[0] and b[2] <= 400 and 0 <= b[1] and b[3] <= 200 for b in boxes)


@pytest.mark.parametrize("style", [NORMAL, PROJECTOR])
@pytest.mark.parametrize("lane", ["episode", "place", "source", "authority"])
def test_real_data_titles_never_overlap(style, lane):
    """Test that on the real data, at every zoom from a month to the whole period, no two titles
    on the timeline overlap (boxes rebuilt from the layout's rows and estimated widths)."""
    package = load_package()
    events = package.events[package.events["has_date"]]
    items, labels = lane_items(events, lane, attestations=package.attestations,
                               source_dates=package.source_dates, sources=package.sources)
    first = int(items["x0"].min())
    for days in (31, 92, 366, 5 * 366):
        window = (int(items["x"].median()) - days // 2, int(items["x"].median()) + days // 2)
        layout = layout_items(items, labels, window, style)
        placed = layout.items[layout.items["titled"]]
        scale = style.plot_width / (window[1] + 1 - window[0])
        x = (placed["x"].to_numpy(float) - window[0]) * scale
        widths = np.array([text_width(t, style.font) for t in placed["text"]])
        right_side = placed["textposition"].to_numpy() == "middle right"
        left = np.where(right_side, x, x - widths)
        right = np.where(right_side, x + widths, x)
        assert row_overlaps(left, right, placed["y"].to_numpy()) == []
        assert first  # the data has dated events


def test_at_one_episodes_zoom_every_event_is_titled():
    """Test that a window of a few months holding under 40 events titles all of them."""
    package = load_package()
    events = package.events[package.events["has_date"]]
    items, labels = lane_items(events, "episode")
    best = items["x"].sort_values().to_numpy()
    window = (int(best[len(best) // 2]) - 45, int(best[len(best) // 2]) + 45)
    in_view = items[(items["x"] >= window[0]) & (items["x"] <= window[1])]
    assert 0 < len(in_view) <= NORMAL.title_all
    layout = layout_items(in_view, labels, window, NORMAL)
    assert layout.items["titled"].all() and (layout.items["text"] != "").all()


def test_the_layout_is_the_same_for_the_same_input():
    """Test that packing is deterministic on the real data."""
    package = load_package()
    events = package.events[package.events["has_date"]]
    items, labels = lane_items(events, "episode")
    window = (int(items["x0"].min()), int(items["x1"].max()))
    one, two = layout_items(items, labels, window), layout_items(items, labels, window)
    assert one.items[["y", "text"]].equals(two.items[["y", "text"]])
    assert one.counts.equals(two.counts)
