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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located for the person who must fix it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = ERROR

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
    """The problems found so far, in the order found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file, row, column, value, message, severity=ERROR) -> None:
        row = None if row is None or pd.isna(row) else int(row)
        value = None if value is None else str(value)
        self.problems.append(Problem(file, row, column, value, message, severity))

    def add_rows(self, file, frame, column, message, severity=ERROR, label=None) -> None:
        """Report one problem per row of ``frame`` (vectorised callers pass the bad rows)."""
        for row, value in zip(frame[ROW], frame[column], strict=True):
            self.add(file, row, label or column, value, message, severity)


def shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the atlas's own columns for table ``name``."""
    from atlas.package.assemble import empty_frame as made  # the loader needs these types

    return made(name)
