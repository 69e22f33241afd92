"""Tests for atlas/detail.py: the card's facts, each source's account, and the disagreement table."""

import pytest

from atlas.detail import (
    disagreement_table,
    event_detail,
    events_table,
    order_in_words,
    sources_table,
)
from atlas.package import load_package
from tests.conftest import quote_row, tiny_tables, write_package


@pytest.fixture
def package(tmp_path):
    """The tiny package with a second source giving another date for the invasion."""
    tables = tiny_tables()
    tables["attestations"].loc[len(tables["attestations"])] = quote_row(
        "q6", "invasion", "sent an army", source_id="t2", differs_field="date",
        differs_value="0657", authority="one account")
    data = write_package(tmp_path, tables)
    return load_package(data, tmp_path / "geo")


def test_unknown_event_has_no_card(package):
    """Test that an id not in the package gives None."""
    assert event_detail(package, "nothing") is None


def test_card_holds_people_date_basis_and_accounts(package):
    """Test that the card lists participants, how the date is known and one row per quote."""
    detail = event_detail(package, "invasion")
    assert detail.event["title"] == "Invasion"
    assert detail.date_basis == "stated in a source"
    assert detail.people.to_dict("records") == [{"name": "The governor", "role": "commander"}]
    assert list(detail.accounts["id"]) == ["q3", "q6"]
    assert list(detail.accounts["source_label"]) == ["Tiny", "Other"]


def test_inferred_date_basis_says_from_what(package):
    """Test that the basis names its reference when there is one."""
    assert event_detail(package, "siege").date_basis == (
        "inferred from the narrative's order (after camp)")


def test_differing_dates_are_shown_in_words(package):
    """Test that an EDTF value reads as words on the card."""
    accounts = event_detail(package, "invasion").accounts
    assert list(accounts["differs_value"]) == ["658", "657"]


def test_disagreements_sit_side_by_side_per_source(package):
    """Test that the table has a row per point and a column per source with its value."""
    table = event_detail(package, "invasion").disagreements
    assert list(table.index) == ["date"]
    assert table.loc["date", "Tiny"] == "658 (Madelung)"
    assert table.loc["date", "Other"] == "657 (one account)"


def test_no_disagreement_gives_an_empty_table(package):
    """Test that an event told one way has nothing to pivot."""
    assert disagreement_table(event_detail(package, "camp").accounts).empty


def test_events_table_is_in_date_order_with_readable_columns(package):
    """Test that the plain table sorts by date and names its columns for people."""
    table = events_table(package.events)
    assert table.columns[:3].tolist() == ["Event", "Date (CE)", "Date (AH)"]
    assert table["Id"].iloc[0] == "camp"


def test_sources_table_names_licence_and_kind(package):
    """Test that the sources table shows what a reader needs."""
    assert {"Licence", "Kind", "Title"} <= set(sources_table(package.sources).columns)


def test_event_place_and_place_name_look_up_or_fall_back(package):
    """Test the page's look-ups: an event's place id and a place's name, with safe fallbacks."""
    from atlas.detail import event_place, place_name

    assert event_place(package, "fall") == "fustat"
    assert event_place(package, "nothing") == ""
    assert place_name(package, "fustat") == "Fustat"
    assert place_name(package, "atlantis") == "atlantis"


def test_the_events_table_can_stop_at_a_limit(package):
    """Test that a limited table keeps the first events by date, in order."""
    full = events_table(package.events)
    assert list(events_table(package.events, limit=2)["Id"]) == list(full["Id"][:2])
    assert len(events_table(package.events, limit=100)) == len(full)


def test_the_card_shows_the_sources_order_claims():
    """Test that the card of an event after Nahrawan says so, in 001's words."""
    package = load_package()
    detail = event_detail(package, "ali_abandons_syria_expedition")
    lines = [order_in_words(line) for line in detail.order.itertuples(index=False)]
    assert "001: after Battle of Nahrawan" in lines
    nahrawan = event_detail(package, "battle_of_nahrawan")
    assert [order_in_words(line) for line in nahrawan.order.itertuples(index=False)] == [
        "001: before Ali gives up the Syrian campaign"]
