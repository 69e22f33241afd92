"""Which source says what: voices, coverage, the events x sources matrix and the disputed points.

A *voice* is a source speaking in its own name (``002``) or an authority that a source cites
(``002`` citing Madelung). The comparison pages put voices side by side; nothing here flattens
two accounts into one.
"""

from __future__ import annotations

import pandas as pd

from atlas import schema
from atlas.detail import date_in_words
from atlas.package.types import Package

ATTESTED = "attested"
DIFFERS = "attested, differs"
ABSENT = "not mentioned"
MATRIX_STATES = (ATTESTED, DIFFERS, ABSENT)
# What a cell of the matrix shows: a symbol as well as a colour, so that it reads without colour.
MATRIX_SYMBOLS = {ATTESTED: "✓ attested", DIFFERS: "≠ differs", ABSENT: "· not mentioned"}
VOICE_SEPARATOR = " › "


def voice_of(source_id: pd.Series, authority: pd.Series) -> pd.Series:
    """The voice id of each attestation: the source id, or 'source › authority' when it cites one."""
    authority = authority.fillna("")
    return source_id.where(authority == "", source_id + VOICE_SEPARATOR + authority)


def voices(package: Package, event_ids=None) -> pd.DataFrame:
    """Every voice that speaks about ``event_ids`` (all events when None), sources first.

    Returns
    -------
    pandas.DataFrame
        Columns ``voice``, ``source_id``, ``authority``, ``label`` (for people: "Encyclopedia
        (002)" or "Encyclopedia (002) citing Madelung"), in source order, each source's own
        voice before the authorities it cites.
    """
    attestations = package.attestations
    if event_ids is not None:
        attestations = attestations[attestations["event_id"].isin(event_ids)]
    found = attestations[["source_id", "authority"]].drop_duplicates()
    own = pd.DataFrame({"source_id": found["source_id"].unique(), "authority": ""})
    table = pd.concat([own, found[found["authority"] != ""]], ignore_index=True)
    table = table.drop_duplicates(ignore_index=True)
    labels = package.sources.set_index("id")["short"]
    source_label = table["source_id"].map(labels).fillna(table["source_id"])
    source_label = source_label + " (" + table["source_id"] + ")"
    table["voice"] = voice_of(table["source_id"], table["authority"])
    table["label"] = source_label.where(table["authority"] == "",
                                        source_label + " citing " + table["authority"])
    order = {sid: i for i, sid in enumerate(package.sources["id"])}
    table["_order"] = table["source_id"].map(order)
    table = table.sort_values(["_order", "authority"], kind="stable", ignore_index=True)
    return table[["voice", "source_id", "authority", "label"]]


def source_matrix(package: Package, events: pd.DataFrame, sort: str = "date",
                  limit: int | None = None) -> pd.DataFrame:
    """The events x sources matrix: for each event and source, attested, differs or not mentioned.

    Parameters
    ----------
    package : Package
        The loaded data.
    events : pandas.DataFrame
        The events to list (the filtered selection).
    sort : {"date", "episode"}
        Order rows by earliest date, or by episode (in the package's episode order) then date.
    limit : int, optional
        Keep only the first ``limit`` rows in that order (the cells are built for those only).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``Event``, ``Date``, ``Episode`` and one column per source (its id),
        each cell one of :data:`MATRIX_STATES`.
    """
    episode_order = {eid: i for i, eid in enumerate(package.episodes["id"])}
    table = pd.DataFrame({
        "id": events["id"].to_numpy(),
        "Event": events["title"].to_numpy(),
        "Date": events[schema.DATE_WORDS].to_numpy(),
        "Episode": events[schema.EPISODE_NAME].to_numpy(),
        "_earliest": events[schema.EARLIEST].to_numpy(),
        "_episode": events["episode"].map(episode_order).to_numpy(),
    })
    keys = ["_earliest"] if sort == "date" else ["_episode", "_earliest"]
    table = table.sort_values(keys, kind="stable", na_position="last", ignore_index=True)
    if limit is not None:
        table = table.head(limit)
    attestations = package.attestations[package.attestations["event_id"].isin(table["id"])]
    differs = attestations["differs_field"].fillna("") != ""
    # A cell differs when any of its attestations does (a vectorised any(): a Python function
    # per cell took over a minute at 100,000 events).
    cells = (attestations.assign(differs=differs)
             .groupby(["event_id", "source_id"])["differs"].any()
             .map({True: DIFFERS, False: ATTESTED})
             .unstack("source_id"))
    cells = cells.reindex(index=table["id"], columns=list(package.sources["id"]))
    cells = cells.astype(object).fillna(ABSENT)
    table = pd.concat([table, cells.reset_index(drop=True)], axis=1)
    return table.drop(columns=["_earliest", "_episode"])


def coverage(package: Package, events: pd.DataFrame) -> pd.DataFrame:
    """How much of ``events`` each source attests.

    Returns
    -------
    pandas.DataFrame
        One row per source (``source_id``, ``label``, ``events``: how many it attests,
        ``alone``: how many only it attests, ``alone_ids``, ``differs``: how many of its
        attestations give a differing version, ``episodes``: the episode names it covers).
    """
    attestations = package.attestations[package.attestations["event_id"].isin(events["id"])]
    pairs = attestations[["event_id", "source_id"]].drop_duplicates()
    per_event = pairs.groupby("event_id")["source_id"].nunique()
    sole = pairs[pairs["event_id"].map(per_event) == 1]
    episode_of = events.set_index("id")[schema.EPISODE_NAME]
    differing = attestations[attestations["differs_field"].fillna("") != ""]
    rows = []
    for source_id, label in package.sources[["id", "short"]].itertuples(index=False):
        mine = pairs.loc[pairs["source_id"] == source_id, "event_id"]
        alone = sole.loc[sole["source_id"] == source_id, "event_id"]
        rows.append({
            "source_id": source_id,
            "label": label,
            "events": len(mine),
            "alone": len(alone),
            "alone_ids": tuple(alone),
            "differs": int((differing["source_id"] == source_id).sum()),
            "episodes": ", ".join(dict.fromkeys(episode_of.reindex(mine).dropna())),
        })
    return pd.DataFrame(rows, columns=["source_id", "label", "events", "alone", "alone_ids",
                                       "differs", "episodes"])


def disputed_points(package: Package, events: pd.DataFrame) -> pd.DataFrame:
    """Every point in dispute among ``events``, one row per voice's value.

    A point is an (event, field) pair for which at least one attestation records a differing
    value (the data's ``differs_field``); all attestations giving a value for it are its rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``event_id``, ``title``, ``field``, ``voice``, ``voice_label``, ``source_id``,
        ``authority``, ``value``, ``quote``, ``locator``, ``attestation_id``, ordered by the
        event's date, then field, then voice.
    """
    attestations = package.attestations
    chosen = attestations[attestations["event_id"].isin(events["id"])
                          & (attestations["differs_field"].fillna("") != "")]
    labels = voices(package).set_index("voice")["label"]
    voice = voice_of(chosen["source_id"], chosen["authority"])
    event_info = events.set_index("id")
    table = pd.DataFrame({
        "event_id": chosen["event_id"].to_numpy(),
        "title": chosen["event_id"].map(event_info["title"]).to_numpy(),
        "field": chosen["differs_field"].to_numpy(),
        "voice": voice.to_numpy(),
        "voice_label": voice.map(labels).to_numpy(),
        "source_id": chosen["source_id"].to_numpy(),
        "authority": chosen["authority"].to_numpy(),
        "value": _values_in_words(chosen).to_numpy(),
        "quote": chosen["quote"].to_numpy(),
        "locator": chosen["locator"].to_numpy(),
        "attestation_id": chosen["id"].to_numpy(),
        "_earliest": chosen["event_id"].map(event_info[schema.EARLIEST]).to_numpy(),
    })
    table = table.sort_values(["_earliest", "event_id", "field", "voice"], kind="stable",
                              na_position="last", ignore_index=True)
    return table.drop(columns="_earliest")


def _values_in_words(attestations: pd.DataFrame) -> pd.Series:
    """Differing values as a person reads them: dates in words with the EDTF kept."""
    values = attestations["differs_value"].copy()
    is_date = attestations["differs_field"] == schema.DATE_FIELD
    values[is_date] = [f"{date_in_words(v)} ({v})" for v in values[is_date]]
    return values


def dispute_keys(disputes: pd.DataFrame) -> list[tuple[str, str]]:
    """The distinct (event id, field) points of a :func:`disputed_points` table, in its order."""
    return list(dict.fromkeys(zip(disputes["event_id"], disputes["field"], strict=True)))


def silent_sources(package: Package, event_id: str, speaking) -> list[str]:
    """The sources that attest ``event_id`` but give no value on a point (``speaking`` do)."""
    attestations = package.attestations
    attesting = attestations.loc[attestations["event_id"] == event_id, "source_id"].unique()
    return [s for s in attesting if s not in set(speaking)]
