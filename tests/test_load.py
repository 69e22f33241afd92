"""Tests for atlas/load.py: each kind of problem is reported at its exact file, row and column."""

import json

import geopandas as gpd
import pandas as pd
import pytest

from atlas.__main__ import main
from atlas.dates import julian_to_jdn
from atlas.load import ERROR, NOTICE, load_package
from tests.conftest import TINY_TEXT, quote_row, tiny_geo, tiny_tables, write_package


def load_changed(tmp_path, change=None, geo=None, text=TINY_TEXT):
    """Write the tiny package after ``change(tables)`` and load it."""
    tables = tiny_tables()
    if change:
        change(tables)
    data = write_package(tmp_path, tables, geo, text)
    return load_package(data, tmp_path / "geo")


def located(package):
    """Return the problems as (file, row, column, value, severity) tuples."""
    return [(p.file, p.row, p.column, p.value, p.severity) for p in package.problems]


def test_tiny_package_loads_without_problems(tiny_package_dir):
    """Test that the unchanged tiny package has no problems and typed frames."""
    package = load_package(tiny_package_dir, tiny_package_dir.parent / "geo")
    assert package.problems == ()
    assert len(package.events) == 5 and len(package.places) == 3
    assert isinstance(package.places, gpd.GeoDataFrame)
    assert package.places.crs.to_epsg() == 4326
    assert package.places["lat"].dtype == "Float64"
    assert package.places["landmark"].tolist() == [True, True, False]
    assert package.episodes["order"].dtype == "Int64"
    assert len(package.routes) == 1 and len(package.regions) == 1


def test_dates_are_julian_day_numbers_and_iso_strings_not_timestamps(tiny_package_dir):
    """Test that event bounds are integer JDNs with Julian ISO strings, never datetime64."""
    events = load_package(tiny_package_dir, tiny_package_dir.parent / "geo").events.set_index("id")
    assert events.loc["camp", "earliest"] == julian_to_jdn(656, 5, 1)
    assert events.loc["camp", "best_iso"] == "0656-05-01"
    assert events.loc["siege", "latest_iso"] == "0656-06-30"
    assert events.loc["defeat", "earliest_iso"] == "0657-01-01"
    assert events.loc["defeat", "latest_iso"] == "0658-12-31"
    assert events.loc["defeat", "date_words"] == "657 or 658"
    assert events.loc["invasion", "approximate"]
    assert not any(pd.api.types.is_datetime64_any_dtype(t) for t in events.dtypes)


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("events", 1, "title", "", ("events.csv", 3, "title", "", ERROR)),
        ("places", 0, "lat", "north", ("places.csv", 2, "lat", "north", ERROR)),
        ("places", 2, "lon", "200", ("places.csv", 4, "lon", "200", ERROR)),
        ("places", 1, "landmark", "maybe", ("places.csv", 3, "landmark", "maybe", ERROR)),
        ("places", 0, "wikidata_id", "35484", ("places.csv", 2, "wikidata_id", "35484", ERROR)),
        ("events", 2, "kind", "skirmish", ("events.csv", 4, "kind", "skirmish", ERROR)),
        ("factions", 1, "colour", "orange", ("factions.csv", 3, "colour", "orange", ERROR)),
        ("events", 4, "place_id", "cairo", ("events.csv", 6, "place_id", "cairo", ERROR)),
        ("events", 0, "start", "656-05-01", ("events.csv", 2, "start", "656-05-01", ERROR)),
        ("events", 1, "end", "0655", ("events.csv", 3, "end", "0655", ERROR)),
        ("attestations", 2, "differs_value", "in 658",
         ("attestations.csv", 4, "differs_value", "in 658", ERROR)),
        ("attestations", 0, "quote", "the rebels camped near Mecca",
         ("attestations.csv", 2, "quote", "the rebels camped near Mecca", ERROR)),
        ("attestations", 1, "start_offset", "3", ("attestations.csv", 3, "start_offset", "3", ERROR)),
        ("attestations", 1, "end_offset", "x", ("attestations.csv", 3, "end_offset", "x", ERROR)),
        ("participants", 0, "person_id", "nobody",
         ("participants.csv", 2, "person_id", "nobody", ERROR)),
    ],
)
def test_each_bad_cell_is_reported_at_its_file_row_column_and_value(
    tmp_path, table, row, column, value, expected
):
    """Test that one bad cell yields a problem naming its file, row, column and value."""

    def change(tables):
        tables[table].loc[row, column] = value

    package = load_changed(tmp_path, change)
    assert located(package)[0] == expected
    assert all(p.message for p in package.problems)


def test_a_required_value_missing_leaves_the_row_out_and_says_so(tmp_path):
    """Test that an event without a title is left out, and its attestation reported too."""

    def change(tables):
        tables["events"].loc[1, "title"] = ""

    package = load_changed(tmp_path, change)
    assert "siege" not in set(package.events["id"])
    assert "left out" in package.problems[0].message
    assert ("attestations.csv", 3, "event_id", "siege", ERROR) in located(package)
    assert len(package.events) == 4


def test_a_bad_optional_value_is_ignored_and_the_row_kept(tmp_path):
    """Test that an unknown place id blanks the place and keeps the event."""

    def change(tables):
        tables["events"].loc[4, "place_id"] = "cairo"

    package = load_changed(tmp_path, change)
    events = package.events.set_index("id")
    assert events.loc["fall", "place_id"] == ""
    assert "no such id in places.csv" in package.problems[0].message


def test_a_duplicate_id_names_the_first_row(tmp_path):
    """Test that a repeated event id is reported at the second row, citing the first."""

    def change(tables):
        tables["events"].loc[3, "id"] = "camp"

    package = load_changed(tmp_path, change)
    problem = package.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "events.csv", 5, "id", "camp")
    assert "row 2" in problem.message
    assert list(package.events["id"]).count("camp") == 1


def test_an_unreadable_date_keeps_the_event_as_undated(tmp_path):
    """Test that an event with a malformed EDTF date stays, without bounds."""

    def change(tables):
        tables["events"].loc[0, "start"] = "656-05-01"

    package = load_changed(tmp_path, change)
    events = package.events.set_index("id")
    assert not events.loc["camp", "has_date"]
    assert pd.isna(events.loc["camp", "earliest"])
    assert "four digits" in package.problems[0].message


def test_an_end_before_the_start_is_reported_on_the_end(tmp_path):
    """Test that bounds out of order are reported in the 'end' column."""

    def change(tables):
        tables["events"].loc[1, "end"] = "0655"

    problem = load_changed(tmp_path, change).problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "end", "0655")


def test_a_quote_at_wrong_offsets_says_where_it_really_is(tmp_path):
    """Test that a misplaced quote is reported with the offsets where it is found."""

    def change(tables):
        tables["attestations"].loc[1, "start_offset"] = "3"

    package = load_changed(tmp_path, change)
    start = TINY_TEXT.index("They besieged")
    assert f"it is at {start}-" in package.problems[0].message
    assert "q2" not in set(package.attestations["id"])


def test_a_quote_differing_only_in_whitespace_is_accepted_with_a_notice(tmp_path):
    """Test that whitespace differences are tolerated and reported as a notice."""
    text = TINY_TEXT.replace("besieged the house", "besieged  the\nhouse")

    def change(tables):
        attestations = tables["attestations"]
        for row, quote in attestations["quote"].items():
            if quote in text:
                start = text.index(quote)
                attestations.loc[row, ["start_offset", "end_offset"]] = [
                    str(start), str(start + len(quote))]
        start = text.index("They besieged")
        end = text.index("caliph") + len("caliph")
        attestations.loc[1, ["start_offset", "end_offset"]] = [str(start), str(end)]

    package = load_changed(tmp_path, change, text=text)
    assert located(package) == [
        ("attestations.csv", 3, "quote", "They besieged the house of the caliph", NOTICE)]
    assert "whitespace" in package.problems[0].message
    assert "q2" in set(package.attestations["id"])


def test_an_event_without_attestation_is_reported_and_still_shown(tmp_path):
    """Test that an unattested event is reported on its id and kept."""

    def change(tables):
        tables["attestations"] = tables["attestations"].drop(index=3)

    package = load_changed(tmp_path, change)
    assert located(package) == [("events.csv", 5, "id", "defeat", ERROR)]
    assert "defeat" in set(package.events["id"])


def test_a_missing_column_and_an_unknown_column_are_reported_on_the_header(tmp_path):
    """Test that header problems are reported on row 1 with the column's name."""

    def change(tables):
        tables["places"] = tables["places"].drop(columns="arabic").assign(population="1")

    package = load_changed(tmp_path, change)
    assert ("places.csv", 1, "arabic", None, ERROR) in located(package)
    assert ("places.csv", 1, "population", None, NOTICE) in located(package)
    assert len(package.places) == 3


def test_a_missing_table_file_is_reported(tmp_path):
    """Test that a missing CSV is reported by name and the rest still loads."""
    data = write_package(tmp_path)
    (data / "participants.csv").unlink()
    package = load_package(data, tmp_path / "geo")
    assert ("participants.csv", None, None, None, ERROR) in located(package)
    assert len(package.events) == 5


def test_a_missing_source_text_is_reported_on_its_source_row(tmp_path):
    """Test that an unreadable source text names the sources row and text_path."""

    def change(tables):
        tables["sources"].loc[1, "text_path"] = "sources/none.txt"

    package = load_changed(tmp_path, change)
    assert ("sources.csv", 3, "text_path", "sources/none.txt", ERROR) in located(package)


def test_a_route_for_an_unknown_event_is_reported_on_its_feature(tmp_path):
    """Test that a route's unknown event id is reported with the feature number."""
    geo = tiny_geo()
    geo["routes.geojson"]["features"][0]["properties"]["event_id"] = "nothing"
    package = load_changed(tmp_path, geo=geo)
    assert located(package) == [("routes.geojson", 1, "event_id", "nothing", ERROR)]
    assert package.routes.empty


def test_an_unreadable_descriptor_is_a_problem_not_a_traceback(tmp_path):
    """Test that broken JSON in datapackage.json becomes one problem."""
    data = write_package(tmp_path)
    (data / "datapackage.json").write_text("{not json", encoding="utf-8")
    package = load_package(data, tmp_path / "geo")
    assert package.problems[0].file == "datapackage.json"
    assert package.events.empty


def test_problems_read_as_sentences_naming_their_place():
    """Test that a problem prints file, row, column and value before its message."""
    from atlas.load import Problem

    text = str(Problem("events.csv", 7, "start", "656-05-01", "not an EDTF date"))
    assert text == "events.csv, row 7, column 'start', value '656-05-01': not an EDTF date"


def test_source_dates_give_each_sources_own_date(tiny_package_dir):
    """Test that an attestation's differing date becomes a drawable source date."""
    package = load_package(tiny_package_dir, tiny_package_dir.parent / "geo")
    row = package.source_dates.set_index("attestation_id").loc["q3"]
    assert row["value"] == "0658" and row["source_label"] == "Tiny"
    assert row["earliest_iso"] == "0658-01-01" and row["latest_iso"] == "0658-12-31"


def test_event_factions_include_the_participants_factions(tiny_package_dir):
    """Test that an event counts for its acting faction and its participants' factions."""
    package = load_package(tiny_package_dir, tiny_package_dir.parent / "geo")
    pairs = set(map(tuple, package.event_factions.to_numpy()))
    assert ("invasion", "ali") in pairs and ("siege", "rebels") in pairs
    assert ("siege", "ali") not in pairs


def test_search_text_holds_every_spelling_of_people_and_places(tiny_package_dir):
    """Test that an event's search text includes aliases of its people and place."""
    events = load_package(tiny_package_dir, tiny_package_dir.parent / "geo").events.set_index("id")
    assert "othman" in events.loc["siege", "search_text"]
    assert "yathrib" in events.loc["siege", "search_text"]


def test_cli_exits_zero_for_a_clean_package_and_one_for_a_bad_one(tmp_path, capsys):
    """Test that `python -m atlas validate` prints the report and sets the exit status."""
    clean = write_package(tmp_path / "clean")
    assert main(["validate", str(clean), "--geo", str(tmp_path / "clean" / "geo")]) == 0
    assert "0 problems" in capsys.readouterr().out

    tables = tiny_tables()
    tables["events"].loc[0, "start"] = "656-05-01"
    bad = write_package(tmp_path / "bad", tables)
    assert main(["validate", str(bad), "--geo", str(tmp_path / "bad" / "geo")]) == 1
    out = capsys.readouterr().out
    assert "events.csv, row 2, column 'start', value '656-05-01'" in out


def test_quote_rows_in_the_fixture_point_at_their_quotes():
    """Test that the fixture's own offsets are right, so the tests above start clean."""
    row = quote_row("x", "camp", "took Fustat")
    assert TINY_TEXT[int(row["start_offset"]):int(row["end_offset"])] == "took Fustat"


def test_descriptor_declares_keys_for_every_table():
    """Test that every table in the real descriptor has a primary key."""
    from atlas.paths import DATA_DIR

    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["schema"].get("primaryKey") for r in descriptor["resources"])
