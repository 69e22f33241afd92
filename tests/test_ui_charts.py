"""Tests for atlas/ui/charts.py: the Atlas page's figures, cached, and the same after a click."""

import json

import pytest

from atlas.budget import UploadBudget
from atlas.filters import FilterState, Vocabulary
from atlas.ui import charts, source, view
from tests.test_app import run_app, tiny_app  # noqa: F401 - the fixture used below


def specs(at) -> tuple[str, str]:
    """The JSON of the timeline and of the map as the page sent them."""
    timeline, geo = (chart.proto.spec for chart in at.get("plotly_chart"))
    return timeline, geo


def selected_ids(spec: str) -> set[str]:
    """The event ids a timeline's JSON draws as selected."""
    return {trace["customdata"][i][0] for trace in json.loads(spec)["data"]
            for i in trace.get("selectedpoints") or []}


def click_in_timeline(at, event_id: str):
    """Do what a click on ``event_id`` in the timeline does (view.on_timeline_select), rerun."""
    at.query_params["event"] = event_id
    at.session_state[view.TIMELINE_SHOWS] = event_id
    return at.run()


def pick(at, event_id: str):
    """Choose ``event_id`` in the event picker."""
    return at.selectbox(key=view.KEY["event"]).set_value(event_id).run()


@pytest.mark.usefixtures("tiny_app")
def test_a_click_in_the_timeline_keeps_its_figure_and_reframes_the_map():
    """Test that after a click in the timeline the timeline's JSON is the same (Plotly shows
    the click) while the map and the card show the event, and the URL names it."""
    at = run_app()
    timeline, geo = specs(at)
    click_in_timeline(at, "camp")
    assert not at.exception
    assert specs(at)[0] == timeline
    assert specs(at)[1] != geo and "Highlighted place" in specs(at)[1]
    assert "Rebels camp" in [h.value for h in at.subheader]
    assert at.query_params["event"] == "camp"


@pytest.mark.usefixtures("tiny_app")
def test_a_selection_made_elsewhere_is_drawn_by_the_timeline():
    """Test that choosing in the picker (or again after a click) makes the timeline draw it."""
    at = pick(run_app(), "invasion")
    first = specs(at)[0]
    assert selected_ids(first) == {"invasion"}
    click_in_timeline(at, "camp")
    assert specs(at)[0] == first  # the chart shows the click itself
    pick(at, "invasion")
    again = specs(at)[0]
    assert selected_ids(again) == {"invasion"}
    assert again != first  # the browser must take it afresh: it shows "camp" now


@pytest.mark.usefixtures("tiny_app")
def test_the_map_waits_for_the_cards_dialog_to_close():
    """Test that while a new selection's dialog covers the page the map is sent as it was (the
    browser keeps it), and that closing the dialog (a rerun) rings and frames the event."""
    at = run_app()
    before = specs(at)[1]
    pick(at, "invasion")
    assert specs(at)[1] == before and "Highlighted place" not in before
    at.run()  # as closing the dialog does
    assert "Highlighted place" in specs(at)[1]
    assert at.query_params["event"] == "invasion"


@pytest.mark.usefixtures("tiny_app")
def test_the_timeline_changes_with_the_filters():
    """Test that a filter change sends a new timeline and map."""
    at = run_app()
    before = specs(at)
    at.multiselect(key=view.KEY["factions"]).set_value(["syrians"]).run()
    after = specs(at)
    assert after[0] != before[0] and after[1] != before[1]


def test_view_keys_leave_out_the_selection_and_what_a_figure_does_not_draw():
    """Test that a figure's key ignores the selected event (and named fields), not the filters."""
    state = FilterState(factions=("rebels",))
    assert charts.view_key(state) == charts.view_key(state.with_(event="camp"))
    assert charts.view_key(state) != charts.view_key(state.with_(factions=()))
    assert charts.view_key(state, drop=("lane",)) == \
        charts.view_key(state.with_(lane="source"), drop=("lane",))
    assert charts.view_key(state) != charts.view_key(state.with_(lane="source"))


def test_a_figure_is_built_once_for_its_key():
    """Test that the shared cache builds a figure once per key and again for another key."""
    built = []

    def build():
        built.append(1)
        return len(built)

    assert charts._shared("test", ("a",), build) == 1
    assert charts._shared("test", ("a",), build) == 1
    assert charts._shared("test", ("b",), build) == 2


def test_an_uploads_figures_are_its_sessions_and_let_go_with_it(tiny_package):
    """Test that an upload's figures are drawn from it, kept with it in its session, and dropped
    with it (as the app drops a gone session's upload)."""
    at = run_app()
    real = specs(at)
    upload = source.Upload("tiny.zip", tiny_package, Vocabulary.from_package(tiny_package), {})
    held = source.Held(UploadBudget(0))
    held.upload = upload
    at.session_state[source.UPLOAD] = held
    at.run()
    assert not at.exception
    assert specs(at)[0] != real[0]
    assert set(held.drawn) >= {"timeline", "map"}
    held.drop()
    assert held.drawn == {}
    at.run()
    assert specs(at) == real


def test_a_finished_figure_writes_the_same_json_every_time(tiny_package):
    """Test that a cached figure's plain form, made once, gives the JSON the figure gave, at
    every run (Plotly encodes its arrays in place the first time)."""
    import plotly.io

    from atlas.figures import map_figure, place_counts, timeline_figure

    package = tiny_package
    figures = (timeline_figure(package.events, package.factions),
               map_figure(place_counts(package.events, package.places), package.routes,
                          package.regions, package.factions))
    for fig in figures:
        want = plotly.io.to_json(fig.to_dict(), validate=False)
        kept = charts.finished(fig)
        assert isinstance(kept, charts.go.Figure)
        assert [plotly.io.to_json(kept.to_dict(), validate=False) for _ in range(2)] == [want] * 2
        assert kept.to_dict() is kept.to_dict()
