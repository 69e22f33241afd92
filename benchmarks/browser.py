"""Browser measures: a real ``streamlit run`` timed in Debian's headless Chromium via Playwright.

For one page (the atlas on some data package, or the floor page of the same events) this module
starts the server on a free port, then measures in a fresh browser context at projector size:

- the first visit, which includes the server's cold load of the package;
- later visits (median), from navigation until every chart is drawn and Streamlit is idle, with
  the HTTP bytes of the visit (as sent, compressed, with headers; and decoded), the websocket
  bytes, and the browser's main-thread CPU time (Chrome DevTools Protocol ``Performance``
  metrics, ``TaskDuration``; None where the browser does not give them);
- the redraw after a filter change (median): the time from choosing a faction in the sidebar
  until the "Showing N of M events" line has changed, Streamlit has finished the run, and every
  chart has been drawn again with new data; its websocket bytes and CPU time. Streamlit sends a
  mere reference for an element the session has already received, so each repetition is a new
  session, as a person's first choice of that filter would be;
- a click on an event in the filtered view (median): from the click on the first chart's lowest
  point until the event's card is shown and Streamlit is idle; its websocket bytes and CPU time
  (not measured where that chart draws with WebGL, which has no point to click);
- on the atlas, its Story page too (:func:`measure_story`): a first visit until the story's map,
  timeline and first step are drawn, and the next step (the right arrow key) until the step and
  both charts are drawn again, with the websocket bytes and CPU time of each;
- the server process's peak resident memory (VmHWM), read from ``/proc`` at the end.

No browser is downloaded: the ``chromium`` on the PATH is launched with the same flags as the
browser tests.
"""

from __future__ import annotations

import re
import shutil
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .serve import streamlit_server
from .server_side import peak_rss_mb

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 720}
# Generous: the first visit to a big package waits for its cold load.
FIRST_VISIT_TIMEOUT_MS = 600_000
REDRAW_TIMEOUT_MS = 180_000
# Stop repeating (visit, redraw, reset) after this long, once there is one.
BUDGET_S = 90.0
# The Story page (the atlas's pages/story.py): its address, its charts (map and timeline), and
# how long to repeat (visit, next step).
STORY_PATH = "story"
STORY_CHARTS = 2
STORY_BUDGET_S = 45.0

# The line whose change shows that a page has its new content: a CSS selector and a pattern.
# The atlas and the floor page say "Showing N of M events"; the Story page's live region says
# "Step N of M · story: step title".
# The Story page also waits until no element of the step before is left (stale) on screen.
COUNT_LINE = ('[data-testid="stMarkdownContainer"]', r"Showing (\d+) of (\d+) events", False)
STEP_LINE = ("p.story-live", r"^Step \d+ of \d+[\s\S]*", True)
# True once the page shows its line (changed from `before`), Streamlit is idle (and, where
# `fresh`, no element of the run before is left), and each chart is drawn: a map with its
# coastlines, and each chart marked before an action (see _MARK_JS) drawn again with new data.
# Where `fresh` (the Story page), a chart whose figure the next step leaves unchanged is not
# sent again and stays as drawn, so only one chart at least must be new or drawn again (a story
# whose two steps share a place keeps its map). Plotly.react replaces
# `gd.data` and fires plotly_afterplot when the drawing is done; a chart Streamlit replaces is a
# new, unmarked node.
_READY_JS = """
([before, charts, selector, pattern, fresh]) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (fresh && document.querySelector('[data-stale="true"]')) return false;
  let line = null;
  for (const el of document.querySelectorAll(selector)) {
    const m = el.textContent.match(new RegExp(pattern));
    if (m) { line = m[0]; break; }
  }
  if (!line || line === before) return false;
  const plots = document.querySelectorAll('.js-plotly-plot');
  if (plots.length < charts) return false;
  let changed = 0;
  for (const gd of plots) {
    if (!gd._fullLayout || !gd.querySelector('.main-svg')) return false;
    const redrawn = gd.__benchDrawnData !== undefined && gd.__benchDrawnData !== gd.__benchData;
    if (gd.__benchMarked && !redrawn && !fresh) return false;
    if (!gd.__benchMarked || redrawn) changed += 1;
    if (gd._fullLayout.geo && !gd.querySelector('g.layer.coastlines path')) return false;
  }
  if (fresh && before && changed === 0) return false;
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
# The index of the first chart's lowest point on the screen.
_LOWEST_POINT_JS = """
() => {
  const points = [...document.querySelector('.js-plotly-plot')
                  .querySelectorAll('g.trace.scatter path.point')];
  const bottoms = points.map(p => p.getBoundingClientRect().bottom);
  return bottoms.indexOf(Math.max(...bottoms));
}
"""
# True once the card (a CSS selector) is shown and Streamlit is idle.
_CARD_JS = """
(card) => !document.querySelector('[data-testid="stStatusWidget"]')
          && !!document.querySelector(card)
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
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless, with background networking off; the browser tests use it too."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        raise RuntimeError("the browser tests and measures need Debian's chromium: "
                           "apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _Meter:
    """What one page costs: websocket bytes received, HTTP bytes, the browser's CPU time.

    The websocket bytes are counted from Playwright's frames (Streamlit does not compress them by
    default). The HTTP bytes and the CPU time come from a Chrome DevTools Protocol session on the
    page: ``Network.loadingFinished`` gives each response's bytes as sent (compressed, with
    headers), ``Network.dataReceived`` its decoded bytes, and ``Performance.getMetrics`` the
    main thread's ``TaskDuration``. Where the protocol is not available, those stay None.
    """

    def __init__(self, context, page) -> None:
        self.websocket = 0
        self.http_wire: int | None = None
        self.http_decoded: int | None = None
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))
        try:
            self._cdp = context.new_cdp_session(page)
            self._cdp.send("Performance.enable")
            self._cdp.send("Network.enable")
        except Exception:  # noqa: BLE001 - another browser: no protocol, no such measures
            self._cdp = None
            return
        self.http_wire = self.http_decoded = 0
        self._cdp.on("Network.loadingFinished", self._finished)
        self._cdp.on("Network.dataReceived", self._received)

    def _add(self, payload) -> None:
        self.websocket += len(payload.encode() if isinstance(payload, str) else payload)

    def _finished(self, event: dict) -> None:
        self.http_wire += int(event.get("encodedDataLength", 0))

    def _received(self, event: dict) -> None:
        self.http_decoded += int(event.get("dataLength", 0))

    def cpu_s(self) -> float | None:
        """The page's main-thread task time so far, in seconds, or None."""
        if self._cdp is None:
            return None
        metrics = self._cdp.send("Performance.getMetrics")["metrics"]
        return next((m["value"] for m in metrics if m["name"] == "TaskDuration"), None)


def _spent(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def _wait_ready(page, before: str, charts: int, timeout_ms: int,
                line: tuple[str, str, bool] = COUNT_LINE) -> str:
    """Wait until the page is ready (see ``_READY_JS``); return its ``line`` (COUNT_LINE)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        handle = page.wait_for_function(_READY_JS, arg=[before, charts, *line], polling="raf",
                                        timeout=timeout_ms)
    except PlaywrightTimeout:
        raise RuntimeError(f"the page was not ready after {timeout_ms / 1000:.0f} s; it shows "
                           f"{page.evaluate(_STATE_JS)}") from None
    return handle.json_value()


def _visit(browser, url: str, charts: int, timeout_ms: int, line: tuple[str, str, bool] = COUNT_LINE):
    """Open ``url`` in a fresh context; return (page, context, meter, what the visit cost)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    meter = _Meter(context, page)
    cpu = meter.cpu_s()
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    _wait_ready(page, "", charts, timeout_ms, line)
    cost = {"visit_s": time.perf_counter() - started, "visit_bytes": meter.websocket,
            "visit_http_wire": meter.http_wire, "visit_http_decoded": meter.http_decoded,
            "visit_cpu_s": _spent(meter.cpu_s(), cpu)}
    return page, context, meter, cost


def _act(meter: _Meter, act, wait) -> tuple[float, int, float | None]:
    """Do ``act`` (which returns the moment of the action), then ``wait``; return the seconds
    from the action until ``wait`` returned, the websocket bytes and the CPU time meanwhile."""
    start_bytes, cpu = meter.websocket, meter.cpu_s()
    started = act()
    wait()
    return time.perf_counter() - started, meter.websocket - start_bytes, _spent(meter.cpu_s(), cpu)


def _redraw(page, charts: int, meter: _Meter, act,
            line: tuple[str, str, bool] = COUNT_LINE) -> tuple[float, int, float | None]:
    """Do ``act`` (which ends with the action that reruns); time it until the page is ready."""
    before = _wait_ready(page, "", charts, REDRAW_TIMEOUT_MS, line)
    page.evaluate(_MARK_JS)
    return _act(meter, act, lambda: _wait_ready(page, before, charts, REDRAW_TIMEOUT_MS, line))


def _points(page):
    """The first chart's points drawn as SVG (none where it draws with WebGL)."""
    return page.locator(".js-plotly-plot").first.locator("g.trace.scatter path.point")


def _click_event(page) -> float:
    """Click an event in the first chart as a mouse does; return the moment of the click.

    The point clicked is the lowest one drawn: Plotly's mode bar, which appears on hovering,
    covers the chart's top right corner.
    """
    page.keyboard.press("Escape")  # close the Factions box's list, which would take the click
    lowest = page.evaluate(_LOWEST_POINT_JS)
    box = _points(page).nth(lowest).bounding_box()
    started = time.perf_counter()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return started


def _wait_card(page, card: str) -> None:
    """Wait until ``card`` (a CSS selector) is on the page and Streamlit is idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_CARD_JS, arg=card, polling="raf", timeout=REDRAW_TIMEOUT_MS)
    except PlaywrightTimeout:
        raise RuntimeError(f"no card ({card}) after {REDRAW_TIMEOUT_MS / 1000:.0f} s; the page "
                           f"shows {page.evaluate(_STATE_JS)}") from None


def _choose_faction(page, label: str) -> float:
    """Type ``label`` into the sidebar's Factions box; return the moment Enter is pressed."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text="Factions")
    box.click()
    page.keyboard.type(label)
    started = time.perf_counter()
    page.keyboard.press("Enter")
    return started


def _repeat(func, times: int, budget_s: float) -> list:
    """Call ``func`` ``times`` times, or fewer (at least once) when ``budget_s`` has gone."""
    results, started = [], time.perf_counter()
    while len(results) < times:
        results.append(func())
        if time.perf_counter() - started > budget_s:
            break
    return results


def measure_page(browser, url: str, *, charts: int, faction_label: str, card: str,
                 repeat: int = 3, budget_s: float = BUDGET_S) -> dict:
    """Time visits, redraws and clicks of one served page; see the module's docstring.

    After the first visit, each repetition is a fresh browser context (a new Streamlit session,
    so nothing is in its message cache): a visit, then choosing the faction (the redraw), then a
    click on an event of the filtered view (the card).

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
    card : str
        A CSS selector that matches the event's card once it is shown.
    repeat : int
        Most repetitions; fewer (at least one) once ``budget_s`` seconds have gone.

    Returns
    -------
    dict
        Seconds, bytes and CPU seconds, medians of the repetitions, and their number.
    """
    page, context, _, first = _visit(browser, url, charts, FIRST_VISIT_TIMEOUT_MS)
    context.close()

    def cycle() -> dict[str, float | None]:
        page, context, meter, cost = _visit(browser, url, charts, REDRAW_TIMEOUT_MS)
        try:
            redraw = _redraw(page, charts, meter, lambda: _choose_faction(page, faction_label))
            # A chart drawn with WebGL (many events in view) has no point to click as a person
            # would: then the click is not measured.
            click = (_act(meter, lambda: _click_event(page), lambda: _wait_card(page, card))
                     if _points(page).count() else (None, None, None))
        finally:
            context.close()
        names = ("s", "bytes", "cpu_s")
        return {**cost, **{f"redraw_{n}": v for n, v in zip(names, redraw, strict=True)},
                **{f"click_{n}": v for n, v in zip(names, click, strict=True)}}

    cycles = _repeat(cycle, repeat, budget_s)
    result = {key: _median([c[key] for c in cycles]) for key in cycles[0]}
    result.update(first_visit_s=first["visit_s"], first_visit_bytes=first["visit_bytes"],
                  repeats=len(cycles))
    return result


def _next_step(page) -> float:
    """Press the right arrow key (the Story page's "Next"); return the moment it is pressed."""
    started = time.perf_counter()
    page.keyboard.press("ArrowRight")
    return started


def measure_story(browser, url: str, *, repeat: int = 3, budget_s: float = STORY_BUDGET_S) -> dict:
    """Time the Story page at ``url``: a visit until its first step and charts are drawn, then
    the next step (the right arrow key) until that step and both charts are drawn again.

    Each repetition is a fresh browser context (a new session), as for :func:`measure_page`;
    the first visit, which builds the server's stories, is kept apart.

    Returns
    -------
    dict
        ``story_visit_s``, ``story_visit_bytes`` (websocket), ``story_visit_cpu_s``,
        ``story_next_s``, ``story_next_bytes``, ``story_next_cpu_s`` (medians),
        ``story_first_visit_s`` and ``story_repeats``.
    """
    page, context, _, first = _visit(browser, url, STORY_CHARTS, FIRST_VISIT_TIMEOUT_MS,
                                     STEP_LINE)
    context.close()

    def cycle() -> dict[str, float | None]:
        page, context, meter, cost = _visit(browser, url, STORY_CHARTS, REDRAW_TIMEOUT_MS,
                                            STEP_LINE)
        try:
            # A story of one step has no next step: then it is not measured.
            told = re.match(r"Step \d+ of (\d+)", page.locator(STEP_LINE[0]).text_content())
            step = (_redraw(page, STORY_CHARTS, meter, lambda: _next_step(page), STEP_LINE)
                    if told and int(told[1]) > 1 else (None, None, None))
        finally:
            context.close()
        return {"story_visit_s": cost["visit_s"], "story_visit_bytes": cost["visit_bytes"],
                "story_visit_cpu_s": cost["visit_cpu_s"],
                **{f"story_next_{n}": v for n, v in zip(("s", "bytes", "cpu_s"), step,
                                                        strict=True)}}

    cycles = _repeat(cycle, repeat, budget_s)
    result = {key: _median([c[key] for c in cycles]) for key in cycles[0]}
    result.update(story_first_visit_s=first["visit_s"], story_repeats=len(cycles))
    return result


def _median(values: list) -> float | int | None:
    """The median of ``values`` (an int for counts), or None where one was not measured."""
    if any(v is None for v in values):
        return None
    middle = statistics.median(values)
    return int(middle) if all(isinstance(v, int) for v in values) else middle


def measure_served(script: Path, *, env: dict[str, str] | None = None, charts: int,
                   faction_label: str, card: str, browser, repeat: int = 3,
                   story: bool = False) -> dict:
    """Start ``streamlit run script``, measure it with :func:`measure_page` (and, with ``story``,
    its Story page with :func:`measure_story`), add peak memory."""
    with streamlit_server(script, env) as served:
        result = measure_page(browser, url=served.url, charts=charts,
                              faction_label=faction_label, card=card, repeat=repeat)
        if story:
            result.update(measure_story(browser, f"{served.url}/{STORY_PATH}", repeat=repeat))
        result["server_peak_mb"] = peak_rss_mb(served.pid)
    return result
