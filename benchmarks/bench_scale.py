"""Benchmark: load, filter and draw a synthetic package of N events; prints timings.

Usage: python -m benchmarks.bench_scale [N ...]   (default: 1000 10000 100000)

The synthetic package repeats the real events with new ids and shifted dates, and the real
attestations (so every quote is still checked against the real texts).
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from atlas.dates import month_index
from atlas.figures import map_figure, place_counts, timeline_figure
from atlas.filters import FilterState, apply_filters, visible_routes
from atlas.load import load_package
from atlas.paths import DATA_DIR, GEO_DIR


def synthetic_package(n_events: int, root: Path) -> Path:
    """Write a package of ``n_events`` events under ``root`` and return its data folder."""
    data = root / "data"
    shutil.copytree(DATA_DIR, data)
    events = pd.read_csv(DATA_DIR / "events.csv", dtype=str, keep_default_na=False)
    attestations = pd.read_csv(DATA_DIR / "attestations.csv", dtype=str, keep_default_na=False)
    participants = pd.read_csv(DATA_DIR / "participants.csv", dtype=str, keep_default_na=False)
    copies = -(-n_events // len(events))

    def repeat(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        parts = []
        for copy in range(copies):
            part = frame.copy()
            for column in columns:
                # Copy 0 keeps the real ids, so the routes still find their events.
                part[column] = part[column] + (f"_{copy}" if copy else "")
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    # Each copy keeps the real dates, places and factions: a dense, realistic mix.
    big = repeat(events, ["id"]).iloc[:n_events]
    kept = set(big["id"])
    big_att = repeat(attestations, ["id", "event_id"])
    big_att = big_att[big_att["event_id"].isin(kept)]
    big_part = repeat(participants, ["event_id"])
    big_part = big_part[big_part["event_id"].isin(kept)]
    big.to_csv(data / "events.csv", index=False)
    big_att.to_csv(data / "attestations.csv", index=False)
    big_part.to_csv(data / "participants.csv", index=False)
    return data


def timed(label: str, func):
    """Run ``func`` once, print how long it took, and return its result."""
    started = time.perf_counter()
    result = func()
    print(f"  {label:<28} {time.perf_counter() - started:8.3f} s")
    return result


def bench(n: int) -> None:
    """Print the timings for one synthetic package of ``n`` events."""
    with tempfile.TemporaryDirectory() as tmp:
        data = synthetic_package(n, Path(tmp))
        print(f"{n} events")
        package = timed("load + validate", lambda: load_package(data, GEO_DIR))
        assert not package.errors, package.errors[:3]
        state = FilterState(start=month_index(650, 1), end=month_index(660, 12))
        selection = timed("filter: everything", lambda: apply_filters(package, state))
        timed("filter: faction + text", lambda: apply_filters(
            package, state.with_(factions=("ali",), text="Othman")))
        timed("filter: sources only-by", lambda: apply_filters(
            package, state.with_(sources=("002",), source_mode="only")))
        timed("timeline figure", lambda: timeline_figure(
            selection.events, package.factions, source_dates=package.source_dates,
            window=(state.start, state.end)).to_json())
        timed("map figure", lambda: map_figure(
            place_counts(selection.events, package.places),
            visible_routes(package.routes, selection.events), package.regions,
            package.factions).to_json())


def main(sizes: list[int]) -> None:
    """Print the timings for each size."""
    for n in sizes:
        bench(n)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000, 100000])
