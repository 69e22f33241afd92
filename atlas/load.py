"""Read and validate a data package: typed frames plus a report of problems.

The package's ``datapackage.json`` declares every table's fields, types, constraints, primary
and foreign keys; this module enforces them with vectorised pandas, then checks what a schema
cannot say: EDTF dates, quotes against the source texts, one attestation per event, and the
geometry layers. Nothing raises: every problem becomes a :class:`Problem` naming the file, row,
column and value, and valid rows are kept.

What happens to a row with a problem is said in the problem's message:

- a missing or malformed *required* value, a duplicate id or a reference to nothing in a
  required column leaves the row out (the rest of the package cannot trust it);
- a malformed *optional* value is set aside (treated as empty) and the row is kept;
- an event whose date cannot be read is kept and listed as undated;
- an attestation whose quote is not in its source is left out.

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas import schema
from atlas.dates import DateError, describe_ah, describe_edtf, event_bounds, jdns_to_iso, parse_edtf
from atlas.paths import DATA_DIR, GEO_DIR
from atlas.text import fold_series, squash_whitespace

ERROR = "error"
NOTICE = "notice"
ROW = "_row"

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


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
class Package:
    """A loaded data package: one typed frame per table, derived tables, and the problems found.

    Frames are shared (cached) between users of the app: treat them as read-only.
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

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors (not notices)."""
        return [p for p in self.problems if p.severity == ERROR]


def load_package(data_dir: Path = DATA_DIR, geo_dir: Path = GEO_DIR) -> Package:
    """Load and validate the data package in ``data_dir`` and the layers in ``geo_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder holding ``datapackage.json``, the CSV tables and the source texts.
    geo_dir : pathlib.Path
        Folder holding ``routes.geojson`` and ``regions.geojson``.

    Returns
    -------
    Package
        Typed frames of the valid rows and every problem found. Never raises for bad input.
    """
    report = _Report()
    try:
        return _load(Path(data_dir), Path(geo_dir), report)
    except Exception as exc:  # noqa: BLE001 - the last guard: no traceback reaches a user
        report.add(schema.DESCRIPTOR, None, None, None, f"the package could not be read ({exc})")
        return _empty_package(report)


class _Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file, row, column, value, message, severity=ERROR) -> None:
        row = None if row is None else int(row)
        value = None if value is None else str(value)
        self.problems.append(Problem(file, row, column, value, message, severity))

    def add_rows(self, file, frame, column, message, severity=ERROR) -> None:
        """Report one problem per row of ``frame`` (vectorised callers pass the bad rows)."""
        for row, value in zip(frame[ROW], frame[column], strict=True):
            self.add(file, row, column, value, message, severity)


def _load(data_dir: Path, geo_dir: Path, report: _Report) -> Package:
    descriptor_path = data_dir / schema.DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        resources = {r["name"]: r for r in descriptor["resources"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.add(schema.DESCRIPTOR, None, None, None, f"cannot read the package description: {exc}")
        return _empty_package(report)

    tables: dict[str, pd.DataFrame] = {}
    for name in schema.TABLES:
        resource = resources.get(name)
        if resource is None:
            report.add(schema.DESCRIPTOR, None, None, name, "the package does not describe this table")
            tables[name] = pd.DataFrame(columns=[ROW])
            continue
        tables[name] = _read_table(data_dir, resource, tables, resources, report)

    texts = _read_texts(data_dir, tables[schema.SOURCES], resources[schema.SOURCES]["path"], report)
    attestations = _check_quotes(tables[schema.ATTESTATIONS], texts, resources, report)
    events = _add_dates(tables[schema.EVENTS], resources[schema.EVENTS]["path"], report)
    att_file = resources[schema.ATTESTATIONS]["path"]
    source_dates = _source_dates(attestations, tables[schema.SOURCES], att_file, report)
    _check_attested(events, attestations, resources[schema.EVENTS]["path"], report)

    places = _places_frame(tables[schema.PLACES])
    event_sources = attestations[["event_id", "source_id"]].drop_duplicates(ignore_index=True)
    event_factions = _event_factions(events, tables[schema.PARTICIPANTS], tables[schema.PEOPLE])
    events = _describe_events(
        events, tables, places, attestations, event_sources, tables[schema.PARTICIPANTS]
    )
    valid_events = set(events["id"])
    routes = _read_layer(geo_dir, schema.ROUTES_FILE, report, valid_events, tables)
    regions = _read_layer(geo_dir, schema.REGIONS_FILE, report, None, tables)

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
    )


# --- tables ---------------------------------------------------------------------------------


def _read_table(data_dir, resource, tables, resources, report) -> pd.DataFrame:
    file = resource["path"]
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    empty = pd.DataFrame({**{n: pd.Series(dtype="str") for n in names}, ROW: pd.Series(dtype=int)})
    try:
        raw = pd.read_csv(
            data_dir / file, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8"
        )
    except FileNotFoundError:
        report.add(file, None, None, None, "the file is missing")
        return empty
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        report.add(file, None, None, None, f"the file cannot be read as UTF-8 CSV: {exc}")
        return empty

    missing = [n for n in names if n not in raw.columns]
    for name in missing:
        report.add(file, 1, name, None, "this column is missing from the header")
    for name in raw.columns:
        if name not in names:
            report.add(file, 1, name, None, "this column is not in the package description; "
                       "it was ignored", NOTICE)
    if any(f["name"] in missing and f.get("constraints", {}).get("required") for f in fields):
        report.add(file, None, None, None, "a required column is missing, so no row could be read")
        return empty

    frame = raw.reindex(columns=names, fill_value="")
    frame = frame.map(str.strip) if len(frame) else frame
    frame[ROW] = np.arange(2, len(frame) + 2)

    drop = pd.Series(False, index=frame.index)
    primary_key = resource["schema"].get("primaryKey", [])
    primary_key = [primary_key] if isinstance(primary_key, str) else primary_key
    for fld in fields:
        drop |= _check_field(frame, fld, fld["name"] in primary_key, file, report)

    frame = frame[~drop]
    frame = _check_unique(frame, primary_key, file, report)
    for fk in resource["schema"].get("foreignKeys", []):
        frame = _check_foreign_key(frame, fk, fields, tables, resources, file, report)
    return _convert_types(frame, fields).reset_index(drop=True)


def _check_field(frame, fld, in_key, file, report) -> pd.Series:
    """Report bad cells in one column; blank bad optional cells; return rows to leave out."""
    name, kind = fld["name"], fld.get("type", "string")
    constraints = fld.get("constraints", {})
    required = constraints.get("required", False) or in_key
    values = frame[name]
    present = values != ""
    drop = pd.Series(False, index=frame.index)

    def flag(bad: pd.Series, message: str) -> None:
        nonlocal drop
        if not bad.any():
            return
        consequence = "the row was left out" if required else "the value was ignored"
        report.add_rows(file, frame[bad], name, f"{message}; {consequence}")
        if required:
            drop |= bad
        else:
            frame.loc[bad, name] = ""

    if required:
        missing = ~present
        if missing.any():
            report.add_rows(file, frame[missing], name, "this required value is empty; "
                            "the row was left out")
            drop |= missing

    if kind in ("integer", "number"):
        numbers = pd.to_numeric(values.where(present), errors="coerce")
        flag(present & numbers.isna(), "this is not a number")
        if kind == "integer":
            flag(present & numbers.notna() & (numbers % 1 != 0), "this is not a whole number")
        if "minimum" in constraints:
            flag(numbers < constraints["minimum"], f"this is below the minimum "
                 f"{constraints['minimum']}")
        if "maximum" in constraints:
            flag(numbers > constraints["maximum"], f"this is above the maximum "
                 f"{constraints['maximum']}")
    elif kind == "boolean":
        lowered = values.str.lower()
        flag(present & ~lowered.isin(_TRUE | _FALSE), "this is not true or false")

    present = frame[name] != ""
    if "enum" in constraints:
        allowed = constraints["enum"]
        flag(present & ~frame[name].isin(allowed), "this is not one of the allowed values: "
             + ", ".join(map(str, allowed)))
    if "pattern" in constraints:
        matches = frame[name].str.fullmatch(constraints["pattern"])
        flag(present & ~matches, f"this does not have the expected form ({constraints['pattern']})")
    return drop


def _check_unique(frame, primary_key, file, report) -> pd.DataFrame:
    if not primary_key or frame.empty:
        return frame
    duplicated = frame.duplicated(subset=primary_key, keep="first")
    if duplicated.any():
        column = ", ".join(primary_key)
        keys = frame[primary_key].agg(" / ".join, axis=1)
        first_row = frame[ROW].groupby(keys, sort=False).first()
        for row, key in zip(frame.loc[duplicated, ROW], keys[duplicated], strict=True):
            report.add(file, row, column, key, f"this id is already used in row "
                       f"{first_row[key]}; the row was left out")
    return frame[~duplicated]


def _check_foreign_key(frame, fk, fields, tables, resources, file, report) -> pd.DataFrame:
    local = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
    target = fk["reference"]["resource"]
    remote = fk["reference"]["fields"]
    remote = remote if isinstance(remote, list) else [remote]
    if target not in tables or len(local) != 1:
        return frame
    column = local[0]
    known = set(tables[target][remote[0]]) if remote[0] in tables[target] else set()
    present = frame[column] != ""
    unknown = present & ~frame[column].isin(known)
    if not unknown.any():
        return frame
    required = next(f for f in fields if f["name"] == column).get("constraints", {}).get("required")
    target_file = resources[target]["path"]
    consequence = "the row was left out" if required else "the value was ignored"
    report.add_rows(file, frame[unknown], column,
                    f"there is no such id in {target_file}; {consequence}")
    if required:
        return frame[~unknown]
    frame = frame.copy()
    frame.loc[unknown, column] = ""
    return frame


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
            converted[name] = values.str.lower().isin(_TRUE)
        else:
            converted[name] = values
    converted[ROW] = frame[ROW]
    return pd.DataFrame(converted, index=frame.index)


# --- source texts and quotes ----------------------------------------------------------------


def _read_texts(data_dir, sources, sources_file, report) -> dict[str, str]:
    texts = {}
    for source_id, path, row in zip(sources["id"], sources["text_path"], sources[ROW], strict=True):
        try:
            texts[source_id] = (data_dir / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = "is missing" if isinstance(exc, FileNotFoundError) else f"cannot be read ({exc})"
            report.add(sources_file, row, "text_path", path, f"the source text {reason}, so its "
                       "quotes cannot be checked")
    return texts


def _check_quotes(attestations, texts, resources, report) -> pd.DataFrame:
    file = resources[schema.ATTESTATIONS]["path"]
    keep = []
    for rec in attestations[[ROW, "source_id", "quote", "start_offset", "end_offset"]].itertuples(
        index=False
    ):
        row, source_id, quote, start, end = rec
        text = texts.get(source_id)
        if text is None:
            report.add(file, row, "quote", quote, f"source {source_id} has no readable text, so the "
                       "quote could not be checked; the attestation was left out")
            keep.append(False)
            continue
        severity, column, message = _quote_verdict(text, quote, start, end)
        if message:
            value = {"quote": quote, "start_offset": start, "end_offset": end}[column]
            report.add(file, row, column, value, message, severity)
        keep.append(severity != ERROR)
    return attestations[np.array(keep, dtype=bool)].reset_index(drop=True)


def _quote_verdict(text, quote, start, end) -> tuple[str | None, str, str]:
    """Decide whether ``quote`` stands at ``text[start:end]``; whitespace may differ."""
    have_offsets = not (pd.isna(start) or pd.isna(end))
    if have_offsets and text[int(start):int(end)] == quote:
        return None, "quote", ""
    if have_offsets and squash_whitespace(text[int(start):int(end)]) == squash_whitespace(quote):
        return NOTICE, "quote", ("the quote matches the text at its offsets apart from whitespace "
                                 "(accepted)")
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text) if pattern else None
    if match is None:
        return ERROR, "quote", ("this quote does not occur in the source text (checked word for "
                                "word, tolerating only whitespace differences); the attestation "
                                "was left out")
    where = f"it is at {match.start()}-{match.end()}"
    if not have_offsets:
        return ERROR, "start_offset", f"the offsets are missing; {where}; the attestation was left out"
    column = "start_offset" if int(start) != match.start() else "end_offset"
    return ERROR, column, (f"the quote is not at offsets {int(start)}-{int(end)}: {where}; "
                           "the attestation was left out")


def _check_attested(events, attestations, events_file, report) -> None:
    unattested = events[~events["id"].isin(attestations["event_id"])]
    report.add_rows(events_file, unattested, "id", "this event has no valid attestation: every "
                    "event needs at least one quote from a source (it is still shown)")


# --- dates ----------------------------------------------------------------------------------


def _words(start: str, end: str) -> str:
    if not start:
        return "undated"
    return describe_edtf(start) if not end else f"{describe_edtf(start)} to {describe_edtf(end)}"


def _add_dates(events, events_file, report) -> pd.DataFrame:
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
        except DateError as exc:
            rows.append((start, end, None, None, "", False, False, "undated", "", str(exc)))
    columns = ["start", "end", schema.EARLIEST, schema.LATEST, schema.PRECISION,
               schema.APPROXIMATE, schema.UNCERTAIN, schema.DATE_WORDS, schema.AH_WORDS, "_error"]
    parsed = pd.DataFrame(rows, columns=columns)
    events = events.merge(parsed, on=["start", "end"], how="left", sort=False)

    bad = events[events["_error"].notna()]
    for row, start, end, message in zip(bad[ROW], bad["start"], bad["end"], bad["_error"],
                                        strict=True):
        column = "end" if end and _parses(start) else "start"
        value = end if column == "end" else start
        report.add(events_file, row, column, value, f"{message}; the event is kept but listed "
                   "as undated")
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
    except DateError:
        return False
    return True


def _iso_column(jdns: pd.Series) -> pd.Series:
    out = pd.Series("", index=jdns.index, dtype="str")
    known = jdns.notna()
    if known.any():
        out[known] = jdns_to_iso(jdns[known].astype("int64").to_numpy())
    return out


def _source_dates(attestations, sources, attestations_file, report) -> pd.DataFrame:
    dated = attestations[(attestations["differs_field"] == schema.DATE_FIELD)
                         & (attestations["differs_value"] != "")]
    rows = []
    for rec in dated[[ROW, "id", "event_id", "source_id", "differs_value", "authority"]].itertuples(
        index=False
    ):
        row, att_id, event_id, source_id, value, authority = rec
        try:
            b = parse_edtf(value)
        except DateError as exc:
            report.add(attestations_file, row, "differs_value", value,
                       f"a date must be an EDTF string: {exc}; this source's date is not drawn")
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
    frame["source_label"] = frame["source_id"].map(labels).fillna(frame["source_id"])
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
    return both[both["event_id"].isin(events["id"])].drop_duplicates(ignore_index=True)


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
        schema.PLACE_NAME: events["place_id"].map(place_names).fillna(""),
        schema.FACTION_NAME: events["faction_id"].map(factions["name"]).fillna(""),
        schema.COLOUR: events["faction_id"].map(factions["colour"]).fillna("#999999"),
        schema.EPISODE_NAME: events["episode"].map(episodes["name"]).fillna(events["episode"]),
    })
    labels = tables[schema.SOURCES].set_index("id")["short"]
    with_labels = event_sources.assign(label=event_sources["source_id"].map(labels))
    events[schema.SOURCE_LABELS] = _joined_by_event(events, with_labels, "label", "; ")

    people = tables[schema.PEOPLE]
    person_text = people["name"] + " " + people["aliases"].str.replace(
        schema.ALIAS_SEPARATOR, " ", regex=False)
    named = participants.assign(text=participants["person_id"].map(
        pd.Series(person_text.to_numpy(), index=people["id"])).fillna(""))
    place_text = places["name"] + " " + places["aliases"].str.replace(
        schema.ALIAS_SEPARATOR, " ", regex=False)
    place_text = pd.Series(place_text.to_numpy(), index=places["id"])
    text = (events["title"] + " " + events["summary"] + " "
            + events["place_id"].map(place_text).fillna("") + " "
            + _joined_by_event(events, named, "text") + " "
            + _joined_by_event(events, attestations, "quote"))
    events[schema.SEARCH_TEXT] = fold_series(text)
    return events


# --- geometry layers ------------------------------------------------------------------------


def _read_layer(geo_dir, name, report, valid_events, tables) -> gpd.GeoDataFrame:
    path = geo_dir / name
    empty = gpd.GeoDataFrame({"id": pd.Series(dtype="str")}, geometry=[], crs="EPSG:4326")
    try:
        layer = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - GDAL raises many kinds; all mean "unreadable"
        report.add(name, None, None, None, f"the layer cannot be read ({exc})")
        return empty
    layer = layer.reset_index(drop=True)
    # Features are numbered from 1 in the order of the file.
    layer[ROW] = np.arange(1, len(layer) + 1)
    if layer.crs is None:
        layer = layer.set_crs("EPSG:4326")
    keep = pd.Series(True, index=layer.index)
    if "id" not in layer:
        report.add(name, None, "id", None, "the features have no 'id' property")
        return empty
    bounds = layer.geometry.bounds
    out_of_range = ((bounds["minx"] < -180) | (bounds["maxx"] > 180)
                    | (bounds["miny"] < -90) | (bounds["maxy"] > 90) | layer.geometry.is_empty)
    for row, ident in zip(layer.loc[out_of_range, ROW], layer.loc[out_of_range, "id"], strict=True):
        report.add(name, row, "geometry", ident, "the geometry is empty or outside longitude "
                   "-180..180 / latitude -90..90; the feature was left out")
    keep &= ~out_of_range
    if valid_events is not None:
        for column, known in (("event_id", valid_events),
                              ("faction_id", set(tables[schema.FACTIONS]["id"]))):
            values = layer[column].fillna("") if column in layer else pd.Series("", index=layer.index)
            unknown = ~values.isin(known)
            for row, value in zip(layer.loc[unknown, ROW], values[unknown], strict=True):
                report.add(name, row, column, value, "there is no such id in the data package; "
                           "the feature was left out")
            keep &= ~unknown
    return layer[keep].reset_index(drop=True)


def _empty_package(report: _Report) -> Package:
    empty_geo = gpd.GeoDataFrame({"id": pd.Series(dtype="str")}, geometry=[], crs="EPSG:4326")
    frame = pd.DataFrame
    return Package(
        sources=frame(), factions=frame(), episodes=frame(), places=empty_geo, people=frame(),
        events=frame(), attestations=frame(), participants=frame(), routes=empty_geo,
        regions=empty_geo, event_sources=frame(), event_factions=frame(), source_dates=frame(),
        problems=tuple(report.problems),
    )


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
