"""Tests of the real data package: it validates, its floors hold, and its disagreements are kept."""

import pytest
from frictionless import validate

from atlas.load import load_package
from atlas.paths import DATA_DIR, GEO_DIR
from atlas.text import fold


@pytest.fixture(scope="module")
def package():
    """The bundled package, loaded once."""
    return load_package(DATA_DIR, GEO_DIR)


def test_the_real_package_has_no_problems(package):
    """Test that our own validator finds nothing wrong with the bundled data."""
    assert [str(p) for p in package.problems] == []


def test_frictionless_validates_the_descriptor_and_tables():
    """Test that the independent frictionless validator accepts the package."""
    report = validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_floors_on_counts(package):
    """Test that the package holds what the design promises."""
    assert 45 <= len(package.events) <= 80
    assert len(package.sources) == 3
    assert len(package.places) >= 11
    assert len(package.people) >= 20
    assert len(package.factions) >= 7
    assert len(package.attestations) >= len(package.events)
    assert len(package.routes) >= 5 and len(package.regions) >= 5


def test_every_event_has_a_verbatim_quote_at_its_offsets(package):
    """Test that each event is attested, and each quote stands in its text at its offsets."""
    assert set(package.events["id"]) <= set(package.attestations["event_id"])
    for row in package.attestations.itertuples():
        text = package.texts[row.source_id]
        assert text[row.start_offset:row.end_offset] == row.quote, row.id


def test_the_source_texts_are_the_seeds_as_given(package):
    """Test that the three texts are under data/sources and 000/001 form one work."""
    sources = package.sources.set_index("id")
    assert list(sources.index) == ["000", "001", "002"]
    assert sources.at["000", "work_id"] == sources.at["001", "work_id"] != sources.at["002",
                                                                                       "work_id"]
    assert package.texts["002"].startswith("= Muhammad ibn Abi Bakr =")


def test_the_named_places_are_there_with_coordinates_and_certainty(package):
    """Test that every place the design names exists and Kharbata's location is disputed."""
    places = package.places.set_index("id")
    for place in ("medina", "mecca", "fustat", "kharbata", "siffin", "dumat_al_jandal", "kufa",
                  "basra", "nahrawan", "dhu_khushub", "damascus"):
        assert place in places.index
        assert places.at[place, "coord_source"]
    assert places.at["kharbata", "location_certainty"] in ("disputed", "uncertain")
    landmarks = set(places.index[places["landmark"]])
    assert {"medina", "fustat", "kharbata", "siffin", "dumat_al_jandal"} <= landmarks


@pytest.mark.parametrize(
    ("table", "ident", "spelling"),
    [
        ("people", "uthman", "Othman"),
        ("people", "qays_ibn_sad", "Dais bin Sad"),
        ("people", "kinana_ibn_bishr", "Bashr b Kinana"),
        ("people", "muawiya_ibn_hudayj", "Muawiyah b Hudaij"),
        ("places", "dumat_al_jandal", "Dumatul Jandal"),
        ("places", "medina", "Madina"),
    ],
)
def test_every_spelling_in_the_sources_maps_to_one_record(package, table, ident, spelling):
    """Test that the sources' spellings are aliases of the right person or place."""
    frame = getattr(package, table).set_index("id")
    assert fold(spelling) in fold(frame.at[ident, "aliases"])


def test_the_amir_of_syria_is_not_ibn_hudaij(package):
    """Test that Mu'awiya I and Mu'awiya ibn Hudayj are two people."""
    people = package.people.set_index("id")
    assert "muawiya" in people.index and "muawiya_ibn_hudayj" in people.index
    assert people.at["muawiya", "faction_id"] != people.at["muawiya_ibn_hudayj", "faction_id"]


@pytest.mark.parametrize(
    ("event_id", "field", "sources"),
    [
        ("muhammad_appointed_governor", "date", {"002"}),
        ("muhammad_appointed_governor", "sequence", {"000", "002"}),
        ("amr_army_to_egypt", "number", {"001", "002"}),
        ("egyptian_delegation_arrives", "number", {"002"}),
        ("ali_help_for_egypt", "outcome", {"001", "002"}),
        ("muhammad_captured", "agent", {"001", "002"}),
        ("muhammad_killed", "manner", {"001", "002"}),
        ("body_burned", "manner", {"001", "002"}),
        ("uthmanids_gather_at_kharbata", "place", {"000"}),
    ],
)
def test_the_sources_disagreements_are_recorded(package, event_id, field, sources):
    """Test that each disagreement the design lists is kept, per source, not flattened."""
    rows = package.attestations[(package.attestations["event_id"] == event_id)
                                & (package.attestations["differs_field"] == field)]
    assert set(rows["source_id"]) >= sources
    assert rows["differs_value"].str.len().gt(0).all()


def test_the_appointment_year_differs_between_infobox_and_text(package):
    """Test that 002's infobox (657) and text (658) both reach the timeline as source dates."""
    dates = package.source_dates[package.source_dates["event_id"] == "muhammad_appointed_governor"]
    assert {"0657", "0658"} <= set(dates["value"])


def test_three_accounts_of_alis_help(package):
    """Test that the narrative's three accounts of Ali's help are three attestations."""
    accounts = package.attestations[(package.attestations["event_id"] == "ali_help_for_egypt")
                                    & (package.attestations["source_id"] == "001")]
    assert len(accounts) >= 3


def test_external_dates_cite_a_reference(package):
    """Test that a date from outside the sources always says where it comes from."""
    external = package.events[package.events["date_basis"] == "external"]
    assert len(external) > 0
    assert external["date_reference"].str.len().gt(0).all()


def test_every_route_belongs_to_an_event(package):
    """Test that the five required movements are drawn and tied to their events."""
    assert {"rebels_march_to_medina", "ali_march_to_siffin", "aisha_escorted_to_medina",
            "ashtar_sent_to_egypt", "amr_army_to_egypt"} <= set(package.routes["event_id"])


def test_context_events_are_flagged(package):
    """Test that birth and upbringing are context, outside the 654-658 story."""
    events = package.events.set_index("id")
    assert events.at["muhammad_born", "context"]
    assert not events.at["muhammad_killed", "context"]
