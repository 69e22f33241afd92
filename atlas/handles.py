"""Small handles to shared frames, for what a session keeps between its runs. No Streamlit here.

Streamlit keeps some callables for as long as a session lives: a download button's deferred
``data`` callable and a select box's ``format_func``. A closure over a filtered frame keeps that
copy alive in every session; at 100,000 events one such copy of the events is about 90 MiB. A
handle keeps the shared frame (the package every session reads) and the positions of the rows
instead, a few bytes per row, and rebuilds the rows when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True, eq=False)
class Rows:
    """Rows of a shared ``table`` at ``positions``, rebuilt on each call (in that order)."""

    table: pd.DataFrame
    positions: np.ndarray

    def __call__(self) -> pd.DataFrame:
        return self.table.take(self.positions)

    def __len__(self) -> int:
        return len(self.positions)


def rows_of(table: pd.DataFrame, subset: pd.DataFrame) -> Callable[[], pd.DataFrame]:
    """A callable returning ``subset``, which holds no copy of it if it is rows of ``table``.

    Parameters
    ----------
    table : pandas.DataFrame
        The shared frame, with a unique index; it must not change while the handle lives.
    subset : pandas.DataFrame
        Rows taken from ``table``, in any order, without added or changed columns.

    Returns
    -------
    callable
        A :class:`Rows` handle when every row of ``subset`` is a row of ``table`` (by index
        label, with the same columns); otherwise one that returns ``subset`` itself.
    """
    if not table.index.is_unique or not subset.columns.equals(table.columns):
        return lambda: subset
    positions = table.index.get_indexer(subset.index)
    if (positions < 0).any():
        return lambda: subset
    dtype = np.int32 if len(table) < 2**31 else np.int64
    return Rows(table, positions.astype(dtype))
