"""AppTest over every page, with the real data and with the tiny fixture package."""

import pytest
from streamlit.testing.v1 import AppTest

from atlas import ui
from atlas.load import load_package
from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from tests.conftest import write_package

APP = str(ROOT / "app.py")
TIMEOUT = 60


def run_app(query=None, page=None) -> AppTest:
    """Run the app once, optionally with URL query parameters, and return it."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    if page:
        at.switch_page(page)
    return at.run()


def markdown_text(at) -> str:
    """All markdown and caption text on the page, joined."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


@pytest.fixture
def tiny_app(tmp_path, monkeypatch):
    """Point the app at the tiny package for one test."""
    data = write_package(tmp_path)
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(GEO_ENV, str(tmp_path / "geo"))
    return data


def test_atlas_page_runs_with_the_real_data():
    """Test that the Atlas page renders both charts and the real counts without exception."""
    at = run_app()
    assert not at.exception
    total = len(load_package().events)
    assert at.title[0].value == "Fitna Atlas, 654–658"
    assert f"of {total} events" in markdown_text(at)
    assert len(at.get("plotly_chart")) == 2
    assert not at.error


def test_atlas_page_runs_with_the_tiny_package(tiny_app):
    """Test that the page shows the tiny package's five events."""
    at = run_app()
    assert not at.exception
    assert "Showing 5 of 5 events" in markdown_text(at)
    assert "5 events · 3 places · 2 sources" in markdown_text(at)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"faction": "rebels"}, "Showing 2 of 5 events"),
        ({"source": "t2"}, "Showing 1 of 5 events"),
        ({"q": "Othman"}, "Showing 1 of 5 events"),
        ({"from": "656-05", "to": "656-05"}, "Showing 2 of 5 events"),
        ({"at": "kharbata"}, "Showing 2 of 5 events"),
    ],
)
def test_query_params_produce_the_filtered_view(tiny_app, query, expected):
    """Test that a link's parameters set the filters before the first draw."""
    at = run_app(query)
    assert not at.exception
    assert expected in markdown_text(at)


def test_query_params_fill_the_widgets(tiny_app):
    """Test that the sidebar widgets show what the link asked for."""
    at = run_app({"faction": "rebels,ali", "smode": "all", "lane": "place"})
    assert at.multiselect(key=ui.KEY["factions"]).value == ["rebels", "ali"]
    assert at.radio(key=ui.KEY["source_mode"]).value == "all"
    assert at.radio(key=ui.KEY["lane"]).value == "place"


def test_bad_query_values_give_a_polite_notice_not_an_error(tiny_app):
    """Test that unknown values are ignored with a visible notice and no exception."""
    at = run_app({"faction": "martians", "from": "yesterday", "event": "x"})
    assert not at.exception and not at.error
    notices = " ".join(info.value for info in at.info)
    assert "'martians'" in notices and "from='yesterday'" in notices and "event='x'" in notices
    assert "Showing 5 of 5 events" in markdown_text(at)


def test_choosing_a_filter_rewrites_the_url(tiny_app):
    """Test that changing a widget puts the view into the query parameters."""
    at = run_app()
    at.multiselect(key=ui.KEY["factions"]).set_value(["syrians"]).run()
    assert at.query_params["faction"] == "syrians"
    assert "Showing 1 of 5 events" in markdown_text(at)


def test_selecting_an_event_opens_its_card_with_each_sources_words(tiny_app):
    """Test that selecting an event shows its summary, date, quote and source label."""
    at = run_app()
    at.selectbox(key=ui.KEY["event"]).set_value("invasion").run()
    assert not at.exception
    assert "Invasion" in [h.value for h in at.subheader]
    text = markdown_text(at)
    assert "> the governor sent an army against Kharbata" in text
    assert "The governor (commander)" in text
    assert "*Differs on date:* 658" in text
    assert at.query_params["event"] == "invasion"


def test_a_linked_selection_opens_the_card(tiny_app):
    """Test that a link naming an event opens its card on arrival."""
    at = run_app({"event": "camp"})
    assert "Rebels camp" in [h.value for h in at.subheader]
    assert "1 May 656 · 1 Dhu al-Qa'da 35 AH" in markdown_text(at)


def test_reset_restores_the_default_view(tiny_app):
    """Test that Reset clears the filters and the URL."""
    at = run_app({"faction": "rebels", "q": "siege"})
    at.button[0].click().run()
    assert at.multiselect(key=ui.KEY["factions"]).value == []
    assert at.text_input(key=ui.KEY["text"]).value == ""
    assert "Showing 5 of 5 events" in markdown_text(at)


def test_undated_events_are_listed_below(tmp_path, monkeypatch):
    """Test that an event without a usable date is listed in its own table."""
    from tests.conftest import tiny_tables

    tables = tiny_tables()
    tables["events"].loc[4, ["start", "date_basis"]] = ["", "unknown"]
    data = write_package(tmp_path, tables)
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(GEO_ENV, str(tmp_path / "geo"))
    at = run_app()
    assert "Matching events with no usable date" in [h.value for h in at.subheader]
    assert "Showing 4 of 5 events" in markdown_text(at)


def test_a_broken_package_shows_problems_not_a_traceback(tmp_path, monkeypatch):
    """Test that bad data is reported on the page and the valid rows still show."""
    from tests.conftest import tiny_tables

    tables = tiny_tables()
    tables["events"].loc[0, "start"] = "656-05-01"
    data = write_package(tmp_path, tables)
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(GEO_ENV, str(tmp_path / "geo"))
    at = run_app()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any("The data has 1 problem(s)" in label for label in labels)
    assert "events.csv, row 2, column 'start', value '656-05-01'" in markdown_text(at)


def test_data_page_runs_and_reports_the_real_package():
    """Test that the data page renders and says the real package validates."""
    at = run_app(page="pages/data.py")
    assert not at.exception
    assert at.title[0].value == "Data and sources"
    assert any("validates" in s.value for s in at.success)
