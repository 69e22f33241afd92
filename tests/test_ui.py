"""Tests for the click callbacks in atlas/ui.py: what a click on each chart does to the view."""

from types import SimpleNamespace

import pytest

from atlas import ui
from atlas.filters import Vocabulary


def clicked(*points):
    """A chart's selection state holding ``points`` (as Streamlit reports them)."""
    return SimpleNamespace(selection=SimpleNamespace(points=list(points)))


@pytest.fixture
def session(monkeypatch):
    """A plain dict standing in for st.session_state."""
    state = {}
    monkeypatch.setattr(ui.st, "session_state", state)
    return state


def test_a_click_on_an_event_selects_it(session):
    """Test that the event id in the clicked point's customdata becomes the selection."""
    session[ui.TIMELINE_KEY] = clicked({"curve_number": 3, "customdata": ["camp", "Camp"]})
    ui.on_timeline_select()
    assert session[ui.KEY["event"]] == "camp"


def test_a_click_on_a_sources_date_selects_its_event(session):
    """Test that a source's own date (also carrying the event id) selects the event."""
    session[ui.TIMELINE_KEY] = clicked({"customdata": ["invasion", "Invasion", "Tiny"]})
    ui.on_timeline_select()
    assert session[ui.KEY["event"]] == "invasion"


def test_a_click_on_empty_timeline_clears_the_selection(session):
    """Test that an empty selection (a click beside the points) clears the card."""
    session[ui.KEY["event"]] = "camp"
    session[ui.TIMELINE_KEY] = clicked()
    ui.on_timeline_select()
    assert session[ui.KEY["event"]] == ""


@pytest.mark.parametrize(
    ("focus", "points", "expected"),
    [
        ("", [{"customdata": ["fustat", "Fustat", 3]}], "fustat"),
        ("fustat", [{"customdata": ["fustat", "Fustat", 3]}], ""),
        ("fustat", [{"customdata": ["medina", "Medina", 9]}], "medina"),
        ("fustat", [], ""),
        ("", [{"lon": 30.0, "lat": 31.0}], ""),
    ],
)
def test_a_click_on_a_place_toggles_the_timelines_restriction(session, focus, points, expected):
    """Test that a place click restricts to it, a second click clears, another switches."""
    session[ui.KEY["focus_place"]] = focus
    session[ui.MAP_KEY] = clicked(*points)
    ui.on_map_select()
    assert session[ui.KEY["focus_place"]] == expected


def test_month_labels_round_trip_to_indices():
    """Test that the window slider's labels map back to the months they name."""
    assert ui.month_label(656 * 12 + 4) == "May 656"
    vocabulary = Vocabulary(window_min=650 * 12, window_max=660 * 12 + 11)
    labels = ui.month_labels(vocabulary)
    assert labels[0] == "Jan 650" and labels[-1] == "Dec 660" and len(labels) == 132
    assert [ui.label_month(label) for label in labels] == list(range(650 * 12, 660 * 12 + 12))


@pytest.mark.parametrize(("point", "window"), [
    ("month:656-05", ("Jan 656", "Dec 656")),
    ("month:800-01", ("Jan 660", "Dec 660")),
])
def test_a_click_on_a_months_bubble_zooms_to_its_year(session, monkeypatch, point, window):
    """Test that on the many-events timeline a month's bubble narrows the window to its year."""
    vocabulary = Vocabulary(window_min=650 * 12, window_max=660 * 12 + 11)
    monkeypatch.setattr(ui, "cached_vocabulary", lambda: vocabulary)
    session[ui.KEY["event"]] = "camp"
    session[ui.TIMELINE_KEY] = clicked({"customdata": [point, "Lane", 12, "0656-05"]})
    ui.on_timeline_select()
    assert session[ui.KEY["window"]] == window
    assert session[ui.KEY["event"]] == "camp"
