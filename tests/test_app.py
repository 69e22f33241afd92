"""AppTest over every page, with the real data and with the tiny fixture package."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from atlas.package import load_package
from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from atlas.ui import components, view
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
    assert at.multiselect(key=view.KEY["factions"]).value == ["rebels", "ali"]
    assert at.radio(key=view.KEY["source_mode"]).value == "all"
    assert at.radio(key=view.KEY["lane"]).value == "place"


def test_bad_query_values_give_a_polite_notice_not_an_error(tiny_app):
    """Test that unknown values are ignored with a visible notice and no exception."""
    at = run_app({"faction": "martians", "from": "yesterday", "event": "x"})
    assert not at.exception and not at.error
    notices = " ".join(info.value for info in at.info)
    assert "'martians'" in notices and components.plain("from='yesterday'") in notices
    assert components.plain("event='x'") in notices
    assert "Showing 5 of 5 events" in markdown_text(at)


def test_a_hostile_link_is_reported_as_text(tiny_app):
    """Test that markup and links in a URL's values come back escaped in the notice."""
    at = run_app({"faction": "[x](javascript:alert(1))<img src=x>", "q": "<b>hi</b>"})
    assert not at.exception
    notices = " ".join(info.value for info in at.info)
    assert "](javascript:" not in notices and not re.search(r"(?<!\\)<img", notices)
    assert at.text_input(key=view.KEY["text"]).value == "<b>hi</b>"


def test_the_search_box_takes_no_more_than_a_link_may_hold(tiny_app):
    """Test that the sidebar's search box stops at the length the URL's search is cut to, so that
    the box never shows more than the view searches for."""
    from atlas.filters import TEXT_LIMIT

    at = run_app()
    assert at.text_input(key=view.KEY["text"]).max_chars == TEXT_LIMIT


def test_choosing_a_filter_rewrites_the_url(tiny_app):
    """Test that changing a widget puts the view into the query parameters."""
    at = run_app()
    at.multiselect(key=view.KEY["factions"]).set_value(["syrians"]).run()
    assert at.query_params["faction"] == "syrians"
    assert "Showing 1 of 5 events" in markdown_text(at)


def test_selecting_an_event_opens_its_card_with_each_sources_words(tiny_app):
    """Test that selecting an event shows its summary, date, quote and source label: in a
    dialog at once (titled by the dialog, so no heading), then below the charts."""
    at = run_app()
    at.selectbox(key=view.KEY["event"]).set_value("invasion").run()
    assert not at.exception
    for shown in ("dialog", "below"):
        text = markdown_text(at)
        assert "> the governor sent an army against Kharbata" in text, shown
        assert "The governor (commander)" in text
        assert "*Differs on date:* 658" in text
        assert "according to: Madelung" in text
        assert ("Invasion" in [h.value for h in at.subheader]) == (shown == "below")
        at.run()  # as closing the dialog does
    assert at.query_params["event"] == "invasion"


def test_a_linked_selection_opens_the_card(tiny_app):
    """Test that a link naming an event opens its card on arrival."""
    at = run_app({"event": "camp"})
    assert components.plain("1 May 656 · 1 Dhu al-Qa'da 35 AH") in markdown_text(at)
    assert "Rebels camp" not in [h.value for h in at.subheader]  # the dialog has it as title
    at.run()  # as closing the dialog does: the card is below the charts
    assert "Rebels camp" in [h.value for h in at.subheader]


def test_reset_restores_the_default_view(tiny_app):
    """Test that Reset clears the filters and the URL."""
    at = run_app({"faction": "rebels", "q": "siege"})
    next(button for button in at.button if button.label == "Reset").click().run()
    assert at.multiselect(key=view.KEY["factions"]).value == []
    assert at.text_input(key=view.KEY["text"]).value == ""
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
    # Listed as text, and the events table waits for its expander: a first visit loads no table.
    assert tables["events"].loc[4, "title"] in markdown_text(at)
    assert not at.dataframe
    # The downloads wait for theirs too.
    assert "Download the events shown" in " ".join(e.label for e in at.expander)
    assert not at.get("download_button")


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
    assert components.plain("events.csv, row 2, column 'start', value '656-05-01'") in markdown_text(at)


def test_about_page_runs_and_reports_the_real_package():
    """Test that the About page explains the data, cites the app and says the package validates."""
    at = run_app(page="pages/about.py")
    assert not at.exception
    assert at.title[0].value == "About the atlas and its data"
    assert any("validates" in s.value for s in at.success)
    codes = "\n".join(c.value for c in at.code)
    assert "@misc{" in codes and "Fitna Atlas" in codes
    assert len(at.get("download_button")) == 5


PAGES = ["pages/atlas.py", "pages/compare.py", "pages/sources.py", "pages/people.py",
         "pages/places.py", "pages/about.py"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_tiny_package_and_honours_the_filters(tiny_app, page):
    """Test that each page runs on the tiny package and keeps a sidebar filter in the URL."""
    at = run_app({"episode": "revolt"}, page=page)
    assert not at.exception
    assert at.query_params["episode"] == "revolt"
    assert at.multiselect(key=view.KEY["episodes"]).value == ["revolt"]


@pytest.mark.parametrize("page", PAGES[1:])
def test_every_research_page_runs_on_the_real_data(page):
    """Test that each research page runs on the real data without an error."""
    at = run_app(page=page)
    assert not at.exception and not at.error


def test_compare_page_shows_every_disputed_point_of_the_data():
    """Test that the Compare page lists exactly the held list of disputed points, side by side."""
    package = load_package()
    held = package.attestations[package.attestations["differs_field"] != ""]
    points = set(zip(held["event_id"], held["differs_field"], strict=True))
    at = run_app(page="pages/compare.py")
    assert f"**{len(points)} disputed point(s)**" in markdown_text(at)
    text = markdown_text(at)
    for quote in held["quote"]:
        assert components.plain(quote) in text
    assert len(at.dataframe) == 1


def test_the_card_shows_an_order_claim_and_a_disagreement():
    """Test that a real event's card gives the narrative's order and the sources' versions."""
    at = run_app({"event": "amr_army_to_egypt"})
    assert not at.exception
    text = markdown_text(at)
    assert "#### Order in the sources" in text
    claim = components.plain("001: after Muhammad's soldiers desert")
    assert f"**{claim}**" in text
    assert "*Differs on cause:*" in text
    # The points in dispute are a plain table (wrapped text, not a data grid), every cell plain.
    from atlas.detail import event_detail

    raw = event_detail(load_package(), "amr_army_to_egypt").disagreements
    table = at.table[0].value
    assert list(table.index) == ["cause"] and not at.dataframe
    assert table.to_numpy().tolist() == raw.map(components.plain).to_numpy().tolist()


def test_compare_page_filters_by_field_and_by_the_sidebar(tiny_app):
    """Test that choosing a field, or filtering the event out, empties the disputes shown."""
    at = run_app(page="pages/compare.py")
    assert "**1 disputed point(s)**" in markdown_text(at)
    at = run_app({"field": "number"}, page="pages/compare.py")
    assert components.plain("Ignored field='number'") in "\n".join(i.value for i in at.info)
    at = run_app({"episode": "revolt"}, page="pages/compare.py")
    assert "**0 disputed point(s)**" in markdown_text(at)


def test_sources_page_highlights_quotes_and_links_them(tiny_app):
    """Test that the chosen source's text is shown with each quote linked to its event."""
    at = run_app({"src": "t1"}, page="pages/sources.py")
    assert not at.exception
    html_text = next(m.value for m in at.markdown if "source-text" in m.value)
    assert 'href="./?event=camp"' in html_text and "<mark>" in html_text
    assert at.radio(key=view.page_key("src")).value == "t1"
    assert at.query_params["src"] == "t1"


def test_people_page_shows_a_person_with_relations_and_events():
    """Test that the People page shows Muhammad's spellings, his mother and his events."""
    at = run_app({"who": "muhammad_ibn_abi_bakr"}, page="pages/people.py")
    assert not at.exception
    assert at.subheader[0].value == "Muhammad ibn Abi Bakr"
    assert "Muhammed b Abu Bakr" in markdown_text(at)
    people = at.dataframe[0].value
    assert people.columns[0] == "Atlas" and "id" not in people.columns
    assert "./?person=muhammad_ibn_abi_bakr" in set(people["Atlas"])
    relations = at.dataframe[1].value
    assert {"Asma bint Umays", "Aisha bint Abi Bakr", "al-Qasim ibn Muhammad ibn Abi Bakr"} <= set(
        relations["Person"])
    assert len(at.get("plotly_chart")) == 1


def test_places_page_shows_a_place_with_its_external_records():
    """Test that the Places page shows Medina with its Wikidata link and a small map."""
    at = run_app({"gaz": "medina"}, page="pages/places.py")
    assert not at.exception
    assert at.subheader[0].value == "Medina"
    assert "./?place=medina" in set(at.dataframe[0].value["Atlas"])
    assert "https://www.wikidata.org/wiki/Q35484" in markdown_text(at)
    assert len(at.get("plotly_chart")) == 1


def test_hostile_text_is_shown_as_text_on_every_page(tmp_path, monkeypatch):
    """Test that titles, names and quotes carrying HTML and links reach Markdown escaped."""
    from tests.conftest import XSS_IMG, XSS_TEXT, hostile_tables

    data = write_package(tmp_path, hostile_tables(), text=XSS_TEXT)
    assert not load_package(data, tmp_path / "geo").errors
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(GEO_ENV, str(tmp_path / "geo"))
    for page, query in [("pages/atlas.py", {"event": "siege"}), ("pages/compare.py", {}),
                        ("pages/sources.py", {"src": "t1"}), ("pages/people.py", {"who": "uthman"}),
                        ("pages/places.py", {"gaz": "medina"}), ("pages/about.py", {})]:
        at = run_app(query, page=page)
        assert not at.exception, page
        for element in [*at.markdown, *at.caption, *at.subheader, *at.title]:
            value = element.value
            if value.startswith("<style>") or "source-text" in value or "line-height:1.9" in value:
                continue
            assert not re.search(r"(?<!\\)<(img|script)", value), (page, value)
            assert "](javascript:" not in value, (page, value)
    html_text = next(m.value for m in run_app({"src": "t1"}, page="pages/sources.py").markdown
                     if "source-text" in m.value)
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html_text
    assert XSS_IMG not in html_text


def test_an_episode_button_sets_the_window_the_url_and_the_title(tiny_app):
    """Test that one click on an episode's button shows its months, in the URL and the title."""
    at = run_app()
    next(button for button in at.button if button.label == "Revolt").click().run()
    assert not at.exception
    assert at.query_params["from"] in ("656-05", ["656-05"])
    assert at.title[0].value.endswith("May–Jun 656")
    assert "Showing 2 of 5 events" in markdown_text(at)


@pytest.mark.parametrize("query", [{"projector": "1"}, {"lane": "source"},
                                   {"lane": "authority", "event": "invasion"}])
def test_projector_mode_and_lanes_by_source_or_authority_render(tiny_app, query):
    """Test that projector mode and the lanes by source or authority draw without exception."""
    at = run_app(query)
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2
    if "projector" in query:
        assert at.toggle(key=view.KEY["projector"]).value is True


def test_empty_lists_and_repeated_keys_in_a_link_get_the_polite_notice(tiny_app):
    """Test that ?faction=,,, and a repeated page key with a hostile first value are explained."""
    at = run_app({"faction": ",,,", "gaz": ["<img src=x>", "medina"]}, page="pages/places.py")
    assert not at.exception
    notices = [n.value for n in at.info]
    assert any("faction=',,,'" in ui_text(n) for n in notices), notices
    assert any("gaz 2 times" in ui_text(n) and "<img src=x>" in ui_text(n) for n in notices)
    assert at.subheader[0].value == "Medina"


def ui_text(markdown: str) -> str:
    """Markdown escaped by components.plain, read back as the text a person sees."""
    return re.sub(r"\\(.)", r"\1", markdown)
