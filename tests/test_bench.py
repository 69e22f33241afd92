"""Smoke tests of the scale benchmark at tiny sizes, so that it keeps running as the code changes.

Nothing here asserts a time: speed is measured by `make bench`, not by tests.
"""


import pytest

from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from atlas.synth import write_package
from benchmarks import hotspots, run, server_side


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
    assert result["cold_load_s"] >= 0 and result["cached_load_s"] >= 0
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
                   "redraw_bytes": sent * 2, "reset_s": redraw, "repeats": 3,
                   "server_peak_mb": 300.0}
    return row


def test_the_report_marks_each_target_met_or_not_met():
    """Test that the Markdown has the results, a verdict per target and the limits, from numbers."""
    baseline = run.Row("baseline page", 10)
    baseline.browser = {"visit_s": 2.0, "redraw_s": 0.2, "redraw_bytes": 5000,
                        "server_peak_mb": 80.0}
    rows = [_row("real data", 70, real=True, interaction=0.02, redraw=0.25),
            _row("synthetic 100,000", 100_000, interaction=2.0, redraw=9.0, sent=9_000_000,
                 cold=60.0)]
    result = {"machine": {"CPU": "a test CPU"}, "baseline": baseline, "rows": rows,
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
