"""Browser tests of bringing one's own data: an upload shown for one session, hostile text inert."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.conftest import XSS_IMG, XSS_SCRIPT, XSS_TEXT, hostile_tables, write_package

pytestmark = pytest.mark.e2e


@pytest.fixture
def hostile_zip(tmp_path):
    """A zipped package whose every text field carries an XSS payload."""
    data = write_package(tmp_path / "package", hostile_tables(), text=XSS_TEXT)
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(data.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(data))
    return archive


def upload(page, archive) -> None:
    """Upload ``archive`` on the About page and wait for the banner."""
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(archive))
    button = page.get_by_role("button", name="Show this data")
    expect(button).to_be_enabled(timeout=30_000)
    button.click()
    expect(page.get_by_text("You are viewing uploaded data")).to_be_visible(timeout=60_000)


def test_uploaded_hostile_text_shows_literally_and_runs_nothing(open_page, hostile_zip):
    """Test that an uploaded package's HTML and scripts show as text and never execute."""
    page = open_page("about", wait_for_charts=False)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    upload(page, hostile_zip)
    expect(page.get_by_test_id("stSidebarUserContent").get_by_text(
        "5 events · 3 places · 2 sources · 6 quotes")).to_be_visible()

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Atlas", exact=True).click()
    expect(page.locator(".js-plotly-plot")).to_have_count(2, timeout=60_000)
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Event to read")
    picker.click()
    page.keyboard.type("Siege")
    page.keyboard.press("Enter")
    # The card opens in a dialog over the charts, and stands below them once it is closed.
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("What each source says", exact=True)).to_be_visible(timeout=30_000)
    expect(dialog).to_contain_text(XSS_SCRIPT)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    card = page.get_by_test_id("stMain")
    expect(card).to_contain_text(XSS_SCRIPT)
    expect(card).to_contain_text(XSS_IMG)
    expect(card).to_contain_text("[click](javascript:window.__xss=3)")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sources", exact=True).click()
    text = page.locator(".source-text")
    expect(text).to_contain_text(f"{XSS_IMG} and {XSS_SCRIPT}", timeout=60_000)
    assert page.locator(".source-text img, .source-text script").count() == 0
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_the_upload_stays_in_its_session_and_the_way_back_works(open_page, hostile_zip):
    """Test that another visitor still sees the bundled data, and 'back' restores it here."""
    page = open_page("about", wait_for_charts=False)
    upload(page, hostile_zip)
    other = open_page("", wait_for_charts=True)
    expect(other.get_by_text(re.compile(r"Showing \d+ of 70 events"))).to_be_visible()
    assert other.get_by_text("You are viewing uploaded data").count() == 0
    page.get_by_role("button", name="Back to the atlas's own data").click()
    expect(page.get_by_text("You are viewing uploaded data")).to_have_count(0, timeout=30_000)
    expect(page.get_by_test_id("stSidebarUserContent").get_by_text(
        re.compile(r"70 events · 14 places"))).to_be_visible()
