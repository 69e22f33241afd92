"""Browser tests: the Story page and its printable handout in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import expect

from atlas import story
from atlas.package import load_package
from tests.e2e.conftest import ARTIFACTS, wait_idle

pytestmark = pytest.mark.e2e

LIVE = "p.story-live[role='status'][aria-live='polite']"


@pytest.fixture(scope="module")
def egypt():
    """The package and 'The fall of Egypt, 658'."""
    package = load_package()
    return package, story.read_stories(package)["egypt_658"]


def press(page, key: str, number: int, total: int) -> None:
    """Press ``key`` and wait until the live region announces step ``number``."""
    page.keyboard.press(key)
    expect(page.locator(LIVE)).to_have_text(re.compile(rf"^Step {number} of {total} "),
                                            timeout=30_000)
    settle(page)


def settle(page) -> None:
    """Wait until the rerun has finished and no element of the step before is left on screen."""
    wait_idle(page)
    page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=30_000)


def chart_data(page, trace_name: str, index: int):
    """The customdata of the trace ``trace_name`` of chart ``index`` (0: map, 1: timeline)."""
    return page.evaluate(
        """([name, i]) => { const plot = document.querySelectorAll('.js-plotly-plot')[i];
             const t = plot._fullData.find(t => t.name === name);
             const list = (a) => a ? Array.from(a, (v) => Array.isArray(v) ? v : v) : a;
             return t ? {customdata: list(t.customdata), lon: list(t.lon), lat: list(t.lat)}
                      : null; }""",
        [trace_name, index])


def boxes_overlap(a, b) -> bool:
    """Whether two bounding boxes overlap."""
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def assert_fits_the_screen(page) -> None:
    """Nothing on the page needs scrolling at 1280x720."""
    sizes = page.evaluate("""() => { const main = document.querySelector('[data-testid=stMain]');
        return [document.scrollingElement.scrollHeight, window.innerHeight,
                main.scrollHeight, main.clientHeight]; }""")
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3] + 1, sizes


def test_right_arrow_five_times_reaches_step_six_with_timeline_and_map_following(open_page, egypt):
    """Test that five presses of the right arrow reach step 6: URL, heading, ring and map frame."""
    package, told = egypt
    page = open_page("story?story=egypt_658&step=1")
    expect(page.locator(LIVE)).to_have_text(re.compile("^Step 1 of 12"))
    # A screen reader hears each step: the live region stays in place and its words change.
    live = page.locator(LIVE).element_handle()
    for number in range(2, 7):
        press(page, "ArrowRight", number, 12)
        page.screenshot(path=ARTIFACTS / f"story-egypt-step-{number}.png")

    expect(page).to_have_url(re.compile(r"[?&]step=6(&|$)"))
    assert "story=egypt_658" in page.url
    event_id = told.steps["event_id"].iloc[5]
    title = package.events.set_index("id").at[event_id, "title"]
    assert live.evaluate("e => e.isConnected && e.textContent") == \
        f"Step 6 of 12 · The fall of Egypt, 658: {title}"
    heading = page.locator("h2.story-title")
    expect(heading).to_have_text(title)
    expect(heading).to_be_in_viewport()
    assert_fits_the_screen(page)

    # The timeline rings step 6's event, on the row its label names.
    assert chart_data(page, "Ring", 1)["customdata"] == [[event_id]]
    timeline = page.locator(".js-plotly-plot").nth(1)
    label = timeline.locator(".ytick text", has_text=re.compile(r"^6\. "))
    expect(label).to_be_in_viewport()
    assert label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12
    ring = timeline.locator("g.trace.scatter").last.locator("path.point").first
    ring_box, label_box = ring.bounding_box(), label.bounding_box()
    assert abs((ring_box["y"] + ring_box["height"] / 2)
               - (label_box["y"] + label_box["height"] / 2)) < 6
    labels = [t.bounding_box() for t in timeline.locator(".ytick text").all()]
    assert len(labels) == 12
    assert not any(boxes_overlap(a, b) for i, a in enumerate(labels) for b in labels[i + 1:])

    # The map is framed on the step's place and rings it inside the frame.
    place = package.places.set_index("id").loc[told.steps["frame_place"].iloc[5]]
    lon_range, lat_range = page.evaluate("""() => { const geo = document.querySelectorAll(
        '.js-plotly-plot')[0]._fullLayout.geo; return [geo.lonaxis.range, geo.lataxis.range]; }""")
    assert lon_range[0] < place["lon"] < lon_range[1] and lat_range[0] < place["lat"] < lat_range[1]
    assert abs(sum(lon_range) / 2 - place["lon"]) < 0.01
    ringed = chart_data(page, "Current place", 0)
    assert ringed["lon"] == [place["lon"]] and ringed["lat"] == [place["lat"]]
    map_box = page.locator(".js-plotly-plot").nth(0).bounding_box()
    marker = page.locator(".js-plotly-plot").nth(0).locator("g.trace.scattergeo").last.locator(
        "path.point").first.bounding_box()
    assert map_box["x"] < marker["x"] < map_box["x"] + map_box["width"] - marker["width"]
    assert map_box["y"] < marker["y"] < map_box["y"] + map_box["height"] - marker["height"]
    assert chart_data(page, "Story so far", 0) is not None


def test_a_teacher_chooses_the_fall_of_egypt_and_steps_through_by_keyboard(open_page, egypt):
    """Test that the chooser opens 'The fall of Egypt, 658'; End, Home and the arrows move."""
    _, told = egypt
    page = open_page("story")
    expect(page.locator(LIVE)).to_have_text(re.compile("^Step 1 of 12 · The revolt of 656"))
    # Without the mouse: Tab to the chooser, type, Enter, then Tab on to the step buttons.
    for _ in range(20):
        if page.evaluate("document.activeElement.getAttribute('role')") == "combobox":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"
    page.keyboard.type("fall of Egypt")
    page.keyboard.press("Enter")
    expect(page.locator(LIVE)).to_have_text(
        "Step 1 of 12 · The fall of Egypt, 658: Mu'awiya commissions Amr to conquer Egypt",
        timeout=30_000)
    settle(page)
    page.keyboard.press("Tab")
    page.screenshot(path=ARTIFACTS / "story-chooser-egypt-1.png")
    press(page, "End", 12, 12)
    expect(page.locator("h2.story-title")).to_have_text("Ali mourns Muhammad")
    page.screenshot(path=ARTIFACTS / "story-chooser-egypt-12.png")
    press(page, "ArrowLeft", 11, 12)
    expect(page).to_have_url(re.compile(r"[?&]step=11(&|$)"))
    assert_fits_the_screen(page)
    press(page, "Home", 1, 12)
    expect(page.locator("h2.story-title")).to_have_text("Mu'awiya commissions Amr to conquer Egypt")
    for number in range(2, len(told) + 1):
        press(page, "ArrowRight", number, 12)
        assert_fits_the_screen(page)
        # Every step shows each source's words, side by side.
        expect(page.locator(".st-key-story_sources blockquote").first).to_be_in_viewport()


def test_the_atlas_and_the_story_link_to_each_other_keeping_the_filters(open_page):
    """Test that the Atlas opens the selected event's story and the step links back with filters."""
    page = open_page("?event=kinana_killed&faction=ali")
    # The linked event's card opens in a dialog over the page; close it to reach the link.
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    link = page.get_by_role("link", name=re.compile("Tell this episode as a story"))
    expect(link).to_have_attribute("href", re.compile(r"story\?faction=ali&story=egypt_658&step=6"))
    # Streamlit opens Markdown links in a new tab: the story opens beside the Atlas.
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        link.click()
    page = opened.value
    expect(page.locator(LIVE)).to_have_text(re.compile("^Step 6 of 12"), timeout=60_000)
    expect(page).to_have_url(re.compile(r"faction=ali"))
    back = page.get_by_role("link", name="Open this event on the Atlas")
    expect(back).to_have_attribute("href", "./?faction=ali&event=kinana_killed")


def test_the_handout_prints_every_step_without_the_apps_chrome(open_page, egypt):
    """Test that the print view shows each step in print media and prints to a PDF."""
    package, told = egypt
    page = open_page("story?story=egypt_658&view=handout", wait_for_charts=False)
    expect(page.locator("h1")).to_have_text("The fall of Egypt, 658")
    page.emulate_media(media="print")
    titles = package.events.set_index("id").loc[told.steps["event_id"], "title"]
    for number, title in enumerate(titles, start=1):
        expect(page.get_by_role("heading", name=f"{number}. {title}")).to_be_attached()
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    expect(page.locator("[data-testid='stHeader']")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "story-handout-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "story-handout.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") \
        + pdf.count(b"/Type/Page") >= 2
