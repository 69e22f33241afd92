"""Tests of the real data package: it validates, its floors hold, and its disagreements are kept."""

import math

import pytest
from frictionless import validate

from atlas.package import load_package
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


# The disagreements the review (data/REVIEW.md) lists: each point and the sources giving a value.
REVIEWED_DISPUTES = {
    ("muhammad_joins_egyptian_rebels", "role"): {"000", "002"},
    ("egyptian_delegation_arrives", "date"): {"002"},
    ("execution_letter_written", "agent"): {"002"},
    ("muhammad_enters_uthman_chamber", "sequence"): {"000", "002"},
    ("uthman_reproaches_muhammad", "manner"): {"000", "002"},
    ("uthman_killed", "role"): {"000", "002"},
    ("muhammad_appointed_governor", "date"): {"002"},
    ("strife_in_egypt", "cause"): {"000", "001", "002"},
    ("ashtar_sent_to_egypt", "outcome"): {"002"},
    ("ali_help_for_egypt", "outcome"): {"001", "002"},
    ("amr_army_to_egypt", "cause"): {"001", "002"},
    ("muhammad_killed", "agent"): {"002"},
    ("muhammad_killed", "manner"): {"001", "002"},
}


def test_the_held_disputes_are_exactly_the_reviewed_ones(package):
    """Test that the data marks as disputed exactly the points the review lists, per source."""
    held = package.attestations[package.attestations["differs_field"] != ""]
    found = held.groupby(["event_id", "differs_field"])["source_id"].agg(set).to_dict()
    assert found == REVIEWED_DISPUTES


def test_no_dispute_without_a_counterpart(package):
    """Test that every disputed value has a different value from another voice or passage.

    A voice is a source, or an authority it cites; a source may also disagree with itself, in
    another sentence (its infobox against its text).
    """
    held = package.attestations[package.attestations["differs_field"] != ""]
    for (event_id, field), rows in held.groupby(["event_id", "differs_field"]):
        points = list(rows.itertuples())
        for one in points:
            assert any(other.differs_value != one.differs_value and (
                (other.source_id, other.authority) != (one.source_id, one.authority)
                or other.start_offset >= one.end_offset or one.start_offset >= other.end_offset)
                for other in points), (event_id, field, one.id)


@pytest.mark.parametrize(("event_id", "field"), [
    ("amr_army_to_egypt", "number"),  # 4000 is Muhammad's force, 6000 Amr's army
    ("body_burned", "manner"),  # wrapped or sewn into the skin: the same account
    ("uthmanids_gather_at_kharbata", "place"),  # only 000 places Kharbata
    ("muhammad_appointed_governor", "age"),  # only 000 gives an age
    ("muhammad_captured", "agent"),  # 001 names no captor
])
def test_points_that_are_not_disputes_are_not_marked(package, event_id, field):
    """Test that a lone value, or two values about different things, is not held as a dispute."""
    rows = package.attestations[(package.attestations["event_id"] == event_id)
                                & (package.attestations["differs_field"] == field)]
    assert rows.empty


def test_the_order_claims_load_with_their_quotes(package):
    """Test that the narrative's 'after Nahrawan' is an order claim the dates respect."""
    order = package.order
    assert len(order) >= 30
    nahrawan = order[(order["follows_id"] == "battle_of_nahrawan") & (order["source_id"] == "001")]
    assert list(nahrawan["event_id"]) == ["ali_abandons_syria_expedition"]
    events = package.events.set_index("id")
    for later in ("ali_abandons_syria_expedition", "muawiya_increases_pressure",
                  "desertions_from_muhammad", "muhammad_requests_help"):
        assert events.at[later, "earliest"] >= events.at["battle_of_nahrawan", "earliest"]


def test_the_arbitration_is_dated_to_shaban_37(package):
    """Test that the arbitrators' decision is windowed on Sha'ban 37 (January 658), not later."""
    events = package.events.set_index("id")
    for event_id in ("abu_musa_deposes_ali", "amr_declares_for_muawiya"):
        assert events.at[event_id, "start"] == "[0658-01-12..0658-02-09]"
        assert events.at[event_id, "date_basis"] == "external"
        assert "alim.org" in events.at[event_id, "date_reference"]


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


def test_every_route_ends_at_its_events_place(package):
    """Test that each route's last point is within 2 km of the place of its event."""
    places = package.places.set_index("id")
    events = package.events.set_index("id")
    for route in package.routes.itertuples():
        place = places.loc[events.at[route.event_id, "place_id"]]
        lon, lat = route.geometry.coords[-1]
        km = 111.2 * math.hypot(lat - place["lat"], (lon - place["lon"]) * math.cos(
            math.radians(lat)))
        assert km < 2, (route.event_id, round(km))


def test_context_events_are_flagged(package):
    """Test that birth and upbringing are context, outside the 654-658 story."""
    events = package.events.set_index("id")
    assert events.at["muhammad_born", "context"]
    assert not events.at["muhammad_killed", "context"]
