"""Who's who and the gazetteer: people with their spellings and relations, places with their ids."""

from __future__ import annotations

import pandas as pd

from atlas import escape, schema
from atlas.package.types import Package


def spellings(aliases: str) -> list[str]:
    """The spellings in an aliases cell ('Othman|Usman'), without blanks or repeats."""
    return list(dict.fromkeys(a.strip() for a in str(aliases).split(schema.ALIAS_SEPARATOR)
                              if a.strip()))


def people_table(package: Package) -> pd.DataFrame:
    """Everyone, as a reader sees them: name, spellings, Arabic, faction, role, number of events."""
    people = package.people
    factions = package.factions.set_index("id")["name"]
    counts = package.participants.groupby("person_id")["event_id"].nunique()
    return pd.DataFrame({
        "Name": people["name"].to_numpy(),
        "Spellings in the sources": people["aliases"].map(lambda a: ", ".join(spellings(a))).to_numpy(),
        "Arabic": people["arabic"].to_numpy(),
        "Faction": people["faction_id"].map(factions).fillna("").to_numpy(),
        "Role": people["role"].to_numpy(),
        "Events": people["id"].map(counts).fillna(0).astype(int).to_numpy(),
        "id": people["id"].to_numpy(),
    })


def person_relations(package: Package, person_id: str) -> pd.DataFrame:
    """The relations the sources state between ``person_id`` and others, both directions.

    Returns
    -------
    pandas.DataFrame
        Columns ``other_id``, ``Person``, ``Relation`` (what that person is to ``person_id``, or
        what ``person_id`` is to them, in words), ``Source``, ``Quote``, ``Note``.
    """
    relations = package.relations
    names = package.people.set_index("id")["name"]
    labels = package.sources.set_index("id")["short"]
    theirs = relations[relations["other_id"] == person_id]
    mine = relations[relations["person_id"] == person_id]
    rows = pd.concat([
        pd.DataFrame({"other_id": theirs["person_id"],
                      "Relation": theirs["relation"],
                      "source_id": theirs["source_id"], "Quote": theirs["quote"],
                      "Note": theirs["note"]}),
        pd.DataFrame({"other_id": mine["other_id"],
                      "Relation": "(" + names.get(person_id, person_id) + " is their) "
                      + mine["relation"],
                      "source_id": mine["source_id"], "Quote": mine["quote"],
                      "Note": mine["note"]}),
    ], ignore_index=True)
    rows.insert(1, "Person", rows["other_id"].map(names).fillna(rows["other_id"]))
    rows["Source"] = rows["source_id"].map(labels).fillna(rows["source_id"]) + " (" \
        + rows["source_id"] + ")"
    return rows[["other_id", "Person", "Relation", "Source", "Quote", "Note"]]


def person_events(package: Package, person_id: str) -> pd.DataFrame:
    """The events ``person_id`` took part in, with their role, in date order."""
    links = package.participants[package.participants["person_id"] == person_id]
    events = package.events.merge(links[["event_id", "role"]], left_on="id",
                                  right_on="event_id", how="inner")
    return events.sort_values(schema.EARLIEST, kind="stable", na_position="last",
                              ignore_index=True)


def places_table(package: Package) -> pd.DataFrame:
    """The gazetteer as a reader sees it: names, coordinates, certainty, number of events."""
    places = package.places
    counts = package.events.groupby("place_id")["id"].size()
    return pd.DataFrame({
        "Name": places["name"].to_numpy(),
        "Spellings": places["aliases"].map(lambda a: ", ".join(spellings(a))).to_numpy(),
        "Arabic": places["arabic"].to_numpy(),
        "Latitude": places["lat"].to_numpy(),
        "Longitude": places["lon"].to_numpy(),
        "Location": places["location_certainty"].to_numpy(),
        "Events": places["id"].map(counts).fillna(0).astype(int).to_numpy(),
        "id": places["id"].to_numpy(),
    })


def place_links(place: pd.Series) -> list[tuple[str, str]]:
    """(label, URL) of each external record of ``place`` whose id is filled in and well formed.

    Only ``https`` links to the known gazetteers are made, and only for ids of their documented
    form (:mod:`atlas.escape`); the loader reports the others.
    """
    links = []
    for column, (label, _template, _form) in escape.GAZETTEERS.items():
        value = str(place.get(column, "") or "").strip()
        url = escape.gazetteer_url(column, value)
        if url:
            links.append((f"{label} {value}", url))
    return links


def place_events(package: Package, place_id: str) -> pd.DataFrame:
    """The events at ``place_id``, in date order."""
    events = package.events[package.events["place_id"] == place_id]
    return events.sort_values(schema.EARLIEST, kind="stable", na_position="last")
