"""Browser tests: the Atlas page in Debian's Chromium against a real `streamlit run`."""

import re

import pytest
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.RootContainer_pb2 import RootContainer

from atlas.package import load_package
from tests.e2e.conftest import wait_idle

pytestmark = pytest.mark.e2e

LANDMARKS = ["Medina", "Fustat", "Kharbata", "Siffin", "Dumat al-Jandal"]
COUNT_RE = re.compile(r"Showing (\d+) of (\d+) events")


def shown_count(page) -> tuple[int, int]:
    """The numbers in the 'Showing N of M events' line."""
    text = page.get_by_text(COUNT_RE).first.inner_text()
    shown, total = COUNT_RE.search(text).groups()
    return int(shown), int(total)


def wait_for_count_change(page, before: tuple[int, int]) -> tuple[int, int]:
    """Wait until the rerun after an interaction has redrawn the count line; return the new one."""
    # The line goes on after the numbers ("(2 matching event(s) have no usable date...)"), so
    # match its start: a whole-text match would pass before the rerun.
    expect(page.get_by_text(COUNT_RE).first).not_to_have_text(
        re.compile(rf"^Showing {before[0]} of {before[1]} events"), timeout=30_000)
    return shown_count(page)


def chart(page, index: int):
    """The timeline (0) or the map (1)."""
    return page.locator(".js-plotly-plot").nth(index)


def click_centre(page, locator) -> None:
    """Click the middle of an SVG element the way a mouse does (Plotly listens on its overlay)."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def place_point(page, place_id: str):
    """The map marker of ``place_id``, found through the chart's own data."""
    index = page.evaluate(
        """(id) => { const data = document.querySelectorAll('.js-plotly-plot')[1].data;
                     const places = data.find(t => t.name === 'Places');
                     return places.customdata.findIndex(row => row[0] === id); }""", place_id)
    assert index >= 0, f"{place_id} is not on the map"
    traces = chart(page, 1).locator("g.trace.scattergeo").filter(has=page.locator("text"))
    return traces.last.locator("path.point").nth(index)


def event_point(page, event_id: str):
    """The timeline marker of ``event_id``, found through the chart's own data."""
    trace, index = page.evaluate(
        """(id) => { const data = document.querySelectorAll('.js-plotly-plot')[0].data;
                     for (const [t, trace] of data.entries()) {
                       const i = trace.mode === 'markers+text' && trace.customdata
                         ? trace.customdata.findIndex(row => row[0] === id) : -1;
                       if (i >= 0) return [t, i];
                     }
                     return [-1, -1]; }""", event_id)
    assert trace >= 0, f"{event_id} is not on the timeline"
    return chart(page, 0).locator("g.trace.scatter").nth(trace).locator("path.point").nth(index)


def test_the_page_renders_both_charts_with_the_real_data(open_page, requests_seen):
    """Test that the timeline and the map draw the real events, offline."""
    page = open_page()
    shown, total = shown_count(page)
    assert total == len(load_package().events)
    assert 0 < shown <= total
    assert chart(page, 0).locator("path.point").count() >= shown
    ticks = chart(page, 0).locator(".xtick text").all_text_contents()
    assert "656" in ticks and not any(t.startswith("0") or "1970" in t for t in ticks)
    assert requests_seen.external() == []


def test_the_map_labels_the_five_places_and_draws_coastlines(open_page, requests_seen):
    """Test that the offline base map has coasts and rivers and the landmark places labelled."""
    page = open_page()
    geo = chart(page, 1)
    labels = " ".join(geo.locator("text").all_text_contents())
    for place in LANDMARKS:
        assert place in labels
    for layer in ("coastlines", "land", "rivers"):
        path = geo.locator(f"g.layer.{layer} path").first
        assert len(path.get_attribute("d") or "") > 1000
    assert geo.locator("g.layer.countries path").count() == 0
    assert any("/app/static/topojson/world_50m.json" in url for url in requests_seen)
    assert requests_seen.external() == []


def test_choosing_a_faction_changes_the_count(open_page, frames_seen):
    """Test that picking a faction in the sidebar narrows the events shown and the URL, and
    reruns the page's content only: nothing of the sidebar is sent again."""
    page = open_page()
    before, total = shown_count(page)
    factions = page.get_by_test_id("stMultiSelect").filter(has_text="Factions")
    factions.click()
    page.keyboard.type("Mu'awiya and the Syrians")
    sent_before = len(frames_seen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"faction=syrians"))
    after, same_total = wait_for_count_change(page, (before, total))
    assert same_total == total and 0 < after < before
    rerun = frames_seen.since(sent_before)
    finished = [m.script_finished for m in rerun if m.WhichOneof("type") == "script_finished"]
    # The run the change asked for ends early, at its callback; the content's own run follows.
    assert finished[-1] == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert ForwardMsg.FINISHED_SUCCESSFULLY not in finished
    drawn = [m for m in rerun if m.WhichOneof("type") in ("delta", "ref_hash")]
    assert drawn and all(m.metadata.delta_path[0] == RootContainer.MAIN for m in drawn)
    expect(page.get_by_test_id("stSidebar").get_by_text(re.compile(r"\d+ events · "))).to_be_visible()


def test_clicking_an_event_opens_its_card_and_a_copied_url_restores_it(open_page, frames_seen):
    """Test that a click on the timeline opens the card, running nothing else, and the URL
    reopens the same view."""
    page = open_page("?episode=egypt_conquest")
    count = shown_count(page)
    page.evaluate("document.querySelector('.js-plotly-plot').dataset.kept = 'yes'")
    sent_before = len(frames_seen)
    click_centre(page, event_point(page, "muhammad_captured"))  # at Fustat
    page.wait_for_url(re.compile(r"event=muhammad_captured"))
    expect(page.get_by_text("What each source says", exact=True).first).to_be_visible(
        timeout=30_000)
    wait_idle(page)
    # The timeline shows the click itself (Plotly's selection), not drawn again.
    assert chart(page, 0).get_attribute("data-kept") == "yes"
    # Only the card ran: its dialog was sent, and nothing of the charts or the picker.
    rerun = frames_seen.since(sent_before)
    drawn = [m.delta for m in rerun if m.WhichOneof("type") == "delta"]
    assert any(d.add_block.WhichOneof("type") == "dialog" for d in drawn)
    assert not any(m.WhichOneof("type") == "ref_hash" for m in rerun)
    assert not {d.new_element.WhichOneof("type") for d in drawn} & {"plotly_chart", "selectbox"}
    finished = [m.script_finished for m in rerun if m.WhichOneof("type") == "script_finished"]
    assert finished[-1] == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    quotes = page.get_by_role("dialog").locator("blockquote").count()
    assert quotes >= 1
    # Closed, the dialog leaves the card below the charts, and the map rings the event's place.
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')[1].data]
                                    .some(t => t.name === 'Highlighted place')""",
                           timeout=30_000)
    heading = page.get_by_test_id("stHeading").filter(has=page.locator("h3")).first
    expect(heading).to_be_visible(timeout=30_000)
    title = heading.inner_text()
    expect(page.locator("blockquote")).to_have_count(quotes)

    copied = page.url
    again = open_page(copied.split("/", 3)[3])
    assert shown_count(again) == count
    expect(again.get_by_role("dialog").get_by_text(title, exact=True).first).to_be_visible()
    assert again.get_by_role("dialog").locator("blockquote").count() == quotes


def test_clicking_a_place_restricts_the_timeline_and_clicking_again_clears(open_page):
    """Test that a click on a map place narrows the timeline to it, and a second click undoes it."""
    page = open_page()
    before = shown_count(page)
    click_centre(page, place_point(page, "siffin"))
    page.wait_for_url(re.compile(r"at="))
    expect(page.get_by_text("Showing only events at Siffin")).to_be_visible(timeout=30_000)
    narrowed = wait_for_count_change(page, before)
    assert narrowed[0] < before[0]
    wait_idle(page)
    click_centre(page, place_point(page, "siffin"))
    page.wait_for_url(lambda url: "at=" not in url)
    assert wait_for_count_change(page, narrowed) == before


def test_the_ah_axis_shows_hijri_years(open_page):
    """Test that switching the calendar labels the axis in AH years."""
    page = open_page()
    page.get_by_text("AH (Hijri)").click()
    page.wait_for_url(re.compile(r"axis=ah"))
    expect(chart(page, 0).locator(".xtick text").filter(has_text="AH").first).to_be_visible(
        timeout=30_000)
    ticks = chart(page, 0).locator(".xtick text").all_text_contents()
    assert "36 AH" in ticks and "656" not in ticks


def test_a_bad_link_gets_a_polite_notice(open_page):
    """Test that unknown link values are reported politely and the page still draws."""
    page = open_page("?faction=martians&from=soon")
    expect(page.get_by_text("Ignored unknown faction value(s) in the link: 'martians'.")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    assert shown_count(page)[0] > 0


def test_the_page_stacks_on_a_narrow_screen(open_page):
    """Test that on a phone-sized screen the map sits below the timeline."""
    page = open_page(viewport={"width": 600, "height": 900})
    timeline, geo = chart(page, 0).bounding_box(), chart(page, 1).bounding_box()
    assert geo["y"] >= timeline["y"] + timeline["height"] - 1
