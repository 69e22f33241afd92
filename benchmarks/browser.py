"""Browser measures: a real ``streamlit run`` timed in Debian's headless Chromium via Playwright.

For one page (the atlas on some data package, or the baseline page) this module starts the
server on a free port, then measures in a fresh browser context at projector size:

- the first visit, which includes the server's cold load of the package;
- later visits (median), from navigation until every chart is drawn and Streamlit is idle;
- the redraw after a filter change (median): the time from choosing a faction in the sidebar
  until the "Showing N of M events" line has changed, Streamlit has finished the run, and every
  chart has been drawn again with new data;
- the bytes the server sent over its websocket for that rerun. Streamlit sends a mere
  reference for an element the session has already received, so each repetition is a new
  session, as a person's first choice of that filter would be;
- the redraw after the sidebar's Reset, back to the default view (which the session has
  received, so its elements come as references);
- the server process's peak resident memory (VmHWM), read from ``/proc`` at the end.

No browser is downloaded: the ``chromium`` on the PATH is launched with the same flags as the
browser tests.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from atlas.paths import ROOT
from deploy.cluster import free_port, stop, wait_healthy

from .server_side import peak_rss_mb

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 720}
STARTUP_TIMEOUT = 90
# Generous: the first visit to a big package waits for its cold load.
FIRST_VISIT_TIMEOUT_MS = 600_000
REDRAW_TIMEOUT_MS = 180_000
# Stop repeating (visit, redraw, reset) after this long, once there is one.
BUDGET_S = 90.0

# True once the page shows the count line (changed from `before`), Streamlit is idle, and each
# chart is drawn: a map with its coastlines, and each chart marked before an action (see
# _MARK_JS) drawn again with new data. Plotly.react replaces `gd.data` and fires
# plotly_afterplot when the drawing is done; a chart Streamlit replaces is a new, unmarked node.
_READY_JS = """
([before, charts]) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  let line = null;
  for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
    const m = el.textContent.match(/Showing (\\d+) of (\\d+) events/);
    if (m) { line = m[0]; break; }
  }
  if (!line || line === before) return false;
  const plots = document.querySelectorAll('.js-plotly-plot');
  if (plots.length < charts) return false;
  for (const gd of plots) {
    if (!gd._fullLayout || !gd.querySelector('.main-svg')) return false;
    if (gd.__benchMarked && (gd.__benchDrawnData === undefined
                             || gd.__benchDrawnData === gd.__benchData)) return false;
    if (gd._fullLayout.geo && !gd.querySelector('g.layer.coastlines path')) return false;
  }
  return line;
}
"""
# What the page shows, for the message when it never gets ready.
_STATE_JS = """
() => ({
  running: !!document.querySelector('[data-testid="stStatusWidget"]'),
  exceptions: [...document.querySelectorAll('[data-testid="stException"]')]
    .map(e => e.textContent.slice(0, 300)),
  count_line: [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .map(e => e.textContent).filter(t => /Showing/.test(t)).map(t => t.slice(0, 120)),
  charts: [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    drawn: !!gd.querySelector('.main-svg'), marked: !!gd.__benchMarked,
    redrawn: gd.__benchDrawnData !== undefined && gd.__benchDrawnData !== gd.__benchData,
    traces: (gd.data || []).length})),
})
"""
_MARK_JS = """
() => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    gd.__benchMarked = true;
    gd.__benchData = gd.data;
    gd.__benchDrawnData = undefined;
    if (!gd.__benchHooked && gd.on) {
      gd.on('plotly_afterplot', () => { gd.__benchDrawnData = gd.data; });
      gd.__benchHooked = true;
    }
  }
}
"""


@contextmanager
def streamlit_server(script: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """Run ``streamlit run script`` on a free port; yield its URL and process id."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    try:
        wait_healthy(f"{url}/_stcore/health", process, STARTUP_TIMEOUT)
        yield url, process.pid
    finally:
        stop(process)


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless, as the browser tests launch it."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        raise RuntimeError("the browser measures need Debian's chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _Bytes:
    """Counts the bytes of websocket frames the page receives."""

    def __init__(self, page) -> None:
        self.total = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))

    def _add(self, payload) -> None:
        self.total += len(payload.encode() if isinstance(payload, str) else payload)


def _wait_ready(page, before: str, charts: int, timeout_ms: int) -> str:
    """Wait until the page is ready (see ``_READY_JS``); return its count line."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        handle = page.wait_for_function(_READY_JS, arg=[before, charts], polling="raf",
                                        timeout=timeout_ms)
    except PlaywrightTimeout:
        raise RuntimeError(f"the page was not ready after {timeout_ms / 1000:.0f} s; it shows "
                           f"{page.evaluate(_STATE_JS)}") from None
    return handle.json_value()


def _visit(browser, url: str, charts: int, timeout_ms: int):
    """Open ``url`` in a fresh context; return (page, context, seconds until ready, bytes)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    received = _Bytes(page)
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    _wait_ready(page, "", charts, timeout_ms)
    return page, context, time.perf_counter() - started, received


def _redraw(page, charts: int, received: _Bytes, act) -> tuple[float, int]:
    """Do ``act`` (which ends with the action that reruns); time it until the page is ready."""
    before = _wait_ready(page, "", charts, REDRAW_TIMEOUT_MS)
    page.evaluate(_MARK_JS)
    start_bytes = received.total
    started = act()
    _wait_ready(page, before, charts, REDRAW_TIMEOUT_MS)
    return time.perf_counter() - started, received.total - start_bytes


def _choose_faction(page, label: str) -> float:
    """Type ``label`` into the sidebar's Factions box; return the moment Enter is pressed."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Factions")
    box.click()
    page.keyboard.type(label)
    started = time.perf_counter()
    page.keyboard.press("Enter")
    return started


def _reset(page) -> float:
    """Press the sidebar's Reset button; return the moment of the click."""
    page.keyboard.press("Escape")
    button = page.get_by_test_id("stSidebar").get_by_role("button", name="Reset", exact=True)
    button.scroll_into_view_if_needed()
    started = time.perf_counter()
    button.click()
    return started


def _repeat(func, times: int, budget_s: float) -> list:
    """Call ``func`` ``times`` times, or fewer (at least once) when ``budget_s`` has gone."""
    results, started = [], time.perf_counter()
    while len(results) < times:
        results.append(func())
        if time.perf_counter() - started > budget_s:
            break
    return results


def measure_page(browser, url: str, *, charts: int, faction_label: str, repeat: int = 3,
                 budget_s: float = BUDGET_S) -> dict:
    """Time visits and redraws of one served page; see the module's docstring.

    After the first visit, each repetition is a fresh browser context (a new Streamlit session,
    so nothing is in its message cache): a visit, then choosing the faction (the redraw), then
    the sidebar's Reset (back to the default view, which that session has already received).

    Parameters
    ----------
    browser : playwright.sync_api.Browser
        The launched Chromium.
    url : str
        The page's address.
    charts : int
        How many Plotly charts the page draws.
    faction_label : str
        What to type into the Factions box to choose the typical faction.
    repeat : int
        Most repetitions; fewer (at least one) once ``budget_s`` seconds have gone.

    Returns
    -------
    dict
        Seconds and bytes, medians of the repetitions, and their number.
    """
    page, context, first, received = _visit(browser, url, charts, FIRST_VISIT_TIMEOUT_MS)
    first_bytes = received.total
    context.close()

    def cycle() -> dict[str, float]:
        page, context, visit_s, received = _visit(browser, url, charts, REDRAW_TIMEOUT_MS)
        visit_bytes = received.total
        try:
            redraw_s, redraw_bytes = _redraw(page, charts, received,
                                             lambda: _choose_faction(page, faction_label))
            reset_s, reset_bytes = _redraw(page, charts, received, lambda: _reset(page))
        finally:
            context.close()
        return {"visit_s": visit_s, "visit_bytes": visit_bytes, "redraw_s": redraw_s,
                "redraw_bytes": redraw_bytes, "reset_s": reset_s, "reset_bytes": reset_bytes}

    cycles = _repeat(cycle, repeat, budget_s)
    result = {key: statistics.median(c[key] for c in cycles) for key in cycles[0]}
    for key in ("visit_bytes", "redraw_bytes", "reset_bytes"):
        result[key] = int(result[key])
    result.update(first_visit_s=first, first_visit_bytes=first_bytes, repeats=len(cycles))
    return result


def measure_served(script: Path, *, env: dict[str, str] | None = None, charts: int,
                   faction_label: str, browser, repeat: int = 3) -> dict:
    """Start ``streamlit run script``, measure it with :func:`measure_page`, add peak memory."""
    with streamlit_server(script, env) as (url, pid):
        result = measure_page(browser, url, charts=charts, faction_label=faction_label,
                              repeat=repeat)
        result["server_peak_mb"] = peak_rss_mb(pid)
    return result
