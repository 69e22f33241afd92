"""The benchmark's browser measure, smoke-tested on the floor page with the session's Chromium."""

import pytest

from benchmarks import run
from benchmarks.browser import measure_served, measure_story

pytestmark = pytest.mark.e2e


def test_the_browser_measures_the_floor_page(browser):
    """Test that the browser measure times a visit, a redraw and a click on the floor page."""
    result = measure_served(run.FLOOR_APP, charts=1, browser=browser,
                            faction_label="Mu'awiya and the Syrians", card=run.FLOOR_CARD,
                            repeat=1)
    assert result["repeats"] == 1
    # Seconds, not milliseconds: each step of the small page takes well under a minute.
    assert 0 < result["redraw_s"] < 60 and 0 < result["click_s"] < 60
    assert result["redraw_bytes"] > 0 and result["click_bytes"] > 0
    # Chromium gives the protocol's measures: a visit fetches Streamlit's scripts over HTTP.
    assert result["visit_http_decoded"] > 1_000_000 and result["visit_cpu_s"] > 0
    assert result["server_peak_mb"] > 10  # MiB of the server process, read from /proc


def test_the_browser_measures_the_story_page(browser, server_url):
    """Test that the Story page's visit and next step are timed, with their bytes and CPU."""
    result = measure_story(browser, f"{server_url}/story", repeat=1)
    assert result["story_repeats"] == 1
    assert 0 < result["story_visit_s"] < 60 and 0 < result["story_next_s"] < 60
    assert result["story_visit_bytes"] > 0 and result["story_next_bytes"] > 0
    assert result["story_visit_cpu_s"] > 0 and result["story_next_cpu_s"] > 0
