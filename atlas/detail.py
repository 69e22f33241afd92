"""What the detail card of one event shows: its facts, each source's account, and where they differ."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from atlas import schema
from atlas.dates import DateError, describe_edtf
from atlas.order import order_lines
from atlas.package.types import Package

_BASIS_WORDS = {
    "stated": "stated in a source",
    "inferred": "inferred from the narrative's order",
    "external": "from outside the sources",
    "unknown": "unknown",
}


@dataclass(frozen=True)
class EventDetail:
    """Everything the card needs about one event, as plain values and small frames."""

    event: pd.Series
    date_basis: str
    people: pd.DataFrame
    accounts: pd.DataFrame
    disagreements: pd.DataFrame
    order: pd.DataFrame = field(default_factory=pd.DataFrame)


def event_detail(package: Package, event_id: str) -> EventDetail | None:
    """Collect the card of ``event_id``; None when there is no such event.

    Parameters
    ----------
    package : Package
        The loaded data.
    event_id : str
        The event's id.

    Returns
    -------
    EventDetail or None
        ``accounts`` has one row per attestation (source title and label, quote, locator,
        authority, differing field and value); ``disagreements`` has one row per differing
        field and one column per source, each cell that source's value; ``order`` has one row
        per order claim about the event (see :func:`atlas.order.order_lines`).
    """
    rows = package.events[package.events["id"] == event_id]
    if rows.empty:
        return None
    event = rows.iloc[0]
    basis = _BASIS_WORDS.get(event["date_basis"], event["date_basis"])
    if event["date_reference"]:
        basis += f" ({event['date_reference']})"

    people = package.participants[package.participants["event_id"] == event_id].merge(
        package.people[["id", "name"]], left_on="person_id", right_on="id", how="left")
    people = people[["name", "role"]].reset_index(drop=True)

    sources = package.sources[["id", "title", "short", "work_title"]].rename(
        columns={"id": "source_id", "title": "source_title", "short": "source_label"})
    accounts = package.attestations[package.attestations["event_id"] == event_id].merge(
        sources, on="source_id", how="left")
    accounts = accounts.sort_values(["source_id", "start_offset"], kind="stable")
    accounts = accounts[["id", "source_id", "source_label", "source_title", "work_title", "quote",
                         "locator", "authority", "differs_field", "differs_value", "note"]]
    accounts = accounts.reset_index(drop=True)
    is_date = accounts["differs_field"] == schema.DATE_FIELD
    accounts.loc[is_date, "differs_value"] = accounts.loc[is_date, "differs_value"].map(
        date_in_words)
    order = order_lines(package.order, package.events, package.sources, event_id)
    return EventDetail(event, basis, people, accounts, disagreement_table(accounts), order)


def order_in_words(line) -> str:
    """One order claim as the card says it: "001: after Battle of Nahrawan"."""
    return f"{line.source_id}: {line.relation} {line.other_title}"


def date_in_words(value: str) -> str:
    """An EDTF value a source gives, in words ('April 656'); the value itself if it is not EDTF."""
    try:
        return describe_edtf(value)
    except DateError:
        return value


def disagreement_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """Pivot the differing points: a row per field, a column per source, this source's value.

    When one source gives several values for a field (an infobox and its text, or several
    accounts it reports), they are joined with " / " in its cell, each with its authority.
    """
    differing = accounts[accounts["differs_field"].fillna("") != ""]
    if differing.empty:
        return pd.DataFrame()
    value = differing["differs_value"].where(differing["authority"].fillna("") == "",
                                             differing["differs_value"] + " ("
                                             + differing["authority"].fillna("") + ")")
    table = differing.assign(value=value).pivot_table(
        index="differs_field", columns="source_label", values="value",
        aggfunc=" / ".join, sort=False)
    table.index.name = "point"
    table.columns.name = None
    return table.fillna("not stated")


def card_date(event: pd.Series) -> str:
    """The card's date line: CE words, then AH words when there are any."""
    words = event[schema.DATE_WORDS]
    if event[schema.AH_WORDS]:
        words += f" · {event[schema.AH_WORDS]}"
    return words


def events_table(events: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """A plain table of events for reading and for screen readers, in date order.

    With ``limit``, only the first ``limit`` events by date (a browser table of a hundred
    thousand rows helps nobody and costs megabytes per rerun).
    """
    columns = {"title": "Event", schema.DATE_WORDS: "Date (CE)", schema.AH_WORDS: "Date (AH)",
               schema.PLACE_NAME: "Place", schema.FACTION_NAME: "Faction",
               schema.EPISODE_NAME: "Episode", "kind": "Kind", schema.SOURCE_LABELS: "Sources",
               "id": "Id"}
    ordered = events.sort_values(schema.EARLIEST, kind="stable", na_position="last")
    if limit is not None:
        ordered = ordered.head(limit)
    return ordered[list(columns)].rename(columns=columns).reset_index(drop=True)


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The sources as a reader sees them."""
    columns = {"id": "Id", "short": "Label", "title": "Title", "work_title": "Work",
               "author": "Author", "kind": "Kind", "licence": "Licence", "note": "Note"}
    return sources[list(columns)].rename(columns=columns)


def event_place(package: Package, event_id: str) -> str:
    """The place id of ``event_id``, or "" when there is no such event or it has no place."""
    places = package.events.loc[package.events["id"] == event_id, "place_id"]
    return places.iloc[0] if len(places) else ""


def place_name(package: Package, place_id: str) -> str:
    """The name of ``place_id``, or the id itself when it is unknown."""
    names = package.places.loc[package.places["id"] == place_id, "name"]
    return names.iloc[0] if len(names) else place_id
