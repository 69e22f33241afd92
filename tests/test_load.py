"""Tests for atlas/package/ (the loader): each kind of problem is reported at its exact file, row
and column."""

import codecs
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from atlas import paths, schema
from atlas.__main__ import main
from atlas.dates import julian_to_jdn
from atlas.package import ERROR, NOTICE, TableCount, load_package
from atlas.paths import DATA_ENVS, GEO_ENVS
from tests.conftest import TINY_TEXT, crash_guards, quote_row, tiny_geo, tiny_tables, write_package

FIXTURES = Path(__file__).parent / "data"


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


def test_tiny_package_loads_without_problems(tiny_package):
    """Test that the unchanged tiny package has no problems and typed frames."""
    package = tiny_package
    assert package.problems == ()
    assert len(package.events) == 5 and len(package.places) == 3
    assert isinstance(package.places, gpd.GeoDataFrame)
    assert package.places.crs.to_epsg() == 4326
    assert package.places["lat"].dtype == "Float64"
    assert package.places["landmark"].tolist() == [True, True, False]
    assert package.episodes["order"].dtype == "Int64"
    assert len(package.routes) == 1 and len(package.regions) == 1


def test_dates_are_julian_day_numbers_and_iso_strings_not_timestamps(tiny_package):
    """Test that event bounds are integer JDNs with Julian ISO strings, never datetime64."""
    events = tiny_package.events.set_index("id")
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
        ("events", 1, "title", "", ("events.csv", 3, "title", "", ERROR, "required")),
        ("places", 0, "lat", "north", ("places.csv", 2, "lat", "north", ERROR, "type")),
        ("places", 2, "lon", "200", ("places.csv", 4, "lon", "200", ERROR, "range")),
        ("places", 1, "landmark", "maybe", ("places.csv", 3, "landmark", "maybe", ERROR, "type")),
        ("places", 0, "wikidata_id", "35484", ("places.csv", 2, "wikidata_id", "35484", ERROR, "pattern")),
        ("events", 2, "kind", "skirmish", ("events.csv", 4, "kind", "skirmish", ERROR, "enum")),
        ("factions", 1, "colour", "orange", ("factions.csv", 3, "colour", "orange", ERROR, "colour")),
        ("events", 4, "place_id", "cairo", ("events.csv", 6, "place_id", "cairo", ERROR, "fk-missing")),
        ("events", 0, "start", "656-05-01", ("events.csv", 2, "start", "656-05-01", ERROR, "date")),
        ("events", 1, "end", "0655", ("events.csv", 3, "end", "0655", ERROR, "date")),
        ("attestations", 2, "differs_value", "in 658",
         ("attestations.csv", 4, "differs_value", "in 658", ERROR, "date")),
        ("attestations", 0, "quote", "the rebels camped near Mecca",
         ("attestations.csv", 2, "quote", "the rebels camped near Mecca", ERROR, "quote-mismatch")),
        ("attestations", 1, "start_offset", "3",
         ("attestations.csv", 3, "start_offset", "3", ERROR, "quote-mismatch")),
        ("attestations", 1, "end_offset", "x", ("attestations.csv", 3, "end_offset", "x", ERROR, "type")),
        ("participants", 0, "person_id", "nobody",
         ("participants.csv", 2, "person_id", "nobody", ERROR, "fk-missing")),
    ],
)
def test_each_bad_cell_is_reported_at_its_file_row_column_and_value(
    tmp_path, table, row, column, value, expected
):
    """Test that one bad cell yields a problem naming its file, row, column, value and code."""

    def change(tables):
        tables[table].loc[row, column] = value

    package = load_changed(tmp_path, change)
    first = package.problems[0]
    assert (*located(package)[0], first.code) == expected
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
    assert [p.code for p in package.problems] == ["required", "fk-rejected", "fk-rejected"]


def test_a_bad_optional_value_is_ignored_and_the_row_kept(tmp_path):
    """Test that an unknown place id blanks the place and keeps the event."""

    def change(tables):
        tables["events"].loc[4, "place_id"] = "cairo"

    package = load_changed(tmp_path, change)
    events = package.events.set_index("id")
    assert events.loc["fall", "place_id"] == ""
    assert "no such id in places.csv" in package.problems[0].message
    assert [p.code for p in package.problems] == ["fk-missing"]


def test_a_reference_to_a_rejected_row_names_the_root_cause(tmp_path):
    """Test that events at a place rejected for its latitude say so, not that the id is missing."""

    def change(tables):
        tables["places"].loc[0, "lat"] = "north"

    package = load_changed(tmp_path, change)
    assert [(p.file, p.row, p.column, p.value, p.code) for p in package.problems] == [
        ("places.csv", 2, "lat", "north", "type"),
        ("events.csv", 2, "place_id", "medina", "fk-rejected"),
        ("events.csv", 3, "place_id", "medina", "fk-rejected")]
    assert package.problems[1].message == (
        "places.csv row 2 was rejected (lat 'north'), so this event's place cannot be shown "
        "— fix that row")
    assert not any("no such id" in p.message for p in package.problems)
    assert package.events.set_index("id").loc["camp", "place_id"] == ""
    assert len(package.events) == 5


def test_a_row_left_out_for_a_rejected_row_says_so_and_is_counted(tmp_path):
    """Test that attestations and routes of an event rejected for its kind name that row."""

    def change(tables):
        tables["events"].loc[4, "kind"] = "skirmish"

    package = load_changed(tmp_path, change)
    coded = [(p.file, p.row, p.column, p.code) for p in package.problems]
    assert coded == [("events.csv", 6, "kind", "enum"),
                     ("attestations.csv", 6, "event_id", "fk-rejected"),
                     ("routes.geojson", 1, "event_id", "fk-rejected")]
    assert package.problems[1].message.startswith(
        "events.csv row 6 was rejected (kind 'skirmish'), so this attestation was left out too")
    assert "this feature was left out too" in package.problems[2].message
    assert package.counts["attestations"].rejected == 1 and package.routes.empty


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
    assert package.problems[0].code == "quote-whitespace"
    assert "q2" in set(package.attestations["id"])


def test_an_event_without_attestation_is_reported_and_still_shown(tmp_path):
    """Test that an unattested event is reported on its id and kept."""

    def change(tables):
        tables["attestations"] = tables["attestations"].drop(index=3)

    package = load_changed(tmp_path, change)
    assert located(package) == [("events.csv", 5, "id", "defeat", ERROR)]
    assert "defeat" in set(package.events["id"])


def test_a_missing_column_and_an_unknown_column_are_reported_on_the_header(tmp_path):
    """Test that header problems are reported on row 1: an optional column missing is a notice."""

    def change(tables):
        tables["places"] = tables["places"].drop(columns="arabic").assign(population="1")

    package = load_changed(tmp_path, change)
    assert ("places.csv", 1, "arabic", None, NOTICE) in located(package)
    assert ("places.csv", 1, "population", None, NOTICE) in located(package)
    assert package.errors == []
    assert len(package.places) == 3
    assert package.places["arabic"].eq("").all()


def test_a_missing_required_column_rejects_every_row_and_says_so(tmp_path):
    """Test that a described package without a required column reads none of that table."""

    def change(tables):
        tables["factions"] = tables["factions"].drop(columns="colour")

    package = load_changed(tmp_path, change)
    assert ("factions.csv", 1, "colour", None, ERROR) in located(package)
    assert package.factions.empty
    assert package.counts["factions"] == TableCount(read=3, shown=0, rejected=3)


def test_a_missing_table_file_is_reported(tiny_package_copy):
    """Test that a missing CSV is reported by name and the rest still loads."""
    data = tiny_package_copy
    (data / "participants.csv").unlink()
    package = load_package(data, data.parent / "geo")
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


def test_an_unreadable_descriptor_is_a_problem_not_a_traceback(tiny_package_copy):
    """Test that broken JSON in datapackage.json becomes one problem."""
    data = tiny_package_copy
    (data / "datapackage.json").write_text("{not json", encoding="utf-8")
    package = load_package(data, data.parent / "geo")
    assert package.problems[0].file == "datapackage.json"
    assert package.events.empty


def test_problems_read_as_sentences_naming_their_place():
    """Test that a problem prints file, row, column and value before its message."""
    from atlas.package.types import Problem

    text = str(Problem("events.csv", 7, "start", "656-05-01", "not an EDTF date"))
    assert text == "events.csv, row 7, column 'start', value '656-05-01': not an EDTF date"


def test_source_dates_give_each_sources_own_date(tiny_package):
    """Test that an attestation's differing date becomes a drawable source date."""
    package = tiny_package
    row = package.source_dates.set_index("attestation_id").loc["q3"]
    assert row["value"] == "0658" and row["source_label"] == "Tiny"
    assert row["earliest_iso"] == "0658-01-01" and row["latest_iso"] == "0658-12-31"


def test_event_factions_include_the_participants_factions(tiny_package):
    """Test that an event counts for its acting faction and its participants' factions."""
    package = tiny_package
    pairs = set(map(tuple, package.event_factions.to_numpy()))
    assert ("invasion", "ali") in pairs and ("siege", "rebels") in pairs
    assert ("siege", "ali") not in pairs


def test_search_text_holds_every_spelling_of_people_and_places(tiny_package):
    """Test that an event's search text includes aliases of its people and place."""
    events = tiny_package.events.set_index("id")
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
    assert out.splitlines()[0].endswith("[date]")


def test_quote_rows_in_the_fixture_point_at_their_quotes():
    """Test that the fixture's own offsets are right, so the tests above start clean."""
    row = quote_row("x", "camp", "took Fustat")
    assert TINY_TEXT[int(row["start_offset"]):int(row["end_offset"])] == "took Fustat"


def test_descriptor_declares_keys_for_every_table():
    """Test that every table in the real descriptor has a primary key."""
    from atlas.paths import DATA_DIR

    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["schema"].get("primaryKey") for r in descriptor["resources"])


# --- where the data comes from (atlas/paths.py, used by load_package's defaults) -------------


@pytest.fixture
def no_env(monkeypatch):
    """Clear every variable that points the atlas at other data."""
    for name in (*DATA_ENVS, *GEO_ENVS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_data_dir_prefers_the_argument_then_each_variable_then_the_bundled_data(no_env, tmp_path):
    """Test the order --data, $ATLAS_DATA, $FITNA_ATLAS_DATA, bundled data/."""
    first, second, third = (tmp_path / name for name in ("arg", "new", "old"))
    assert paths.data_dir([]) == paths.DATA_DIR
    no_env.setenv("FITNA_ATLAS_DATA", str(third))
    assert paths.data_dir([]) == third
    no_env.setenv("ATLAS_DATA", str(second))
    assert paths.data_dir([]) == second
    assert paths.data_dir(["--data", str(first)]) == first


@pytest.mark.parametrize("argv", [
    ["--data"], ["-q", "--ignore=tests/e2e"], ["--server.port", "8501", "--dat", "x"], ["--", "x"],
])
def test_unknown_or_broken_arguments_are_ignored(no_env, argv):
    """Test that the script's arguments are read leniently: nothing raises or exits."""
    assert paths.data_dir(argv) == paths.DATA_DIR
    assert paths.geo_dir(argv) == paths.GEO_DIR


def test_the_arguments_may_come_after_others(no_env, tmp_path):
    """Test that --data and --geo are found among other arguments, in either spelling."""
    argv = ["--theme", "dark", f"--data={tmp_path / 'd'}", "--geo", str(tmp_path / "g"), "-v"]
    assert paths.data_dir(argv) == tmp_path / "d"
    assert paths.geo_dir(argv) == tmp_path / "g"


def test_geo_dir_follows_the_data_unless_told(no_env, tmp_path):
    """Test that other data gets its own geo/ (never the bundled one) unless --geo or a variable says."""
    other = tmp_path / "other"
    assert paths.geo_dir(["--data", str(other)]) == other / "geo"
    assert paths.geo_for(paths.DATA_DIR) == paths.GEO_DIR
    no_env.setenv("FITNA_ATLAS_GEO", str(tmp_path / "old"))
    assert paths.geo_dir(["--data", str(other)]) == tmp_path / "old"
    no_env.setenv("ATLAS_GEO", str(tmp_path / "new"))
    assert paths.geo_dir([]) == tmp_path / "new"
    assert paths.geo_dir(["--geo", str(tmp_path / "arg")]) == tmp_path / "arg"


def test_a_package_without_a_geo_folder_loads_without_routes_or_errors(tmp_path):
    """Test that a missing geometry folder gives empty layers and one notice, no error."""
    data = write_package(tmp_path)
    package = load_package(data, tmp_path / "nowhere")
    assert package.errors == []
    assert [p.severity for p in package.problems] == [NOTICE]
    assert package.routes.empty and package.regions.empty
    assert package.counts["routes"] == TableCount(0, 0, 0)


def test_load_package_takes_the_layers_beside_other_data_by_default(tmp_path):
    """Test that load_package(dir) reads dir/geo, not the bundled layers."""
    data = write_package(tmp_path)
    shutil.move(tmp_path / "geo", data / "geo")
    package = load_package(data)
    assert package.problems == ()
    assert len(package.routes) == 1


def test_cli_validates_a_folder_with_its_own_layers(tmp_path, capsys):
    """Test that `validate DIR` without --geo reads DIR/geo, and a minimal folder passes."""
    data = write_package(tmp_path)
    shutil.move(tmp_path / "geo", data / "geo")
    assert main(["validate", str(data)]) == 0
    assert "0 problems, 0 notices" in capsys.readouterr().out
    assert main(["validate", str(FIXTURES / "minimal")]) == 0
    assert "0 problems" in capsys.readouterr().out


# --- bring your own data: a minimal folder ---------------------------------------------------


def test_a_minimal_events_table_loads_with_notices_only():
    """Test that id, title, date, place and lat/lon, with no datapackage.json, load cleanly."""
    package = load_package(FIXTURES / "minimal")
    assert package.errors == []
    assert not package.described
    assert len(package.events) == 4 and package.events["has_date"].all()
    events = package.events.set_index("id")
    assert events.loc["killing", "best_iso"] == "0656-06-17"
    assert events.loc["siffin", "start"] == "0657"
    assert events.loc["killing", "place_name"] == "Medina"
    assert events.loc["killing", "faction_id"] == events.loc["killing", "episode"] == "unknown"
    places = package.places.set_index("id")
    assert list(places.index) == ["medina", "basra", "siffin"]
    assert places.loc["basra", "lat"] == 30.5 and places.loc["basra", "lon"] == 47.8
    assert package.factions["id"].tolist() == ["unknown"]
    assert package.episodes["id"].tolist() == ["unknown"]
    assert package.attestations.empty and package.sources.empty
    assert package.counts["places"] == TableCount(read=3, shown=3, rejected=0, added=3)


def test_a_minimal_table_written_in_code_with_start_and_free_text_factions(tmp_path):
    """Test a CSV with 'start', a faction column of names and coordinates as latitude/longitude."""
    (tmp_path / "events.csv").write_text(
        "ID,Title,Start,Faction,Episode,Place name,Latitude,Longitude\n"
        "a,One,0656-05-01,Ali's party,The revolt,Kufa,32.03,44.4\n"
        "b,Two,0657,Mu'awiya's Syrians,Siffin,Siffin,35.95,38.9\n"
        "c,Three,0658,Ali's party,The revolt,,,\n", encoding="utf-8")
    package = load_package(tmp_path)
    assert package.errors == []
    factions = package.factions.set_index("id")
    assert factions.loc["alis_party", "name"] == "Ali's party"
    assert factions.loc["muawiyas_syrians", "colour"].startswith("#")
    assert package.events.set_index("id").loc["c", "faction_id"] == "alis_party"
    assert package.episodes.set_index("id").loc["the_revolt", "order"] == 1
    assert package.events.set_index("id").loc["c", "place_id"] == ""
    assert set(package.places["id"]) == {"kufa", "siffin"}


def test_places_made_from_events_report_bad_coordinates_on_the_events_row(tmp_path):
    """Test that a bad latitude is reported at its events.csv row and the event keeps no place."""
    (tmp_path / "events.csv").write_text(
        "id,title,date,place,lat,lon\n"
        "a,One,0656,Kufa,32.03,44.4\n"
        "b,Two,0657,Nowhere,north,38.9\n", encoding="utf-8")
    package = load_package(tmp_path)
    assert [(p.file, p.row, p.column, p.value) for p in package.errors] == [
        ("events.csv", 3, "lat", "north")]
    assert package.events.set_index("id").loc["b", "place_id"] == ""
    assert package.counts["places"] == TableCount(read=2, shown=1, rejected=1, added=2)


def test_a_lone_csv_of_another_name_is_read_as_the_events(tmp_path):
    """Test that a folder with one CSV, not named events.csv, is taken for the events."""
    (tmp_path / "my_events.csv").write_text("id,title,date\na,One,0656\n", encoding="utf-8")
    package = load_package(tmp_path)
    assert package.errors == [] and len(package.events) == 1
    assert package.counts["events"] == TableCount(1, 1, 0)


def test_a_folder_with_no_events_is_an_error_not_a_crash(tmp_path):
    """Test that an empty folder gives one error and an empty package with its columns."""
    package = load_package(tmp_path)
    assert [p.file for p in package.errors] == ["events.csv"]
    assert package.events.empty and "has_date" in package.events


def test_a_missing_folder_is_an_error_not_a_crash(tmp_path):
    """Test that a folder that does not exist is reported in words."""
    package = load_package(tmp_path / "typo")
    assert "does not exist" in package.errors[0].message
    assert package.errors[0].code == "file-missing"
    assert package.events.empty


def test_a_partial_package_without_attestations_says_so_once(tmp_path):
    """Test that events, places and factions files without attestations give one notice."""
    tables = tiny_tables()
    for name in ("events", "places", "factions", "episodes"):
        tables[name].to_csv(tmp_path / f"{name}.csv", index=False)
    package = load_package(tmp_path)
    assert package.errors == []
    assert sum("attestations.csv" in p.file for p in package.problems) == 1
    assert len(package.events) == 5 and len(package.places) == 3


def test_offsets_are_found_when_a_package_without_a_description_gives_none(tmp_path):
    """Test that attestations with quotes but no offsets are placed in the text."""
    tables = tiny_tables()
    tables["attestations"] = tables["attestations"].drop(columns=["start_offset", "end_offset"])
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "t1.txt").write_text(TINY_TEXT, encoding="utf-8")
    package = load_package(tmp_path)
    assert package.errors == []
    row = package.attestations.set_index("id").loc["q2"]
    assert TINY_TEXT[row["start_offset"]:row["end_offset"]] == row["quote"]


# --- bring your own data: real-world mess ----------------------------------------------------


def test_an_excel_export_with_bom_crlf_semicolons_and_spaces_reads_right():
    """Test BOM, CRLF, ';', decimal commas, padded headers and cells, blank lines and Arabic."""
    raw = (FIXTURES / "excel_export" / "events.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw and b";" in raw
    package = load_package(FIXTURES / "excel_export")
    events = package.events.set_index("id")
    assert list(events.index) == ["siege", "killing", "fustat"]
    assert events.loc["siege", "title"] == "Siege of the house"
    assert events.loc["killing", "title"] == "مقتل عثمان"
    assert events.loc["fustat", "title"] == "Amr takes Fustat; the governor is killed"
    assert events.loc["killing", "place_name"] == "المدينة"
    assert package.places.set_index("name").loc["Medina", "lat"] == 24.467
    # The blank lines keep their numbers: the untitled event is on spreadsheet row 7.
    assert [(p.row, p.column) for p in package.errors] == [(7, "Title")]
    assert package.counts["events"] == TableCount(read=4, shown=3, rejected=1)


def test_the_tiny_package_saved_by_a_spreadsheet_has_no_problems(tmp_path):
    """Test that the described package re-saved with BOM, CRLF and ';' loads exactly the same."""
    data = write_package(tmp_path)
    for name, frame in tiny_tables().items():
        text = frame.to_csv(index=False, sep=";", lineterminator="\r\n")
        (data / f"{name}.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    package = load_package(data, tmp_path / "geo")
    assert package.problems == ()
    clean = load_package(write_package(tmp_path / "clean"), tmp_path / "clean" / "geo")
    pd.testing.assert_frame_equal(package.events, clean.events)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_every_common_encoding_and_separator_reads_the_same(tmp_path, encoding, separator):
    """Test UTF-16 (with BOM), UTF-8 with or without BOM, and , ; tab separators."""
    text = separator.join(["id", "title", "date"]) + "\n" + separator.join(
        ["a", "Ṣiffīn, مقتل", "0657"]) + "\n"
    text = text.replace("Ṣiffīn, مقتل", '"Ṣiffīn, مقتل"') if separator == "," else text
    (tmp_path / "events.csv").write_bytes(text.encode(encoding))
    package = load_package(tmp_path)
    assert package.errors == []
    assert package.events["title"].tolist() == ["Ṣiffīn, مقتل"]


def test_rows_with_bytes_that_are_not_utf8_are_reported_and_left_out():
    """Test that a Windows-1252 row is an error on its own row and the others load."""
    package = load_package(FIXTURES / "windows_1252")
    assert [(p.row, p.severity) for p in package.errors] == [(3, ERROR)]
    assert "save the file as UTF-8" in package.errors[0].message
    assert package.errors[0].code == "encoding"
    assert package.events["id"].tolist() == ["fine", "fine_too"]
    assert package.counts["events"] == TableCount(read=3, shown=2, rejected=1)


def test_non_utf8_bytes_in_a_described_table_do_not_crash(tiny_package_copy):
    """Test that a bad byte in a described package's events is one located error."""
    data = tiny_package_copy
    raw = (data / "events.csv").read_bytes().replace(b"A siege.", b"A si\xe8ge.")
    (data / "events.csv").write_bytes(raw)
    package = load_package(data, data.parent / "geo")
    assert any(p.row == 3 and p.code == "encoding" for p in package.errors)
    assert "siege" not in set(package.events["id"])


def test_duplicate_ids_keep_the_first_row_and_report_the_rest():
    """Test that repeated ids are each reported, citing the row that is kept."""
    package = load_package(FIXTURES / "duplicates")
    assert [(p.row, p.value) for p in package.errors] == [(4, "camp"), (5, "camp")]
    assert all("row 2" in p.message for p in package.errors)
    assert package.events.set_index("id").loc["camp", "title"] == "Rebels camp"
    assert package.counts["events"] == TableCount(read=4, shown=2, rejected=2)


def test_spreadsheet_dates_short_years_are_read_and_slashed_dates_are_explained():
    """Test the decision: short years become EDTF with a notice; d/m/y and m/d/y are errors."""
    package = load_package(FIXTURES / "spreadsheet_dates")
    events = package.events.set_index("id")
    assert events.loc["iso_short", "start"] == "0656-06-17"
    assert events.loc["year_only", "start"] == "0656"
    assert events.loc["no_zeros", "start"] == "0656-06-01"
    assert events.loc[["iso_short", "year_only", "no_zeros", "edtf"], "has_date"].all()
    assert not events.loc[["month_day", "day_month", "either"], "has_date"].any()
    by_row = {p.row: p for p in package.problems if p.row and p.row > 1}
    assert by_row[2].severity == NOTICE and "0656-06-17" in by_row[2].message
    assert by_row[5].severity == ERROR and "write 0656-06-17" in by_row[5].message
    assert by_row[6].severity == ERROR and "write 0656-06-17" in by_row[6].message
    assert by_row[7].severity == ERROR and "0656-06-07" in by_row[7].message
    assert "0656-07-06" in by_row[7].message
    assert 8 not in by_row


def test_a_described_package_keeps_short_years_as_errors_with_the_fix(tmp_path):
    """Test that a package that declares EDTF gets no guessing, but the exact EDTF to write."""

    def change(tables):
        tables["events"].loc[0, "start"] = "656-05-01"
        tables["events"].loc[1, "start"] = "05/01/0656"

    package = load_changed(tmp_path, change)
    messages = {p.row: p.message for p in package.errors}
    assert "0656-05-01" in messages[2] and "0656-05-01" in messages[3]


def test_a_row_with_too_many_cells_is_reported_and_the_rest_loads():
    """Test that an unquoted comma leaves out its row, with a hint about quotes."""
    package = load_package(FIXTURES / "ragged")
    assert [(p.row, p.value) for p in package.errors] == [(3, "two,Ali, the caliph, arrives,0656")]
    assert "double quotes" in package.errors[0].message
    assert package.errors[0].code == "ragged"
    assert package.events["id"].tolist() == ["one", "three"]


def test_an_unclosed_quote_is_one_error_at_its_row():
    """Test that a quote never closed is reported where it opens, not as a traceback."""
    package = load_package(FIXTURES / "unclosed_quote")
    assert [(p.file, p.row) for p in package.errors] == [("events.csv", 3)]
    assert package.errors[0].code == "file-unreadable"


def test_text_is_kept_exactly_as_written_and_never_interpreted(tmp_path):
    """Test that markup, entities and quotes in cells reach the frames unchanged, only trimmed."""
    title = '<b>Siege</b> &amp; "the <script>alert(1)</script>" — ﷽'
    (tmp_path / "events.csv").write_text(
        'id,title,date\na,"  ' + title.replace('"', '""') + '  ",0656\n', encoding="utf-8")
    package = load_package(tmp_path)
    assert package.events["title"].tolist() == [title]


def test_paths_leaving_the_package_are_refused(tmp_path):
    """Test that a descriptor path or a text_path outside the folder is an error, not read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web", encoding="utf-8")

    def change(tables):
        tables["sources"].loc[1, "text_path"] = "../../secret.txt"

    package = load_changed(tmp_path, change)
    assert ("sources.csv", 3, "text_path", "../../secret.txt", ERROR) in located(package)
    assert "not for the web" not in package.texts.values()

    data = write_package(tmp_path / "b")
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = str(secret)
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = load_package(data, tmp_path / "b" / "geo")
    assert ("datapackage.json", None, "path", str(secret), ERROR) in located(package)


def test_a_relation_whose_quote_is_not_in_its_source_is_left_out(tmp_path):
    """Test that relations are kept only with a verbatim quote, and counted."""

    def change(tables):
        tables["relations"] = pd.DataFrame([
            {"id": "r1", "person_id": "gov", "relation": "opponent", "other_id": "uthman",
             "source_id": "t1", "quote": "the governor", "note": ""},
            {"id": "r2", "person_id": "uthman", "relation": "uncle", "other_id": "gov",
             "source_id": "t1", "quote": "his nephew the governor", "note": ""}], dtype=str)

    package = load_changed(tmp_path, change)
    assert package.relations["id"].tolist() == ["r1"]
    assert ("relations.csv", 3, "quote", "his nephew the governor", ERROR) in located(package)
    assert package.counts["relations"] == TableCount(read=2, shown=1, rejected=1)


# --- counts ----------------------------------------------------------------------------------

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FIXTURE_DIRS, ids=lambda p: p.name)
def test_read_equals_shown_plus_rejected_for_every_fixture(folder):
    """Test the identity on every table of every fixture under tests/data/."""
    package = load_package(folder)
    assert set(package.counts) >= {*schema.TABLES, "routes", "regions"}
    for name, count in package.counts.items():
        assert count.adds_up, (name, count)
        frame = package.routes if name == "routes" else (
            package.regions if name == "regions" else getattr(package, name))
        assert count.shown == len(frame), name


def test_read_equals_shown_plus_rejected_for_the_real_and_a_broken_package(tmp_path):
    """Test the identity on the bundled data and on a package with many kinds of bad row."""

    def change(tables):
        tables["events"].loc[1, "title"] = ""
        tables["events"].loc[3, "id"] = "camp"
        tables["places"].loc[2, "lon"] = "200"
        tables["attestations"].loc[0, "quote"] = "not in the text"

    for package in (load_package(), load_changed(tmp_path, change)):
        assert all(count.adds_up for count in package.counts.values()), package.counts
    broken = load_changed(tmp_path / "again", change)
    assert broken.counts["events"].rejected == 2
    assert broken.counts["places"] == TableCount(read=3, shown=2, rejected=1)
    assert broken.counts["attestations"].rejected >= 1


@pytest.mark.parametrize("edit", [
    lambda d: d["resources"][0].update(schema="schema.json"),
    lambda d: d["resources"][4]["schema"].update(primaryKey=["nothing"]),
    lambda d: d["resources"][4]["schema"].update(foreignKeys=["nonsense", {"fields": "x"}]),
    lambda d: d["resources"][4]["schema"]["fields"][1].update(constraints={"pattern": "[a-"}),
    lambda d: d["resources"].append({"name": "extra", "path": 7}),
    lambda d: d["resources"].pop(1),
])
def test_an_odd_descriptor_is_reported_not_a_crash(tiny_package_copy, edit):
    """Test that a hand-written datapackage.json with odd parts still loads the events."""
    data = tiny_package_copy
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    edit(descriptor)
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = load_package(data, data.parent / "geo")
    assert not crash_guards(package.problems)
    assert len(package.events) == 5
    assert all(count.adds_up for count in package.counts.values())


def test_a_fault_in_the_atlas_is_one_problem_coded_fault(tmp_path, monkeypatch):
    """Test that an exception inside the loader becomes one 'fault' problem and an empty package."""
    from atlas.package import load as steps

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(steps, "read_description", broken)
    package = load_package(write_package(tmp_path), tmp_path / "geo")
    assert [p.code for p in package.problems] == ["fault"]
    assert "a fault in the atlas, not in your data" in package.problems[0].message
    assert package.events.empty and "title" in package.events


def test_a_reference_to_a_row_that_could_not_be_split_names_that_row(tmp_path):
    """Test that an attestation of an event whose row has too many cells points at that row."""
    data = write_package(tmp_path)
    text = (data / "events.csv").read_text(encoding="utf-8").replace("A siege.", "A siege.,extra")
    (data / "events.csv").write_text(text, encoding="utf-8")
    package = load_package(data, tmp_path / "geo")
    coded = [(p.file, p.row, p.code) for p in package.errors]
    assert coded[:2] == [("events.csv", 3, "ragged"), ("attestations.csv", 3, "fk-rejected")]
    assert package.errors[1].message.startswith(
        "events.csv row 3 was rejected (more cells than column names), so this attestation")
