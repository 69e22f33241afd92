"""Tests for atlas/export.py: safe CSV, nested JSON, GeoJSON, Linked Places and citations."""

import io
import json

import pandas as pd
import pytest

from atlas import schema
from atlas.export import (
    ATTESTATION_COLUMNS,
    DEFAULT_AUTHOR,
    DEFAULT_TITLE,
    EVENT_COLUMNS,
    LPF_CONTEXT,
    PLACE_BASE_URI,
    app_bibtex,
    app_citation,
    event_citation,
    events_json,
    events_rows,
    places_geojson,
    places_lpf,
    read_csv_export,
    read_descriptor,
    routes_geojson,
    to_csv,
)
from atlas.package import load_package
from atlas.paths import DATA_DIR, GEO_DIR
from tests.conftest import quote_row, tiny_tables, write_package

URL = "https://atlas.example/?event=invasion"
ACCESSED = "2025-06-01"


@pytest.fixture
def package(tmp_path):
    """The tiny package plus a second invasion account, an undated unattested event and ids."""
    tables = tiny_tables()
    tables["attestations"].loc[len(tables["attestations"])] = quote_row(
        "q6", "invasion", "sent an army", source_id="t2", differs_field="date",
        differs_value="0657", authority="one account")
    events = tables["events"]
    events.loc[len(events)] = {
        "id": "rumour", "title": "A rumour", "summary": "Told, never dated.", "start": "",
        "end": "", "date_basis": "unknown", "date_reference": "", "kind": "other",
        "place_id": "medina", "faction_id": "rebels", "episode": "revolt", "context": "false"}
    events.loc[events["id"] == "camp", "summary"] = "They camp near المدينة."
    places = tables["places"]
    places.loc[places["id"] == "fustat", ["thurayya_id", "pleiades_id"]] = [
        "FUSTAT_312E300N_S", "727070"]
    data = write_package(tmp_path, tables)
    return load_package(data, tmp_path / "geo")


def by_id(features):
    """Index GeoJSON features by their id property."""
    return {f["properties"]["id"]: f for f in features}


def lpf_by_id(document, base=PLACE_BASE_URI):
    """Index Linked Places features by the place id their ``@id`` ends with."""
    return {f["@id"].removeprefix(base): f for f in document["features"]}


# --- CSV ------------------------------------------------------------------------------------

NASTY = [
    # value, the cell as a spreadsheet receives it
    ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
    ("+1", "'+1"),
    ("-2", "'-2"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("'quoted", "''quoted"),
    ("''", "'''"),
    ("", ""),
    ("plain text", "plain text"),
    ("a=b, c-d", "a=b, c-d"),
    ("محمد بن أبي بكر", "محمد بن أبي بكر"),
    ("=المدينة", "'=المدينة"),
    ("line one\nline two, with a comma", "line one\nline two, with a comma"),
    ('say "hi"', 'say "hi"'),
]


@pytest.mark.parametrize(("value", "written"), NASTY)
def test_csv_puts_an_apostrophe_before_formula_cells(value, written):
    """Test that a spreadsheet reading the file sees each risky cell behind an apostrophe."""
    text = to_csv(pd.DataFrame({"cell": [value], "other": ["x"]}, dtype=str))
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert raw.loc[0, "cell"] == written


@pytest.mark.parametrize(("value", "written"), NASTY)
def test_csv_round_trip_gives_back_each_value(value, written):
    """Test that reading an export strips exactly the apostrophe it added, nothing else."""
    frame = pd.DataFrame({"cell": [value, "ok"], "other": ["x", value]}, dtype=str)
    pd.testing.assert_frame_equal(read_csv_export(to_csv(frame)), frame)


def test_csv_round_trip_of_a_whole_table_of_nasty_values():
    """Test that a frame of every nasty value, in cells and a column name, round-trips."""
    values = [value for value, _ in NASTY]
    frame = pd.DataFrame({"a": values, "b": values[::-1], "=c": values}, dtype=str)
    text = to_csv(frame)
    assert text.splitlines()[0] == "a,b,'=c"
    pd.testing.assert_frame_equal(read_csv_export(text), frame)
    assert read_csv_export("\ufeff" + text).columns.tolist() == ["a", "b", "=c"]


def test_csv_writes_numbers_and_booleans_as_they_are():
    """Test that only strings are guarded: a negative number stays a number."""
    text = to_csv(pd.DataFrame({"n": [-2, 3], "flag": [True, False], "s": ["-2", "3"]}))
    assert text.split("\r\n")[1:3] == ["-2,True,'-2", "3,False,3"]


def test_csv_of_nothing_reads_as_an_empty_frame():
    """Test that an empty export reads back as an empty frame instead of failing."""
    assert read_csv_export(to_csv(pd.DataFrame())).empty


# --- rows -----------------------------------------------------------------------------------


def test_rows_join_each_attestation_and_keep_unattested_events(package):
    """Test that there is a row per attestation, plus one for an event with none."""
    rows = events_rows(package, package.events)
    assert rows.columns.tolist() == [*EVENT_COLUMNS, *ATTESTATION_COLUMNS]
    assert len(rows) == len(package.attestations) + 1
    assert set(rows["id"]) == set(package.events["id"])
    invasion = rows[rows["id"] == "invasion"]
    assert invasion["attestation_id"].tolist() == ["q3", "q6"]
    assert invasion["source_label"].tolist() == ["Tiny", "Other"]
    assert invasion["differs_value"].tolist() == ["0658", "0657"]
    rumour = rows[rows["id"] == "rumour"].iloc[0]
    assert rumour[list(ATTESTATION_COLUMNS)].tolist() == [""] * len(ATTESTATION_COLUMNS)
    assert (rumour[schema.EARLIEST_ISO], rumour[schema.DATE_WORDS]) == ("", "undated")


def test_rows_keep_the_order_and_selection_given(package):
    """Test that a filtered, reordered selection is exported as given."""
    chosen = package.events[package.events["id"].isin(["fall", "camp"])].iloc[::-1]
    rows = events_rows(package, chosen)
    assert rows["id"].tolist() == ["fall", "camp"]
    assert rows.loc[0, schema.EARLIEST_ISO] == "0658-07-01"
    assert rows.loc[0, "place_name"] == "Fustat"


def test_rows_survive_the_csv_round_trip(package):
    """Test that the exported table reads back cell for cell, as strings."""
    rows = events_rows(package, package.events)
    pd.testing.assert_frame_equal(read_csv_export(to_csv(rows)), rows.astype(str))


# --- JSON -----------------------------------------------------------------------------------


def test_json_nests_attestations_and_participants(package):
    """Test that each event carries its quotes and people, and undated bounds are null."""
    text = events_json(package, package.events)
    assert "المدينة" in text
    documents = {d["id"]: d for d in json.loads(text)}
    assert set(documents) == set(package.events["id"])
    invasion = documents["invasion"]
    assert list(invasion)[:2] == ["id", "title"]
    assert list(invasion)[-2:] == ["attestations", "participants"]
    assert [a["attestation_id"] for a in invasion["attestations"]] == ["q3", "q6"]
    assert invasion["attestations"][1]["authority"] == "one account"
    assert invasion["participants"] == [
        {"person_id": "gov", "name": "The governor", "role": "commander"}]
    assert documents["rumour"]["attestations"] == []
    assert documents["rumour"][schema.EARLIEST_ISO] is None
    assert documents["camp"]["context"] is False


def test_json_of_a_selection_and_of_nothing(package):
    """Test that only the chosen events are written, and no events make an empty list."""
    chosen = package.events[package.events["id"] == "siege"]
    assert [d["id"] for d in json.loads(events_json(package, chosen))] == ["siege"]
    assert json.loads(events_json(package, package.events.iloc[:0])) == []


# --- GeoJSON --------------------------------------------------------------------------------


def test_places_geojson_is_points_in_lon_lat_order_with_counts(package):
    """Test that each place is one Point Feature in [lon, lat] order with its event count."""
    collection = places_geojson(package, package.events)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(package.places) == 3
    assert {f["type"] for f in collection["features"]} == {"Feature"}
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Point"}
    places = by_id(collection["features"])
    assert places["medina"]["geometry"]["coordinates"] == [39.611, 24.467]
    assert places["medina"]["properties"]["aliases"] == ["Madina", "Yathrib"]
    assert {k: p["properties"]["events"] for k, p in places.items()} == {
        "medina": 3, "kharbata": 2, "fustat": 1}
    json.dumps(collection)


def test_places_geojson_without_events_has_no_counts(package):
    """Test that the count property appears only when events are given."""
    assert all("events" not in f["properties"] for f in places_geojson(package)["features"])


def test_routes_geojson_keeps_routes_of_the_given_events(package):
    """Test that routes are LineStrings in [lon, lat] order, filtered by their event."""
    everything = routes_geojson(package)
    assert everything["type"] == "FeatureCollection"
    (route,) = everything["features"]
    assert route["geometry"] == {"type": "LineString",
                                 "coordinates": [[36.3, 33.5], [31.23, 30.0]]}
    assert route["properties"]["event_id"] == "fall"
    assert route["properties"]["faction_id"] == "syrians"
    assert len(routes_geojson(package, package.events)["features"]) == 1
    others = package.events[package.events["id"] != "fall"]
    assert routes_geojson(package, others)["features"] == []
    json.dumps(everything)


# --- Linked Places --------------------------------------------------------------------------


def test_lpf_when_runs_from_the_earliest_to_the_latest_event_there(package):
    """Test that each place's timespan bounds are the min earliest and max latest of its events."""
    document = places_lpf(package, package.events)
    assert document["type"] == "FeatureCollection"
    assert document["@context"] == LPF_CONTEXT
    dated = package.events[package.events[schema.HAS_DATE]]
    for place_id, feature in lpf_by_id(document).items():
        here = dated[dated["place_id"] == place_id]
        (span,) = feature["when"]["timespans"]
        assert span["start"]["earliest"] == here[schema.EARLIEST_ISO].min()
        assert span["end"]["latest"] == here[schema.LATEST_ISO].max()
    medina = lpf_by_id(document)["medina"]["when"]["timespans"][0]
    assert medina == {"start": {"earliest": "0656-05-01"}, "end": {"latest": "0656-06-30"}}


def test_lpf_place_without_events_in_the_selection_has_no_when(package):
    """Test that a place none of the chosen events happened at is not given a timespan."""
    chosen = package.events[package.events["place_id"] != "fustat"]
    features = lpf_by_id(places_lpf(package, chosen))
    assert "when" not in features["fustat"]
    assert "when" in features["kharbata"]
    undated = package.events[package.events["id"] == "rumour"]
    assert all("when" not in f for f in places_lpf(package, undated)["features"])


def test_lpf_links_only_the_ids_that_are_filled_in(package):
    """Test that links exist only for filled ids, each a full URL of the other gazetteer."""
    features = lpf_by_id(places_lpf(package, package.events))
    assert features["medina"]["links"] == [
        {"type": "closeMatch", "identifier": "https://www.wikidata.org/wiki/Q35484"}]
    assert features["kharbata"]["links"] == []
    assert [link["identifier"] for link in features["fustat"]["links"]] == [
        "https://github.com/althurayya/althurayya.github.io/blob/master/places/FUSTAT_312E300N_S.geojson",
        "https://pleiades.stoa.org/places/727070"]


def test_lpf_names_types_and_geometry(package):
    """Test that names list aliases and tag Arabic, and types, Point and certainty fit."""
    base = "https://g.example/p/"
    features = lpf_by_id(places_lpf(package, package.events, base_uri=base), base)
    medina = features["medina"]
    assert medina["@id"] == "https://g.example/p/medina"
    assert medina["properties"] == {"title": "Medina", "ccodes": []}
    assert [n["toponym"] for n in medina["names"]] == ["Medina", "Madina", "Yathrib", "المدينة"]
    assert medina["names"][-1]["lang"] == "ar"
    assert medina["names"][0]["citations"] == [{"label": "Tiny: Tiny chronicle"}]
    assert all("lang" not in n for n in features["kharbata"]["names"])
    assert medina["types"][0]["identifier"] == "aat:300008389"
    assert medina["geometry"]["type"] == "Point"
    assert medina["geometry"]["coordinates"] == [39.611, 24.467]
    assert medina["geometry"]["certainty"] == "certain"
    assert features["kharbata"]["geometry"]["certainty"] == "uncertain"


# --- citations ------------------------------------------------------------------------------


def test_event_citation_names_the_event_its_sources_and_the_app(package):
    """Test that the line holds the title, id, each source's label and id, app, URL and day."""
    text = event_citation(package, "invasion", "Fitna Atlas", "0.1.0", URL, ACCESSED)
    for part in ("Invasion", "invasion", "Tiny (source t1)", "Other (source t2)",
                 "Fitna Atlas, version 0.1.0", URL, ACCESSED):
        assert part in text
    assert "no attesting source" in event_citation(package, "rumour", "A", "", URL, ACCESSED)


def test_event_citation_of_an_unknown_event_raises(package):
    """Test that a citation is never made up for an id that is not there."""
    with pytest.raises(KeyError):
        event_citation(package, "atlantis", "Fitna Atlas", "0.1.0", URL, ACCESSED)


def test_app_citation_uses_the_descriptor_and_falls_back_to_defaults():
    """Test that title, version, licence and URL come from the descriptor, or defaults."""
    descriptor = read_descriptor(DATA_DIR)
    text = app_citation(descriptor, URL, ACCESSED)
    for part in (descriptor["title"], descriptor["version"],
                 descriptor["licenses"][0]["name"], URL, ACCESSED):
        assert part in text
    bare = app_citation({}, URL, ACCESSED)
    assert bare.startswith(f"{DEFAULT_AUTHOR}. {DEFAULT_TITLE} [software and data].")
    named = app_citation({"contributors": [{"title": "A. Scribe"}, {"givenName": "B",
                                                                     "familyName": "Copyist"}],
                          "created": "2025-01-02T00:00:00Z"}, URL, ACCESSED)
    assert named.startswith("A. Scribe; B Copyist (2025).")


def test_read_descriptor_of_a_missing_package_is_empty(tmp_path):
    """Test that an unreadable descriptor gives defaults rather than an error."""
    assert read_descriptor(tmp_path) == {}
    (tmp_path / "datapackage.json").write_text("[1, 2]", encoding="utf-8")
    assert read_descriptor(tmp_path) == {}


def braces_balance(text: str) -> bool:
    """Whether every brace closes one opened before it, as BibTeX counts them."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_entry_is_stable_escaped_and_balanced():
    """Test that braces balance even with nasty text, the key is stable and specials escaped."""
    entry = app_bibtex(read_descriptor(DATA_DIR), URL, ACCESSED)
    assert entry.startswith("@misc{fitna_atlas_0_1_0,\n")
    assert braces_balance(entry)
    assert entry == app_bibtex(read_descriptor(DATA_DIR), URL, ACCESSED)
    assert "urldate = {2025-06-01}" in entry

    nasty = {"name": "x", "version": "1.0", "title": "Un}balanced {{ 100% & $5 #1 a_b ^ ~ \\",
             "contributors": [{"title": "Smith and Jones}"}],
             "licenses": [{"name": "CC_BY"}]}
    entry = app_bibtex(nasty, "https://e.example/a_b?q={x}%20y", ACCESSED)
    assert braces_balance(entry)
    assert entry.startswith("@misc{x_1_0,")
    assert r"100\% \& \$5 \#1 a\_b" in entry
    assert "author = {{Smith and Jones\\textbraceright{}}}" in entry
    assert "url = {https://e.example/a_b?q=%7Bx%7D%20y}" in entry
    assert braces_balance(app_bibtex({}, URL, ACCESSED))


# --- the real package -----------------------------------------------------------------------


def test_every_real_event_is_exported():
    """Test that every real event is exported: rows = attestations + events without any."""
    real = load_package(DATA_DIR, GEO_DIR)
    rows = events_rows(real, real.events)
    attested = real.events["id"].isin(real.attestations["event_id"])
    expected = real.attestations["event_id"].isin(real.events["id"]).sum() + (~attested).sum()
    assert len(rows) == expected
    assert set(rows["id"]) == set(real.events["id"])
    assert len(json.loads(events_json(real, real.events))) == len(real.events)
    pd.testing.assert_frame_equal(read_csv_export(to_csv(rows)), rows.astype(str))
    assert len(places_lpf(real, real.events)["features"]) == len(real.places)
    assert len(routes_geojson(real, real.events)["features"]) == len(real.routes)
