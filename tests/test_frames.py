"""Tests for atlas/frames.py: the one isin (Arrow) and lookup the loader and the filters share."""

import pandas as pd
import pytest

from atlas.frames import isin, lookup

VALUES = pd.Series(["a", "b", None, "c", ""], dtype=str, index=[10, 11, 12, 13, 14])


@pytest.mark.parametrize("known", [
    {"a", "c"}, frozenset({"a", "c"}), ["a", "c"], ("a", "c", "zz"),
    pd.Series(["c", "a"], dtype=str), pd.Index(["a", "c"]), pd.Series(["a", "c"], dtype=object),
])
def test_isin_agrees_with_pandas(known):
    """Test that isin gives pandas' answer, on the values' index, whatever holds the candidates."""
    got = isin(VALUES, known)
    assert got.tolist() == [True, False, False, True, False]
    assert got.index.equals(VALUES.index)
    assert got.dtype == bool


@pytest.mark.parametrize(("values", "known", "expected"), [
    (pd.Series([], dtype=str), {"a"}, []),
    (pd.Series(["a", "b"], dtype=str), set(), [False, False]),
    (pd.Series(["a", "b"], dtype=object), {"b"}, [False, True]),
    (pd.Series(["", "x"], dtype=str), {""}, [True, False]),
])
def test_isin_edges(values, known, expected):
    """Test that empty inputs, object columns and the empty string are handled as pandas does."""
    assert isin(values, known).tolist() == expected == values.isin(known).tolist()


def test_lookup_gives_the_default_where_a_key_is_missing():
    """Test that lookup maps keys to text and falls back to the default (or a Series of them)."""
    keys = pd.Series(["p1", "p9", ""], dtype=str)
    names = pd.Series(["Medina"], index=["p1"])
    assert lookup(keys, names, "").tolist() == ["Medina", "", ""]
    assert lookup(keys, names, keys).tolist() == ["Medina", "p9", ""]
