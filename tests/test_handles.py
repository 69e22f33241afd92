"""Tests for atlas/handles.py: small handles to rows of a shared frame."""

import pandas as pd

from atlas.handles import Rows, rows_of


def _table() -> pd.DataFrame:
    return pd.DataFrame({"id": list("abcde"), "n": range(5)}, index=range(10, 15))


def test_a_handle_returns_the_subsets_rows_in_its_order():
    """Test that a handle rebuilds exactly the subset's rows, in the subset's order."""
    table = _table()
    subset = table.iloc[[3, 0, 4]]
    handle = rows_of(table, subset)
    assert isinstance(handle, Rows)
    assert len(handle) == 3
    pd.testing.assert_frame_equal(handle(), subset)


def test_a_handle_holds_positions_not_a_copy():
    """Test that a handle keeps the shared frame itself and a compact array of positions."""
    table = _table()
    handle = rows_of(table, table[table["n"] > 1])
    assert handle.table is table
    assert handle.positions.dtype.itemsize == 4
    assert list(handle.positions) == [2, 3, 4]


def test_an_empty_subset_gives_an_empty_frame():
    """Test that a handle to no rows returns an empty frame with the table's columns."""
    table = _table()
    result = rows_of(table, table.iloc[:0])()
    assert result.empty and list(result.columns) == ["id", "n"]


def test_rows_from_elsewhere_are_returned_as_they_are():
    """Test that a subset that is not rows of the table (other rows, other columns) is kept."""
    table = _table()
    foreign = pd.DataFrame({"id": ["z"], "n": [9]}, index=[99])
    assert rows_of(table, foreign)() is foreign
    narrowed = table[["id"]]
    assert rows_of(table, narrowed)() is narrowed
    duplicated = pd.concat([table, table])
    assert rows_of(duplicated, table)() is table
