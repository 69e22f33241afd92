"""The only logic module that imports Streamlit: the cached package and the shared widgets.

The view's state lives in widget keys in ``st.session_state``; on a session's first run they are
filled from the URL (:func:`init_state_from_url`), and on every run the URL is rewritten from
them (:func:`write_url`), so a copied link restores the view.
"""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st

from atlas import schema
from atlas.detail import EventDetail, card_date
from atlas.filters import (
    DEFAULT_END,
    DEFAULT_START,
    WINDOW_MAX,
    WINDOW_MIN,
    FilterState,
    Vocabulary,
)
from atlas.load import Package, load_package
from atlas.paths import data_dir, geo_dir

# Served by Streamlit's static file serving (see .streamlit/config.toml and geo/README.md).
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "scrollZoom": False}

_URL_LOADED = "_url_loaded"
_NOTICES = "_url_notices"
KEY = {name: f"view_{name}" for name in (
    "factions", "sources", "source_mode", "kinds", "episodes", "people", "places", "window",
    "text", "focus_place", "event", "lane", "axis")}
TIMELINE_KEY = "timeline_chart"
MAP_KEY = "map_chart"
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@st.cache_resource(show_spinner="Loading the data package…")
def _load_once(data: str, geo: str) -> Package:
    return load_package(Path(data), Path(geo))


def cached_package() -> Package:
    """The package to show, loaded once per process and folder; its frames are read-only."""
    return _load_once(str(data_dir()), str(geo_dir()))


@st.cache_resource
def _vocabulary_once(data: str, geo: str) -> Vocabulary:
    return Vocabulary.from_package(_load_once(data, geo))


def cached_vocabulary() -> Vocabulary:
    """The ids the URL may name, for the package :func:`cached_package` shows."""
    return _vocabulary_once(str(data_dir()), str(geo_dir()))


def month_label(index: int) -> str:
    """'May 656' for a month index."""
    year, month = divmod(index, 12)
    return f"{_MONTH_NAMES[month]} {year}"


# The window slider's options are the labels themselves, mapped back to month indices.
MONTH_LABELS = [month_label(i) for i in range(WINDOW_MIN, WINDOW_MAX + 1)]
_MONTH_OF_LABEL = {label: WINDOW_MIN + i for i, label in enumerate(MONTH_LABELS)}


def _store(state: FilterState) -> None:
    for name, key in KEY.items():
        if name == "window":
            st.session_state[key] = (month_label(state.start), month_label(state.end))
        elif name in ("factions", "sources", "kinds", "episodes", "people", "places"):
            st.session_state[key] = list(getattr(state, name))
        else:
            st.session_state[key] = getattr(state, name)


def init_state_from_url(vocabulary: Vocabulary) -> None:
    """On a session's first run, fill the view's widgets from the URL and keep any notices."""
    if st.session_state.get(_URL_LOADED):
        return
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    state = FilterState.from_query(query, vocabulary)
    _store(state)
    st.session_state[_NOTICES] = list(state.notices)
    st.session_state[_URL_LOADED] = True


def current_state() -> FilterState:
    """The view's state as the widgets hold it now."""
    get = st.session_state.get
    first, last = get(KEY["window"], (month_label(FilterState.start), month_label(FilterState.end)))
    start, end = _MONTH_OF_LABEL[first], _MONTH_OF_LABEL[last]
    return FilterState(
        factions=tuple(get(KEY["factions"], ())), sources=tuple(get(KEY["sources"], ())),
        source_mode=get(KEY["source_mode"], "any"), kinds=tuple(get(KEY["kinds"], ())),
        episodes=tuple(get(KEY["episodes"], ())), people=tuple(get(KEY["people"], ())),
        places=tuple(get(KEY["places"], ())), start=start, end=end, text=get(KEY["text"], ""),
        focus_place=get(KEY["focus_place"], ""), event=get(KEY["event"], "") or "",
        lane=get(KEY["lane"], "episode"), axis=get(KEY["axis"], "ce"),
    )


def write_url(state: FilterState) -> None:
    """Make the address bar hold ``state`` (only what differs from the default view)."""
    wanted = state.to_query()
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)


def show_url_notices() -> None:
    """Say politely what in the link could not be used, once."""
    notices = st.session_state.pop(_NOTICES, [])
    for notice in notices:
        st.info(notice, icon="ℹ️")


def reset_view() -> None:
    """Callback of the Reset control: back to the default view."""
    _store(FilterState())
    for key in (TIMELINE_KEY, MAP_KEY):
        st.session_state.pop(key, None)


def on_timeline_select() -> None:
    """Callback of a click on the timeline: select the clicked event."""
    points = st.session_state[TIMELINE_KEY].selection.points
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    st.session_state[KEY["event"]] = ids[0] if ids else ""


def on_map_select() -> None:
    """Callback of a click on the map: restrict the timeline to the place, or clear it."""
    points = st.session_state[MAP_KEY].selection.points
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    current = st.session_state.get(KEY["focus_place"], "")
    clicked = ids[0] if ids else ""
    st.session_state[KEY["focus_place"]] = "" if clicked == current else clicked


def clear_focus_place() -> None:
    """Callback of the button that lifts the map's place restriction."""
    st.session_state[KEY["focus_place"]] = ""


def sidebar_filters(package: Package) -> None:
    """Draw the filter widgets in the sidebar; their keys hold the view's state."""
    factions = package.factions.set_index("id")["name"]
    sources = package.sources.set_index("id")
    people = package.people.set_index("id")["name"]
    places = package.places.set_index("id")["name"]
    episodes = package.episodes.set_index("id")["name"]
    kinds = sorted(package.events["kind"].unique())
    with st.sidebar:
        st.header("View")
        st.radio("Timeline lanes", ["episode", "place", "faction"], key=KEY["lane"],
                 horizontal=True, format_func=str.capitalize)
        st.radio("Calendar", ["ce", "ah"], key=KEY["axis"], horizontal=True,
                 format_func={"ce": "CE (Julian)", "ah": "AH (Hijri)"}.get)
        st.header("Filters")
        st.text_input("Search (any spelling: Othman, Dumatul…)", key=KEY["text"])
        st.multiselect("Factions", list(factions.index), key=KEY["factions"],
                       format_func=lambda i: factions.get(i, i), placeholder="All factions")
        st.multiselect("Sources", list(sources.index), key=KEY["sources"],
                       format_func=lambda i: f"{sources.at[i, 'short']} ({i})",
                       placeholder="All sources")
        st.radio("Events attested", ["any", "all", "only"], key=KEY["source_mode"],
                 format_func={"any": "by any chosen source", "all": "by all chosen sources",
                              "only": "only by chosen sources"}.get, horizontal=False)
        # value= makes it a range slider; the key's state (from the URL) takes precedence.
        st.select_slider("Date window", options=MONTH_LABELS, key=KEY["window"],
                         value=(month_label(DEFAULT_START), month_label(DEFAULT_END)))
        st.multiselect("Episodes", list(episodes.index), key=KEY["episodes"],
                       format_func=lambda i: episodes.get(i, i), placeholder="All episodes")
        st.multiselect("Kinds of event", kinds, key=KEY["kinds"], placeholder="All kinds")
        st.multiselect("People", sorted(people.index, key=lambda i: people[i]),
                       key=KEY["people"], format_func=lambda i: people.get(i, i),
                       placeholder="Anyone")
        st.multiselect("Places", sorted(places.index, key=lambda i: places[i]), key=KEY["places"],
                       format_func=lambda i: places.get(i, i), placeholder="Anywhere")
        st.button("Reset", on_click=reset_view, help="Back to the default view",
                  width="stretch")


def package_usable(package: Package) -> bool:
    """Whether enough of the package loaded to draw anything."""
    return "id" in package.events and schema.HAS_DATE in package.events


def show_data_problems(package: Package) -> None:
    """Warn, without a traceback, when the data package has problems, and list them."""
    errors = package.errors
    if not errors:
        return
    with st.expander(f"⚠️ The data has {len(errors)} problem(s); valid rows are shown"):
        for problem in errors[:200]:
            st.markdown(f"- {problem}")
        if len(errors) > 200:
            st.markdown(f"…and {len(errors) - 200} more: run `python -m atlas validate`.")


PICKER_LIMIT = 2000


def event_picker(events, package: Package, selected: str) -> None:
    """A keyboard-reachable alternative to clicking the timeline: choose the event to read.

    A browser cannot list a hundred thousand options usefully, so past ``PICKER_LIMIT`` the box
    offers the first events by date and asks for a narrower filter.
    """
    if len(events) > PICKER_LIMIT:
        events = events.nsmallest(PICKER_LIMIT, schema.EARLIEST)
        st.caption(f"The box below lists the first {PICKER_LIMIT} events by date; filter to "
                   "narrow it, or click the timeline.")
    options = [""] + list(events["id"])
    if selected and selected not in set(options) and (package.events["id"] == selected).any():
        options.append(selected)
    titles = package.events[package.events["id"].isin(options)].set_index("id")
    st.selectbox(
        "Event to read", options, key=KEY["event"],
        format_func=lambda i: "(click an event on the timeline, or choose one here)" if not i
        else f"{titles.at[i, 'title']} ({titles.at[i, schema.DATE_WORDS]})",
    )


def event_card(detail: EventDetail) -> None:
    """The detail card: our summary, the date and how we know it, people, each source's words."""
    event = detail.event
    with st.container(border=True):
        st.subheader(event["title"])
        st.write(event["summary"])
        facts = [f"**Date:** {card_date(event)} — {detail.date_basis}"]
        if event[schema.PLACE_NAME]:
            facts.append(f"**Place:** {event[schema.PLACE_NAME]}")
        facts.append(f"**Faction:** {event[schema.FACTION_NAME]} · **Episode:** "
                     f"{event[schema.EPISODE_NAME]} · **Kind:** {event['kind']}")
        if len(detail.people):
            facts.append("**People:** " + "; ".join(
                f"{name} ({role})" for name, role in detail.people.itertuples(index=False)))
        st.markdown("  \n".join(facts))
        st.markdown("#### What each source says")
        accounts = list(detail.accounts.itertuples(index=False))
        for start in range(0, len(accounts), 3):
            columns = st.columns(3)
            for column, account in zip(columns, accounts[start:start + 3], strict=False):
                with column, st.container(border=True):
                    st.markdown(f"**{account.source_label}** · {account.source_title}")
                    st.markdown(f"> {account.quote}")
                    where = f"{account.locator}"
                    if account.authority:
                        where += f" · according to: {account.authority}"
                    st.caption(where)
                    if account.differs_field:
                        st.markdown(f"*Differs on {account.differs_field}:* "
                                    f"{account.differs_value}")
                    if account.note:
                        st.caption(f"Note: {account.note}")
        if not detail.disagreements.empty:
            st.markdown("#### Where the sources disagree")
            st.dataframe(detail.disagreements, width="stretch")


def counts_line(package: Package) -> str:
    """'N events, N places, N sources' for the loaded package."""
    return (f"{len(package.events)} events · {len(package.places)} places · "
            f"{len(package.sources)} sources · {len(package.attestations)} quotes")


def keep_view_state() -> None:
    """Keep the view's widget values when a person visits another page and comes back.

    Streamlit forgets a widget's value when the widget is not drawn in a run; re-assigning
    the keys at the top of every run keeps them.
    """
    for key in KEY.values():
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def timeline_key(axis: str) -> None:
    """One line under the timeline saying how to read it."""
    calendar = ("Ticks: AH years and months, tabular Islamic calendar" if axis == "ah"
                else "Ticks: CE years, Julian calendar")
    st.caption(f"{calendar}. Filled circle: a date given to the day; hollow circle: approximate "
               "or uncertain, with its possible span as a faint bar; ◇ with a number: the date "
               "that source (its id) gives. Click an event to read what each source says.")


def faction_key(factions, faction_ids) -> None:
    """The timeline's colour key: one coloured dot per faction shown (wraps on narrow screens)."""
    shown = factions[factions["id"].isin(set(faction_ids))]
    items = "".join(
        f'<span style="white-space:nowrap;margin-right:1.1em">'
        f'<span style="color:{colour};font-size:1.25em" aria-hidden="true">●</span> '
        f"{html.escape(name)}</span> "
        for name, colour in zip(shown["name"], shown["colour"], strict=True))
    st.markdown(f'<div style="line-height:1.9">{items}</div>', unsafe_allow_html=True)


def compact_layout() -> None:
    """Trim Streamlit's top padding so a 1280x720 projector shows the charts, not white space."""
    st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}</style>",
                unsafe_allow_html=True)
