"""Checking one table against its fields: types, bounds, allowed values, patterns, unique ids and
foreign keys; colours and gazetteer ids whatever the description says.
"""

from __future__ import annotations

import re

import pandas as pd

from atlas import escape
from atlas.frames import isin
from atlas.package.columns import DEFAULTS, Raw, palette
from atlas.package.descriptor import Resource
from atlas.package.types import NOTICE, NOUNS, ROW, shorten

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


# Plain words for the patterns the atlas's description uses.
_PATTERN_HINTS = {
    "^[a-z0-9_]+$": "use only lower-case letters a-z, digits and _, e.g. battle_of_siffin",
    "^[A-Za-z0-9_.-]+$": "use only letters a-z, digits, '.', '-' and '_', e.g. 001",
    "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$": "write a colour as # and six hex digits, e.g. #D55E00",
    "^Q[0-9]+$": "write a Wikidata item as Q and digits, e.g. Q35484",
}


def validate_table(raw: Raw, resource: Resource, tables, files, lenient, report) -> pd.DataFrame:
    """Check one table's cells; return the typed frame of the rows kept."""
    frame = raw.frame.copy()
    fields = resource.fields
    if frame.empty:
        return convert_types(frame, fields).reset_index(drop=True)
    drop = pd.Series(False, index=frame.index)
    why = pd.Series(None, index=frame.index, dtype=object)  # the first reason a row is left out
    for fld in fields:
        loose = (lenient or resource.lenient(fld["name"])) and fld["name"] in DEFAULTS.get(
            resource.name, {})
        drop |= _check_field(frame, fld, fld["name"] in resource.primary_key, loose, raw, report,
                             why)
    raw.rejected += int(drop.sum())
    _remember(frame[drop], why[drop], resource, report)
    frame = frame[~drop]
    frame = _check_unique(frame, resource.primary_key, raw, report)
    for fk in resource.foreign_keys:
        frame = _check_foreign_key(frame, fk, resource, tables, files, raw, report)
    return convert_types(frame, fields).reset_index(drop=True)


def _remember(dropped: pd.DataFrame, why: pd.Series, resource: Resource, report) -> None:
    """Keep why rows were left out, by their id, for the references to them."""
    if dropped.empty or len(resource.primary_key) != 1:
        return
    key = resource.primary_key[0]
    report.reject(resource.name, key, dropped[key], dropped[ROW], why)


def _reasons(labels, values) -> list[str]:
    """Why each row was left out, in a few words: "lat 'north'", "title empty"."""
    return [f"{label} empty" if value == "" else f"{label} '{shorten(str(value), 40)}'"
            for label, value in zip(labels, values, strict=True)]


def _check_field(frame, fld, in_key, loose, raw, report, why) -> pd.Series:
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

    def leave_out(bad: pd.Series) -> None:
        nonlocal drop
        first = bad & why.isna()
        if first.any():
            why[first] = _reasons([label] * int(first.sum()), frame.loc[first, name])
        drop |= bad

    def flag(bad: pd.Series, message: str, code: str) -> None:
        if not bad.any():
            return
        consequence = "the row was left out" if required else "the value was ignored"
        report.add_rows(file, frame[bad], name, f"{message}; {consequence}", label=label,
                        code=code)
        if required:
            leave_out(bad)
        else:
            frame.loc[bad, name] = ""

    if required:
        missing = ~present
        if missing.any():
            report.add_rows(file, frame[missing], name, "this required value is empty; "
                            "the row was left out — fill it in", label=label, code="required")
            leave_out(missing)

    if kind in ("integer", "number"):
        comma = present & values.str.fullmatch(r"-?\d+,\d+")
        if kind == "number" and raw.separator == ";" and comma.any():
            # Spreadsheets that separate cells with ';' write decimals with ',': 24,467.
            frame.loc[comma, name] = values[comma].str.replace(",", ".", regex=False)
            report.add(file, int(frame.loc[comma, ROW].iloc[0]), label, values[comma].iloc[0],
                       f"{int(comma.sum())} number(s) with a decimal comma in this column, from "
                       "this row on, were read with a decimal point", NOTICE, code="decimal-comma")
            values = frame[name]
            comma = pd.Series(False, index=frame.index)
        numbers = pd.to_numeric(values.where(present), errors="coerce")
        flag(present & numbers.isna() & comma, "this is not a number — write decimals with a "
             "point, e.g. 30.05, not a comma", "type")
        flag(present & numbers.isna() & ~comma, "this is not a number — write digits only, "
             "e.g. 30.05", "type")
        if kind == "integer":
            flag(present & numbers.notna() & (numbers % 1 != 0), "this is not a whole number — "
                 "write it without decimals, e.g. 12", "type")
        low, high = constraints.get("minimum"), constraints.get("maximum")
        if low is not None and high is not None:
            hint_low = hint_high = f"write a number from {low} to {high}"
        else:
            hint_low, hint_high = f"write {low} or more", f"write {high} or less"
        if low is not None:
            flag(numbers < low, f"this is below the minimum {low} — {hint_low}", "range")
        if high is not None:
            flag(numbers > high, f"this is above the maximum {high} — {hint_high}", "range")
    elif kind == "boolean":
        lowered = values.str.lower()
        flag(present & ~isin(lowered, _TRUE | _FALSE), "this is not true or false — write true "
             "or false", "type")

    present = frame[name] != ""
    if "enum" in constraints:
        allowed = [str(a) for a in constraints["enum"]]
        flag(present & ~isin(frame[name], allowed), "this is not one of the allowed values: "
             + ", ".join(allowed) + " — use one of them, spelled exactly", "enum")
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        try:
            matches = frame[name].str.fullmatch(pattern)
        except (re.error, ValueError):
            matches = pd.Series(True, index=frame.index)
        hint = _PATTERN_HINTS.get(pattern, f"match the pattern {pattern}")
        flag(present & ~matches.astype(bool), f"this does not have the expected form — {hint}", "pattern")
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
                       f"{first_row[key]}; the row was left out — give each row its own id", code="unique")
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
    unknown = present & ~isin(frame[column], known)
    if not unknown.any():
        return frame
    fld = resource.field(column)
    required = fld.get("constraints", {}).get("required") and column not in raw.defaulted
    consequence = "the row was left out" if required else "the value was ignored"
    label = raw.labels.get(column, column)
    rejected = report.rejection(target, remote[0])
    for row, value in zip(frame.loc[unknown, ROW], frame.loc[unknown, column], strict=True):
        if value in rejected:
            at, why = rejected[value]
            then = (f"this {NOUNS.get(resource.name, 'row')} was left out too" if required else
                    f"this {NOUNS.get(resource.name, 'row')}'s {NOUNS.get(target, 'row')} "
                    "cannot be shown")
            report.add(raw.file, row, label, value, f"{files[target]} row {at} was rejected "
                       f"({why}), so {then} — fix that row", code="fk-rejected")
        else:
            report.add(raw.file, row, label, value, f"there is no such id in {files[target]}; "
                       f"{consequence} — add it there or correct the spelling", code="fk-missing")
    if required:
        raw.rejected += int(unknown.sum())
        dropped = frame[unknown]
        _remember(dropped, pd.Series(_reasons([label] * len(dropped), dropped[column]),
                                     index=dropped.index), resource, report)
        return frame[~unknown]
    frame = frame.copy()
    frame.loc[unknown, column] = ""
    return frame


def check_colours(raw: Raw, report) -> None:
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
                        "e.g. #D55E00", label=raw.labels.get("colour", "colour"), code="colour")
        frame.loc[bad, "colour"] = palette(frame)[bad]


def check_gazetteer_ids(places: pd.DataFrame, raw: Raw, report) -> None:
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
                            label=raw.labels.get(column, column), code="gazetteer-id")
            places.loc[bad, column] = ""


def convert_types(frame, fields) -> pd.DataFrame:
    """The checked string cells as typed columns: Int64, Float64, bool, str."""
    converted = {}
    for fld in fields:
        name, kind = fld["name"], fld.get("type", "string")
        values = frame[name]
        if kind == "integer":
            converted[name] = pd.to_numeric(values.replace("", None)).astype("Int64")
        elif kind == "number":
            converted[name] = pd.to_numeric(values.replace("", None)).astype("Float64")
        elif kind == "boolean":
            converted[name] = isin(values.str.lower(), _TRUE)
        else:
            converted[name] = values.astype(str)
    converted[ROW] = frame[ROW].astype("int64")
    return pd.DataFrame(converted, index=frame.index)
