"""Tests for atlas/compare.py: voices, the events x sources matrix, coverage, disputed points."""

import pandas as pd
import pytest

from atlas.compare import (
    ABSENT,
    ATTESTED,
    DIFFERS,
    coverage,
    dispute_keys,
    disputed_points,
    silent_sources,
    source_matrix,
    voices,
)
from atlas.package import load_package
from tests.conftest import quote_row, tiny_tables, write_package


@pytest.fixture
def package(tmp_path):
    """The tiny package with a second source on the invasion that gives another date."""
    tables = tiny_tables()
    extra = quote_row("q6", "invasion", "In 658 the governor sent an army", source_id="t2",
                      differs_field="date", differs_value="0657")
    tables["attestations"] = pd.concat([tables["attestations"], pd.DataFrame([extra])],
                                       ignore_index=True)
    return load_package(write_package(tmp_path, tables), tmp_path / "geo")


def test_voices_are_sources_then_the_authorities_they_cite(package):
    """Test that each source speaks in its own voice and once per authority it cites."""
    table = voices(package)
    assert list(table["voice"]) == ["t1", "t1 › Madelung", "t2"]
    assert list(table["label"]) == ["Tiny (t1)", "Tiny (t1) citing Madelung", "Other (t2)"]


def test_the_matrix_marks_attested_differing_and_absent(package):
    """Test that every event x source cell says attested, differs or not mentioned."""
    matrix = source_matrix(package, package.events).set_index("id")
    assert matrix.at["invasion", "t1"] == DIFFERS and matrix.at["invasion", "t2"] == DIFFERS
    assert matrix.at["camp", "t1"] == ATTESTED and matrix.at["camp", "t2"] == ABSENT
    assert matrix.at["fall", "t1"] == ABSENT and matrix.at["fall", "t2"] == ATTESTED


@pytest.mark.parametrize(("sort", "first"), [("date", "camp"), ("episode", "camp")])
def test_the_matrix_sorts_by_date_or_episode(package, sort, first):
    """Test that rows follow the date, or the episode order then the date."""
    matrix = source_matrix(package, package.events, sort=sort)
    assert matrix["id"].iloc[0] == first
    if sort == "episode":
        episodes = list(matrix["Episode"])
        assert episodes == sorted(episodes, key=list(package.episodes["name"]).index)
    else:
        assert list(matrix["id"]).index("siege") < list(matrix["id"]).index("fall")


def test_the_matrix_lists_only_the_events_given(package):
    """Test that the matrix follows the filtered events."""
    some = package.events[package.events["episode"] == "revolt"]
    assert sorted(source_matrix(package, some)["id"]) == ["camp", "siege"]


@pytest.mark.parametrize("sort", ["date", "episode"])
def test_a_limited_matrix_is_the_first_rows_of_the_whole(package, sort):
    """Test that limit= keeps the first rows in order, with the same cells as the whole matrix."""
    whole = source_matrix(package, package.events, sort=sort)
    first = source_matrix(package, package.events, sort=sort, limit=3)
    pd.testing.assert_frame_equal(first, whole.head(3))
    assert len(whole) > 3


def test_coverage_counts_events_and_the_ones_only_a_source_attests(package):
    """Test the per-source counts: attested, attested only here, differing versions."""
    table = coverage(package, package.events).set_index("source_id")
    assert table.at["t1", "events"] == 4 and table.at["t2", "events"] == 2
    assert set(table.at["t1", "alone_ids"]) == {"camp", "siege", "defeat"}
    assert table.at["t2", "alone_ids"] == ("fall",)
    assert table.at["t1", "differs"] == 1 and table.at["t2", "differs"] == 1


def test_disputed_points_list_every_voice_with_its_quote(package):
    """Test that a point has one row per voice, with its value in words and its quote."""
    table = disputed_points(package, package.events)
    assert dispute_keys(table) == [("invasion", "date")]
    assert list(table["voice"]) == ["t1 › Madelung", "t2"]
    assert list(table["value"]) == ["658 (0658)", "657 (0657)"]
    assert table["quote"].iloc[1] == "In 658 the governor sent an army"


def test_disputed_points_follow_the_filter(package):
    """Test that a point disappears when its event is filtered out."""
    others = package.events[package.events["id"] != "invasion"]
    assert disputed_points(package, others).empty


def test_silent_sources_attest_the_event_without_a_value(package):
    """Test that a source attesting the event without a version of the point is listed."""
    assert silent_sources(package, "invasion", {"t1"}) == ["t2"]
    assert silent_sources(package, "invasion", {"t1", "t2"}) == []


def test_every_disputed_point_in_the_real_data_is_listed():
    """Test that the real package's held list of disputes is exactly what the table shows."""
    package = load_package()
    attestations = package.attestations
    held = attestations[attestations["differs_field"] != ""]
    expected = set(zip(held["event_id"], held["differs_field"], strict=True))
    table = disputed_points(package, package.events)
    assert set(dispute_keys(table)) == expected
    assert len(table) == len(held)
    narrative_vs_encyclopedia = {e for e, _ in expected
                                 if {"000", "001"} & set(attestations.loc[
                                     attestations["event_id"] == e, "source_id"])}
    assert len(narrative_vs_encyclopedia) >= 8
