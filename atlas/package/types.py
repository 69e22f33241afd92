"""The loader's results: :class:`Package`, its :class:`TableCount` per table, and each
:class:`Problem` it found, with the names of the tables it reads.

Modules that only pass a package around import from here, not from the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from atlas import schema

ERROR = "error"
NOTICE = "notice"
ROW = "_row"  # each table's row number in its file, as a spreadsheet shows it

# Tables read besides schema.TABLES when a package describes them (none of the others needs them).
RELATIONS = "relations"
ORDER = "order"  # order claims ("A after B"), checked in atlas/order.py
ALL_TABLES = (*schema.TABLES, *(t for t in (RELATIONS, ORDER) if t not in schema.TABLES))
# Story mode's tables come last (their steps point at events and places). They are optional even
# when described: without them the Story page tells one story per episode.
ALL_TABLES = (*ALL_TABLES, schema.STORIES, schema.STORY_STEPS)
OPTIONAL_TABLES = (schema.STORIES, schema.STORY_STEPS)
LAYERS = {"routes": schema.ROUTES_FILE, "regions": schema.REGIONS_FILE}

UNKNOWN = "unknown"
UNKNOWN_COLOUR = "#999999"
# One row of each table, as problems name it ("this event's place").
NOUNS = {schema.SOURCES: "source", schema.FACTIONS: "faction", schema.EPISODES: "episode",
         schema.PLACES: "place", schema.PEOPLE: "person", schema.EVENTS: "event",
         schema.ATTESTATIONS: "attestation", schema.PARTICIPANTS: "participant",
         RELATIONS: "relation", ORDER: "order claim", schema.STORIES: "story",
         schema.STORY_STEPS: "story step"}

# Every problem carries one of these codes beside its words: tests and tools match the code, a
# person reads the message. A code names the kind of problem, so it stays when the words change.
CODES = {
    # the package as a whole
    "descriptor": "datapackage.json cannot be read, or describes no events table",
    "undescribed": "notice: a table the package does not describe, read with the atlas's own "
                   "description (or left empty); a folder read without datapackage.json",
    "overruled": "notice: a declared type or pattern the atlas replaced with its own",
    "ignored-file": "notice: a file that is not a table the atlas knows",
    "path": "a path that would leave the package (absolute, '..', a URL, a link out)",
    "file-missing": "a file or folder the package needs is not there",
    "file-unreadable": "a file that cannot be opened, is empty or cannot be split into cells",
    "fault": "a fault in the atlas itself, not in the data (the last guard)",
    # reading the cells
    "encoding": "bytes that are not UTF-8 text; the row is left out",
    "ragged": "a row with more cells than the header, or double quotes that do not pair up",
    "column-missing": "a column missing from the header (an error when it is required)",
    "column-ignored": "notice: a column not in the description, repeated, unnamed or unused",
    "column-alias": "notice: a column read under the atlas's own name",
    "default": "notice: missing columns, empty cells or whole tables the loader filled in",
    # checking the values
    "required": "a required value is empty; the row is left out",
    "type": "a value that is not a number, a whole number, or true/false",
    "decimal-comma": "notice: numbers written with a decimal comma, read with a point",
    "range": "a number below its column's minimum or above its maximum",
    "enum": "a value that is not one of the column's allowed values",
    "pattern": "a value not of the column's expected form (an id, a colour, a Wikidata item)",
    "unique": "an id an earlier row already uses; the later row is left out",
    "fk-missing": "a reference to an id that no row of the other table (or layer) has",
    "fk-rejected": "a reference to a row that was itself rejected (the message names why)",
    "colour": "a faction colour the atlas does not draw; a palette colour is used",
    "gazetteer-id": "a gazetteer id not of its gazetteer's form; no link is made",
    # sources, dates, order, geometry
    "source-text": "a source's text file that is missing or not UTF-8",
    "quote-unchecked": "a quote whose source has no readable text; it is left out",
    "quote-mismatch": "a quote not in its source's text, or not at its offsets",
    "quote-whitespace": "notice: a quote that matches its text apart from whitespace",
    "unattested": "an event without a valid attestation (it is still shown)",
    "date": "a date that is not EDTF, or bounds out of order",
    "date-padded": "notice: a short year, month or day read with its zeros",
    "order": "an order claim whose quote or dates do not hold",
    "layer": "a geometry layer that cannot be read, or a property that is not text",
    "layer-missing": "notice: no geometry folder, or no such layer in it",
    "geometry": "a feature that is not valid GeoJSON or lies outside longitude/latitude",
    # uploads (atlas/upload.py)
    "upload-refused": "an upload refused whole (too large, a zip bomb, a path out, a link)",
    "upload-skipped": "notice: a file of an upload that was skipped",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located for the person who must fix it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = ERROR
    code: str = ""  # one of CODES; tests match it instead of the words

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.value is not None:
            where.append(f"value '{shorten(self.value)}'")
        label = "" if self.severity == ERROR else f"[{self.severity}] "
        return f"{label}{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class TableCount:
    """How many rows of one table were read, shown and rejected: ``read == shown + rejected``.

    Attributes
    ----------
    read : int
        Data rows taken in: the file's non-blank rows, plus ``added``.
    shown : int
        Rows in the loaded frame.
    rejected : int
        Rows left out, each for a reported problem.
    added : int
        Rows the loader made itself (places from the events' columns, an 'unknown' faction);
        counted in ``read``.
    """

    read: int
    shown: int
    rejected: int
    added: int = 0

    @property
    def adds_up(self) -> bool:
        """Whether ``read == shown + rejected``."""
        return self.read == self.shown + self.rejected


@dataclass(frozen=True)
class Package:
    """A loaded data package: one typed frame per table, derived tables, and the problems found.

    Frames are shared (cached) between users of the app: treat them as read-only.
    ``counts`` maps each table (and the ``routes`` and ``regions`` layers) to a
    :class:`TableCount`; ``described`` is False when the package had no ``datapackage.json``
    and its description was inferred. ``relations`` holds the relations between people that a
    package describes (each kept only with a verbatim quote); it is empty otherwise. ``order``
    holds the order claims ("A after B") a package gives, each with its quote (see
    :mod:`atlas.order`). ``stories`` and ``story_steps`` are story mode's tables (see
    :mod:`atlas.story`), empty for a package without them.
    """

    sources: pd.DataFrame
    factions: pd.DataFrame
    episodes: pd.DataFrame
    places: gpd.GeoDataFrame
    people: pd.DataFrame
    events: pd.DataFrame
    attestations: pd.DataFrame
    participants: pd.DataFrame
    routes: gpd.GeoDataFrame
    regions: gpd.GeoDataFrame
    event_sources: pd.DataFrame
    event_factions: pd.DataFrame
    source_dates: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    counts: dict[str, TableCount] = field(default_factory=dict)
    described: bool = True
    relations: pd.DataFrame = field(default_factory=lambda: empty_frame(RELATIONS))
    order: pd.DataFrame = field(default_factory=lambda: empty_frame(ORDER))
    stories: pd.DataFrame = field(default_factory=lambda: empty_frame(schema.STORIES))
    story_steps: pd.DataFrame = field(default_factory=lambda: empty_frame(schema.STORY_STEPS))

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors (not notices)."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def notices(self) -> list[Problem]:
        """The problems that are notices: what the loader assumed or set aside, harmlessly."""
        return [p for p in self.problems if p.severity != ERROR]


class Report:
    """The problems found so far, in the order found, and the rows left out."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # "table.column" -> {id: (row, why)} for the rows left out, so that a reference to one
        # of them can name the root cause instead of saying the id does not exist.
        self.rejected: dict[str, dict[str, tuple[int, str]]] = {}

    def add(self, file, row, column, value, message, severity=ERROR, *, code: str) -> None:
        row = None if row is None or pd.isna(row) else int(row)
        value = None if value is None else str(value)
        self.problems.append(Problem(file, row, column, value, message, severity, code))

    def add_rows(self, file, frame, column, message, severity=ERROR, label=None, *,
                 code: str) -> None:
        """Report one problem per row of ``frame`` (vectorised callers pass the bad rows)."""
        for row, value in zip(frame[ROW], frame[column], strict=True):
            self.add(file, row, label or column, value, message, severity, code=code)

    def reject(self, table: str, column: str, ids, rows, reasons) -> None:
        """Remember why rows of ``table`` were left out, by their ``column`` (their id).

        The first reason given for an id is kept; :meth:`rejection` finds it again.
        """
        known = self.rejected.setdefault(f"{table}.{column}", {})
        for ident, row, reason in zip(ids, rows, reasons, strict=True):
            if ident != "" and ident not in known:
                known[ident] = (int(row), reason)

    def rejection(self, table: str, column: str) -> dict[str, tuple[int, str]]:
        """The rows of ``table`` left out so far, by their ``column``: id -> (row, why)."""
        return self.rejected.get(f"{table}.{column}", {})


def shorten(value: str, limit: int = 80) -> str:
    """``value`` cut to ``limit`` characters, with an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the atlas's own columns for table ``name``."""
    from atlas.package.assemble import empty_frame as made  # the loader needs these types

    return made(name)
