"""Tests for atlas/ui/view.py's callbacks: what a click or a widget does to the view in the URL."""

from types import SimpleNamespace

import pytest

from atlas.dates import label_month, month_label
from atlas.filters import Vocabulary
from atlas.ui import source, view

VOCABULARY = Vocabulary(events=frozenset({"camp", "invasion"}),
                        places=frozenset({"fustat", "medina"}), factions=frozenset({"ali"}),
                        window_min=650 * 12, window_max=660 * 12 + 11)


class Params(dict):
    """A plain stand-in for st.query_params: name -> list of values."""

    def get_all(self, name):
        """Every value of ``name``."""
        return list(self.get(name, []))

    def from_dict(self, values):
        """Replace every parameter, as st.query_params.from_dict does."""
        self.clear()
        self.update({k: v if isinstance(v, list) else [v] for k, v in values.items()})


def clicked(*points):
    """A chart's selection state holding ``points`` (as Streamlit reports them)."""
    return SimpleNamespace(selection=SimpleNamespace(points=list(points)))


@pytest.fixture
def session(monkeypatch):
    """A plain dict standing in for st.session_state, Params for the URL, a tiny vocabulary."""
    state, params = {}, Params()
    monkeypatch.setattr(view.st, "session_state", state)
    monkeypatch.setattr(view.st, "query_params", params)
    monkeypatch.setattr(source, "cached_vocabulary", lambda: VOCABULARY)
    return SimpleNamespace(state=state, url=params)


def test_a_click_on_an_event_selects_it_and_opens_its_card(session):
    """Test that the event id in the clicked point's customdata goes into the URL, card to open."""
    session.state[view.TIMELINE_KEY] = clicked({"curve_number": 3, "customdata": ["camp", "Camp"]})
    view.on_timeline_select()
    assert session.url == {"event": ["camp"]}
    assert view.card_to_open() and not view.card_to_open()


def test_a_click_on_a_sources_date_selects_its_event(session):
    """Test that a source's own date (also carrying the event id) selects the event."""
    session.state[view.TIMELINE_KEY] = clicked({"customdata": ["invasion", "Invasion", "Tiny"]})
    view.on_timeline_select()
    assert session.url == {"event": ["invasion"]}


def test_a_click_on_empty_timeline_clears_the_selection_and_keeps_the_rest(session):
    """Test that an empty selection clears the event, keeping the filters and page parameters."""
    session.url.update({"event": ["camp"], "faction": ["ali"], "who": ["x"]})
    session.state[view.TIMELINE_KEY] = clicked()
    view.on_timeline_select()
    assert session.url == {"faction": ["ali"], "who": ["x"]}


@pytest.mark.parametrize(
    ("focus", "points", "expected"),
    [
        ("", [{"customdata": ["fustat", "Fustat", 3]}], {"at": ["fustat"]}),
        ("fustat", [{"customdata": ["fustat", "Fustat", 3]}], {}),
        ("fustat", [{"customdata": ["medina", "Medina", 9]}], {"at": ["medina"]}),
        ("fustat", [], {}),
        ("", [{"lon": 30.0, "lat": 31.0}], {}),
    ],
)
def test_a_click_on_a_place_toggles_the_timelines_restriction(session, focus, points, expected):
    """Test that a place click restricts to it, a second click clears, another switches."""
    if focus:
        session.url["at"] = [focus]
    session.state[view.MAP_KEY] = clicked(*points)
    view.on_map_select()
    assert session.url == expected


def test_month_labels_round_trip_to_indices():
    """Test that the window slider's labels map back to the months they name."""
    assert month_label(656 * 12 + 4) == "May 656"
    labels = [month_label(i) for i in range(650 * 12, 660 * 12 + 12)]
    assert labels[0] == "Jan 650" and labels[-1] == "Dec 660" and len(set(labels)) == 132
    assert [label_month(label) for label in labels] == list(range(650 * 12, 660 * 12 + 12))


@pytest.mark.parametrize(("point", "window"), [
    ("month:656-05", {"from": ["656-01"], "to": ["656-12"]}),
    ("month:800-01", {"from": ["660-01"], "to": ["660-12"]}),
])
def test_a_click_on_a_months_bubble_zooms_to_its_year(session, point, window):
    """Test that on the many-events timeline a month's bubble narrows the window to its year."""
    session.url["event"] = ["camp"]
    session.state[view.TIMELINE_KEY] = clicked({"customdata": [point, "Lane", 12, "0656-05"]})
    view.on_timeline_select()
    assert session.url == {"event": ["camp"], **window}


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("factions", ["ali"], {"faction": ["ali"]}),
    ("window", ("May 656", "Jun 656"), {"from": ["656-05"], "to": ["656-06"]}),
    ("text", "siege", {"q": ["siege"]}),
    ("event", "camp", {"event": ["camp"]}),
    ("event", None, {}),
])
def test_a_changed_widget_writes_the_url(session, name, value, expected):
    """Test that a sidebar widget's callback puts its new value, and only it, into the URL."""
    session.state[view.KEY[name]] = value
    view.widget_changed(name)
    assert session.url == expected


def test_a_page_selection_writes_its_parameter_and_reset_clears_everything(session):
    """Test that a page's own widget sets its parameter (its default leaves it out); Reset clears."""
    session.url.update({"faction": ["ali"]})
    session.state[view.page_key("sort")] = "episode"
    view.param_changed("sort", "date")
    assert session.url == {"faction": ["ali"], "sort": ["episode"]}
    session.state[view.page_key("sort")] = "date"
    view.param_changed("sort", "date")
    assert session.url == {"faction": ["ali"]}
    session.state[view.TIMELINE_KEY] = clicked()
    view.reset()
    assert session.url == {} and view.TIMELINE_KEY not in session.state


def _rerun_app():
    """An app with a button outside a fragment whose callback reruns one fragment by its key."""
    import streamlit as st

    from atlas.ui import view

    st.session_state["app_runs"] = st.session_state.get("app_runs", 0) + 1

    @st.fragment(key="present")
    def fragment():
        st.session_state["fragment_runs"] = st.session_state.get("fragment_runs", 0) + 1

    fragment()
    st.button("Fragment", on_click=view.rerun_only, args=("present",))
    st.button("Missing", on_click=view.rerun_only, args=("absent",))


def test_rerun_only_reruns_the_fragment_named_and_else_the_whole_app():
    """Test that a callback's rerun_only reruns only the fragment keyed so, and the whole app
    (no error) when no such fragment is on the page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_rerun_app).run()
    at.button[0].click().run()
    assert not at.exception
    assert (at.session_state["app_runs"], at.session_state["fragment_runs"]) == (1, 2)
    at = AppTest.from_function(_rerun_app).run()
    at.button[1].click().run()
    assert not at.exception
    assert (at.session_state["app_runs"], at.session_state["fragment_runs"]) == (2, 2)
