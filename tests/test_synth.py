"""Tests of the synthetic package generator: valid, deterministic, the size asked, every form."""

import json
import re

import pandas as pd
import pytest
from frictionless import validate

from atlas import schema
from atlas.dates import parse_edtf
from atlas.package import load_package
from atlas.paths import DATA_DIR
from benchmarks.synth import write_package


def _read(data_dir, name):
    return pd.read_csv(data_dir / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A package of 400 events written once: (data_dir, geo_dir)."""
    return write_package(tmp_path_factory.mktemp("synth"), 400, seed=3)


@pytest.fixture(scope="module")
def package(written):
    """That package, loaded by the real loader."""
    return load_package(*written)


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    """Test that two runs with one seed write identical files, and another seed does not."""
    write_package(tmp_path / "a", 120, seed=7)
    write_package(tmp_path / "b", 120, seed=7)
    write_package(tmp_path / "c", 120, seed=8)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")["data/events.csv"] != _files(tmp_path / "c")["data/events.csv"]


@pytest.mark.parametrize("n_events", [1, 7, 60])
def test_small_packages_load_with_no_problem_at_all(tmp_path, n_events):
    """Test that the real loader finds no error and no notice in small packages."""
    package = load_package(*write_package(tmp_path, n_events, seed=n_events))
    assert [str(p) for p in package.problems] == []
    assert len(package.events) == n_events


def test_the_package_has_the_counts_asked(tmp_path):
    """Test that events, places and sources come in the numbers asked, with no problem."""
    package = load_package(*write_package(tmp_path, 250, n_places=40, n_sources=5, n_people=60))
    assert package.problems == ()
    assert (len(package.events), len(package.places), len(package.sources),
            len(package.people)) == (250, 40, 5, 60)
    assert len(package.factions) >= 7 and len(package.episodes) >= 5
    assert set(package.attestations["event_id"]) == set(package.events["id"])


def test_the_larger_package_loads_with_no_problem(package):
    """Test that 400 events with their quotes, people and routes pass the loader untouched."""
    assert [str(p) for p in package.problems] == []
    assert len(package.events) == 400
    assert len(package.attestations) > len(package.events)
    assert len(package.participants) > len(package.events) / 2
    assert len(package.routes) > 0 and len(package.regions) == 5
    assert package.places["landmark"].sum() >= 1


def test_frictionless_accepts_the_package(written):
    """Test that the independent frictionless validator accepts the tables and descriptor."""
    report = validate(str(written[0] / schema.DESCRIPTOR))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_tables_have_the_columns_the_descriptor_declares(written):
    """Test that each CSV's header is its resource's field list, in order."""
    descriptor = json.loads((DATA_DIR / schema.DESCRIPTOR).read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        header = (written[0] / resource["path"]).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]


def test_every_quote_stands_at_its_offsets(written):
    """Test that text[start:end] is the quote, for every attestation."""
    data_dir = written[0]
    sources = _read(data_dir, "sources").set_index("id")["text_path"]
    texts = {i: (data_dir / path).read_text(encoding="utf-8") for i, path in sources.items()}
    for row in _read(data_dir, "attestations").itertuples():
        assert texts[row.source_id][int(row.start_offset):int(row.end_offset)] == row.quote


def test_dates_come_in_every_form_the_atlas_reads(written, package):
    """Test that the package has day, month, year, ~, ?, %, sets, ranges, intervals, ends, none."""
    events = _read(written[0], "events")
    starts = events["start"]
    forms = {
        "day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}",
        "approximate": r".*~", "uncertain": r".*\?", "both": r".*%",
        "one of two years": r"\[\d{4},\d{4}\]", "one of a range": r"\[.*\.\..*\]",
        "interval": r"\d{4}-\d{2}/\d{4}-\d{2}", "undated": r"",
    }
    for form, pattern in forms.items():
        assert starts.str.fullmatch(pattern).any(), form
    assert (events["end"] != "").any()
    assert package.events[schema.HAS_DATE].sum() > 0.9 * len(events)
    assert package.events[schema.APPROXIMATE].any() and package.events[schema.UNCERTAIN].any()


def test_some_sources_disagree_and_some_on_the_date(written, package):
    """Test that several attestations of one event give different values on one point."""
    attestations = _read(written[0], "attestations")
    differing = attestations[attestations["differs_field"] != ""]
    per_event = differing.groupby("event_id")["differs_value"].nunique()
    assert (per_event >= 2).sum() >= 10
    dates = differing.loc[differing["differs_field"] == schema.DATE_FIELD, "differs_value"]
    assert len(dates) > 0
    for value in dates:
        parse_edtf(value)
    assert len(package.source_dates) == len(dates)


def test_events_have_participants_places_and_routes(written, package):
    """Test that people take part, places are skewed, and each route follows its event."""
    participants = _read(written[0], "participants")
    assert participants.duplicated(["event_id", "person_id"]).sum() == 0
    counts = package.events["place_id"].replace("", pd.NA).dropna().value_counts()
    assert counts.iloc[0] > 3 * counts.median()
    routes = package.routes.merge(package.events[["id", "faction_id"]], left_on="event_id",
                                  right_on="id", suffixes=("", "_event"))
    assert len(routes) == len(package.routes)
    assert (routes["faction_id"] == routes["faction_id_event"]).all()


def test_search_text_sees_the_marked_spellings(package):
    """Test that names with diacritics fold into the search text (ʿ and ā vanish)."""
    text = " ".join(package.events[schema.SEARCH_TEXT])
    assert "muawiya" in text
    assert not re.search("[ʿāīū]", text)


def test_no_events_is_refused(tmp_path):
    """Test that asking for zero events raises instead of writing an unusable package."""
    with pytest.raises(ValueError, match="at least one event"):
        write_package(tmp_path, 0)


def test_relations_between_people_are_quoted_and_kept(written, package):
    """Test that each relation links two different people and the loader keeps them all."""
    relations = _read(written[0], "relations")
    assert len(relations) > 0
    assert (relations["person_id"] != relations["other_id"]).all()
    assert len(package.relations) == len(relations)
