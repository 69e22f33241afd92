"""The loaded package put together: the places as points, the derived tables (event sources,
event factions) and each event's names, colours, source labels and search text.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from atlas import schema
from atlas.frames import isin, lookup
from atlas.package.checks import convert_types
from atlas.package.columns import empty_raw
from atlas.package.descriptor import bundled_resources, make_resource
from atlas.package.types import (
    ORDER,
    RELATIONS,
    ROW,
    UNKNOWN_COLOUR,
    Package,
)
from atlas.text import fold_series


def assemble_package(tables, texts, routes, regions, source_dates, report, described) -> Package:
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
        stories=tables[schema.STORIES],
        story_steps=tables[schema.STORY_STEPS],
    )


def _places_frame(places) -> gpd.GeoDataFrame:
    geometry = gpd.points_from_xy(places["lon"].astype(float), places["lat"].astype(float))
    return gpd.GeoDataFrame(places, geometry=geometry, crs="EPSG:4326")


def _event_factions(events, participants, people) -> pd.DataFrame:
    acting = events[["id", "faction_id"]].rename(columns={"id": "event_id"})
    through_people = participants.merge(people[["id", "faction_id"]], left_on="person_id",
                                        right_on="id")[["event_id", "faction_id"]]
    both = pd.concat([acting, through_people], ignore_index=True)
    both = both[both["faction_id"] != ""]
    return both[isin(both["event_id"], events["id"])].drop_duplicates(ignore_index=True)


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
        schema.PLACE_NAME: lookup(events["place_id"], place_names, ""),
        schema.FACTION_NAME: lookup(events["faction_id"], factions["name"], ""),
        schema.COLOUR: lookup(events["faction_id"], factions["colour"], UNKNOWN_COLOUR),
        schema.EPISODE_NAME: lookup(events["episode"], episodes["name"], events["episode"]),
    })
    labels = tables[schema.SOURCES].set_index("id")["short"]
    with_labels = event_sources.assign(label=event_sources["source_id"].map(labels))
    events[schema.SOURCE_LABELS] = _joined_by_event(events, with_labels, "label", "; ")

    people = tables[schema.PEOPLE]
    person_text = people["name"] + " " + people["aliases"].str.replace(
        schema.ALIAS_SEPARATOR, " ", regex=False)
    named = participants.assign(text=lookup(
        participants["person_id"], pd.Series(person_text.to_numpy(), index=people["id"]), ""))
    place_text = places["name"] + " " + places["aliases"].str.replace(
        schema.ALIAS_SEPARATOR, " ", regex=False)
    place_text = pd.Series(place_text.to_numpy(), index=places["id"])
    text = (events["title"] + " " + events["summary"] + " "
            + lookup(events["place_id"], place_text, "") + " "
            + _joined_by_event(events, named, "text") + " "
            + _joined_by_event(events, attestations, "quote"))
    events[schema.SEARCH_TEXT] = fold_series(text)
    return events


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the atlas's own columns for table ``name``."""
    try:
        resource = make_resource(name, bundled_resources().get(name), None, set(), False)
    except (OSError, ValueError):
        return pd.DataFrame(columns=[ROW])
    return convert_types(empty_raw(resource).frame, resource.fields)
