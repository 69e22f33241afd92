"""The events' dates: EDTF read into bounds, spreadsheet dates padded or explained, and the
dates each source gives where it differs.
"""

from __future__ import annotations

import re

import pandas as pd

from atlas import schema
from atlas.dates import DateError, describe_ah, describe_edtf, event_bounds, jdns_to_iso, parse_edtf
from atlas.frames import lookup
from atlas.package.columns import Raw
from atlas.package.types import (
    NOTICE,
    ROW,
)

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


def add_dates(events, raw: Raw, lenient: bool, report) -> pd.DataFrame:
    """Add each event's bounds, precision and dates in words; unreadable dates are reported."""
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
                               f"EDTF, with four-digit years, e.g. {new}", NOTICE, code="date-padded")
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
                   f"{message}; the event is kept but listed as undated", code="date")
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


def read_source_dates(attestations, sources, attestations_file, lenient, report) -> pd.DataFrame:
    """The dates the sources give where they differ (``differs_field`` date), with bounds."""
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
                       f"{hint}; this source's date is not drawn", code="date")
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
    frame["source_label"] = lookup(frame["source_id"], labels, frame["source_id"])
    return frame
