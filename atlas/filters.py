"""The view's state (filters, window, selection), its URL form, and applying it to events.

Everything here is pure: :meth:`FilterState.from_query` turns query parameters into a state and
polite notices about what it could not use; :meth:`FilterState.to_query` turns it back;
:func:`apply_filters` selects events with vectorised pandas.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from atlas import schema
from atlas.dates import jdn_to_julian, month_bounds, month_index
from atlas.frames import isin as _isin
from atlas.package.types import Package
from atlas.text import fold

# The window of a package with no dated events; otherwise the data decides (see
# :meth:`Vocabulary.from_package`).
DEFAULT_START = month_index(654, 1)
DEFAULT_END = month_index(658, 12)
WINDOW_MIN = month_index(650, 1)
WINDOW_MAX = month_index(660, 12)
# How far the window slider reaches beyond the default window, in months.
REACH_BEFORE = 48
REACH_AFTER = 24
# The months a window may reach: EDTF's four-digit years, 0000 to 9999.
EARLIEST_MONTH = month_index(0, 1)
LATEST_MONTH = month_index(9999, 12)

_MONTH_RE = re.compile(r"^(\d{1,4})-(\d{1,2})$")
# The search text's length (the sidebar's box takes no more).
TEXT_LIMIT = 200

# URL parameter -> FilterState attribute, for the list-valued filters.
LIST_PARAMS = {
    "faction": "factions",
    "source": "sources",
    "kind": "kinds",
    "episode": "episodes",
    "person": "people",
    "place": "places",
    "authority": "authorities",
}


@dataclass(frozen=True)
class Vocabulary:
    """The ids a view may name, taken from a loaded package."""

    factions: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    episodes: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    authorities: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    default_start: int = DEFAULT_START
    default_end: int = DEFAULT_END
    window_min: int = WINDOW_MIN
    window_max: int = WINDOW_MAX

    @classmethod
    def from_package(cls, package: Package) -> Vocabulary:
        """Collect the ids of every filterable thing in ``package``, and its date window.

        The default window runs from January of the year in which the earliest main event may
        have begun to December of the year of the last main event's best date ("main": not
        flagged as context); the slider reaches four years before it and two after, and always
        to every dated event.
        """
        cited = package.attestations["authority"].fillna("")
        window = _data_window(package.events)
        return cls(
            factions=frozenset(package.factions["id"]),
            sources=frozenset(package.sources["id"]),
            kinds=frozenset(package.events["kind"]),
            episodes=frozenset(package.episodes["id"]),
            people=frozenset(package.people["id"]),
            places=frozenset(package.places["id"]),
            authorities=frozenset(cited[cited != ""]),
            events=frozenset(package.events["id"]),
            **window,
        )

    def default_state(self) -> FilterState:
        """The view a new visitor sees: no filters, the data's default window."""
        return FilterState(start=self.default_start, end=self.default_end)


def _data_window(events: pd.DataFrame) -> dict[str, int]:
    # Only the date columns: a copy of every column (the texts) would stay in the process's heap.
    columns = [c for c in (schema.HAS_DATE, "context", schema.EARLIEST, schema.BEST, schema.LATEST)
               if c in events]
    events = events[columns]
    dated = events[events[schema.HAS_DATE].astype(bool)] if len(events) else events
    if dated.empty:
        return {}
    main = dated[~dated["context"].astype(bool)] if "context" in dated else dated
    main = main if len(main) else dated
    first_year = jdn_to_julian(int(main[schema.EARLIEST].min()))[0]
    last_year = jdn_to_julian(int(main[schema.BEST].max()))[0]
    start, end = month_index(first_year, 1), month_index(last_year, 12)
    all_first = month_index(*jdn_to_julian(int(dated[schema.EARLIEST].min()))[:2])
    all_last = month_index(*jdn_to_julian(int(dated[schema.LATEST].max()))[:2])
    return {"default_start": start, "default_end": end,
            "window_min": max(EARLIEST_MONTH, min(start - REACH_BEFORE, all_first)),
            "window_max": min(LATEST_MONTH, max(end + REACH_AFTER, all_last))}


def repeated_notice(name: str, values) -> str | None:
    """The notice for a one-value link parameter given more than once (the last one is read)."""
    values = [str(v) for v in values]
    if len(values) < 2:
        return None
    ignored = ", ".join(f"'{_clip(v)}'" for v in values[:-1])
    return (f"The link gives {name} {len(values)} times; only the last, '{_clip(values[-1])}', "
            f"was read and {ignored} ignored.")


@dataclass(frozen=True)
class FilterState:
    """What the atlas shows: filters, date window (month indices), lanes, axis and selection."""

    factions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_mode: str = "any"
    kinds: tuple[str, ...] = ()
    episodes: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    start: int = DEFAULT_START
    end: int = DEFAULT_END
    text: str = ""
    focus_place: str = ""
    event: str = ""
    lane: str = "episode"
    axis: str = "ce"
    projector: bool = False
    notices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: Mapping[str, str | list[str]], vocabulary: Vocabulary) -> FilterState:
        """Read a state from URL query parameters, ignoring what cannot be used.

        Parameters
        ----------
        query : Mapping
            Parameter name to value (or list of values, as repeated keys give); list filters
            take comma-separated ids.
        vocabulary : Vocabulary
            The ids that exist; unknown ids are dropped with a notice.

        Returns
        -------
        FilterState
            The state, with ``notices`` saying politely what was ignored and why.
        """
        notices: list[str] = []
        values: dict[str, object] = {}

        def one(name: str) -> str:
            raw = query.get(name, "")
            if isinstance(raw, list | tuple):
                notice = repeated_notice(name, raw)
                if notice:
                    notices.append(notice)
                raw = raw[-1] if raw else ""
            return str(raw).strip()

        for param, attr in LIST_PARAMS.items():
            raw = query.get(param, "")
            parts = raw if isinstance(raw, list | tuple) else [raw]
            ids = [p.strip() for part in parts for p in str(part).split(",") if p.strip()]
            if not ids and any(str(part) for part in parts):
                given = ",".join(str(part) for part in parts)
                notices.append(f"Ignored {param}='{_clip(given)}' in the link: it names no "
                               f"{param}; give ids separated by commas.")
            known = getattr(vocabulary, attr)
            unknown = [i for i in ids if i not in known]
            if unknown:
                notices.append(f"Ignored unknown {param} value(s) in the link: "
                               + ", ".join(f"'{_clip(u)}'" for u in unknown) + ".")
            values[attr] = tuple(dict.fromkeys(i for i in ids if i in known))

        for param, attr, allowed in (("smode", "source_mode", schema.SOURCE_MODES),
                                     ("lane", "lane", schema.LANES), ("axis", "axis", schema.AXES)):
            value = one(param)
            if value and value not in allowed:
                notices.append(f"Ignored {param}='{_clip(value)}' in the link: it must be one of "
                               + ", ".join(allowed) + ".")
            elif value:
                values[attr] = value

        v = vocabulary
        for param, default in (("from", v.default_start), ("to", v.default_end)):
            value = one(param)
            month = parse_month(value) if value else default
            if month is None or not v.window_min <= month <= v.window_max:
                notices.append(f"Ignored {param}='{_clip(value)}' in the link: give a month between "
                               f"{format_month(v.window_min)} and {format_month(v.window_max)}, "
                               f"like {format_month(v.default_start)}.")
                month = default
            values["start" if param == "from" else "end"] = month
        if values["start"] > values["end"]:
            notices.append("The link's date window ended before it started; the default window "
                           "is shown.")
            values["start"], values["end"] = v.default_start, v.default_end

        projector = one("projector")
        if projector and projector not in ("1", "0"):
            notices.append(f"Ignored projector='{_clip(projector)}' in the link: it must be 1 "
                           "(on) or 0 (off).")
        values["projector"] = projector == "1"

        text = one("q")
        if len(text) > TEXT_LIMIT:
            notices.append(f"The search text in the link was cut to {TEXT_LIMIT} characters.")
            text = text[:TEXT_LIMIT]
        values["text"] = text

        for param, attr, known in (("at", "focus_place", vocabulary.places),
                                   ("event", "event", vocabulary.events)):
            value = one(param)
            if value and value not in known:
                notices.append(f"Ignored {param}='{_clip(value)}' in the link: there is no such "
                               f"{'place' if param == 'at' else 'event'}.")
            elif value:
                values[attr] = value

        unknown_params = sorted(set(query) - set(cls.query_params()))
        if unknown_params:
            notices.append("Ignored unknown link parameter(s): "
                           + ", ".join(f"'{_clip(p)}'" for p in unknown_params) + ".")
        return cls(**values, notices=tuple(notices))

    @staticmethod
    def query_params() -> tuple[str, ...]:
        """Every parameter name the URL may hold."""
        return (*LIST_PARAMS, "smode", "from", "to", "q", "at", "event", "lane", "axis",
                "projector")

    def to_query(self, default: FilterState | None = None) -> dict[str, str]:
        """Write the state as URL query parameters, leaving out defaults.

        Parameters
        ----------
        default : FilterState, optional
            The package's default view (:meth:`Vocabulary.default_state`); what equals it is
            left out. ``FilterState()`` when not given.

        Returns
        -------
        dict of str to str
            Parameters for the URL; ``from_query`` reads them back to an equal state.
        """
        default = default or FilterState()
        query: dict[str, str] = {}
        for param, attr in LIST_PARAMS.items():
            if getattr(self, attr):
                query[param] = ",".join(getattr(self, attr))
        if self.source_mode != default.source_mode:
            query["smode"] = self.source_mode
        if self.start != default.start:
            query["from"] = format_month(self.start)
        if self.end != default.end:
            query["to"] = format_month(self.end)
        for param, attr in (("q", "text"), ("at", "focus_place"), ("event", "event")):
            if getattr(self, attr):
                query[param] = getattr(self, attr)
        if self.lane != default.lane:
            query["lane"] = self.lane
        if self.axis != default.axis:
            query["axis"] = self.axis
        if self.projector:
            query["projector"] = "1"
        return query

    def with_(self, **changes) -> FilterState:
        """Return a copy with ``changes`` applied and no notices."""
        return replace(self, **changes, notices=())


@dataclass(frozen=True)
class Selection:
    """The result of applying a state: events to draw, events without a date, and the total."""

    events: pd.DataFrame
    undated: pd.DataFrame
    total: int

    @property
    def matching(self) -> pd.DataFrame:
        """Every matching event, dated (in the window) or not: what the research pages list."""
        return pd.concat([self.events, self.undated]) if len(self.undated) else self.events

    @property
    def summary(self) -> str:
        """The line a person reads: how many events are shown out of how many."""
        line = f"Showing {len(self.events)} of {self.total} events"
        if len(self.undated):
            line += f" ({len(self.undated)} matching event(s) have no usable date; listed below)"
        return line + "."


def apply_filters(package: Package, state: FilterState) -> Selection:
    """Select the events ``state`` asks for.

    Parameters
    ----------
    package : Package
        The loaded data.
    state : FilterState
        Filters, date window and focus place.

    Returns
    -------
    Selection
        Dated events overlapping the window, matching events without a usable date, and the
        number of events in the package.
    """
    events = package.events
    mask = matching_mask(package, state)
    first_day, _ = month_bounds(state.start)
    _, last_day = month_bounds(state.end)
    dated = events[schema.HAS_DATE].to_numpy(dtype=bool)
    earliest = events[schema.EARLIEST].fillna(0).to_numpy(dtype="int64")
    latest = events[schema.LATEST].fillna(0).to_numpy(dtype="int64")
    in_window = dated & (earliest <= last_day) & (latest >= first_day)
    return Selection(
        events=events[mask & in_window],
        undated=events[mask & ~dated],
        total=len(events),
    )


def matching_mask(package: Package, state: FilterState) -> pd.Series:
    """Return a boolean mask over ``package.events`` for every filter except the window."""
    events = package.events
    ids = events["id"]
    mask = pd.Series(True, index=events.index)
    if state.factions:
        links = package.event_factions
        mask &= _isin(ids, links.loc[_isin(links["faction_id"], state.factions), "event_id"])
    if state.sources:
        mask &= _isin(ids, _events_by_sources(package.event_sources, state.sources,
                                              state.source_mode))
    if state.authorities:
        attestations = package.attestations
        mask &= _isin(ids, attestations.loc[_isin(attestations["authority"], state.authorities),
                                            "event_id"])
    if state.kinds:
        mask &= _isin(events["kind"], state.kinds)
    if state.episodes:
        mask &= _isin(events["episode"], state.episodes)
    if state.people:
        links = package.participants
        mask &= _isin(ids, links.loc[_isin(links["person_id"], state.people), "event_id"])
    if state.places:
        mask &= _isin(events["place_id"], state.places)
    if state.focus_place:
        mask &= events["place_id"] == state.focus_place
    for token in fold(state.text).split():
        mask &= events[schema.SEARCH_TEXT].str.contains(token, regex=False)
    return mask


def _events_by_sources(event_sources: pd.DataFrame, chosen, mode: str) -> pd.Index:
    """Events attested by any / all / only the chosen sources."""
    chosen = set(chosen)
    in_chosen = _isin(event_sources["source_id"], chosen)
    if mode == "all":
        counts = event_sources[in_chosen].groupby("event_id")["source_id"].nunique()
        return counts.index[counts == len(chosen)]
    attested = pd.Index(event_sources.loc[in_chosen, "event_id"].unique())
    if mode == "only":
        elsewhere = pd.Index(event_sources.loc[~in_chosen, "event_id"].unique())
        return attested.difference(elsewhere)
    return attested


def parse_month(text: str) -> int | None:
    """Read '656-05' or '0656-05' as a month index; None when it is not such a month."""
    match = _MONTH_RE.match(text.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return month_index(year, month) if 1 <= month <= 12 else None


def format_month(index: int) -> str:
    """Write a month index as '656-05' (the form the URL uses)."""
    year, month = divmod(index, 12)
    return f"{year}-{month + 1:02d}"


def _clip(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def visible_routes(routes, events: pd.DataFrame):
    """The routes of the movements among ``events``."""
    return routes[_isin(routes["event_id"], events["id"])]
