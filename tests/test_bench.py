"""Smoke tests of the scale benchmark at tiny sizes, so that it keeps running as the code changes.

Nothing here asserts a time: speed is measured by `make bench`, not by tests.
"""


import pytest

from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from benchmarks import hotspots, run, server_side
from benchmarks.synth import write_package


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A synthetic package of 40 events: (data_dir, geo_dir)."""
    return write_package(tmp_path_factory.mktemp("bench"), 40, seed=1)


def test_server_side_measures_every_step_of_a_tiny_package(tiny, monkeypatch):
    """Test that the server-side measures cover load, cache, each step and the JSON sizes."""
    monkeypatch.setenv(DATA_ENV, str(tiny[0]))
    monkeypatch.setenv(GEO_ENV, str(tiny[1]))
    result = server_side.measure(repeat=1)
    assert (result["events"], result["errors"], result["notices"]) == (40, 0, 0)
    # The cache answers a later call without loading again: much faster than the first load.
    assert result["cached_load_s"] < result["cold_load_s"] / 10
    for view in ("default", "filtered"):
        measured = result[view]
        assert {f"{step}_s" for step in server_side.STEPS} <= set(measured)
        assert measured["json_bytes"] == measured["timeline_json_bytes"] + measured["map_json_bytes"]
        assert measured["json_bytes"] > 0 and measured["runs"] == 1
    assert 0 < result["filtered"]["shown"] <= result["default"]["shown"] <= 40
    assert result["faction_name"]


def test_the_typical_faction_is_a_faction_of_the_package(tiny):
    """Test that the filter the benchmark applies names a faction the package has."""
    from atlas.package import load_package

    package = load_package(*tiny)
    assert server_side.typical_faction(package) in set(package.factions["id"])


def _row(label, events, real=False, interaction=0.02, redraw=0.4, sent=40_000, cold=0.5):
    row = run.Row(label, events, real=real)
    view = {"total_s": interaction, "filter_s": interaction / 10, "timeline_s": interaction / 2,
            "map_s": interaction / 5, "timeline_json_s": interaction / 10,
            "map_json_s": interaction / 10, "shown": events // 4, "json_bytes": sent,
            "timeline_json_bytes": sent * 3 // 4, "map_json_bytes": sent // 4, "runs": 7}
    row.server = {"cold_load_s": cold, "cached_load_s": 0.0004, "load_peak_mb": 200.0,
                  "faction_name": "Some faction", "filtered": view, "default": dict(view)}
    row.browser = {"first_visit_s": 3.0, "visit_s": 2.5, "visit_bytes": sent * 3, "redraw_s": redraw,
                   "redraw_bytes": sent * 2, "click_s": redraw, "click_bytes": sent,
                   "click_cpu_s": None, "visit_http_wire": 9_000_000, "repeats": 3,
                   "server_peak_mb": 300.0, "story_visit_s": 3.0, "story_visit_bytes": 30_000,
                   "story_visit_cpu_s": 1.5, "story_next_s": 0.3, "story_next_bytes": 28_000,
                   "story_next_cpu_s": 0.25}
    row.floor = {"visit_s": 2.0, "redraw_s": 0.2, "redraw_bytes": 5000, "click_s": 0.1,
                 "click_bytes": 4000, "click_cpu_s": 0.05, "visit_http_wire": 8_000_000,
                 "server_peak_mb": 80.0}
    return row


def test_the_report_marks_each_target_met_or_not_met():
    """Test that the Markdown has the results, a verdict per target and the limits, from numbers."""
    rows = [_row("real data", 70, real=True, interaction=0.02, redraw=0.25),
            _row("synthetic 100,000", 100_000, interaction=2.0, redraw=9.0, sent=9_000_000,
                 cold=60.0)]
    result = {"machine": {"CPU": "a test CPU"}, "rows": rows,
              "profile": None, "settings": {"repeat": 7, "browser_repeat": 3},
              "seconds": 60.0}
    text = run.render(result, "make bench")
    real_line = next(line for line in text.splitlines() if line.startswith("| real data | met"))
    assert real_line.count("**not met**") == 0
    big_line = next(line for line in text.splitlines()
                    if line.startswith("| synthetic 100,000 | **not met** (2.00 s)"))
    # The websocket carried twice the figures' JSON: the larger is checked.
    assert "**not met** (9.00 s)" in big_line and "**not met** (18.00 MB)" in big_line
    assert "**not met** (60.00 s)" in big_line
    assert "## What limits it" in text and "over the 300 ms target" in text
    assert "a test CPU" in text and str(ROOT) not in text
    # Side by side: the real data's redraw is 0.25 s against the floor's 0.2 s (1.2×, within
    # 1.5×), its click 0.25 s against 0.1 s (2.5×, over 1.5×), a visit's bytes 1 MB over.
    real = text[text.index("### real data (70 events)"):text.index("### synthetic 100,000")]
    assert "| Choose a faction → charts redrawn | 250 ms | 200 ms | 1.2× | ≤ 1.5×: met |" in real
    assert "| Click an event → its card shown | 250 ms | 100 ms | 2.5× | ≤ 1.5×: **not met** |" in real
    assert "| ≤ floor + 500.0 kB: **not met** |" in real
    assert "| Browser CPU of the click | – | 50 ms | – | – |" in real
    # The Story page beside the floor's nearest measures: its visit, and its click → card for
    # the next step; no target is set for them.
    assert ("| Story page: first visit → map, timeline and first step drawn | 3.00 s | 2.00 s "
            "| 1.5× | – |") in real
    assert ("| Story page: next step (→ key) → step and its charts drawn | 300 ms | 100 ms "
            "| 3.0× | – |") in real
    assert "| Story page: websocket bytes of the next step | 28.0 kB | 4.0 kB | 7.0× | – |" in real
    assert "| Story page: browser CPU of the next step | 250 ms | 50 ms | 5.0× | – |" in real
    assert "its click → card (one action that reruns" in text
    big = text[text.index("### synthetic 100,000"):text.index("## Results")]
    assert "| Choose a faction → charts redrawn | 9.00 s | 200 ms | 45.0× | ≤ 2×: **not met** |" in big


def test_a_run_without_the_browser_writes_the_results(tmp_path, capsys):
    """Test that `python -m benchmarks.run 30 --no-browser` measures and writes Markdown."""
    out = tmp_path / "results.md"
    run.main(["30", "--no-browser", "--no-profile", "--repeat", "1", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "| synthetic 30 | 30 |" in text
    assert "## Targets" in text and "## What limits it" in text
    assert "synthetic 30: 30 events" in capsys.readouterr().out


def test_hotspots_name_functions_without_machine_paths(tiny):
    """Test that the profile lists each phase's functions by machine-independent names."""
    result = hotspots.profile_package(*tiny, top=3)
    assert set(result) == set(hotspots.PHASES)
    names = [name for phase in result.values() for kind in phase.values() for name, *_ in kind]
    assert names and not any(str(ROOT) in name or name.startswith("/") for name in names)
    assert any(name.startswith("atlas/") for name in names)


def test_the_floor_page_draws_the_same_events_as_the_atlas(tiny_package_dir, tiny_package,
                                                           monkeypatch):
    """Test that the floor page shows one point per event of the package it is pointed at."""
    import json

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DATA_ENV, str(tiny_package_dir))
    at = AppTest.from_file(str(run.FLOOR_APP), default_timeout=60).run()
    assert not at.exception
    assert "Showing 5 of 5 events." in at.markdown[0].value
    drawn = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert sorted(row[0] for row in drawn["customdata"]) == sorted(tiny_package.events["id"])
    at.multiselect[0].select("syrians").run()
    assert "Showing 1 of 5 events." in at.markdown[0].value
