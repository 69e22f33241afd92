"""A smoke test of the scale benchmark, so that it keeps running as the code changes."""

from atlas.load import load_package
from atlas.paths import GEO_DIR
from benchmarks.bench_scale import main, synthetic_package


def test_synthetic_package_has_the_size_asked_and_validates(tmp_path):
    """Test that the benchmark's package has N events and no problems."""
    package = load_package(synthetic_package(150, tmp_path), GEO_DIR)
    assert len(package.events) == 150
    assert package.errors == []


def test_benchmark_prints_a_timing_per_step(capsys):
    """Test that a run prints each step with a number of seconds."""
    main([120])
    out = capsys.readouterr().out
    assert out.startswith("120 events")
    for step in ("load + validate", "filter: everything", "timeline figure", "map figure"):
        assert step in out
