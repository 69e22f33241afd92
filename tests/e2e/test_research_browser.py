"""Browser tests of the research pages: from a source's text to the atlas, and a download."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from atlas.export import read_csv_export
from atlas.package import load_package

pytestmark = pytest.mark.e2e


def test_a_highlighted_passage_opens_its_event_on_the_atlas(open_page, requests_seen):
    """Test that clicking a quoted passage on the Sources page selects that event on the Atlas."""
    page = open_page("sources?src=000", wait_for_charts=False)
    passage = page.locator(".source-text a.cited").first
    expect(passage).to_be_visible(timeout=30_000)
    event_id = re.search(r"event=([^&]+)", passage.get_attribute("href")).group(1)
    title = load_package().events.set_index("id").at[event_id, "title"]
    passage.click()
    page.wait_for_url(re.compile(rf"\?event={event_id}$"))
    # The link opens the event's card in a dialog, titled by the event.
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("What each source says", exact=True)).to_be_visible(
        timeout=60_000)
    expect(dialog.get_by_text(title, exact=True).first).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=60_000)
    assert requests_seen.external() == []


def test_the_filtered_events_download_as_safe_csv(open_page):
    """Test that the About page's CSV download holds exactly the filtered events' quotes."""
    page = open_page("about?faction=syrians", wait_for_charts=False)
    button = page.get_by_role("button", name="Events with their quotes (CSV)")
    expect(button).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename == "fitna-atlas-events.csv"
    text = open(download.path(), encoding="utf-8").read()
    rows = read_csv_export(text)
    package = load_package()
    syrian = set(package.event_factions.loc[package.event_factions["faction_id"] == "syrians",
                                            "event_id"])
    assert set(rows["id"]) and set(rows["id"]) <= syrian
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row)


def test_a_first_visit_deep_link_gets_the_whole_app(browser, fresh_server_url):
    """Test that the very first visitor arriving at /compare?source=002 gets the app, filtered."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{fresh_server_url}/compare?source=002")
        expect(page.get_by_role("heading", name="Compare the sources")).to_be_visible(
            timeout=60_000)
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name="About and data")).to_be_visible()
        assert nav.get_by_role("link", name="app", exact=True).count() == 0
        assert page.get_by_text("Page not found").count() == 0
        # The link's filter reached the shared sidebar and stays in the address bar.
        chosen = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
            has_text="Sources").get_by_text("(002)")
        expect(chosen).to_be_visible()
        expect(page).to_have_url(re.compile(r"/compare\?source=002$"))
    finally:
        page.close()
