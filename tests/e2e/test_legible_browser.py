"""Browser tests: the Atlas page read from the back of a room, at 1280x720 in Chromium.

Labels are read as a person sees them: the bounding boxes of the text the browser drew.
"""

import re

import pytest
from playwright.sync_api import expect

from atlas.package import load_package
from atlas.presets import episode_presets, window_words
from tests.e2e.conftest import wait_for_app, wait_idle

pytestmark = pytest.mark.e2e

# Every drawn text of a chart: event titles and counts, lane names, place and region names.
_TEXT_BOXES = """(index) => {
  const chart = document.querySelectorAll('.js-plotly-plot')[index];
  const texts = [...chart.querySelectorAll('g.trace text, g.annotation text')];
  return texts.filter(t => t.textContent.trim() !== '').map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height,
            size: parseFloat(getComputedStyle(t).fontSize)};
  });
}"""
# Event markers of the timeline with their id, lane, x and title as the chart holds them.
_TIMELINE_POINTS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const range = gd._fullLayout.xaxis.range;
  const points = [];
  gd.data.filter(t => t.mode === 'markers+text' && t.customdata).forEach(t => {
    t.x.forEach((x, i) => points.push({id: t.customdata[i][0], lane: t.customdata[i][7], x: x,
                                       text: t.text[i],
                                       inView: x >= range[0] && x <= range[1]}));
  });
  return points;
}"""


def overlapping(boxes, slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes share more than ``slack`` pixels each way."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"]
                    and a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"]):
                pairs.append((a["text"], b["text"]))
    return pairs


def text_boxes(page, index: int) -> list[dict]:
    """The boxes of the texts drawn on the timeline (0) or the map (1)."""
    return page.evaluate(_TEXT_BOXES, index)


def click_point(page, locator) -> None:
    """Click the middle of a marker the way a mouse does."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("query", ["", "?projector=1", "?lane=source", "?lane=place"])
def test_no_two_labels_overlap_on_the_timeline_or_the_map(open_page, query):
    """Test that the drawn titles, counts and names never overlap, and none is under 12 px."""
    page = open_page(query)
    timeline, geo = text_boxes(page, 0), text_boxes(page, 1)
    assert len(timeline) >= 10 and len(geo) >= 8
    assert overlapping(timeline) == []
    assert overlapping(geo) == []
    assert min(box["size"] for box in timeline + geo) >= 12
    names = {box["text"] for box in geo}
    assert {"Medina", "Fustat", "Siffin", "Dumat al-Jandal"} <= names
    assert any(name.startswith("Kharbata") for name in names)


def test_an_episode_preset_sets_the_window_the_url_and_the_title_and_titles_every_event(
        open_page):
    """Test that one click on an episode shows its months, in the URL and the page title, with
    every event in view titled on the chart."""
    package = load_package()
    preset = episode_presets(package.events, package.episodes)[0]
    page = open_page()
    page.get_by_role("button", name=preset.name, exact=True).click()
    page.wait_for_url(re.compile(r"from=.*to="))
    expect(page.locator("h1")).to_contain_text(window_words(preset.start, preset.end),
                                               timeout=30_000)
    wait_idle(page)
    # Plotly redraws the timeline after the title has changed: wait (bounded) for the new window.
    page.wait_for_function(f"(({_TIMELINE_POINTS})()).filter(p => p.inView).every(p => p.text)",
                           timeout=30_000)
    points = page.evaluate(_TIMELINE_POINTS)
    in_view = [p for p in points if p["inView"]]
    assert len(in_view) >= 5
    assert [p["id"] for p in in_view if not p["text"]] == []
    drawn = " ".join(box["text"] for box in text_boxes(page, 0))
    for point in in_view:
        assert point["text"].rstrip("…")[:12] in drawn
    assert overlapping(text_boxes(page, 0)) == []


@pytest.mark.parametrize("query", ["", "?projector=1"])
def test_the_cards_heading_is_on_screen_right_after_a_click(open_page, query):
    """Test that clicking an event shows its card's heading inside the 1280x720 viewport."""
    page = open_page(query)
    point = page.locator(".js-plotly-plot").nth(0).locator("g.trace.scatter path.point").first
    click_point(page, point)
    page.wait_for_url(re.compile(r"event="))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    event_id = re.search(r"event=([^&]+)", page.url).group(1)
    title = load_package().events.set_index("id").at[event_id, "title"]
    heading = dialog.get_by_text(title, exact=True).first
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 720
    assert 0 <= box["x"] and box["x"] + box["width"] <= 1280
    expect(dialog.get_by_text("What each source says")).to_be_in_viewport()


def test_a_link_to_an_event_opens_its_card_in_view(open_page):
    """Test that ?event= in the URL shows the card where the eye is, without scrolling."""
    page = open_page("?event=battle_of_siffin")
    heading = page.get_by_role("dialog").get_by_text("Battle of Siffin", exact=True).first
    expect(heading).to_be_in_viewport(timeout=30_000)


def test_lanes_by_source_put_an_event_at_each_sources_own_date(open_page):
    """Test that on lanes by source an event stands, in a source's lane, at the date that source
    gives, and that a line joins its versions."""
    package = load_package()
    dates = package.source_dates
    page = open_page("?lane=source&from=655-01&to=658-12")
    points = page.evaluate(_TIMELINE_POINTS)
    shorts = package.sources.set_index("id")["short"]
    checked = 0
    for (event_id, source_id), own in dates.groupby(["event_id", "source_id"]):
        lane = f"{shorts[source_id]} ({source_id})"
        drawn = {p["x"] for p in points if p["id"] == event_id and p["lane"] == lane}
        if not drawn:
            continue  # outside the window
        assert drawn == set(own["best_iso"]), (event_id, lane)
        checked += 1
    assert checked >= 1
    lanes = page.locator(".js-plotly-plot").nth(0).locator("g.annotation").all_text_contents()
    assert {f"{shorts[s]} ({s})" for s in package.sources["id"]} <= set(lanes)
    assert page.evaluate("""() => document.querySelectorAll('.js-plotly-plot')[0].data
                            .some(t => t.name === 'Same event in another version')""")


def test_projector_mode_hides_the_sidebar_and_is_held_in_the_url(open_page):
    """Test that the projector switch hides the sidebar, enlarges the titles and sets the URL."""
    page = open_page()
    before = max(box["size"] for box in text_boxes(page, 0))
    page.get_by_text("Projector", exact=True).click()
    page.wait_for_url(re.compile(r"projector=1"))
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=30_000)
    wait_for_app(page)
    expect(page.locator(".js-plotly-plot").nth(0).locator("g.trace text").first).to_have_css(
        "font-size", re.compile(r"1[6-9]px|2\dpx"), timeout=30_000)
    assert max(box["size"] for box in text_boxes(page, 0)) > before
    timeline = page.locator(".js-plotly-plot").nth(0).bounding_box()
    geo = page.locator(".js-plotly-plot").nth(1).bounding_box()
    assert timeline["y"] < 720 and geo["y"] < 720
    assert geo["width"] >= 0.4 * 1280


def test_the_map_takes_about_half_the_width(open_page):
    """Test that at 1280 px, beside the sidebar, the map is as wide as the timeline."""
    page = open_page()
    timeline = page.locator(".js-plotly-plot").nth(0).bounding_box()
    geo = page.locator(".js-plotly-plot").nth(1).bounding_box()
    assert abs(geo["width"] - timeline["width"]) < 40
    assert geo["x"] > timeline["x"] + timeline["width"] - 1
