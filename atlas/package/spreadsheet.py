"""Tables the loader makes for a bare spreadsheet: places from the events' place and lat/lon
columns, factions and episodes from the values the events use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas import schema
from atlas.frames import isin
from atlas.package.columns import Raw, fill_missing
from atlas.package.types import (
    NOTICE,
    ROW,
    UNKNOWN,
    UNKNOWN_COLOUR,
    Report,
)
from atlas.text import fold_series


def _slugs(values: pd.Series, prefix: str) -> pd.Series:
    """Ids for free text ('Ali's party' -> 'alis_party'), distinct for distinct texts."""
    unique = pd.Series(values.unique(), dtype=str)
    slug = fold_series(unique).str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    missing = slug == ""
    slug[missing] = prefix + "_" + pd.Series(np.arange(1, len(slug) + 1).astype(str))[missing]
    repeat = slug.groupby(slug).cumcount()
    slug = slug.where(repeat == 0, slug + "_" + (repeat + 1).astype(str))
    return values.map(pd.Series(slug.to_numpy(), index=unique.to_numpy()))


def derive_places(raws: dict[str, Raw], resources, report: Report) -> None:
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
                   "columns lat and lon (decimal degrees)", NOTICE, code="column-ignored")
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
    raws[schema.PLACES] = derived = Raw(file=events.file, frame=found.reset_index(drop=True),
                                         labels=labels, read=len(found), added=len(found),
                                         separator=events.separator)
    fill_missing(derived, resources[schema.PLACES], True, Report())
    made = "1 place was" if len(found) == 1 else f"{len(found)} places were"
    report.add(events.file, None, labels["name"], None, f"there is no places.csv, so {made} "
               "made from this column and the lat/lon columns", NOTICE, code="default")


def _match_place_names(events: Raw, extra: pd.DataFrame, places: Raw, report) -> None:
    """With places.csv, read an events' place-name column as ids, or as the places' names."""
    for name in ("lat", "lon"):
        if name in extra:
            report.add(events.file, 1, events.labels[name], None, "the places' coordinates come "
                       "from places.csv, so this column was ignored", NOTICE,
                       code="column-ignored")
    if "place_name" not in extra or "place_id" in events.labels:
        if "place_name" in extra:
            report.add(events.file, 1, events.labels["place_name"], None, "the events' places "
                       "come from their place_id column, so this column was ignored", NOTICE,
                       code="column-ignored")
        return
    given = extra["place_name"]
    table = places.frame
    by_name = pd.Series(table["id"].to_numpy(), index=fold_series(table["name"]).to_numpy())
    by_name = by_name[~by_name.index.duplicated()]
    ids = given.where(isin(given, table["id"]), fold_series(given).map(by_name))
    events.frame["place_id"] = ids.fillna(given)
    events.labels["place_id"] = events.labels["place_name"]
    report.add(events.file, 1, events.labels["place_name"], None, "read as the places' ids, or "
               "their names in places.csv", NOTICE, code="column-alias")


def derive_ids(raws, resources, table: str, users: list[tuple[str, str]], report) -> None:
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
                       NOTICE, code="default")
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
    raws[table] = derived = Raw(file=file, frame=frame, labels={}, read=len(frame),
                                 added=len(frame))
    fill_missing(derived, resources[table], True, Report())
    made = f"1 {table.rstrip('s')} was" if len(frame) == 1 else f"{len(frame)} {table} were"
    report.add(file, None, users[0][1], None, f"there is no {table}.csv, so {made} made from "
               "this column's values", NOTICE, code="default")


def _gave_unknown(raw: Raw, column: str) -> bool:
    """Whether the loader itself wrote 'unknown' into some of ``raw``'s ``column``."""
    return (column in raw.defaulted or column in raw.filled) and bool(
        (raw.frame[column] == UNKNOWN).any())


def _unknown_row(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    values = {"id": UNKNOWN, "name": UNKNOWN.capitalize(), "description": "Not given in the data.",
              "colour": UNKNOWN_COLOUR, ROW: 0}
    if table == schema.EPISODES and "order" in frame:
        orders = pd.to_numeric(frame["order"], errors="coerce")
        values["order"] = str(int(orders.max()) + 1 if orders.notna().any() else 1)
    return pd.DataFrame([{c: values.get(c, "") for c in frame.columns}])
