"""The benchmark's browser measure, smoke-tested on the baseline page with the session's Chromium."""

import pytest

from benchmarks import run
from benchmarks.browser import measure_served

pytestmark = pytest.mark.e2e


def test_the_browser_measures_the_baseline_page(browser):
    """Test that the browser measure times a visit and a redraw of the baseline page."""
    result = measure_served(run.BASELINE_APP, charts=1, browser=browser,
                            faction_label=run.BASELINE_FACTION, repeat=1)
    assert result["repeats"] == 1
    assert result["redraw_s"] > 0 and result["redraw_bytes"] > 0
    assert result["server_peak_mb"] is None or result["server_peak_mb"] > 0
