"""Tests for atlas/registry.py: who's who, relations both ways, the gazetteer and its links."""

import pandas as pd
import pytest

from atlas.package import load_package
from atlas.registry import (
    people_table,
    person_events,
    person_relations,
    place_events,
    place_links,
    places_table,
    spellings,
)


@pytest.fixture
def package(tiny_package):
    """The tiny package, loaded once per session."""
    return tiny_package


@pytest.mark.parametrize(("cell", "expected"), [
    ("Othman|Usman", ["Othman", "Usman"]), (" a | |a|b ", ["a", "b"]), ("", [])])
def test_spellings_split_aliases_without_blanks_or_repeats(cell, expected):
    """Test that an aliases cell becomes its distinct spellings."""
    assert spellings(cell) == expected


def test_people_table_counts_each_persons_events(package):
    """Test that every person is listed with the number of events they take part in."""
    table = people_table(package).set_index("id")
    assert table.at["uthman", "Events"] == 1 and table.at["gov", "Events"] == 1
    assert len(table) == len(package.people)


def test_relations_read_both_ways(package):
    """Test that a relation shows on both people's pages, worded from each side."""
    of_uthman = person_relations(package, "uthman")
    assert list(of_uthman["other_id"]) == ["gov"]
    assert of_uthman["Relation"].iloc[0] == "opponent"
    of_gov = person_relations(package, "gov")
    assert list(of_gov["other_id"]) == ["uthman"]
    assert of_gov["Relation"].iloc[0].endswith("opponent") and "is their" in of_gov["Relation"].iloc[0]
    assert of_gov["Quote"].iloc[0] == "the governor"


def test_a_persons_and_a_places_events_come_in_date_order(package):
    """Test that a person's events carry their role, and a place's events are sorted by date."""
    events = person_events(package, "gov")
    assert list(events["id"]) == ["invasion"] and list(events["role"]) == ["commander"]
    at_kharbata = place_events(package, "kharbata")
    assert list(at_kharbata["id"]) == sorted(at_kharbata["id"], key=list(
        package.events.sort_values("earliest")["id"]).index)


def test_places_table_and_external_links(package):
    """Test the gazetteer rows and that only filled ids become links."""
    table = places_table(package).set_index("id")
    assert table.at["kharbata", "Events"] == 2
    place = pd.Series({"thurayya_id": "MAKKA_398E213N_S", "pleiades_id": "", "wikidata_id": "Q5806"})
    assert place_links(place) == [
        ("al-Thurayya MAKKA_398E213N_S", "https://github.com/althurayya/althurayya.github.io/blob/"
                                         "master/places/MAKKA_398E213N_S.geojson"),
        ("Wikidata Q5806", "https://www.wikidata.org/wiki/Q5806")]
    assert place_links(pd.Series({"wikidata_id": None})) == []


def test_the_real_family_is_quoted():
    """Test that Muhammad's mother, stepfather, half-sister and son are stated with quotes."""
    package = load_package()
    relations = person_relations(package, "muhammad_ibn_abi_bakr").set_index("other_id")
    assert relations.at["asma_bint_umays", "Relation"] == "mother"
    assert relations.at["ali", "Relation"] == "stepfather who raised him"
    assert relations.at["aisha", "Relation"] == "half-sister"
    assert relations.at["al_qasim_ibn_muhammad", "Relation"] == "son"
    texts = package.texts
    for source, quote in zip(package.relations["source_id"], package.relations["quote"], strict=True):
        assert quote in texts[source]
