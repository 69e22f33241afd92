"""Hostile packages uploaded to a real server in Chromium: nothing read, fetched or run.

Each package comes from the corpus in tests/hostile.py. A local listener stands where an
attacker's server would be: any request it records (from the app's server or from the page)
fails the test, as does the content of a server file on screen or a live element made from data.
"""

import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.test_upload_browser import upload
from tests.hostile import SECRET, Listener, build
from tests.test_hostile import SAFE_TARGETS

pytestmark = pytest.mark.e2e

# (case, words of the located problem the Atlas page lists)
CASES = [
    ("vrt_reads_a_server_file", "this layer is not GeoJSON"),
    ("vrt_fetches_a_url", "this layer is not GeoJSON"),
    ("gml_as_layer", "this layer is not GeoJSON"),
    ("descriptor_path_url", "the atlas reads only files inside the package folder"),
    ("text_path_url", "the text must be a file inside the data package"),
    ("gazetteer_id_markdown", "wikidata_id"),
    ("colour_breaks_out_of_css", "this is not a colour the atlas draws"),
    ("date_year_9999", None),
]

# Its places.csv is named by a URL, which is refused: the package has no places to open.
WITHOUT_PLACES = {"descriptor_path_url"}


@pytest.fixture(scope="module")
def listener():
    with Listener() as running:
        yield running


@pytest.mark.parametrize(("case", "located"), CASES)
def test_a_hostile_upload_is_reported_and_does_nothing(open_page, listener, tmp_path, case,
                                                       located):
    """Test one hostile package through upload, Atlas, Places and About in Chromium."""
    secret = tmp_path / "server-secret.txt"
    secret.write_text(f"id\n{SECRET}\n", encoding="utf-8")
    data = build(case, tmp_path / "package", listener.url, secret)
    archive = tmp_path / f"{case}.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((tmp_path / "package").rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(data if path.is_relative_to(data)
                                                    else tmp_path / "package"))
    before = len(listener.requests)

    page = open_page("about", wait_for_charts=False)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    upload(page, archive)
    main = page.get_by_test_id("stMain")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Atlas", exact=True).click()
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=60_000)
    if located:
        page.get_by_text("problem(s); valid rows are shown").click()
        expect(main).to_contain_text(located, timeout=30_000)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Places", exact=True).click()
    expect(main.get_by_role("heading", name="Places")).to_be_visible(timeout=30_000)
    if case not in WITHOUT_PLACES:
        picker = page.get_by_test_id("stSelectbox").filter(has_text="Place to read about")
        picker.click()
        page.keyboard.type("Medina")
        page.keyboard.press("Enter")
        expect(main.get_by_role("heading", name="Medina")).to_be_visible(timeout=30_000)

    for text in (page.inner_text("body"),):
        assert SECRET not in text
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stMain'] img").count() == 0
    assert page.locator("[data-testid='stMain'] a[href^='javascript']").count() == 0
    links = page.locator("[data-testid='stMain'] a[href^='http']")
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href")
        assert href.startswith(SAFE_TARGETS), href
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert listener.requests[before:] == []
