"""Reading CSV files: decoding, the cell separator, splitting into trimmed cells, and the rows
that cannot be split.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from atlas.package.types import (
    ERROR,
    ROW,
    Report,
)

_SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
_BAD_BYTE = "\ufffd"


@dataclass
class _Csv:
    """A CSV file split into cells: the header, and the kept data rows with their numbers."""

    header: list[str]
    frame: pd.DataFrame  # columns 0..n-1 as in the header, plus ROW
    read: int
    rejected: int
    left_out: pd.DataFrame | None = None  # the rows left out, cut to the header's width
    why: list[str] = field(default_factory=list)  # why each was left out, in a few words
    separator: str = ","


def _decode(data: bytes) -> tuple[str, bool]:
    """Return the text and whether every byte was valid."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), True
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), False
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace"), False


def _sniff(text: str) -> str:
    """The cell separator: whichever of , ; and tab the header line uses most (commas on a tie)."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=counts.__getitem__)
    return best if counts[best] else ","


def read_csv(path: Path, file: str, report: Report) -> _Csv | None:
    """Split a CSV file into trimmed cells, reporting what cannot be read; None if nothing can."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(file, None, None, None, f"the file cannot be opened ({exc.strerror or exc})"
                   " — check that it is a readable file", code="file-unreadable")
        return None
    text, clean = _decode(data)
    leading = re.match(r"(?:[ \t]*(?:\r\n|\n|\r))*", text)
    skipped = len(re.findall(r"\r\n|\n|\r", leading.group()))
    text = text[leading.end():]
    if not text.strip():
        report.add(file, None, None, None, "the file is empty — put the column names in the first "
                   "row and one record per row below", code="file-unreadable")
        return None
    sep = _sniff(text)
    try:
        frame = _split(text, sep)
        ragged = pd.Series(False, index=frame.index)
    except _Ragged:
        frame, ragged, unbalanced = _split_ragged(text, sep)
        if unbalanced is not None:
            report.add(file, unbalanced + skipped, None, None, "the double quotes in this row "
                       "do not pair up, so its cells may be split wrongly — write a quote inside "
                       "a cell as two double quotes (\"\") and close every quoted cell", code="ragged")
    except _Unreadable as exc:
        report.add(file, exc.row + skipped if exc.row else None, None, None, str(exc), code="file-unreadable")
        return None

    frame = frame.fillna("")
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()
    cells = frame.columns
    header = frame.iloc[0]
    frame = frame.assign(**{ROW: np.arange(1, len(frame) + 1) + skipped}).iloc[1:]
    ragged = ragged.iloc[1:]
    blank = ~(frame[cells] != "").any(axis=1) & ~ragged
    frame, ragged = frame[~blank], ragged[~blank]
    read = len(frame)

    bad = ragged.copy()
    # Why each row was left out, for the references to it (see Report.reject).
    why = pd.Series("more cells than column names", index=frame.index[bad], dtype=object)
    if ragged.any():
        long_rows = frame[ragged]
        width = len(cells) - 1
        for row, value in zip(long_rows[ROW], long_rows["_raw"], strict=True):
            report.add(file, row, None, value, f"this row has more cells than the first row has "
                       f"column names ({width}); the row was left out — put any text that "
                       f"contains {_SEPARATOR_NAMES[sep]} between double quotes", code="ragged")
    if "_raw" in frame:
        frame = frame.drop(columns="_raw")
        cells = cells.drop("_raw")
        header = header.drop("_raw")
    if not clean:
        garbled = pd.concat([frame[c].str.contains(_BAD_BYTE, regex=False) for c in cells],
                            axis=1).any(axis=1) & ~bad
        for row, rec in zip(frame.loc[garbled, ROW], frame.loc[garbled, cells].itertuples(
                index=False), strict=True):
            at = next(i for i, v in enumerate(rec) if _BAD_BYTE in v)
            report.add(file, row, header.iloc[at] or None, rec[at], "this row has characters "
                       "that are not UTF-8 text "
                       "(shown as \ufffd); the row was left out — save the file as UTF-8 ('CSV "
                       "UTF-8' in a spreadsheet's Save As)", code="encoding")
        why = pd.concat([why, pd.Series("characters that are not UTF-8",
                                        index=frame.index[garbled], dtype=object)])
        bad |= garbled
        if any(_BAD_BYTE in h for h in header):
            report.add(file, 1, None, "", "the column names have characters that are not UTF-8 "
                       "text — save the file as UTF-8", ERROR, code="encoding")
    # A second byte-order mark, as some tools write, is not part of the first column's name.
    names = [str(h).replace("\ufeff", "").strip() for h in header]
    return _Csv(header=names, frame=frame[~bad].reset_index(drop=True), read=read,
                rejected=int(bad.sum()), separator=sep, left_out=frame[bad],
                why=why.reindex(frame.index[bad]).tolist())


class _Ragged(Exception):
    """A row has more cells than the header."""


class _Unreadable(Exception):
    """The file cannot be split into cells at all."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def _split(text: str, sep: str) -> pd.DataFrame:
    """Split with pandas' C parser: every row, blank lines included, header as row 0."""
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                           keep_default_na=False, na_filter=False, skip_blank_lines=False,
                           quotechar='"', engine="c")
    except pd.errors.EmptyDataError as exc:
        raise _Unreadable("the file has no rows — put the column names in the first row") from exc
    except pd.errors.ParserError as exc:
        quote = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if quote:
            raise _Unreadable("a double quote that opens a cell here is never closed, so the "
                              "rest of the file cannot be read — close it, and write a quote "
                              "inside a cell as two double quotes (\"\")",
                              int(quote[1]) + 1) from exc
        raise _Ragged from exc


def _split_ragged(text: str, sep: str) -> tuple[pd.DataFrame, pd.Series, int | None]:
    """Split a file whose rows differ in length; mark rows longer than the header.

    Also returns the row where the double quotes stop pairing up, if they do (the rows are then
    split as leniently as pandas' own parser splits them).
    """
    records: list[list[str]] = []
    unbalanced = None
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error:
        unbalanced = len(records) + 1
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    width = len(records[0])
    too_long = pd.Series([len(r) > width for r in records])
    frame = pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in records], dtype=str)
    frame["_raw"] = [sep.join(r) if len(r) > width else "" for r in records]
    return frame, too_long, unbalanced
