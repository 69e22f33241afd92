"""A table's columns as read: header names matched to the fields (aliases for bare spreadsheets),
and the defaults given to missing columns and empty cells.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from atlas import schema
from atlas.package.csvread import read_csv
from atlas.package.descriptor import Resource
from atlas.package.types import (
    NOTICE,
    ROW,
    UNKNOWN,
    UNKNOWN_COLOUR,
    Report,
)

# Okabe-Ito, colour-blind safe, for factions a package does not describe.
_PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")


# Other names people give the atlas's columns (after lower-casing; spaces read as _).
_ALIASES = {
    schema.EVENTS: {"date": "start", "start_date": "start", "from": "start", "begin": "start",
                    "end_date": "end", "to": "end", "name": "title", "faction": "faction_id",
                    "description": "summary"},
    schema.PLACES: {"place": "name", "place_name": "name", "latitude": "lat", "longitude": "lon",
                    "lng": "lon", "long": "lon"},
    schema.PEOPLE: {"faction": "faction_id", "person": "name"},
    schema.ATTESTATIONS: {"event": "event_id", "source": "source_id"},
    schema.PARTICIPANTS: {"event": "event_id", "person": "person_id"},
}
# The events' own place columns, from which places are made when there is no places.csv.
_EVENT_PLACE_COLUMNS = {"place": "place_name", "place_name": "place_name",
                        "location": "place_name", "lat": "lat",
                        "latitude": "lat", "lon": "lon", "lng": "lon", "long": "lon",
                        "longitude": "lon"}


class _Made:
    """A default made from a row's other columns, with words saying how."""

    def __init__(self, func: Callable[[pd.DataFrame], pd.Series], words: str) -> None:
        self.func, self.words = func, words

    def __call__(self, frame: pd.DataFrame) -> pd.Series:
        return self.func(frame)


def _copy(column: str) -> _Made:
    return _Made(lambda frame: frame[column] if column in frame
                 else pd.Series("", index=frame.index, dtype=str), f"copied from column '{column}'")


def palette(frame: pd.DataFrame) -> pd.Series:
    """A colour for each faction row, in palette order; grey for 'unknown'."""
    colours = np.resize(np.array(_PALETTE, dtype=object), len(frame))
    colours = pd.Series(colours, index=frame.index, dtype=str)
    return colours.where(frame["id"] != UNKNOWN, UNKNOWN_COLOUR)


_TEXT_PATHS = _Made(lambda frame: "sources/" + frame["id"] + ".txt", "given sources/<id>.txt")
_POSITIONS = _Made(lambda frame: pd.Series(np.arange(1, len(frame) + 1).astype(str),
                                           index=frame.index, dtype=str),
                   "numbered in the order of the rows")
_COLOURS = _Made(palette, "given a colour from a colour-blind-safe palette")


# What a column the package does not have is filled with (a value, or made from other columns).
DEFAULTS: dict[str, dict[str, str | Callable]] = {
    schema.SOURCES: {"work_id": _copy("id"), "title": _copy("id"), "kind": "other",
                     "licence": UNKNOWN, "text_path": _TEXT_PATHS, "short": _copy("title")},
    schema.FACTIONS: {"name": _copy("id"), "description": "", "colour": _COLOURS},
    schema.EPISODES: {"name": _copy("id"), "order": _POSITIONS, "description": ""},
    schema.PLACES: {"location_certainty": "uncertain", "kind": "other",
                    "coord_source": "not given", "landmark": "false"},
    schema.PEOPLE: {"role": ""},
    schema.EVENTS: {"summary": "", "date_basis": UNKNOWN, "kind": "other", "faction_id": UNKNOWN,
                    "episode": UNKNOWN, "context": "false"},
    schema.ATTESTATIONS: {"locator": "", "start_offset": "", "end_offset": ""},
    schema.PARTICIPANTS: {"role": ""},
}


def _key(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().lower())


@dataclass
class Raw:
    """A table's cells before validation, with where they came from."""

    file: str
    frame: pd.DataFrame  # str columns, one per field, plus ROW
    labels: dict[str, str]  # field -> the column's name as written
    read: int = 0
    rejected: int = 0
    added: int = 0
    present: bool = True  # False when there was no file: an empty table
    defaulted: set[str] = field(default_factory=set)  # columns the loader made whole
    filled: set[str] = field(default_factory=set)  # columns whose empty cells it filled
    extra: pd.DataFrame | None = None  # the events' own place columns
    separator: str = ","  # between cells; with ';', a comma in a number is a decimal comma


def empty_raw(resource: Resource, present: bool = False) -> Raw:
    """A table with no rows but every field, for a table without a (readable) file."""
    names = [f["name"] for f in resource.fields]
    frame = pd.DataFrame({**{n: pd.Series(dtype="str") for n in names},
                          ROW: pd.Series(dtype="int64")})
    return Raw(file=resource.file, frame=frame, labels={}, present=present)


def read_raw(resource: Resource, lenient: bool, report: Report) -> Raw:
    """Read one table's file into string columns named as the fields."""
    if resource.path is None:
        return empty_raw(resource)
    file = resource.file
    table = read_csv(resource.path, file, report)
    if table is None:
        return empty_raw(resource, present=True)
    names = [f["name"] for f in resource.fields]
    aliases = _ALIASES.get(resource.name, {}) if lenient or not resource.described else {}
    place_columns = _EVENT_PLACE_COLUMNS if resource.name == schema.EVENTS else {}

    chosen: dict[str, int] = {}
    labels: dict[str, str] = {}
    extra: dict[str, int] = {}
    for position, header in enumerate(table.header):
        key = _key(header)
        target = header if header in names else (
            key if key in names else aliases.get(key))
        if not header:
            if (table.frame[position] != "").any():
                report.add(file, 1, f"column {position + 1}", None, "this column has no name in "
                           "the first row, so it was ignored — give it one", NOTICE, code="column-ignored")
            continue
        if target is None and key in place_columns:
            extra.setdefault(place_columns[key], position)
            labels.setdefault(place_columns[key], header)
            continue
        if target is None:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            report.add(file, 1, header, None, "this column is not in the package description; it "
                       f"was ignored{hint}", NOTICE, code="column-ignored")
            continue
        if target in chosen:
            report.add(file, 1, header, None, f"this column repeats column '{labels[target]}', "
                       "so it was ignored", NOTICE, code="column-ignored")
            continue
        if target != key:
            report.add(file, 1, header, None, f"read as column '{target}'", NOTICE, code="column-alias")
        chosen[target] = position
        labels[target] = header

    frame = pd.DataFrame({name: table.frame[position] for name, position in chosen.items()},
                         index=table.frame.index)
    frame[ROW] = table.frame[ROW]
    key = resource.primary_key[0] if len(resource.primary_key) == 1 else None
    if table.why and key in chosen:
        left_out = table.left_out
        report.reject(resource.name, key, left_out[chosen[key]], left_out[ROW], table.why)
    raw = Raw(file=file, frame=frame, labels=labels, read=table.read, rejected=table.rejected,
               separator=table.separator)
    if extra:
        raw.extra = pd.DataFrame({name: table.frame[pos] for name, pos in extra.items()},
                                 index=table.frame.index)
    fill_missing(raw, resource, lenient, report)
    return raw


def fill_missing(raw: Raw, resource: Resource, lenient: bool, report: Report) -> None:
    """Give each missing column its default, or report it; a missing required column empties
    the table (its rows are all rejected)."""
    frame, file = raw.frame, raw.file
    defaults = DEFAULTS.get(resource.name, {})
    unreadable = False
    filled = []  # (column, what it got), said in one notice when the table is read leniently
    for fld in resource.fields:
        name = fld["name"]
        required = fld.get("constraints", {}).get("required") or name in resource.primary_key
        may_default = (lenient or resource.lenient(name)) and name in defaults
        if name in frame:
            if may_default and required:
                _fill_empty_cells(raw, name, defaults[name], report)
            continue
        if may_default:
            default = defaults[name]
            frame[name] = default(frame) if callable(default) else default
            raw.defaulted.add(name)
            said = default.words if callable(default) else (
                f"given '{default}'" if default else "left empty")
            if lenient:
                filled.append((name, said))
            else:
                report.add(file, 1, name, None, f"this column is missing, so every row was "
                           f"{said} — add the column to say otherwise", NOTICE, code="default")
        elif required:
            report.add(file, 1, name, None, "this required column is missing from the header — "
                       "add a column with this name to the first row", code="column-missing")
            unreadable = True
            frame[name] = ""
        else:
            frame[name] = ""
            if lenient:
                filled.append((name, "left empty"))
            elif name not in _QUIET_COLUMNS:
                report.add(file, 1, name, None, "this optional column is missing, so it was "
                           "treated as empty", NOTICE, code="column-missing")
    filled = [(name, said) for name, said in filled if name not in _QUIET_COLUMNS]
    if filled and not unreadable:
        report.add(file, 1, None, None, "these columns are missing, so every row was given a "
                   "default: " + "; ".join(f"{name} {said}" for name, said in filled)
                   + " — add the columns to say otherwise", NOTICE, code="default")
    if unreadable:
        report.add(file, None, None, None, "a required column is missing, so no row could be "
                   "read — add the column named above", code="column-missing")
        raw.rejected += len(frame)
        raw.frame = frame.iloc[0:0]
    else:
        raw.frame = frame


# Optional columns whose absence needs no notice: the loader makes them, or nothing shows them.
_QUIET_COLUMNS = {"place_id"}


def _fill_empty_cells(raw: Raw, name: str, default, report: Report) -> None:
    """In a leniently read column, give empty cells the column's default, with one notice."""
    empty = raw.frame[name] == ""
    if not empty.any():
        return
    values = default(raw.frame) if callable(default) else pd.Series(default, index=raw.frame.index)
    raw.frame.loc[empty, name] = values[empty]
    raw.filled.add(name)
    if (values[empty] != "").any():
        rows = raw.frame.loc[empty, ROW]
        said = f"'{default}'" if not callable(default) else "a value made from other columns"
        report.add(raw.file, int(rows.iloc[0]), raw.labels.get(name, name), "",
                   f"{int(empty.sum())} empty cell(s) in this column, from this row on, were "
                   f"given {said}", NOTICE, code="default")
