"""Tests for atlas/order.py: order claims ("A after B") checked against quotes and date windows."""

import json

import pandas as pd
import pytest

from atlas.order import check_order, order_lines
from atlas.package import load_package
from tests.conftest import ORDER_COLUMNS, TINY_TEXT, tiny_tables, write_package

SIEGE_QUOTE = "They besieged the house of the caliph"


def order_row(ident, event_id, follows_id, quote=SIEGE_QUOTE, start=None):
    """An order row quoting TINY_TEXT; ``start`` overrides the quote's true offset."""
    at = TINY_TEXT.index(quote) if start is None else start
    return {"id": ident, "event_id": event_id, "follows_id": follows_id, "source_id": "t1",
            "quote": quote, "start_offset": str(at), "end_offset": str(at + len(quote)),
            "locator": "¶1", "note": ""}


def load_with_order(tmp_path, *rows):
    """Load the tiny package with ``rows`` as its order table."""
    tables = tiny_tables()
    tables["order"] = pd.DataFrame(list(rows), columns=ORDER_COLUMNS, dtype=str)
    return load_package(write_package(tmp_path, tables), tmp_path / "geo")


def order_errors(package):
    return [p for p in package.errors if p.file == "order.csv"]


def test_a_consistent_order_loads_without_problems(tmp_path):
    """Test that 'the siege came after the camp' agrees with their dates and is kept."""
    package = load_with_order(tmp_path, order_row("o1", "siege", "camp"))
    assert package.errors == []
    assert list(package.order["id"]) == ["o1"]
    assert package.counts["order"].shown == 1


def test_a_package_without_an_order_table_needs_none(tiny_package_copy):
    """Test that someone else's package that does not describe an order table loads cleanly."""
    data = tiny_package_copy
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "order"]
    (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (data / "order.csv").unlink()
    package = load_package(data, data.parent / "geo")
    assert package.problems == () and package.order.empty


def test_dates_that_contradict_the_order_are_a_located_problem(tmp_path):
    """Test that 'the camp (656) came after the fall of Fustat (658)' is reported on its row."""
    package = load_with_order(tmp_path, order_row("o1", "camp", "fall"))
    [problem] = order_errors(package)
    assert (problem.row, problem.column, problem.value) == (2, "event_id", "camp")
    assert "contradict" in problem.message and "0658-07-01" in problem.message


def test_a_window_that_begins_before_what_it_follows_is_reported(tmp_path):
    """Test that an event allowed to happen before the event it follows is a problem."""
    package = load_with_order(tmp_path, order_row("o1", "invasion", "fall"))
    [problem] = order_errors(package)
    assert problem.column == "event_id" and "begins 0657-01-01" in problem.message


def test_a_window_that_ends_after_what_follows_it_is_reported(tmp_path):
    """Test that the earlier event's window may not run past the later event's last day."""
    package = load_with_order(tmp_path, order_row("o1", "fall", "invasion"))
    [problem] = order_errors(package)
    assert (problem.column, problem.value) == ("follows_id", "invasion")
    assert "runs to 0659-12-31" in problem.message


def test_a_cycle_is_reported_not_crashed_on(tmp_path):
    """Test that A after B after A is reported once, with both events named."""
    package = load_with_order(tmp_path, order_row("o1", "siege", "camp"),
                              order_row("o2", "camp", "siege"))
    cycles = [p for p in order_errors(package) if "circle" in p.message]
    assert len(cycles) == 1
    assert "camp" in cycles[0].message and "siege" in cycles[0].message
    assert len(package.events) == 5


def test_a_longer_cycle_and_a_self_loop_on_plain_frames():
    """Test the check on frames alone: a three-event cycle and an event after itself."""
    order = pd.DataFrame({"_row": [2, 3, 4, 5], "event_id": ["a", "b", "c", "d"],
                          "follows_id": ["b", "c", "a", "d"]})
    events = pd.DataFrame({"id": list("abcd"), "title": list("abcd"), "has_date": False,
                           "earliest": 0, "latest": 0})
    problems = check_order(order, events)
    assert [p.row for p in problems if "circle" in p.message] == [4]
    assert [p.row for p in problems if "itself" in p.message] == [5]


def test_a_quote_off_its_offsets_is_left_out_with_the_right_offsets(tmp_path):
    """Test that a misplaced quote leaves the claim out and says where the quote is."""
    package = load_with_order(tmp_path, order_row("o1", "siege", "camp", start=3))
    [problem] = order_errors(package)
    at = TINY_TEXT.index(SIEGE_QUOTE)
    assert problem.column == "start_offset" and f"write {at} and" in problem.message
    assert package.order.empty and package.counts["order"].rejected == 1


def test_a_claim_about_an_unknown_event_is_rejected(tmp_path):
    """Test that the foreign keys of the order table are checked like any other."""
    package = load_with_order(tmp_path, order_row("o1", "siege", "nowhere"))
    assert any(p.column == "follows_id" and p.value == "nowhere" for p in order_errors(package))
    assert package.order.empty


@pytest.mark.parametrize(("event_id", "relation", "other"), [
    ("siege", "after", "Rebels camp"),
    ("camp", "before", "Siege"),
])
def test_the_card_lines_name_the_other_event_and_the_source(tmp_path, event_id, relation, other):
    """Test that both events of a claim show it, each from its own side."""
    package = load_with_order(tmp_path, order_row("o1", "siege", "camp"))
    lines = order_lines(package.order, package.events, package.sources, event_id)
    assert list(lines["relation"]) == [relation]
    assert list(lines["other_title"]) == [other] and list(lines["source_label"]) == ["Tiny"]
    assert lines["quote"].iloc[0] == SIEGE_QUOTE
