"""Where the time goes: cProfile of load, one interaction and the figures' JSON.

Usage: python -m benchmarks.hotspots [N | real] [--top 8] [--json] [--data DIR --geo DIR]

Writes a synthetic package of N events (or takes the bundled one), then profiles three phases
separately: ``load_package`` (cold, in this process), one interaction (apply the typical
filter and build both figures, after one warm-up run) and turning both figures into the JSON
``st.plotly_chart`` sends. For each phase it lists the functions with the most time of their
own, and the project's functions (``atlas/``) with the most time including what they call.
The profiler slows everything down; read the seconds as shares, and time with
``benchmarks.run``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import tempfile
from pathlib import Path

from atlas.filters import FilterState
from atlas.package import load_package
from atlas.paths import DATA_DIR, GEO_DIR, ROOT
from benchmarks.synth import write_package

from .server_side import chart_spec, page_figures, typical_faction

PHASES = ("load", "interaction", "json")


def _where(filename: str, line: int, name: str) -> str:
    """A readable, machine-independent name for a profiled function."""
    path = Path(filename)
    if filename.startswith("~") or filename.startswith("<"):
        return name.strip("<>") if filename == "~" else f"{filename}:{name}"
    parts = path.parts
    if "site-packages" in parts:
        short = "/".join(parts[parts.index("site-packages") + 1:])
    elif path.is_relative_to(ROOT):
        short = path.relative_to(ROOT).as_posix()
    else:
        short = "/".join(parts[-2:])
    return f"{short}:{line}({name})"


def _top(profile: cProfile.Profile, top: int) -> dict[str, list[tuple[str, float, float]]]:
    """The functions with most own time, and the project's with most cumulative time."""
    stats = pstats.Stats(profile).stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    rows = [(_where(*key), value[2], value[3], key[0]) for key, value in stats.items()]
    own = sorted(rows, key=lambda r: r[1], reverse=True)[:top]
    project = [r for r in rows if Path(r[3]).is_relative_to(ROOT / "atlas")]
    project = sorted(project, key=lambda r: r[2], reverse=True)[:top]
    return {"own": [(r[0], r[1], r[2]) for r in own],
            "project": [(r[0], r[1], r[2]) for r in project]}


def profile_package(data_dir: Path, geo_dir: Path, top: int = 8) -> dict:
    """Profile the three phases for one package; return the top functions of each."""
    result: dict[str, dict] = {}
    profile = cProfile.Profile()
    package = profile.runcall(load_package, data_dir, geo_dir)
    result["load"] = _top(profile, top)

    state = FilterState().with_(factions=(typical_faction(package),))
    # Warm-up: first-call costs (imports, caches) are not an interaction's.
    _, timeline, geo = page_figures(package, state)
    chart_spec(timeline)
    chart_spec(geo)
    profile = cProfile.Profile()
    _, timeline, geo = profile.runcall(page_figures, package, state)
    result["interaction"] = _top(profile, top)

    profile = cProfile.Profile()
    profile.enable()
    chart_spec(timeline)
    chart_spec(geo)
    profile.disable()
    result["json"] = _top(profile, top)
    return result


def profile_size(size: str, top: int = 8) -> dict:
    """Profile the bundled package (``"real"``) or a synthetic one of ``size`` events."""
    if size == "real":
        return profile_package(DATA_DIR, GEO_DIR, top)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, geo_dir = write_package(Path(tmp), int(size))
        return profile_package(data_dir, geo_dir, top)


def format_hotspots(result: dict) -> str:
    """The profile as plain text, one block per phase."""
    lines = []
    for phase in PHASES:
        lines.append(f"{phase}: most time of their own (s own / s with callees)")
        lines += [f"  {own:8.3f} {cum:8.3f}  {name}" for name, own, cum in result[phase]["own"]]
        lines.append(f"{phase}: the project's functions, by time with callees")
        lines += [f"  {own:8.3f} {cum:8.3f}  {name}" for name, own, cum in result[phase]["project"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the hot spots of one size."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hotspots", description=__doc__)
    parser.add_argument("size", nargs="?", default="100000", help="events, or 'real'")
    parser.add_argument("--top", type=int, default=8, help="functions per list (default 8)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--data", type=Path, help="profile this package instead (with --geo)")
    parser.add_argument("--geo", type=Path, help="the layers of --data")
    args = parser.parse_args(argv)
    if args.data:
        result = profile_package(args.data, args.geo or GEO_DIR, args.top)
    else:
        result = profile_size(args.size, args.top)
    print(json.dumps(result) if args.json else format_hotspots(result))


if __name__ == "__main__":
    main()
