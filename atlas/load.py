"""Read and validate a data package: typed frames plus a report of problems.

The package's ``datapackage.json`` declares every table's fields, types, constraints, primary
and foreign keys; this module enforces them with vectorised pandas, then checks what a schema
cannot say: EDTF dates, quotes against the source texts, one attestation per event, and the
geometry layers. Nothing raises: every problem becomes a :class:`Problem` naming the file, row,
column and value, with a hint on how to fix it, and valid rows are kept.

What happens to a row with a problem is said in the problem's message:

- a missing or malformed *required* value, a duplicate id (the first row is kept) or a
  reference to nothing in a required column leaves the row out (the rest of the package cannot
  trust it);
- a malformed *optional* value is set aside (treated as empty) and the row is kept;
- an event whose date cannot be read is kept and listed as undated;
- an attestation whose quote is not in its source is left out.

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2, and
blank lines keep their numbers (they are skipped, not counted). For every table
:attr:`Package.counts` says how many rows were read, shown and rejected; read = shown + rejected.

Bring your own data
-------------------
A folder with no ``datapackage.json`` is read too (:attr:`Package.described` is then False).
Its tables are found by file name (``events.csv``, ``places.csv``, ...; a lone CSV of another
name is taken for the events) and read with the atlas's own description, leniently, each
leniency reported as a notice:

- only ``events.csv`` is needed, with ``id``, ``title`` and a date (``start``, or ``date``);
  headers are matched ignoring case and spaces, and a few common names are understood
  (``date``, ``place``, ``latitude``/``longitude``, ``faction``, ...);
- a missing column gets a default (faction and episode ``unknown``, kind ``other``, ...);
- without ``places.csv``, places are made from the events' place name and lat/lon columns;
  without ``factions.csv`` or ``episodes.csv``, from the events' values;
- without ``attestations.csv`` events are shown unattested, with one notice, not one error each;
- dates with short years, as spreadsheets leave them (``656``, ``656-6-17``), are read as
  ``0656`` and ``0656-06-17``.

A package *with* a ``datapackage.json`` has declared its dates EDTF and its columns, so it is
read strictly: a short year is an error (with the EDTF to write instead), and only a missing
*optional* column is a notice. Slashed spreadsheet dates (``06/17/0656``) are never guessed:
day/month and month/day orders differ between spreadsheets, so they are errors in both modes,
and the message gives the EDTF reading(s) to write.

Every CSV may be UTF-8 with or without a byte-order mark (or UTF-16 with one), with ``,``,
``;`` or tab between cells (sniffed from the header) and any line ends. Cells and headers are
trimmed of surrounding whitespace and are otherwise kept exactly as written: no text is ever
interpreted as markup. Rows with bytes that are not UTF-8, or with more cells than the header,
are reported and left out.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath, PureWindowsPath

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas import escape, geojson, schema
from atlas.dates import DateError, describe_ah, describe_edtf, event_bounds, jdns_to_iso, parse_edtf
from atlas.order import check_order, check_order_quotes
from atlas.paths import DATA_DIR, geo_for
from atlas.text import fold_series, squash_whitespace

ERROR = "error"
NOTICE = "notice"
ROW = "_row"

# Tables read besides schema.TABLES when a package describes them (none of the others needs them).
RELATIONS = "relations"
ORDER = "order"  # order claims ("A after B"), checked in atlas/order.py
_TABLES = (*schema.TABLES, *(t for t in (RELATIONS, ORDER) if t not in schema.TABLES))
LAYERS = {"routes": schema.ROUTES_FILE, "regions": schema.REGIONS_FILE}

UNKNOWN = "unknown"
_UNKNOWN_COLOUR = "#999999"
# Okabe-Ito, colour-blind safe, for factions a package does not describe.
_PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_SEPARATORS = (",", ";", "\t")
_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
_BAD_BYTE = "\ufffd"
_GUARD = "the package could not be read"


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
            where.append(f"value '{_shorten(self.value)}'")
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
    :mod:`atlas.order`).
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
    relations: pd.DataFrame = field(default_factory=lambda: _empty_frame(RELATIONS))
    order: pd.DataFrame = field(default_factory=lambda: _empty_frame(ORDER))

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors (not notices)."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def notices(self) -> list[Problem]:
        """The problems that are notices: what the loader assumed or set aside, harmlessly."""
        return [p for p in self.problems if p.severity != ERROR]


def load_package(data_dir: Path = DATA_DIR, geo_dir: Path | None = None) -> Package:
    """Load and validate the data package in ``data_dir`` and the layers in ``geo_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder holding the CSV tables, the source texts and, usually, ``datapackage.json``.
    geo_dir : pathlib.Path, optional
        Folder holding ``routes.geojson`` and ``regions.geojson``; defaults to
        :func:`atlas.paths.geo_for` the data folder. A folder that does not exist gives no
        routes and no regions, with a notice.

    Returns
    -------
    Package
        Typed frames of the valid rows, the row counts and every problem found. Never raises
        for bad input.
    """
    data_dir = Path(data_dir)
    geo_dir = geo_for(data_dir) if geo_dir is None else Path(geo_dir)
    report = _Report()
    try:
        return _load(data_dir, geo_dir, report)
    except Exception as exc:  # noqa: BLE001 - the last guard: no traceback reaches a user
        report.add(schema.DESCRIPTOR, None, None, None, f"{_GUARD} ({exc}) — this is a fault in the "
                   "atlas, not in your data: please report it with the file")
        return _empty_package(report)


class _Report:
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


# --- the package's description --------------------------------------------------------------


@cache
def _bundled_resources() -> dict[str, dict]:
    """The atlas's own description of every table, used where a package gives none."""
    descriptor = json.loads((DATA_DIR / schema.DESCRIPTOR).read_text(encoding="utf-8"))
    return {r["name"]: r for r in descriptor["resources"]}


@dataclass
class _Resource:
    """One table as the loader will read it."""

    name: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict]
    path: Path | None  # the file, or None when there is none
    file: str  # the name problems give
    described: bool  # whether the package's own datapackage.json describes the table
    declared: set[str]  # fields the package declares; the others are read leniently

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)

    def lenient(self, name: str) -> bool:
        """Whether a column was not declared by the package, so that a default may fill it."""
        return name not in self.declared


def _describe(data_dir: Path, report: _Report) -> tuple[dict[str, _Resource] | None, bool]:
    """Find every table's file and fields; return None when the description cannot be read."""
    bundled = _bundled_resources()
    descriptor_path = data_dir / schema.DESCRIPTOR
    if not descriptor_path.is_file():
        if not data_dir.is_dir():
            report.add(str(data_dir.name or data_dir), None, None, None,
                       "this data folder does not exist — check the path given with --data or "
                       "ATLAS_DATA")
            return None, False
        return _infer_resources(data_dir, bundled, report), False
    try:
        descriptor = geojson.read_json(descriptor_path, geojson.MAX_DESCRIPTOR_BYTES)
    except geojson.Refused as exc:
        report.add(schema.DESCRIPTOR, None, None, None, f"cannot read the package description: "
                   f"{exc} — check that it is valid JSON with a list of 'resources'")
        return None, True
    resources_list = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources_list, list):
        report.add(schema.DESCRIPTOR, None, "resources", None, "cannot read the package "
                   "description: it has no list of 'resources' — give one entry per table")
        return None, True
    own = {r["name"]: r for r in resources_list
           if isinstance(r, dict) and isinstance(r.get("name"), str)}

    resources = {}
    for name in _TABLES:
        resource = own.get(name)
        if not isinstance(resource, dict):
            path = _find_file(data_dir, f"{name}.csv")
            if path is not None:
                report.add(schema.DESCRIPTOR, None, None, name, f"the package does not describe "
                           f"this table; {path.name} was read with the atlas's own description",
                           NOTICE)
            elif name in schema.TABLES and name != schema.EVENTS:
                report.add(schema.DESCRIPTOR, None, None, name, "the package does not describe "
                           "this table, so it is empty", NOTICE)
            elif name == schema.EVENTS:
                report.add(schema.DESCRIPTOR, None, None, name, "the package does not describe "
                           "an events table, so there is nothing to show — add a resource named "
                           "'events'")
            resources[name] = _resource(name, bundled.get(name), path, set(), False)
            continue
        path, file = _resource_path(data_dir, resource, report)
        fields, declared = _checked_fields(name, _fields_of(resource), bundled, file, report)
        merged = {**resource, "schema": {**_schema_of(resource), "fields": fields}}
        if path is None and file:
            report.add(file, None, None, None, "the file is missing — add it, or remove the "
                       "table from datapackage.json")
        resources[name] = _resource(name, merged, path, declared, True, file)
    return resources, True


def _checked_fields(name, own, bundled, file, report) -> tuple[list[dict], set[str]]:
    """The fields to check a described table by, and the names the package declares.

    A package may widen a column's vocabulary (its ``enum``) or make it optional, but a column
    the atlas reads keeps the atlas's type, pattern and bounds: the app relies on them, so a
    package cannot relax them into values it would choke on. No pattern of the package's own
    is ever run, since a pattern can make the server backtrack for ever.
    """
    atlas_fields = {f["name"]: f for f in (bundled.get(name) or {}).get("schema", {})
                    .get("fields", [])}
    declared = {f["name"] for f in own}
    fields = [_checked_field(f, atlas_fields.get(f["name"])) for f in own]
    overruled = [f["name"] for f, checked in zip(own, fields, strict=True)
                 if _overruled(f, checked)]
    if overruled:
        report.add(schema.DESCRIPTOR, None, None, ", ".join(overruled), f"the package declares "
                   f"{file or name} column(s) with a type or pattern the atlas does not use; "
                   "they were checked as the atlas's own description says", NOTICE)
    fields += [f for n, f in atlas_fields.items() if n not in declared]
    return fields, declared


def _checked_field(own: dict, atlas: dict | None) -> dict:
    given = own.get("constraints") or {}
    constraints = {k: v for k, v in given.items() if _plain_constraint(k, v)}
    if atlas is None:
        kind = own.get("type") if own.get("type") in _PLAIN_TYPES else "string"
        return {**own, "type": kind, "constraints": constraints}
    ours = atlas.get("constraints") or {}
    for key in ("pattern", "minimum", "maximum"):
        constraints.pop(key, None)
        if key in ours:
            constraints[key] = ours[key]
    return {**own, "type": atlas.get("type", "string"), "constraints": constraints}


def _overruled(own: dict, checked: dict) -> bool:
    pattern = (own.get("constraints") or {}).get("pattern")
    return (own.get("type", "string") != checked["type"]
            or (pattern is not None and pattern != checked["constraints"].get("pattern")))


def _plain_constraint(name: str, value) -> bool:
    """Whether a package's constraint is one the atlas checks safely (never a pattern)."""
    if name == "required":
        return isinstance(value, bool)
    if name == "enum":
        return isinstance(value, list) and all(isinstance(v, str | int | float) for v in value)
    if name in ("minimum", "maximum"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


# Types a column the atlas does not read may declare; anything else is read as text.
_PLAIN_TYPES = ("string", "integer", "number", "boolean")


def _schema_of(resource: dict) -> dict:
    """A resource's table schema (one given as a path to another file counts as none)."""
    table_schema = resource.get("schema")
    return table_schema if isinstance(table_schema, dict) else {}


def _fields_of(resource: dict) -> list[dict]:
    fields = _schema_of(resource).get("fields")
    fields = fields if isinstance(fields, list) else []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
            and isinstance(f.get("constraints") or {}, dict)]


def _resource(name, resource, path, declared, described, file=None) -> _Resource:
    resource = resource or {}
    table_schema = _schema_of(resource)
    fields = _fields_of(resource)
    names = {f["name"] for f in fields}
    primary_key = table_schema.get("primaryKey") or []
    primary_key = [primary_key] if isinstance(primary_key, str) else list(primary_key)
    foreign_keys = table_schema.get("foreignKeys") or []
    return _Resource(
        name=name, fields=fields, primary_key=[k for k in primary_key if k in names],
        foreign_keys=[fk for fk in foreign_keys if isinstance(fk, dict)], path=path,
        file=file or (path.name if path else f"{name}.csv"), described=described,
        declared=declared)


def _resource_path(data_dir: Path, resource: dict, report: _Report) -> tuple[Path | None, str]:
    """The file of a described table, refusing paths that would leave the package."""
    raw = resource.get("path")
    if not isinstance(raw, str) or not raw:
        report.add(schema.DESCRIPTOR, None, "path", str(raw), "a table needs one CSV file "
                   "given as a path inside the package, e.g. events.csv")
        return None, ""
    if not _inside(data_dir, raw):
        report.add(schema.DESCRIPTOR, None, "path", raw, "the atlas reads only files inside the "
                   "package folder — give a relative path such as events.csv")
        return None, ""
    path = data_dir / raw
    return (path if path.is_file() else None), raw


def _inside(root: Path, relative: str) -> bool:
    """Whether ``relative`` names a file under ``root`` (no absolute path, '..', URL or link out)."""
    if "://" in relative or "\x00" in relative:
        return False
    for pure in (PurePosixPath(relative), PureWindowsPath(relative)):
        if pure.is_absolute() or pure.drive or ".." in pure.parts:
            return False
    try:
        return (root / relative).resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


def _find_file(data_dir: Path, name: str) -> Path | None:
    """The file ``name`` in ``data_dir``, matched ignoring case."""
    exact = data_dir / name
    if exact.is_file():
        return exact
    try:
        return next((p for p in data_dir.iterdir() if p.is_file() and p.name.lower() == name), None)
    except OSError:
        return None


def _infer_resources(data_dir: Path, bundled: dict, report: _Report) -> dict[str, _Resource]:
    """Describe a folder of CSV files by their names, with the atlas's own fields."""
    csvs = sorted(p for p in data_dir.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    known = {f"{name}.csv": name for name in _TABLES}
    found = {known[p.name.lower()]: p for p in csvs if p.name.lower() in known}
    others = [p for p in csvs if p.name.lower() not in known]
    if schema.EVENTS not in found and len(others) == 1:
        found[schema.EVENTS] = others.pop()
        report.add(found[schema.EVENTS].name, None, None, None, "read as the events table (the "
                   "only CSV file; name it events.csv to say so)", NOTICE)
    for path in others:
        report.add(path.name, None, None, None, "not a table the atlas knows, so it was ignored — "
                   "the tables are " + ", ".join(known), NOTICE)
    report.add(schema.DESCRIPTOR, None, None, None, "there is no datapackage.json, so the tables "
               "were found by file name and read with the atlas's own description", NOTICE)
    resources = {}
    for name in _TABLES:
        path = found.get(name)
        resources[name] = _resource(name, bundled.get(name), path, set(), False)
        if path is None and name == schema.EVENTS:
            report.add("events.csv", None, None, None, "there is no events table, so there is "
                       "nothing to show — add events.csv with columns id, title and date")
        elif path is None and name in schema.TABLES and name not in (
                schema.PLACES, schema.FACTIONS, schema.EPISODES):
            report.add(f"{name}.csv", None, None, None, _ABSENT[name], NOTICE)
    return resources


_ABSENT = {
    schema.SOURCES: "there is no sources.csv, so no source texts are shown",
    schema.PEOPLE: "there is no people.csv, so no people are listed",
    schema.ATTESTATIONS: "there is no attestations.csv, so the events are shown without quotes "
                         "from the sources",
    schema.PARTICIPANTS: "there is no participants.csv, so no one is linked to the events",
}


# --- reading CSV files ----------------------------------------------------------------------


@dataclass
class _Csv:
    """A CSV file split into cells: the header, and the kept data rows with their numbers."""

    header: list[str]
    frame: pd.DataFrame  # columns 0..n-1 as in the header, plus ROW
    read: int
    rejected: int
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


def _read_csv(path: Path, file: str, report: _Report) -> _Csv | None:
    """Split a CSV file into trimmed cells, reporting what cannot be read; None if nothing can."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.add(file, None, None, None, f"the file cannot be opened ({exc.strerror or exc})"
                   " — check that it is a readable file")
        return None
    text, clean = _decode(data)
    leading = re.match(r"(?:[ \t]*(?:\r\n|\n|\r))*", text)
    skipped = len(re.findall(r"\r\n|\n|\r", leading.group()))
    text = text[leading.end():]
    if not text.strip():
        report.add(file, None, None, None, "the file is empty — put the column names in the first "
                   "row and one record per row below")
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
                       "a cell as two double quotes (\"\") and close every quoted cell")
    except _Unreadable as exc:
        report.add(file, exc.row + skipped if exc.row else None, None, None, str(exc))
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
    if ragged.any():
        long_rows = frame[ragged]
        width = len(cells) - 1
        for row, value in zip(long_rows[ROW], long_rows["_raw"], strict=True):
            report.add(file, row, None, value, f"this row has more cells than the first row has "
                       f"column names ({width}); the row was left out — put any text that "
                       f"contains {_SEPARATOR_NAMES[sep]} between double quotes")
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
                       "UTF-8' in a spreadsheet's Save As)")
        bad |= garbled
        if any(_BAD_BYTE in h for h in header):
            report.add(file, 1, None, "", "the column names have characters that are not UTF-8 "
                       "text — save the file as UTF-8", ERROR)
    # A second byte-order mark, as some tools write, is not part of the first column's name.
    names = [str(h).replace("\ufeff", "").strip() for h in header]
    return _Csv(header=names, frame=frame[~bad].reset_index(drop=True), read=read,
                rejected=int(bad.sum()), separator=sep)


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


# --- columns --------------------------------------------------------------------------------

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


def _palette(frame: pd.DataFrame) -> pd.Series:
    colours = np.resize(np.array(_PALETTE, dtype=object), len(frame))
    colours = pd.Series(colours, index=frame.index, dtype=str)
    return colours.where(frame["id"] != UNKNOWN, _UNKNOWN_COLOUR)


_TEXT_PATHS = _Made(lambda frame: "sources/" + frame["id"] + ".txt", "given sources/<id>.txt")
_POSITIONS = _Made(lambda frame: pd.Series(np.arange(1, len(frame) + 1).astype(str),
                                           index=frame.index, dtype=str),
                   "numbered in the order of the rows")
_COLOURS = _Made(_palette, "given a colour from a colour-blind-safe palette")


# What a column the package does not have is filled with (a value, or made from other columns).
_DEFAULTS: dict[str, dict[str, str | Callable]] = {
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


def _isin(values: pd.Series, known) -> pd.Series:
    """``values.isin(known)`` for strings, computed in Arrow when pandas keeps them there.

    pandas' own ``isin`` on Arrow-backed strings walks the values in Python; at 100,000 events
    that is seconds, and this takes milliseconds.
    """
    known = list(known) if isinstance(known, set | frozenset) else known
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        left = pa.array(values.astype(str))
        right = pa.array(pd.Series(known, dtype=str)).cast(left.type)
        found = pc.is_in(left, value_set=right).fill_null(False)
        return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)
    except (ImportError, TypeError, ValueError):
        return values.isin(known)


def _key(name: str) -> str:
    return re.sub(r"[\s\-.]+", "_", name.strip().lower())


@dataclass
class _Raw:
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


def _empty_raw(resource: _Resource, present: bool = False) -> _Raw:
    names = [f["name"] for f in resource.fields]
    frame = pd.DataFrame({**{n: pd.Series(dtype="str") for n in names},
                          ROW: pd.Series(dtype="int64")})
    return _Raw(file=resource.file, frame=frame, labels={}, present=present)


def _read_raw(resource: _Resource, lenient: bool, report: _Report) -> _Raw:
    """Read one table's file into string columns named as the fields."""
    if resource.path is None:
        return _empty_raw(resource)
    file = resource.file
    table = _read_csv(resource.path, file, report)
    if table is None:
        return _empty_raw(resource, present=True)
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
                           "the first row, so it was ignored — give it one", NOTICE)
            continue
        if target is None and key in place_columns:
            extra.setdefault(place_columns[key], position)
            labels.setdefault(place_columns[key], header)
            continue
        if target is None:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            report.add(file, 1, header, None, "this column is not in the package description; it "
                       f"was ignored{hint}", NOTICE)
            continue
        if target in chosen:
            report.add(file, 1, header, None, f"this column repeats column '{labels[target]}', "
                       "so it was ignored", NOTICE)
            continue
        if target != key:
            report.add(file, 1, header, None, f"read as column '{target}'", NOTICE)
        chosen[target] = position
        labels[target] = header

    frame = pd.DataFrame({name: table.frame[position] for name, position in chosen.items()},
                         index=table.frame.index)
    frame[ROW] = table.frame[ROW]
    raw = _Raw(file=file, frame=frame, labels=labels, read=table.read, rejected=table.rejected,
               separator=table.separator)
    if extra:
        raw.extra = pd.DataFrame({name: table.frame[pos] for name, pos in extra.items()},
                                 index=table.frame.index)
    _fill_missing(raw, resource, lenient, report)
    return raw


def _fill_missing(raw: _Raw, resource: _Resource, lenient: bool, report: _Report) -> None:
    """Give each missing column its default, or report it; a missing required column empties
    the table (its rows are all rejected)."""
    frame, file = raw.frame, raw.file
    defaults = _DEFAULTS.get(resource.name, {})
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
                           f"{said} — add the column to say otherwise", NOTICE)
        elif required:
            report.add(file, 1, name, None, "this required column is missing from the header — "
                       "add a column with this name to the first row")
            unreadable = True
            frame[name] = ""
        else:
            frame[name] = ""
            if lenient:
                filled.append((name, "left empty"))
            elif name not in _QUIET_COLUMNS:
                report.add(file, 1, name, None, "this optional column is missing, so it was "
                           "treated as empty", NOTICE)
    filled = [(name, said) for name, said in filled if name not in _QUIET_COLUMNS]
    if filled and not unreadable:
        report.add(file, 1, None, None, "these columns are missing, so every row was given a "
                   "default: " + "; ".join(f"{name} {said}" for name, said in filled)
                   + " — add the columns to say otherwise", NOTICE)
    if unreadable:
        report.add(file, None, None, None, "a required column is missing, so no row could be "
                   "read — add the column named above")
        raw.rejected += len(frame)
        raw.frame = frame.iloc[0:0]
    else:
        raw.frame = frame


# Optional columns whose absence needs no notice: the loader makes them, or nothing shows them.
_QUIET_COLUMNS = {"place_id"}


def _fill_empty_cells(raw: _Raw, name: str, default, report: _Report) -> None:
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
                   f"given {said}", NOTICE)


# --- tables the loader makes ----------------------------------------------------------------


def _slugs(values: pd.Series, prefix: str) -> pd.Series:
    """Ids for free text ('Ali's party' -> 'alis_party'), distinct for distinct texts."""
    unique = pd.Series(values.unique(), dtype=str)
    slug = fold_series(unique).str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    missing = slug == ""
    slug[missing] = prefix + "_" + pd.Series(np.arange(1, len(slug) + 1).astype(str))[missing]
    repeat = slug.groupby(slug).cumcount()
    slug = slug.where(repeat == 0, slug + "_" + (repeat + 1).astype(str))
    return values.map(pd.Series(slug.to_numpy(), index=unique.to_numpy()))


def _derive_places(raws: dict[str, _Raw], resources, report: _Report) -> None:
    """Without places.csv, make the places from the events' place name and lat/lon columns."""
    events = raws[schema.EVENTS]
    extra, frame = events.extra, events.frame
    if extra is None or frame.empty:
        return
    extra = extra.loc[frame.index]
    places = raws[schema.PLACES]
    if places.present:
        _match_place_names(events, extra, places, report)
        return
    names = extra["place_name"] if "place_name" in extra else frame["place_id"]
    given = names != ""
    if not given.any():
        return
    if not {"lat", "lon"} <= set(extra.columns):
        report.add(events.file, 1, events.labels.get("place_name", "place"), None, "there are "
                   "no lat and lon columns, so these places cannot be put on the map — add "
                   "columns lat and lon (decimal degrees)", NOTICE)
        frame["place_id"] = ""
        return
    ids = _slugs(names, "place").where(given, "")
    found = pd.DataFrame({"id": ids, "name": names.where(names != "", ids), "lat": extra["lat"],
                          "lon": extra["lon"], ROW: frame[ROW]})[given]
    # One place per id: the first row that gives coordinates, else the first row.
    has = (found["lat"] != "") | (found["lon"] != "")
    found = found.assign(_has=~has).sort_values(["_has", ROW], kind="stable")
    found = found.drop_duplicates("id").sort_values(ROW).drop(columns="_has")
    frame["place_id"] = ids
    labels = {"id": events.labels.get("place_id", events.labels.get("place_name", "place")),
              "name": events.labels.get("place_name", "place"),
              "lat": events.labels.get("lat", "lat"), "lon": events.labels.get("lon", "lon")}
    raws[schema.PLACES] = derived = _Raw(file=events.file, frame=found.reset_index(drop=True),
                                         labels=labels, read=len(found), added=len(found),
                                         separator=events.separator)
    _fill_missing(derived, resources[schema.PLACES], True, _Report())
    made = "1 place was" if len(found) == 1 else f"{len(found)} places were"
    report.add(events.file, None, labels["name"], None, f"there is no places.csv, so {made} "
               "made from this column and the lat/lon columns", NOTICE)


def _match_place_names(events: _Raw, extra: pd.DataFrame, places: _Raw, report) -> None:
    """With places.csv, read an events' place-name column as ids, or as the places' names."""
    for name in ("lat", "lon"):
        if name in extra:
            report.add(events.file, 1, events.labels[name], None, "the places' coordinates come "
                       "from places.csv, so this column was ignored", NOTICE)
    if "place_name" not in extra or "place_id" in events.labels:
        if "place_name" in extra:
            report.add(events.file, 1, events.labels["place_name"], None, "the events' places "
                       "come from their place_id column, so this column was ignored", NOTICE)
        return
    given = extra["place_name"]
    table = places.frame
    by_name = pd.Series(table["id"].to_numpy(), index=fold_series(table["name"]).to_numpy())
    by_name = by_name[~by_name.index.duplicated()]
    ids = given.where(_isin(given, table["id"]), fold_series(given).map(by_name))
    events.frame["place_id"] = ids.fillna(given)
    events.labels["place_id"] = events.labels["place_name"]
    report.add(events.file, 1, events.labels["place_name"], None, "read as the places' ids, or "
               "their names in places.csv", NOTICE)


def _derive_ids(raws, resources, table: str, users: list[tuple[str, str]], report) -> None:
    """Make ``table`` (factions or episodes) from the values other tables use, when it has no
    file; else add an 'unknown' row if the loader itself gave some rows 'unknown'."""
    target = raws[table]
    if target.present:
        uses_unknown = any(_gave_unknown(raws[user], column) for user, column in users)
        known = set(target.frame["id"]) if "id" in target.frame else set()
        if uses_unknown and UNKNOWN not in known:
            row = _unknown_row(target.frame, table)
            target.frame = pd.concat([target.frame, row], ignore_index=True)
            target.read += 1
            target.added += 1
            report.add(target.file, None, "id", UNKNOWN, "added, for the rows that give none",
                       NOTICE)
        return
    values = [raws[user].frame[column] for user, column in users if column in raws[user].frame]
    values = pd.concat(values, ignore_index=True) if values else pd.Series(dtype=str)
    values = values[values != ""].drop_duplicates()
    if values.empty:
        return
    ids = _slugs(values, table.rstrip("s"))
    for user, column in users:
        frame = raws[user].frame
        if column in frame:
            frame[column] = frame[column].map(pd.Series(ids.to_numpy(), index=values.to_numpy())
                                              ).fillna("")
    names = values.where(values != UNKNOWN, UNKNOWN.capitalize())
    frame = pd.DataFrame({"id": ids.to_numpy(), "name": names.to_numpy(),
                          ROW: np.zeros(len(ids), dtype="int64")})
    file = raws[users[0][0]].file
    raws[table] = derived = _Raw(file=file, frame=frame, labels={}, read=len(frame),
                                 added=len(frame))
    _fill_missing(derived, resources[table], True, _Report())
    made = f"1 {table.rstrip('s')} was" if len(frame) == 1 else f"{len(frame)} {table} were"
    report.add(file, None, users[0][1], None, f"there is no {table}.csv, so {made} made from "
               "this column's values", NOTICE)


def _gave_unknown(raw: _Raw, column: str) -> bool:
    """Whether the loader itself wrote 'unknown' into some of ``raw``'s ``column``."""
    return (column in raw.defaulted or column in raw.filled) and bool(
        (raw.frame[column] == UNKNOWN).any())


def _unknown_row(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    values = {"id": UNKNOWN, "name": UNKNOWN.capitalize(), "description": "Not given in the data.",
              "colour": _UNKNOWN_COLOUR, ROW: 0}
    if table == schema.EPISODES and "order" in frame:
        orders = pd.to_numeric(frame["order"], errors="coerce")
        values["order"] = str(int(orders.max()) + 1 if orders.notna().any() else 1)
    return pd.DataFrame([{c: values.get(c, "") for c in frame.columns}])


# --- validating tables ----------------------------------------------------------------------

# Plain words for the patterns the atlas's description uses.
_PATTERN_HINTS = {
    "^[a-z0-9_]+$": "use only lower-case letters a-z, digits and _, e.g. battle_of_siffin",
    "^[A-Za-z0-9_.-]+$": "use only letters a-z, digits, '.', '-' and '_', e.g. 001",
    "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$": "write a colour as # and six hex digits, e.g. #D55E00",
    "^Q[0-9]+$": "write a Wikidata item as Q and digits, e.g. Q35484",
}


def _validate(raw: _Raw, resource: _Resource, tables, files, lenient, report) -> pd.DataFrame:
    """Check one table's cells; return the typed frame of the rows kept."""
    frame = raw.frame.copy()
    fields = resource.fields
    if frame.empty:
        return _convert_types(frame, fields).reset_index(drop=True)
    drop = pd.Series(False, index=frame.index)
    for fld in fields:
        loose = (lenient or resource.lenient(fld["name"])) and fld["name"] in _DEFAULTS.get(
            resource.name, {})
        drop |= _check_field(frame, fld, fld["name"] in resource.primary_key, loose, raw, report)
    raw.rejected += int(drop.sum())
    frame = frame[~drop]
    frame = _check_unique(frame, resource.primary_key, raw, report)
    for fk in resource.foreign_keys:
        frame = _check_foreign_key(frame, fk, resource, tables, files, raw, report)
    return _convert_types(frame, fields).reset_index(drop=True)


def _check_field(frame, fld, in_key, loose, raw, report) -> pd.Series:
    """Report bad cells in one column; blank bad optional cells; return rows to leave out."""
    name, kind = fld["name"], fld.get("type", "string")
    label, file = raw.labels.get(name, name), raw.file
    constraints = fld.get("constraints") or {}
    required = (constraints.get("required", False) and not loose) or in_key
    if name in raw.defaulted and not in_key:
        return pd.Series(False, index=frame.index)
    values = frame[name]
    present = values != ""
    drop = pd.Series(False, index=frame.index)

    def flag(bad: pd.Series, message: str) -> None:
        nonlocal drop
        if not bad.any():
            return
        consequence = "the row was left out" if required else "the value was ignored"
        report.add_rows(file, frame[bad], name, f"{message}; {consequence}", label=label)
        if required:
            drop |= bad
        else:
            frame.loc[bad, name] = ""

    if required:
        missing = ~present
        if missing.any():
            report.add_rows(file, frame[missing], name, "this required value is empty; "
                            "the row was left out — fill it in", label=label)
            drop |= missing

    if kind in ("integer", "number"):
        comma = present & values.str.fullmatch(r"-?\d+,\d+")
        if kind == "number" and raw.separator == ";" and comma.any():
            # Spreadsheets that separate cells with ';' write decimals with ',': 24,467.
            frame.loc[comma, name] = values[comma].str.replace(",", ".", regex=False)
            report.add(file, int(frame.loc[comma, ROW].iloc[0]), label, values[comma].iloc[0],
                       f"{int(comma.sum())} number(s) with a decimal comma in this column, from "
                       "this row on, were read with a decimal point", NOTICE)
            values = frame[name]
            comma = pd.Series(False, index=frame.index)
        numbers = pd.to_numeric(values.where(present), errors="coerce")
        flag(present & numbers.isna() & comma, "this is not a number — write decimals with a "
             "point, e.g. 30.05, not a comma")
        flag(present & numbers.isna() & ~comma, "this is not a number — write digits only, "
             "e.g. 30.05")
        if kind == "integer":
            flag(present & numbers.notna() & (numbers % 1 != 0), "this is not a whole number — "
                 "write it without decimals, e.g. 12")
        low, high = constraints.get("minimum"), constraints.get("maximum")
        if low is not None and high is not None:
            hint_low = hint_high = f"write a number from {low} to {high}"
        else:
            hint_low, hint_high = f"write {low} or more", f"write {high} or less"
        if low is not None:
            flag(numbers < low, f"this is below the minimum {low} — {hint_low}")
        if high is not None:
            flag(numbers > high, f"this is above the maximum {high} — {hint_high}")
    elif kind == "boolean":
        lowered = values.str.lower()
        flag(present & ~_isin(lowered, _TRUE | _FALSE), "this is not true or false — write true "
             "or false")

    present = frame[name] != ""
    if "enum" in constraints:
        allowed = [str(a) for a in constraints["enum"]]
        flag(present & ~_isin(frame[name], allowed), "this is not one of the allowed values: "
             + ", ".join(allowed) + " — use one of them, spelled exactly")
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        try:
            matches = frame[name].str.fullmatch(pattern)
        except (re.error, ValueError):
            matches = pd.Series(True, index=frame.index)
        hint = _PATTERN_HINTS.get(pattern, f"match the pattern {pattern}")
        flag(present & ~matches.astype(bool), f"this does not have the expected form — {hint}")
    return drop


def _check_unique(frame, primary_key, raw, report) -> pd.DataFrame:
    if not primary_key or frame.empty:
        return frame
    duplicated = frame.duplicated(subset=primary_key, keep="first")
    if duplicated.any():
        column = ", ".join(raw.labels.get(k, k) for k in primary_key)
        keys = frame[primary_key].astype(str).agg(" / ".join, axis=1)
        first_row = frame[ROW].groupby(keys, sort=False).first()
        for row, key in zip(frame.loc[duplicated, ROW], keys[duplicated], strict=True):
            report.add(raw.file, row, column, key, f"this id is already used in row "
                       f"{first_row[key]}; the row was left out — give each row its own id")
        raw.rejected += int(duplicated.sum())
    return frame[~duplicated]


def _check_foreign_key(frame, fk, resource, tables, files, raw, report) -> pd.DataFrame:
    local = fk.get("fields")
    local = local if isinstance(local, list) else [local]
    reference = fk.get("reference") or {}
    target = reference.get("resource")
    remote = reference.get("fields")
    remote = remote if isinstance(remote, list) else [remote]
    if target not in tables or len(local) != 1 or local[0] not in frame:
        return frame
    column = local[0]
    known = tables[target][remote[0]] if remote[0] in tables[target] else []
    present = frame[column] != ""
    unknown = present & ~_isin(frame[column], known)
    if not unknown.any():
        return frame
    fld = resource.field(column)
    required = fld.get("constraints", {}).get("required") and column not in raw.defaulted
    consequence = "the row was left out" if required else "the value was ignored"
    report.add_rows(raw.file, frame[unknown], column,
                    f"there is no such id in {files[target]}; {consequence} — add it there or "
                    "correct the spelling", label=raw.labels.get(column, column))
    if required:
        raw.rejected += int(unknown.sum())
        return frame[~unknown]
    frame = frame.copy()
    frame.loc[unknown, column] = ""
    return frame


def _check_colours(raw: _Raw, report) -> None:
    """Give a palette colour to each faction whose colour is not ``#rgb``/``#rrggbb``.

    Checked on the cells as read, whatever the package's description says (colours go into
    CSS and figures), so that the faction and its events are still shown.
    """
    frame = raw.frame
    if frame.empty or "colour" not in frame:
        return
    given = frame["colour"]
    bad = (given != "") & ~given.map(escape.is_colour).astype(bool)
    if bad.any():
        report.add_rows(raw.file, frame[bad], "colour", "this is not a colour the atlas draws, "
                        "so a colour from its palette was used — write # and six hex digits, "
                        "e.g. #D55E00", label=raw.labels.get("colour", "colour"))
        frame.loc[bad, "colour"] = _palette(frame)[bad]


def _check_gazetteer_ids(places: pd.DataFrame, raw: _Raw, report) -> None:
    """Set aside gazetteer ids that are not of their gazetteer's documented form.

    Checked whatever the package's description says, since they become links.
    """
    for column, pattern in escape.id_forms().items():
        if column not in places or places.empty:
            continue
        values = places[column].fillna("").astype(str)
        bad = (values != "") & ~values.map(lambda v, c=column: escape.is_gazetteer_id(c, v))
        if bad.any():
            report.add_rows(raw.file, places[bad], column, "this is not an id of that "
                            f"gazetteer's form ({pattern}), so no link is made; the value was "
                            "ignored — copy the id from the gazetteer's page",
                            label=raw.labels.get(column, column))
            places.loc[bad, column] = ""


def _convert_types(frame, fields) -> pd.DataFrame:
    converted = {}
    for fld in fields:
        name, kind = fld["name"], fld.get("type", "string")
        values = frame[name]
        if kind == "integer":
            converted[name] = pd.to_numeric(values.replace("", None)).astype("Int64")
        elif kind == "number":
            converted[name] = pd.to_numeric(values.replace("", None)).astype("Float64")
        elif kind == "boolean":
            converted[name] = _isin(values.str.lower(), _TRUE)
        else:
            converted[name] = values.astype(str)
    converted[ROW] = frame[ROW].astype("int64")
    return pd.DataFrame(converted, index=frame.index)


# --- loading --------------------------------------------------------------------------------


def _load(data_dir: Path, geo_dir: Path, report: _Report) -> Package:
    resources, described = _describe(data_dir, report)
    if resources is None:
        return _empty_package(report, described)
    lenient = not described
    raws = {name: _read_raw(resources[name], lenient, report) for name in _TABLES}
    _derive_places(raws, resources, report)
    _derive_ids(raws, resources, schema.FACTIONS,
                [(schema.EVENTS, "faction_id"), (schema.PEOPLE, "faction_id")], report)
    _derive_ids(raws, resources, schema.EPISODES, [(schema.EVENTS, "episode")], report)
    _check_colours(raws[schema.FACTIONS], report)
    files = {name: raws[name].file for name in _TABLES}

    tables: dict[str, pd.DataFrame] = {}
    for name in _TABLES:
        tables[name] = _validate(raws[name], resources[name], tables, files, lenient, report)
        if name == schema.PLACES and raws[name].file == raws[schema.EVENTS].file:
            # Places made from the events: a place left out was reported on its event's row.
            ids = raws[schema.EVENTS].frame["place_id"]
            raws[schema.EVENTS].frame["place_id"] = ids.where(_isin(ids, tables[name]["id"]), "")

    _check_gazetteer_ids(tables[schema.PLACES], raws[schema.PLACES], report)
    att_file, events_file = files[schema.ATTESTATIONS], files[schema.EVENTS]
    texts = _read_texts(data_dir, tables[schema.SOURCES], raws[schema.SOURCES], report)
    locate = lenient or resources[schema.ATTESTATIONS].lenient("start_offset")
    attestations = _check_quotes(tables[schema.ATTESTATIONS], texts, att_file, locate, report)
    raws[schema.ATTESTATIONS].rejected += len(tables[schema.ATTESTATIONS]) - len(attestations)
    relations = _check_relation_quotes(tables[RELATIONS], texts, raws[RELATIONS], report)
    events = _add_dates(tables[schema.EVENTS], raws[schema.EVENTS], lenient, report)
    source_dates = _source_dates(attestations, tables[schema.SOURCES], att_file, lenient, report)
    if raws[schema.ATTESTATIONS].present:
        _check_attested(events, attestations, events_file, report)
    tables[ORDER] = _check_order(tables[ORDER], texts, events, raws[ORDER], report)
    if not geo_dir.is_dir():
        report.add(geo_dir.name or "geo", None, None, None, "there is no geometry folder, so the "
                   "map shows the places but no routes or regions", NOTICE)
    valid_events = set(events["id"])
    routes, routes_count = _read_layer(geo_dir, schema.ROUTES_FILE, report, valid_events, tables)
    regions, regions_count = _read_layer(geo_dir, schema.REGIONS_FILE, report, None, tables)
    tables[RELATIONS] = relations
    tables[schema.ATTESTATIONS] = attestations
    tables[schema.EVENTS] = events
    package = _package(tables, texts, routes, regions, source_dates, report, described)
    counts = {name: TableCount(raws[name].read, len(getattr(package, name)), raws[name].rejected,
                               raws[name].added) for name in _TABLES}
    counts["routes"], counts["regions"] = routes_count, regions_count
    return _replace_counts(package, counts)


def _package(tables, texts, routes, regions, source_dates, report, described) -> Package:
    """Assemble the package from validated tables: derived tables and event descriptions."""
    places = _places_frame(tables[schema.PLACES])
    attestations = tables[schema.ATTESTATIONS]
    events = tables[schema.EVENTS]
    event_sources = attestations[["event_id", "source_id"]].drop_duplicates(ignore_index=True)
    event_factions = _event_factions(events, tables[schema.PARTICIPANTS], tables[schema.PEOPLE])
    events = _describe_events(
        events, tables, places, attestations, event_sources, tables[schema.PARTICIPANTS]
    )
    return Package(
        sources=tables[schema.SOURCES],
        factions=tables[schema.FACTIONS],
        episodes=tables[schema.EPISODES].sort_values("order", ignore_index=True),
        places=places,
        people=tables[schema.PEOPLE],
        events=events,
        attestations=attestations,
        participants=tables[schema.PARTICIPANTS],
        routes=routes,
        regions=regions,
        event_sources=event_sources,
        event_factions=event_factions,
        source_dates=source_dates,
        texts=texts,
        problems=tuple(report.problems),
        described=described,
        relations=tables[RELATIONS],
        order=tables[ORDER],
    )


def _replace_counts(package: Package, counts: dict[str, TableCount]) -> Package:
    return replace(package, counts=counts)


# --- source texts and quotes ----------------------------------------------------------------


def _read_texts(data_dir, sources, raw: _Raw, report) -> dict[str, str]:
    texts = {}
    defaulted = "text_path" in raw.defaulted
    label = raw.labels.get("text_path", "text_path")
    for source_id, path, row in zip(sources["id"], sources["text_path"], sources[ROW], strict=True):
        if not _inside(data_dir, path):
            report.add(raw.file, row, label, path, "the text must be a file inside the data "
                       "package, e.g. sources/000.txt, so its quotes cannot be checked")
            continue
        try:
            texts[source_id] = (data_dir / path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, FileNotFoundError):
                reason = "is missing — add it, or correct the path"
            elif isinstance(exc, UnicodeDecodeError):
                reason = "is not UTF-8 text — save it as UTF-8"
            else:
                reason = f"cannot be read ({exc})"
            report.add(raw.file, row, label, path, f"the source text {reason}, so its quotes "
                       "cannot be checked", NOTICE if defaulted else ERROR)
    return texts


def _check_quotes(attestations, texts, file, locate, report) -> pd.DataFrame:
    keep = np.ones(len(attestations), dtype=bool)
    starts = attestations["start_offset"].astype("Int64").copy()
    ends = attestations["end_offset"].astype("Int64").copy()
    columns = [attestations[c].tolist() for c in (ROW, "source_id", "quote")]
    start_list = [None if pd.isna(v) else int(v) for v in starts]
    end_list = [None if pd.isna(v) else int(v) for v in ends]
    for index, (row, source_id, quote, start, end) in enumerate(
            zip(*columns, start_list, end_list, strict=True)):
        text = texts.get(source_id)
        if text is not None and start is not None and end is not None \
                and text[start:end] == quote:
            continue  # the usual case: the quote stands at its offsets
        if text is None:
            report.add(file, row, "quote", quote, f"source {source_id} has no readable text, so the "
                       "quote could not be checked; the attestation was left out — fix the source's "
                       "text_path first")
            keep[index] = False
            continue
        if locate and (start is None or end is None):
            found = _find_quote(text, quote)
            if found is not None:
                starts.iloc[index], ends.iloc[index] = found
                continue
        severity, column, message = _quote_verdict(text, quote, start, end)
        if message:
            value = {"quote": quote, "start_offset": start, "end_offset": end}[column]
            report.add(file, row, column, value, message, severity)
        keep[index] = severity != ERROR
    located = attestations.assign(start_offset=starts, end_offset=ends)
    return located[keep].reset_index(drop=True)


def _find_quote(text: str, quote: str) -> tuple[int, int] | None:
    exact = text.find(quote) if quote.strip() else -1
    if exact >= 0:  # the usual case, found without building a pattern
        return exact, exact + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text) if pattern else None
    return None if match is None else (match.start(), match.end())


def _quote_verdict(text, quote, start, end) -> tuple[str | None, str, str]:
    """Decide whether ``quote`` stands at ``text[start:end]``; whitespace may differ."""
    have_offsets = not (start is None or end is None or pd.isna(start) or pd.isna(end))
    if have_offsets and text[int(start):int(end)] == quote:
        return None, "quote", ""
    if have_offsets and squash_whitespace(text[int(start):int(end)]) == squash_whitespace(quote):
        return NOTICE, "quote", ("the quote matches the text at its offsets apart from whitespace "
                                 "(accepted)")
    found = _find_quote(text, quote)
    if found is None:
        return ERROR, "quote", ("this quote does not occur in the source text (checked word for "
                                "word, tolerating only whitespace differences); the attestation "
                                "was left out — copy it exactly from the text")
    where = f"it is at {found[0]}-{found[1]}"
    if not have_offsets:
        return ERROR, "start_offset", (f"the offsets are missing; {where}; the attestation was "
                                       f"left out — write {found[0]} and {found[1]}")
    column = "start_offset" if int(start) != found[0] else "end_offset"
    return ERROR, column, (f"the quote is not at offsets {int(start)}-{int(end)}: {where}; "
                           f"the attestation was left out — write {found[0]} and {found[1]}")


def _check_relation_quotes(relations, texts, raw: _Raw, report) -> pd.DataFrame:
    """Keep the relations whose quote stands word for word in their source's text."""
    if relations.empty or "quote" not in relations:
        return relations
    keep = []
    for row, source_id, quote in zip(relations[ROW], relations["source_id"], relations["quote"],
                                     strict=True):
        text = texts.get(source_id)
        found = None if text is None else _find_quote(text, quote)
        if found is None:
            reason = ("its source has no readable text" if text is None else
                      "this quote does not occur in the source text")
            report.add(raw.file, row, "quote", quote, f"{reason}, so the relation was left out — "
                       "copy the quote exactly from the text")
        keep.append(found is not None)
    raw.rejected += len(keep) - sum(keep)
    return relations[np.array(keep, dtype=bool)].reset_index(drop=True)


def _check_order(order, texts, events, raw: _Raw, report) -> pd.DataFrame:
    """Keep the order relations whose quote stands at its offsets; check the dates against them."""
    if order.empty:
        return order
    keep, problems = check_order_quotes(order, texts)
    problems += check_order(order[keep], events)
    for problem in problems:
        report.add(raw.file, problem.row, raw.labels.get(problem.column, problem.column),
                   problem.value, problem.message)
    raw.rejected += int((~keep).sum())
    return order[keep].reset_index(drop=True)


def _check_attested(events, attestations, events_file, report) -> None:
    unattested = events[~_isin(events["id"], attestations["event_id"])]
    report.add_rows(events_file, unattested, "id", "this event has no valid attestation: every "
                    "event needs at least one quote from a source (it is still shown) — add a "
                    "row for it to attestations.csv")


# --- dates ----------------------------------------------------------------------------------

# Years written without their leading zeros (as spreadsheets leave them), months or days too.
_SHORT_YEAR = r"(?P<year>\d{1,3}|\d{4})(?:-(?P<month>\d{1,2}))?(?:-(?P<day>\d{1,2}))?(?P<q>[?~%]?)"
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{1,4})")


def _pad_dates(values: pd.Series) -> pd.Series:
    """Write short years, months and days with their zeros: '656-6-17' -> '0656-06-17'."""
    parts = values.str.extract(f"^{_SHORT_YEAR}$")
    matched = parts["year"].notna()
    if not matched.any():
        return values
    parts = parts[matched].fillna("")
    padded = parts["year"].str.zfill(4)
    for column in ("month", "day"):
        given = parts[column] != ""
        padded = padded.where(~given, padded + "-" + parts[column].str.zfill(2))
    padded = padded + parts["q"]
    out = values.copy()
    out[matched] = padded
    return out


def _slashed_hint(value: str) -> str | None:
    """For a spreadsheet date such as 06/17/0656, the EDTF to write instead."""
    match = _SLASHED.fullmatch(value)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[2]), match[3].zfill(4)
    readings = []
    if 1 <= first <= 12 and 1 <= second <= 31:
        readings.append(f"{year}-{first:02d}-{second:02d}")
    if 1 <= second <= 12 and 1 <= first <= 31 and first != second:
        readings.append(f"{year}-{second:02d}-{first:02d}")
    if not readings:
        return f"{value!r} is not a date — write dates as EDTF, e.g. 0656-06-17"
    if len(readings) == 1:
        return (f"{value!r} looks like a spreadsheet date; the atlas reads EDTF — write "
                f"{readings[0]}")
    return (f"{value!r} is a spreadsheet date that reads either month/day ({readings[0]}) or "
            f"day/month ({readings[1]}) — write the one you mean, as EDTF")


def _words(start: str, end: str) -> str:
    if not start:
        return "undated"
    return describe_edtf(start) if not end else f"{describe_edtf(start)} to {describe_edtf(end)}"


def _add_dates(events, raw: _Raw, lenient: bool, report) -> pd.DataFrame:
    events_file = raw.file
    if lenient:
        for column in ("start", "end"):
            padded = _pad_dates(events[column])
            changed = padded != events[column]
            if changed.any():
                label = raw.labels.get(column, column)
                for row, old, new in zip(events.loc[changed, ROW], events.loc[changed, column],
                                         padded[changed], strict=True):
                    report.add(events_file, row, label, old, f"read as {new} — write dates as "
                               f"EDTF, with four-digit years, e.g. {new}", NOTICE)
                events = events.assign(**{column: padded})
    pairs = events[["start", "end"]].drop_duplicates()
    rows = []
    for start, end in pairs.itertuples(index=False):
        if not start:
            rows.append((start, end, None, None, "", False, False, "undated", "", None))
            continue
        try:
            b = event_bounds(start, end or None)
            rows.append((start, end, b.earliest, b.latest, b.precision, b.approximate, b.uncertain,
                         _words(start, end), describe_ah(b), None))
        except (DateError, ValueError, ArithmeticError) as exc:
            rows.append((start, end, None, None, "", False, False, "undated", "", str(exc)))
    columns = ["start", "end", schema.EARLIEST, schema.LATEST, schema.PRECISION,
               schema.APPROXIMATE, schema.UNCERTAIN, schema.DATE_WORDS, schema.AH_WORDS, "_error"]
    parsed = pd.DataFrame(rows, columns=columns)
    parsed = parsed.astype({"start": str, "end": str})
    events = events.merge(parsed, on=["start", "end"], how="left", sort=False)

    bad = events[events["_error"].notna()]
    for row, start, end, message in zip(bad[ROW], bad["start"], bad["end"], bad["_error"],
                                        strict=True):
        column = "end" if end and _parses(start) else "start"
        value = end if column == "end" else start
        message = _slashed_hint(value) or message
        report.add(events_file, row, raw.labels.get(column, column), value,
                   f"{message}; the event is kept but listed as undated")
    events = events.drop(columns="_error")

    for column in (schema.EARLIEST, schema.LATEST):
        events[column] = events[column].astype("Int64")
    events[schema.HAS_DATE] = events[schema.EARLIEST].notna()
    best = (events[schema.EARLIEST] + events[schema.LATEST]) // 2
    events[schema.BEST] = best.astype("Int64")
    for column, iso in ((schema.EARLIEST, schema.EARLIEST_ISO), (schema.LATEST, schema.LATEST_ISO),
                        (schema.BEST, schema.BEST_ISO)):
        events[iso] = _iso_column(events[column])
    return events


def _parses(text: str) -> bool:
    try:
        parse_edtf(text)
    except (DateError, ValueError, ArithmeticError):
        return False
    return True


def _iso_column(jdns: pd.Series) -> pd.Series:
    out = pd.Series("", index=jdns.index, dtype="str")
    known = jdns.notna()
    if known.any():
        out[known] = jdns_to_iso(jdns[known].astype("int64").to_numpy())
    return out


def _source_dates(attestations, sources, attestations_file, lenient, report) -> pd.DataFrame:
    dated = attestations[(attestations["differs_field"] == schema.DATE_FIELD)
                         & (attestations["differs_value"] != "")]
    if lenient and len(dated):
        dated = dated.assign(differs_value=_pad_dates(dated["differs_value"]))
    rows = []
    for rec in dated[[ROW, "id", "event_id", "source_id", "differs_value", "authority"]].itertuples(
        index=False
    ):
        row, att_id, event_id, source_id, value, authority = rec
        try:
            b = parse_edtf(value)
        except (DateError, ValueError, ArithmeticError) as exc:
            hint = _slashed_hint(value) or f"a date must be an EDTF string: {exc}"
            report.add(attestations_file, row, "differs_value", value,
                       f"{hint}; this source's date is not drawn")
            continue
        rows.append((att_id, event_id, source_id, value, authority, b.earliest, b.latest,
                     describe_edtf(value)))
    frame = pd.DataFrame(rows, columns=["attestation_id", "event_id", "source_id", "value",
                                        "authority", schema.EARLIEST, schema.LATEST,
                                        schema.DATE_WORDS])
    frame = frame.astype({schema.EARLIEST: "int64", schema.LATEST: "int64"})
    frame[schema.BEST] = (frame[schema.EARLIEST] + frame[schema.LATEST]) // 2
    frame[schema.BEST_ISO] = jdns_to_iso(frame[schema.BEST].to_numpy())
    frame[schema.EARLIEST_ISO] = jdns_to_iso(frame[schema.EARLIEST].to_numpy())
    frame[schema.LATEST_ISO] = jdns_to_iso(frame[schema.LATEST].to_numpy())
    labels = sources.set_index("id")["short"]
    frame["source_label"] = _lookup(frame["source_id"], labels, frame["source_id"])
    return frame


# --- derived tables -------------------------------------------------------------------------


def _places_frame(places) -> gpd.GeoDataFrame:
    geometry = gpd.points_from_xy(places["lon"].astype(float), places["lat"].astype(float))
    return gpd.GeoDataFrame(places, geometry=geometry, crs="EPSG:4326")


def _event_factions(events, participants, people) -> pd.DataFrame:
    acting = events[["id", "faction_id"]].rename(columns={"id": "event_id"})
    through_people = participants.merge(people[["id", "faction_id"]], left_on="person_id",
                                        right_on="id")[["event_id", "faction_id"]]
    both = pd.concat([acting, through_people], ignore_index=True)
    both = both[both["faction_id"] != ""]
    return both[_isin(both["event_id"], events["id"])].drop_duplicates(ignore_index=True)


def _lookup(keys: pd.Series, values: pd.Series, default) -> pd.Series:
    """``keys.map(values)`` as strings, ``default`` where a key is not found (or nothing is)."""
    found = keys.map(values).astype(object)
    return found.where(found.notna(), default).astype(str)


def _joined_by_event(events, frame, column, separator=" ") -> pd.Series:
    """For each event, the ``column`` values of its rows in ``frame``, joined by ``separator``."""
    # groupby-sum concatenates in Cython; a join per group would call Python once per event.
    joined = (frame[column].astype(str) + separator).groupby(frame["event_id"], sort=False).sum()
    joined = joined.str.slice(0, -len(separator)) if len(joined) else joined
    return events["id"].map(joined).astype(object).fillna("")


def _describe_events(events, tables, places, attestations, event_sources, participants):
    """Add names, colours, source labels and the folded search text to each event."""
    place_names = places.set_index("id")["name"]
    factions = tables[schema.FACTIONS].set_index("id")
    episodes = tables[schema.EPISODES].set_index("id")
    events = events.assign(**{
        schema.PLACE_NAME: _lookup(events["place_id"], place_names, ""),
        schema.FACTION_NAME: _lookup(events["faction_id"], factions["name"], ""),
        schema.COLOUR: _lookup(events["faction_id"], factions["colour"], _UNKNOWN_COLOUR),
        schema.EPISODE_NAME: _lookup(events["episode"], episodes["name"], events["episode"]),
    })
    labels = tables[schema.SOURCES].set_index("id")["short"]
    with_labels = event_sources.assign(label=event_sources["source_id"].map(labels))
    events[schema.SOURCE_LABELS] = _joined_by_event(events, with_labels, "label", "; ")

    people = tables[schema.PEOPLE]
    person_text = people["name"] + " " + people["aliases"].str.replace(
        schema.ALIAS_SEPARATOR, " ", regex=False)
    named = participants.assign(text=_lookup(
        participants["person_id"], pd.Series(person_text.to_numpy(), index=people["id"]), ""))
    place_text = places["name"] + " " + places["aliases"].str.replace(
        schema.ALIAS_SEPARATOR, " ", regex=False)
    place_text = pd.Series(place_text.to_numpy(), index=places["id"])
    text = (events["title"] + " " + events["summary"] + " "
            + _lookup(events["place_id"], place_text, "") + " "
            + _joined_by_event(events, named, "text") + " "
            + _joined_by_event(events, attestations, "quote"))
    events[schema.SEARCH_TEXT] = fold_series(text)
    return events


# --- geometry layers ------------------------------------------------------------------------


# The properties the app reads from each layer; a layer without some gets them empty.
_LAYER_COLUMNS = {
    schema.ROUTES_FILE: ("id", "event_id", "name", "faction_id", "certainty", "note", "reference"),
    schema.REGIONS_FILE: ("id", "name", "certainty", "note"),
}


def _empty_layer(name: str) -> gpd.GeoDataFrame:
    columns = {c: pd.Series(dtype="str") for c in _LAYER_COLUMNS[name]}
    return gpd.GeoDataFrame({**columns, ROW: pd.Series(dtype="int64")}, geometry=[],
                            crs="EPSG:4326")


def _read_layer(geo_dir, name, report, valid_events, tables) -> tuple[gpd.GeoDataFrame, TableCount]:
    path = geo_dir / name
    empty = _empty_layer(name)
    nothing = TableCount(0, 0, 0)
    if not geo_dir.is_dir():
        return empty, nothing
    if not path.is_file():
        report.add(name, None, None, None, "there is no such layer in the geometry folder, so "
                   "none is drawn", NOTICE)
        return empty, nothing
    if not _inside(geo_dir, name):
        report.add(name, None, None, None, "the layer is a link to a file outside the geometry "
                   "folder, so it was not read — put the GeoJSON file itself there")
        return empty, nothing
    try:
        features, feature_problems = geojson.read_features(path)
    except geojson.Refused as exc:
        report.add(name, None, None, None, f"this layer is not GeoJSON ({exc}), so it was not "
                   "read — save it as a GeoJSON FeatureCollection in longitude/latitude "
                   "(EPSG:4326)")
        return empty, nothing
    for problem in feature_problems:
        report.add(name, problem.number, "geometry", None, f"feature {problem.number}: "
                   f"{problem.message}; the feature was left out — write each feature as GeoJSON "
                   "with [longitude, latitude] coordinates")
    layer = _layer_frame(name, features, report)
    read = len(features) + len(feature_problems)
    if layer.empty:
        return empty, TableCount(read, 0, read)
    if not layer["id"].astype(bool).any():
        report.add(name, None, "id", None, "the features have no 'id' property — give each "
                   "feature an id")
        return empty, TableCount(read, 0, read)
    keep = pd.Series(True, index=layer.index)
    bounds = layer.geometry.bounds
    out_of_range = ((bounds["minx"] < -180) | (bounds["maxx"] > 180)
                    | (bounds["miny"] < -90) | (bounds["maxy"] > 90) | layer.geometry.is_empty
                    | layer.geometry.isna() | bounds["minx"].isna())
    for row, ident in zip(layer.loc[out_of_range, ROW], layer.loc[out_of_range, "id"], strict=True):
        report.add(name, row, "geometry", ident, "the geometry is empty or outside longitude "
                   "-180..180 / latitude -90..90; the feature was left out — write coordinates "
                   "as [longitude, latitude]")
    keep &= ~out_of_range
    if valid_events is not None:
        for column, known in (("event_id", valid_events),
                              ("faction_id", set(tables[schema.FACTIONS]["id"]))):
            values = layer[column].fillna("") if column in layer else pd.Series("", index=layer.index)
            unknown = ~_isin(values.astype(str), known)
            for row, value in zip(layer.loc[unknown, ROW], values[unknown], strict=True):
                report.add(name, row, column, value, "there is no such id in the data package; "
                           "the feature was left out — correct the id")
            keep &= ~unknown
    kept = layer[keep].reset_index(drop=True)
    return kept, TableCount(read, len(kept), read - len(kept))


def _layer_frame(name: str, features: list[geojson.Feature], report: _Report) -> gpd.GeoDataFrame:
    """The features' geometry and the properties the app reads, as text (missing ones empty)."""
    columns = {column: [] for column in _LAYER_COLUMNS[name]}
    for feature in features:
        for column, values in columns.items():
            value = feature.properties.get(column)
            if isinstance(value, dict | list):
                report.add(name, feature.number, column, _shorten(json.dumps(value)),
                           "this property must be text, so it was left empty")
                value = None
            values.append("" if value is None else str(value))
    frame = {column: pd.Series(values, dtype="str") for column, values in columns.items()}
    frame[ROW] = pd.Series([f.number for f in features], dtype="int64")
    return gpd.GeoDataFrame(frame, geometry=[f.geometry for f in features], crs="EPSG:4326")


def _empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the atlas's own columns for table ``name``."""
    try:
        resource = _resource(name, _bundled_resources().get(name), None, set(), False)
    except (OSError, ValueError):
        return pd.DataFrame(columns=[ROW])
    return _convert_types(_empty_raw(resource).frame, resource.fields)


def _empty_package(report: _Report, described: bool = True) -> Package:
    """A package with no rows but every column, for a package that cannot be read at all."""
    try:
        tables = {name: _empty_frame(name) for name in _TABLES}
        empty_raw = _Raw(file="events.csv", frame=tables[schema.EVENTS], labels={})
        tables[schema.EVENTS] = _add_dates(tables[schema.EVENTS], empty_raw, False, _Report())
        source_dates = _source_dates(tables[schema.ATTESTATIONS], tables[schema.SOURCES], "",
                                     False, _Report())
        package = _package(tables, {}, _empty_layer(schema.ROUTES_FILE),
                           _empty_layer(schema.REGIONS_FILE), source_dates, report, described)
        return _replace_counts(package, {name: TableCount(0, 0, 0) for name in
                                         (*_TABLES, *LAYERS)})
    except Exception:  # noqa: BLE001 - a bare package is better than a traceback
        empty_geo = gpd.GeoDataFrame({"id": pd.Series(dtype="str")}, geometry=[], crs="EPSG:4326")
        frame = pd.DataFrame
        return Package(
            sources=frame(), factions=frame(), episodes=frame(), places=empty_geo,
            people=frame(), events=frame(), attestations=frame(), participants=frame(),
            routes=empty_geo, regions=empty_geo, event_sources=frame(), event_factions=frame(),
            source_dates=frame(), problems=tuple(report.problems), described=described,
        )


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
