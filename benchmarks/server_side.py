"""Server-side measures of one data package, in a fresh process: load, cache, one interaction.

Usage: python -m benchmarks.server_side [--repeat 7]   (prints one JSON object)

The package is the one the app would show: ``$FITNA_ATLAS_DATA`` and ``$FITNA_ATLAS_GEO``
(see ``atlas/paths.py``), loaded through the app's own cache wrapper, so that "cold" is the
first load in a new process (after imports) and "cached" is every later call. The interaction
repeats what a rerun of the Atlas page does with the figures (``pages/atlas.py``): apply the
filters, build the timeline and the map, and turn each into the JSON that ``st.plotly_chart``
sends. Times are medians of ``--repeat`` runs, with ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

import plotly.io
import plotly.tools

from atlas.detail import event_place
from atlas.figures import map_figure, place_counts, timeline_figure
from atlas.filters import FilterState, apply_filters, visible_routes
from atlas.package.types import Package
from atlas.ui import source as ui

# The filter a person tries first: one faction, which the browser measure also chooses.
TYPICAL_SHARE = 0.25
# Stop repeating a view's reruns after this long (once there are three).
BUDGET_S = 30.0
STEPS = ("filter", "timeline", "map", "timeline_json", "map_json")


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """The peak resident memory (VmHWM) of a process in MiB, or None off Linux."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def typical_faction(package: Package) -> str:
    """The faction whose events are closest to a quarter of all: a filter that visibly narrows."""
    counts = package.event_factions.groupby("faction_id")["event_id"].nunique()
    counts = counts[counts.index.isin(package.factions["id"])]
    share = (counts / max(len(package.events), 1) - TYPICAL_SHARE).abs()
    return str(share.sort_values(kind="stable").index[0])


def chart_spec(fig) -> str:
    """The JSON that ``st.plotly_chart`` sends for ``fig`` (its own two calls)."""
    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return plotly.io.to_json(figure, validate=False)


def _timed(times: dict[str, float] | None, step: str, func: Callable):
    """Call ``func``; when ``times`` is a dict, record the seconds it took under ``step``."""
    started = time.perf_counter()
    result = func()
    if times is not None:
        times[step] = time.perf_counter() - started
    return result


def page_figures(package: Package, state: FilterState, times: dict[str, float] | None = None):
    """Select and draw as ``pages/atlas.py`` does: return the selection, timeline and map.

    ``times``, when given, receives the seconds of the steps "filter", "timeline" and "map".
    """
    selection = _timed(times, "filter", lambda: apply_filters(package, state))
    timeline = _timed(times, "timeline", lambda: timeline_figure(
        selection.events, package.factions, lane=state.lane,
        lane_order=list(package.episodes["name"]), axis=state.axis,
        window=(state.start, state.end), source_dates=package.source_dates,
        selected=state.event))
    geo = _timed(times, "map", lambda: map_figure(
        place_counts(selection.events, package.places),
        visible_routes(package.routes, selection.events), package.regions, package.factions,
        selected_place=event_place(package, state.event), focus_place=state.focus_place,
        selected_route_event=state.event))
    return selection, timeline, geo


def rerun_figures(package: Package, state: FilterState) -> tuple[dict[str, float], dict]:
    """Do what a rerun of the Atlas page does with the figures; time each step.

    Returns
    -------
    tuple
        Seconds per step (:data:`STEPS`), and what was made: the selection and both JSONs.
    """
    times: dict[str, float] = {}
    selection, timeline, geo = page_figures(package, state, times)
    timeline_json = _timed(times, "timeline_json", lambda: chart_spec(timeline))
    map_json = _timed(times, "map_json", lambda: chart_spec(geo))
    return times, {"selection": selection, "timeline_json": timeline_json, "map_json": map_json}


def repeated(func: Callable, repeat: int, budget_s: float) -> list:
    """Call ``func`` ``repeat`` times, or fewer (but at least 3, or ``repeat`` if smaller)
    once ``budget_s`` seconds have gone; return the results."""
    results, started = [], time.perf_counter()
    while len(results) < repeat:
        results.append(func())
        if len(results) >= min(3, repeat) and time.perf_counter() - started > budget_s:
            break
    return results


def measure_view(package: Package, state: FilterState, repeat: int,
                 budget_s: float = BUDGET_S) -> dict:
    """Median times of up to ``repeat`` reruns of one view, and the sizes of what they send."""
    runs = repeated(lambda: rerun_figures(package, state), repeat, budget_s)
    made = runs[-1][1]
    result = {f"{step}_s": statistics.median(r[0][step] for r in runs) for step in STEPS}
    result["total_s"] = statistics.median(sum(r[0].values()) for r in runs)
    result.update(
        runs=len(runs),
        shown=len(made["selection"].events),
        timeline_json_bytes=len(made["timeline_json"].encode()),
        map_json_bytes=len(made["map_json"].encode()),
    )
    result["json_bytes"] = result["timeline_json_bytes"] + result["map_json_bytes"]
    return result


def measure(repeat: int = 7) -> dict:
    """Every server-side measure of the package the environment names."""
    started = time.perf_counter()
    package = ui.cached_package()
    cold = time.perf_counter() - started
    cached = []
    for _ in range(repeat):
        started = time.perf_counter()
        ui.cached_package()
        cached.append(time.perf_counter() - started)
    faction = typical_faction(package)
    default = FilterState()
    filtered = default.with_(factions=(faction,))
    names = package.factions.set_index("id")["name"]
    return {
        "events": len(package.events), "attestations": len(package.attestations),
        "places": len(package.places), "people": len(package.people),
        "sources": len(package.sources), "routes": len(package.routes),
        "errors": len(package.errors), "notices": len(package.problems) - len(package.errors),
        "cold_load_s": cold, "cached_load_s": statistics.median(cached),
        "load_peak_mb": peak_rss_mb(),
        "faction": faction, "faction_name": str(names[faction]),
        "default": measure_view(package, default, repeat),
        "filtered": measure_view(package, filtered, repeat),
    }


def main(argv: list[str] | None = None) -> None:
    """Print the measures as JSON on stdout."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server_side", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="runs per median (default 7)")
    args = parser.parse_args(argv)
    json.dump(measure(args.repeat), sys.stdout)
    print()


if __name__ == "__main__":
    main()
