"""The scale benchmark: the atlas from the real data to 10,000 events (or more), beside a floor page.

Over 400 lines for one job: running the measures and writing each table of the report
(its words, ratios and targets) beside them; the measures themselves live in
server_side.py, browser.py and floor_app.py.

Usage: python -m benchmarks.run [SIZE ...] [--out FILE] [--no-browser] [--no-profile]

Each SIZE is ``real`` (the bundled package) or a number of events, for which
:func:`benchmarks.synth.write_package` writes a synthetic package (seed 0). For each package:

- in a fresh process (``benchmarks.server_side``): the cold load + validate and the cached
  load; one interaction's server time (apply a faction filter, build both figures and their
  JSON, median of ``--repeat`` runs) and the size of that JSON;
- in Debian's headless Chromium against a real ``streamlit run app.py`` (``benchmarks.browser``):
  the time until both charts are drawn, the redraw after choosing the faction in the sidebar,
  a click on an event until its card is shown, the bytes of each (HTTP and websocket), the
  browser's CPU time for each, and the server's peak memory.

The floor page (``benchmarks/floor_app.py``: a bare Streamlit page with one Plotly chart of the
same package's events) is measured in the same run and the same way for every package, so that
the results read as ratios to what Streamlit and Plotly cost on this machine for those events.
The largest package is then profiled (``benchmarks.hotspots``). The results are printed and
written, with the machine's description, to ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from atlas.paths import DATA_DIR, DATA_ENV, GEO_DIR, GEO_ENV, ROOT
from deploy.cluster import SERVER_ENV

from .browser import BUDGET_S as BROWSER_BUDGET_S
from .load import keep_section
from .server_side import BUDGET_S
from .synth import write_package

DEFAULT_SIZES = ("real", "1000", "10000")
RESULTS = ROOT / "benchmarks" / "results.md"
FLOOR_APP = ROOT / "benchmarks" / "floor_app.py"
# What shows that a clicked event's card is on the page: the atlas's card dialog with its
# quotes, the floor page's card heading.
ATLAS_CARD = '[role="dialog"] blockquote'
FLOOR_CARD = ".st-key-card h3"
SEED = 0
PACKAGES = ("streamlit", "plotly", "pandas", "numpy", "geopandas", "playwright")

MB = 1_000_000


@dataclass
class Row:
    """What was measured for one package: the atlas (server and browser) and its floor page."""

    label: str
    events: int
    real: bool = False
    server: dict = field(default_factory=dict)
    browser: dict = field(default_factory=dict)
    floor: dict = field(default_factory=dict)

    def to_floor(self, key: str, floor_key: str | None = None) -> float | None:
        """The atlas's browser measure ``key`` divided by the floor page's (its ``floor_key``,
        by default the same), or None."""
        mine, base = self.browser.get(key), self.floor.get(floor_key or key)
        return mine / base if mine is not None and base else None


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: a measure, a limit, and where it applies."""

    title: str
    limit: float
    unit: str
    real_only: bool = False

    def value(self, row: Row) -> float | None:
        """The measure this target limits, or None where it was not measured."""
        server, browser = row.server, row.browser
        filtered = server.get("filtered", {})
        if self.title.startswith("Interaction"):
            return filtered.get("total_s")
        if self.title.startswith("Redraw ≤"):
            return row.to_floor("redraw_s")
        if self.title.startswith("Redraw"):
            return browser.get("redraw_s")
        if self.title.startswith("Sent"):
            sizes = [filtered.get("json_bytes"), browser.get("redraw_bytes")]
            sizes = [s for s in sizes if s is not None]
            return max(sizes) if sizes else None
        if self.title.startswith("Cold"):
            return server.get("cold_load_s")
        if self.title.startswith("Cached"):
            return server.get("cached_load_s")
        raise ValueError(self.title)


TARGETS = (
    Target("Interaction < 300 ms", 0.300, "s"),
    Target("Interaction < 30 ms (real data)", 0.030, "s", real_only=True),
    Target("Redraw < 1.5 s", 1.5, "s"),
    Target("Redraw ≤ 1.5 × floor (real data)", 1.5, "x", real_only=True),
    Target("Sent per rerun < 3 MB", 3 * MB, "B"),
    Target("Cold load + validate < 5 s", 5.0, "s"),
    Target("Cached load < 10 ms", 0.010, "s"),
)


# --- formatting -----------------------------------------------------------------------------


def seconds(value: float | None) -> str:
    """'0.4 ms', '12 ms', '1.23 s' or '–'."""
    if value is None:
        return "–"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def size(value: float | None) -> str:
    """Bytes in decimal units: '950 B', '12.3 kB', '4.56 MB' or '–'."""
    if value is None:
        return "–"
    if value < 1000:
        return f"{value:.0f} B"
    if value < MB:
        return f"{value / 1000:.1f} kB"
    return f"{value / MB:.2f} MB"


def mib(value: float | None) -> str:
    """'123 MiB' or '–'."""
    return "–" if value is None else f"{value:.0f} MiB"


def ratio(value: float | None) -> str:
    """'2.3×' or '–'."""
    return "–" if value is None else f"{value:.1f}×"


def _format(value: float, unit: str) -> str:
    return {"s": seconds, "B": size, "x": ratio}[unit](value)


def verdict(target: Target, row: Row) -> str:
    """'met (12 ms)', '**not met** (1.20 s)' or '–' (not measured, or not this row's target)."""
    if target.real_only and not row.real:
        return "–"
    value = target.value(row)
    if value is None:
        return "–"
    met = value <= target.limit if target.unit == "x" else value < target.limit
    return f"{'met' if met else '**not met**'} ({_format(value, target.unit)})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(cells) + " |" for cells in rows]


# --- the machine ----------------------------------------------------------------------------


def machine(browser_version: str | None = None) -> dict[str, str]:
    """A description of this machine and of the software measured (no paths, no names)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kib = next(int(line.split()[1]) for line in info if line.startswith("MemTotal:"))
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores ({usable} usable by this process)",
        "Memory": memory,
        "System": f"{platform.system()} ({platform.machine()})",
        "Python": platform.python_version(),
        "Packages": ", ".join(versions),
        "Browser": f"Chromium {browser_version} (headless, software rendering)"
        if browser_version else "not measured",
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --- measuring ------------------------------------------------------------------------------


def _package(size_arg: str, root: Path) -> tuple[str, Path, Path, bool]:
    """The label, folders and realness of the package a SIZE argument names."""
    if size_arg == "real":
        return "real data", DATA_DIR, GEO_DIR, True
    n = int(size_arg)
    data_dir, geo_dir = write_package(root / f"n{n}", n, seed=SEED)
    return f"synthetic {n:,}", data_dir, geo_dir, False


def _run_module(module: str, args: list[str], env: dict[str, str]) -> dict:
    """Run ``python -m module args`` in a fresh process; return the JSON it prints."""
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **env})
    if done.returncode:
        raise RuntimeError(f"{module} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def server_side(data_dir: Path, geo_dir: Path, repeat: int) -> dict:
    """The server-side measures of a package, in a fresh process."""
    env = {DATA_ENV: str(data_dir), GEO_ENV: str(geo_dir)}
    return _run_module("benchmarks.server_side", ["--repeat", str(repeat)], env)


def hotspots(data_dir: Path, geo_dir: Path) -> dict:
    """The profile of a package, in a fresh process."""
    return _run_module("benchmarks.hotspots", ["--json", "--top", "6", "--data", str(data_dir),
                                               "--geo", str(geo_dir)], {})


def _progress(row: Row) -> None:
    s, b, f = row.server, row.browser, row.floor
    parts = [f"{row.label}: {row.events:,} events"]
    if s:
        parts += [f"cold load {seconds(s['cold_load_s'])}", f"cached {seconds(s['cached_load_s'])}",
                  f"interaction {seconds(s['filtered']['total_s'])}",
                  f"JSON {size(s['filtered']['json_bytes'])}"]
    if b:
        parts += [f"page {seconds(b['visit_s'])}", f"redraw {seconds(b['redraw_s'])}",
                  f"sent {size(b['redraw_bytes'])}", f"click {seconds(b['click_s'])}",
                  f"server peak {mib(b['server_peak_mb'])}"]
        if "story_visit_s" in b:
            parts += [f"story page {seconds(b['story_visit_s'])}, "
                      f"next step {seconds(b['story_next_s'])}"]
    if f:
        parts += [f"floor page {seconds(f['visit_s'])}, redraw {seconds(f['redraw_s'])}, "
                  f"click {seconds(f['click_s'])}"]
    print("  " + "; ".join(parts), flush=True)


def run(sizes: list[str], *, repeat: int = 7, browser_repeat: int = 3, browser: bool = True,
        profile: bool = True, workdir: Path | None = None) -> dict:
    """Measure every size (the atlas and its floor page); return everything measured.

    Parameters
    ----------
    sizes : list of str
        ``"real"`` or numbers of events.
    repeat : int
        Runs per server-side median.
    browser_repeat : int
        Repetitions of the browser's visit, redraw and reset.
    browser : bool
        Whether to measure in Chromium (the atlas and the floor page).
    profile : bool
        Whether to profile the largest package.
    workdir : pathlib.Path, optional
        Where to write the synthetic packages; a temporary folder by default.

    Returns
    -------
    dict
        ``machine``, ``rows`` (one :class:`Row` per size) and ``profile``.
    """
    from .browser import chromium, measure_served

    started = time.perf_counter()
    load_before = _load_average()
    with ExitStack() as stack:
        root = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        chrome = stack.enter_context(chromium()) if browser else None
        rows, largest = [], None
        for size_arg in sizes:
            print(f"{size_arg}: preparing the package", flush=True)
            label, data_dir, geo_dir, real = _package(size_arg, root)
            row = Row(label, 0, real=real)
            row.server = server_side(data_dir, geo_dir, repeat)
            row.events = row.server["events"]
            if chrome is not None:
                # Both servers as `make run`, the cluster and the systemd unit start the app.
                env = {DATA_ENV: str(data_dir), GEO_ENV: str(geo_dir), **SERVER_ENV}
                faction = row.server["faction_name"]
                row.floor = measure_served(FLOOR_APP, env=env, charts=1, browser=chrome,
                                           faction_label=faction, card=FLOOR_CARD,
                                           repeat=browser_repeat)
                row.browser = measure_served(ROOT / "app.py", env=env, charts=2, browser=chrome,
                                             faction_label=faction, card=ATLAS_CARD,
                                             repeat=browser_repeat, story=True)
            _progress(row)
            rows.append(row)
            if largest is None or row.events > largest[0].events:
                largest = (row, data_dir, geo_dir)
        result = {"machine": machine(chrome.version if chrome is not None else None),
                  "rows": rows, "profile": None,
                  "settings": {"repeat": repeat, "browser_repeat": browser_repeat}}
        if profile and largest is not None:
            print(f"profiling {largest[0].label}", flush=True)
            result["profile"] = {"label": largest[0].label,
                                 "result": hotspots(largest[1], largest[2])}
    result["seconds"] = time.perf_counter() - started
    if load_before is not None:
        # Other work on the machine slows every measure; say how busy it was.
        result["machine"]["Load average"] = (f"{load_before:.2f} at the start, "
                                             f"{_load_average():.2f} at the end (1 minute)")
    return result


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# --- the report -----------------------------------------------------------------------------


def _results_table(rows: list[Row]) -> list[str]:
    header = ["Package", "Events", "Cold load + validate", "Cached load",
              "Interaction (server)", "Figures' JSON", "Sent per rerun (websocket)",
              "Page ready (browser)", "Redraw after filter (browser)", "Redraw ÷ floor",
              "Server peak memory"]
    body = []
    for row in rows:
        s, b, f = row.server, row.browser, row.server.get("filtered", {})
        body.append([
            row.label, f"{row.events:,}", seconds(s.get("cold_load_s")),
            seconds(s.get("cached_load_s")), seconds(f.get("total_s")), size(f.get("json_bytes")),
            size(b.get("redraw_bytes")), seconds(b.get("visit_s")), seconds(b.get("redraw_s")),
            ratio(row.to_floor("redraw_s")), mib(b.get("server_peak_mb")),
        ])
    return _table(header, body)


@dataclass(frozen=True)
class Measure:
    """One line of the side-by-side table: a browser measure, its format and its limit."""

    title: str
    key: str
    unit: str
    # The limit for the real data: on the ratio (a number) or on the extra bytes (a
    # string "+N"); None for a measure without one. The other sizes must be within 2×.
    real_limit: float | str | None = None
    # The floor page's measure it is set beside, where that is another (the Story page's).
    floor_key: str | None = None


SIDE_BY_SIDE = (
    Measure("First visit → charts drawn", "visit_s", "s", 1.2),
    Measure("Choose a faction → charts redrawn", "redraw_s", "s", 1.5),
    Measure("Click an event → its card shown", "click_s", "s", 1.5),
    Measure("HTTP bytes of a visit, as sent (compressed, with headers)", "visit_http_wire", "B",
            "+500000"),
    Measure("HTTP bytes of a visit, decoded", "visit_http_decoded", "B"),
    Measure("Websocket bytes of a visit", "visit_bytes", "B"),
    Measure("Websocket bytes of the faction's redraw", "redraw_bytes", "B"),
    Measure("Websocket bytes of the click", "click_bytes", "B"),
    Measure("Browser CPU of a visit", "visit_cpu_s", "s"),
    Measure("Browser CPU of the redraw", "redraw_cpu_s", "s"),
    Measure("Browser CPU of the click", "click_cpu_s", "s"),
    # The floor has no story: its visit and its click → card (one action that reruns the page
    # and shows what it chose) are the nearest things it does.
    Measure("Story page: first visit → map, timeline and first step drawn", "story_visit_s", "s",
            floor_key="visit_s"),
    Measure("Story page: websocket bytes of a visit", "story_visit_bytes", "B",
            floor_key="visit_bytes"),
    Measure("Story page: browser CPU of a visit", "story_visit_cpu_s", "s",
            floor_key="visit_cpu_s"),
    Measure("Story page: next step (→ key) → step and its charts drawn", "story_next_s", "s",
            floor_key="click_s"),
    Measure("Story page: websocket bytes of the next step", "story_next_bytes", "B",
            floor_key="click_bytes"),
    Measure("Story page: browser CPU of the next step", "story_next_cpu_s", "s",
            floor_key="click_cpu_s"),
    Measure("Server peak memory (RSS)", "server_peak_mb", "MiB"),
)
# Beyond the real data, each measure with a limit is to be within this ratio of the floor.
OTHER_SIZES_LIMIT = 2.0


def side_by_side_verdict(measure: Measure, row: Row) -> str:
    """The issue's target for ``measure`` on ``row`` and whether it is met, or '–'."""
    mine, base = row.browser.get(measure.key), row.floor.get(measure.floor_key or measure.key)
    if measure.real_limit is None or mine is None or not base:
        return "–"
    if row.real and isinstance(measure.real_limit, str):
        extra = float(measure.real_limit)
        met, limit = mine <= base + extra, f"≤ floor + {size(extra)}"
    else:
        most = measure.real_limit if row.real else OTHER_SIZES_LIMIT
        met, limit = mine / base <= most, f"≤ {most:g}×"
    return f"{limit}: {'met' if met else '**not met**'}"


def _side_by_side_table(row: Row) -> list[str]:
    """The atlas beside the floor page for one package, each measure as a ratio to the floor."""
    body = []
    for measure in SIDE_BY_SIDE:
        show = {"s": seconds, "B": size, "MiB": mib}[measure.unit]
        body.append([measure.title, show(row.browser.get(measure.key)),
                     show(row.floor.get(measure.floor_key or measure.key)),
                     ratio(row.to_floor(measure.key, measure.floor_key)),
                     side_by_side_verdict(measure, row)])
    return _table(["Measure", "Fitna Atlas", "Floor page", "Ratio", "Target"], body)


def _targets_table(rows: list[Row]) -> list[str]:
    header = ["Package"] + [t.title for t in TARGETS]
    return _table(header, [[row.label] + [verdict(t, row) for t in TARGETS] for row in rows])


def _details_table(rows: list[Row]) -> list[str]:
    header = ["Package", "Factions filter", "Events shown", "Filter", "Timeline", "Map",
              "Timeline JSON", "Map JSON", "JSON size (timeline + map)",
              "Default view: server, JSON", "First visit (cold server)",
              "Click → card", "Sent on a visit", "Load peak memory",
              "Repetitions (server / browser)"]
    body = []
    for row in rows:
        s, b = row.server, row.browser
        f, d = s["filtered"], s["default"]
        body.append([
            row.label, s["faction_name"], f"{f['shown']:,} of {row.events:,}",
            seconds(f["filter_s"]), seconds(f["timeline_s"]), seconds(f["map_s"]),
            seconds(f["timeline_json_s"]), seconds(f["map_json_s"]),
            f"{size(f['timeline_json_bytes'])} + {size(f['map_json_bytes'])}",
            f"{seconds(d['total_s'])}, {size(d['json_bytes'])}",
            seconds(b.get("first_visit_s")), seconds(b.get("click_s")), size(b.get("visit_bytes")),
            mib(s.get("load_peak_mb")),
            f"{f['runs']} / {b.get('repeats', '–')}",
        ])
    return _table(header, body)


_STEP_NAMES = {"filter_s": "applying the filter", "timeline_s": "building the timeline figure",
               "map_s": "building the map figure",
               "timeline_json_s": "turning the timeline into JSON",
               "map_json_s": "turning the map into JSON"}
_BOOKKEEPING = ("load_package", "_load", "main", "<module>")


def _within(value: float, limit: float) -> str:
    return "within" if value < limit else "over"


def limits(rows: list[Row], profile: dict | None) -> list[str]:
    """Paragraphs on what limits each measure, written from the numbers measured."""
    if not rows:
        return []
    paragraphs = []
    big = max(rows, key=lambda r: r.events)
    real = next((r for r in rows if r.real), None)
    f = big.server["filtered"]
    steps = sorted(_STEP_NAMES, key=lambda k: f[k], reverse=True)
    text = (f"**Interaction.** At {big.events:,} events one interaction takes "
            f"{seconds(f['total_s'])} on the server ({_within(f['total_s'], 0.3)} the 300 ms "
            f"target). The largest part is {_STEP_NAMES[steps[0]]} ({seconds(f[steps[0]])}, "
            f"{f[steps[0]] / f['total_s']:.0%}), then {_STEP_NAMES[steps[1]]} "
            f"({seconds(f[steps[1]])})")
    if "filter_s" not in steps[:2]:
        text += f"; applying the filter takes {seconds(f['filter_s'])}"
    text += (f". The default view (no filter, {big.server['default']['shown']:,} events) takes "
             f"{seconds(big.server['default']['total_s'])}.")
    paragraphs.append(text)
    if real is not None and real is not big:
        r = real.server["filtered"]
        build = r["timeline_s"] + r["map_s"]
        text = (f"With the real data ({real.events} events) it takes {seconds(r['total_s'])} "
                f"({_within(r['total_s'], 0.03)} the 30 ms target), {build / r['total_s']:.0%} of "
                f"it building the two figure objects")
        small = [row for row in rows if not row.real and row.events <= 2000]
        if small:
            s = small[0].server["filtered"]
            grows = (s["timeline_s"] + s["map_s"]) / max(build, 1e-9)
            more = small[0].events / max(real.events, 1)
            text += (f"; at {small[0].events:,} events ({more:.0f}× as many) that part takes "
                     f"{seconds(s['timeline_s'] + s['map_s'])} ({grows:.1f}×)")
            if grows < more / 4:
                text += ", so most of it is a cost per rerun, not per event"
        paragraphs.append(text + ".")

    if big.browser:
        b = big.browser
        rest = b["redraw_s"] - f["total_s"]
        text = (f"**Redraw.** In Chromium the redraw after the filter change takes "
                f"{seconds(b['redraw_s'])} at {big.events:,} events "
                f"({_within(b['redraw_s'], 1.5)} the 1.5 s target")
        if big.floor:
            text += (f"; the floor page's redraw of the same events takes "
                     f"{seconds(big.floor['redraw_s'])}")
        text += (f"). The figures' server time accounts for {seconds(f['total_s'])} of it; the "
                 f"other {seconds(max(rest, 0))} is the rest of the page's script, sending "
                 f"{size(b['redraw_bytes'])}, and drawing the charts of {f['shown']:,} events in "
                 f"the browser. A fresh visit takes {seconds(b['visit_s'])} "
                 f"({size(b['visit_bytes'])} received on the websocket)")
        text += (f"; a click on an event shows its card in {seconds(b['click_s'])}."
                 if b.get("click_s") is not None else
                 "; the timeline draws this many events with WebGL, so no event is clicked.")
        paragraphs.append(text)
    if real is not None and real.browser and real.floor:
        rb, bb = real.browser["redraw_s"], real.floor["redraw_s"]
        gap = rb - bb
        server = real.server["filtered"]["total_s"]
        text = (f"At the real data's size the redraw takes {seconds(rb)}, {rb / bb:.1f}× the "
                f"floor page's {seconds(bb)} ({'within' if rb / bb <= 1.5 else 'over'} 1.5×).")
        if gap > 0:
            text += (f" The figures' server time ({seconds(server)}) is {min(server / gap, 1):.0%} "
                     f"of the {seconds(gap)} difference; the rest is everything the page does "
                     f"beyond the floor's one chart of the same events: the rest of its script, "
                     f"{size(real.browser['redraw_bytes'])} sent instead of "
                     f"{size(real.floor['redraw_bytes'])}, and drawing two charts, one a map.")
        rc, bc = real.browser.get("click_s"), real.floor.get("click_s")
        if rc is not None and bc:
            text += (f" A click on an event shows its card in {seconds(rc)}, {rc / bc:.1f}× the "
                     f"floor page's {seconds(bc)}, receiving {size(real.browser['click_bytes'])} "
                     f"on the websocket (the floor {size(real.floor['click_bytes'])}).")
        paragraphs.append(text)

    sent = f["json_bytes"]
    per_event = f["timeline_json_bytes"] / max(f["shown"], 1)
    text = (f"**Sent.** At {big.events:,} events the two figures' JSON for the filtered view is "
            f"{size(sent)}: the timeline {size(f['timeline_json_bytes'])} for {f['shown']:,} "
            f"events ({per_event:.0f} bytes per event")
    # A point with a date, a lane and an id cannot take fewer than about 20 bytes.
    text += ("; too few for a point per event, so the timeline aggregates at this size)"
             if per_event < 20 else ")")
    text += (f" and the map {size(f['map_json_bytes'])}. The default view's figures are "
             f"{size(big.server['default']['json_bytes'])}.")
    if big.browser:
        ws = big.browser["redraw_bytes"]
        text += f" The websocket carried {size(ws)} for the rerun"
        if ws > sent * 1.2:
            text += f", {size(ws - sent)} more than the figures, for the page's other elements"
        text += "."
    paragraphs.append(text)

    cold = big.server["cold_load_s"]
    text = (f"**Load.** Cold load + validate takes {seconds(cold)} at {big.events:,} events "
            f"({_within(cold, 5)} the 5 s target)")
    smaller = [r for r in rows if r.events < big.events and not r.real]
    if smaller:
        prev = max(smaller, key=lambda r: r.events)
        text += (f"; from {prev.events:,} to {big.events:,} events ({big.events / prev.events:.0f}× "
                 f"the events) it grew {cold / prev.server['cold_load_s']:.1f}×")
    text += (f". The cached load takes {seconds(big.server['cached_load_s'])}: the app loads a "
             "package once per process.")
    if profile:
        load = profile["result"]["load"]
        total = max((cum for name, _, cum in load["project"] if "(load_package)" in name),
                    default=0.0) or max(cum for _, _, cum in load["own"])
        own = ", ".join(f"`{name}` ({own / total:.0%})" for name, own, _ in load["own"][:3])
        ours = [(name, cum) for name, _, cum in load["project"]
                if not any(f"({b})" in name for b in _BOOKKEEPING)][:3]
        text += (f" Profiled at {profile['label']}, the load's time goes, in shares of the whole, "
                 f"to the project's " + ", ".join(f"`{n}` ({c / total:.0%} with what it calls)"
                                                   for n, c in ours)
                 + f"; the functions with most time of their own are {own}.")
    paragraphs.append(text)

    if big.browser and big.browser.get("server_peak_mb"):
        text = (f"**Memory.** The server's peak memory is {mib(big.browser['server_peak_mb'])} at "
                f"{big.events:,} events")
        if big.floor.get("server_peak_mb"):
            text += f", against {mib(big.floor['server_peak_mb'])} for the floor page"
        text += f"; loading the package alone peaks at {mib(big.server.get('load_peak_mb'))}."
        paragraphs.append(text)
    return paragraphs


def _hotspot_lines(profile: dict) -> list[str]:
    lines = [f"## Hot spots at {profile['label']} (cProfile)", "",
             "Seconds under the profiler, which slows Python calls down: read them as shares. "
             "Own = time in the function itself; with callees = including what it calls.", ""]
    titles = {"load": "Load + validate", "interaction": "One interaction (filter + both figures)",
              "json": "Both figures to JSON"}
    for phase, title in titles.items():
        data = profile["result"][phase]
        rows = [[f"`{name}`", f"{own:.3f}", f"{cum:.3f}"] for name, own, cum in data["own"]]
        rows += [[f"`{name}` (project)", f"{own:.3f}", f"{cum:.3f}"]
                 for name, own, cum in data["project"][:4]]
        lines += [f"**{title}**", ""] + _table(["Function", "Own (s)", "With callees (s)"], rows)
        lines.append("")
    return lines


def render(result: dict, command: str) -> str:
    """The results as Markdown."""
    rows = result["rows"]
    settings = result["settings"]
    lines = ["# Scale benchmark", "",
             f"Measured with `{command}` in {result['seconds'] / 60:.1f} minutes. Written by "
             "`benchmarks/run.py`; do not edit by hand.", "", "## Machine", ""]
    lines += [f"- **{key}:** {value}" for key, value in result["machine"].items()]
    lines += _side_by_side_lines(rows, settings)
    lines += ["", "## Results", ""] + _results_table(rows) + [
        "",
        "- *Cold load + validate*: the first load of the package in a new server process, "
        "through the app's cache (imports not counted; the files are in the OS cache). "
        "*Cached load*: a later call (median).",
        f"- *Interaction (server)*: what a rerun does with the figures after choosing one "
        f"faction in the sidebar: apply the filters, build the timeline and the map, and turn "
        f"both into the JSON `st.plotly_chart` sends; median of {settings['repeat']} runs "
        f"(at least 3, fewer than {settings['repeat']} once {BUDGET_S:.0f} s have gone).",
        "- *Figures' JSON*: the size of those two JSON texts. *Sent per rerun (websocket)*: the "
        "bytes the browser received on Streamlit's websocket for that rerun (uncompressed; "
        "everything on the page, not only the figures).",
        f"- *Page ready*: from navigation in a fresh browser context until both charts are "
        f"drawn (the map with its coastlines) and "
        f"Streamlit is idle, on a warm server. *Redraw "
        f"after filter*: from pressing Enter on the faction in the sidebar until the "
        f"\"Showing N of M events\" line has changed, the run has finished and both charts "
        f"have been drawn again with new data. Each is the median of up to "
        f"{settings['browser_repeat']} repetitions, each in a new browser context (a new "
        f"session, whose message cache is empty): visit, choose the faction, then click an "
        f"event (*Click → card* in the details); repetitions stop once "
        f"{BROWSER_BUDGET_S:.0f} s have gone on them (Details gives the counts).",
        "- *Server peak memory*: the `streamlit run` process's VmHWM after all of the above.",
        "- *Redraw ÷ floor*: the redraw divided by the floor page's redraw of the same events "
        "(above).",
        "", "## Targets", "",
        "The issue states the limits for 100,000 events on 2 cores; every package is checked "
        "against them for reference. *Sent per rerun* counts the larger of the figures' JSON and "
        "the websocket bytes. *Cached load* near zero is read as under 10 ms.", "",
    ]
    lines += _targets_table(rows)
    lines += ["", "## Details", "", "Server-side medians of the filtered view, and more.", ""]
    lines += _details_table(rows)
    lines += ["", "## What limits it", ""]
    for paragraph in limits(rows, result.get("profile")):
        lines += [paragraph, ""]
    if result.get("profile"):
        lines += _hotspot_lines(result["profile"])
    return "\n".join(lines).rstrip() + "\n"


def _side_by_side_lines(rows: list[Row], settings: dict) -> list[str]:
    """The section that sets the atlas beside the floor page, one table per package."""
    measured = [row for row in rows if row.browser and row.floor]
    if not measured:
        return []
    lines = ["", "## Side by side with the floor page", "",
             "The floor page (`benchmarks/floor_app.py`) is a bare Streamlit page with one Plotly "
             "chart of the same package's events (one point per dated event, by faction), a "
             "Factions box and a card for a clicked event: nothing built on Streamlit and Plotly "
             "can show those events faster. Both are served and measured the same way in the "
             "same run, in the same browser, one after the other; each time is the median of up "
             f"to {settings['browser_repeat']} repetitions in a fresh browser context (a visit, "
             "choosing the package's typical faction in the sidebar, then clicking the lowest "
             "event drawn in the first chart). *First visit*: from navigation until every chart "
             "is drawn (the map with its coastlines) and Streamlit is idle, on a warm server. "
             "*Redrawn*: from pressing Enter on the faction until the count line has changed "
             "and every chart is drawn again. *Card shown*: from the click until the card is on "
             "the page (the atlas's dialog with its quotes; the floor's heading) and Streamlit is "
             "idle. *HTTP bytes*: every response of a visit, as sent (compressed where the "
             "server compresses, with headers) and decoded, from the Chrome DevTools Protocol's "
             "Network events. *Websocket bytes*: the frames the page received (Streamlit does "
             "not compress them). *Browser CPU*: the page's main-thread task time "
             "(`TaskDuration` of the protocol's Performance metrics). *Server peak memory*: "
             "VmHWM of the `streamlit run` process after all of the above (both servers "
             "with `MALLOC_ARENA_MAX=2`, as `make run` and the systemd unit start the app). "
             "*Story page* "
             "(the atlas's `story` page, its first story): from navigation in a fresh browser "
             "context until the live region names step 1, Streamlit is idle and both charts "
             "are drawn; then from pressing the right arrow key (the Next button's shortcut) "
             "until the live region names step 2 and the charts the step changes are drawn again "
             "(a chart the step leaves unchanged is not sent again). "
             "The floor page tells no story: its column holds the nearest things it does, its "
             "visit beside the story's visit and its click → card (one action that reruns the "
             "page and shows what was chosen) beside the next step; the ratio is against those, "
             "and no target is set. *Target*: the "
             "issue's limit (for the real data: first visit ≤ 1.2×, redraw and card ≤ 1.5×, "
             "a visit's bytes ≤ floor + 0.5 MB; for the other sizes within 2×).", ""]
    for row in measured:
        lines += [f"### {row.label} ({row.events:,} events)", ""] + _side_by_side_table(row) + [""]
    return lines[:-1]


def main(argv: list[str] | None = None) -> None:
    """Measure, print the results and write them to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", default=list(DEFAULT_SIZES),
                        help="'real' or numbers of events (default: real 1000 10000)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown file to write")
    parser.add_argument("--repeat", type=int, default=7, help="runs per server-side median")
    parser.add_argument("--browser-repeat", type=int, default=3,
                        help="browser repetitions (visit, redraw, click) per median")
    parser.add_argument("--no-browser", action="store_true",
                        help="skip Chromium (the atlas and the floor page)")
    parser.add_argument("--no-profile", action="store_true", help="skip profiling the largest")
    args = parser.parse_args(argv)
    for size_arg in args.sizes:
        if size_arg != "real" and not (size_arg.isdigit() and int(size_arg) > 0):
            parser.error(f"a size is 'real' or a number of events, not {size_arg!r}")

    result = run(args.sizes, repeat=args.repeat, browser_repeat=args.browser_repeat,
                 browser=not args.no_browser, profile=not args.no_profile)
    command = "make bench" if args.sizes == list(DEFAULT_SIZES) else \
        f"make bench SIZES=\"{' '.join(args.sizes)}\""
    text = render(result, command)
    print()
    print(text)
    # make load's section of the same file stays as it was.
    args.out.write_text(keep_section(args.out, text), encoding="utf-8")
    print(f"Written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
