"""The only logic module that imports Streamlit: the cached package and the shared widgets.

The view's state lives in widget keys in ``st.session_state``; on a session's first run they are
filled from the URL (:func:`init_state_from_url`), and on every run the URL is rewritten from
them (:func:`write_url`), so a copied link restores the view.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from atlas import budget, escape, export, schema
from atlas.compare import ABSENT, ATTESTED, DIFFERS, MATRIX_SYMBOLS, disputed_points
from atlas.dates import jdn_to_julian
from atlas.detail import EventDetail, card_date, events_table, order_in_words
from atlas.figures import density_month
from atlas.filters import FilterState, Vocabulary, repeated_notice
from atlas.handles import rows_of
from atlas.load import Package, Problem, load_package
from atlas.paths import data_dir, geo_dir, geo_for
from atlas.presets import Preset, window_title
from atlas.story import Story, read_stories
from atlas.upload import unpack_upload

# Served by Streamlit's static file serving (see .streamlit/config.toml and geo/README.md).
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "scrollZoom": False}

_URL_LOADED = "_url_loaded"
_NOTICES = "_url_notices"
_LIST_FILTERS = ("factions", "sources", "authorities", "kinds", "episodes", "people", "places")
KEY = {name: f"view_{name}" for name in (
    *_LIST_FILTERS, "source_mode", "window", "text", "focus_place", "event", "lane", "axis",
    "projector")}
# Page-specific selections (the person on the People page, ...) kept in the URL beside the view.
_PAGE_KEY = "page_{}"
TIMELINE_KEY = "timeline_chart"
MAP_KEY = "map_chart"
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@st.cache_resource(show_spinner="Loading the data package…")
def _load_once(data: str, geo: str) -> Package:
    return load_package(Path(data), Path(geo))


_UPLOAD = "uploaded_package"
_UPLOAD_STORIES = "uploaded_stories"


def run_through_app() -> None:
    """Make a deep link to a page run app.py (navigation, page config, banner), not the page alone.

    Streamlit decides per process whether ``pages/`` is an old-style page folder; until app.py's
    ``st.navigation`` has run once, a first visitor arriving at ``/about`` would get
    ``pages/about.py`` on its own. Every page calls this first: it records what
    ``st.navigation`` itself records and reruns, so app.py runs and opens the requested page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@dataclass(frozen=True)
class Upload:
    """A package a visitor uploaded: held in their session only, never written to data/."""

    name: str
    package: Package
    vocabulary: Vocabulary
    descriptor: dict


def uploaded() -> Upload | None:
    """The package this session uploaded, if any."""
    return st.session_state.get(_UPLOAD)


def cached_package() -> Package:
    """The package to show: this session's upload, else the server's, loaded once per process."""
    upload = uploaded()
    if upload is not None:
        return upload.package
    return _load_once(str(data_dir()), str(geo_dir()))


@st.cache_resource
def _vocabulary_once(data: str, geo: str) -> Vocabulary:
    return Vocabulary.from_package(_load_once(data, geo))


def cached_vocabulary() -> Vocabulary:
    """The ids the URL may name, for the package :func:`cached_package` shows."""
    upload = uploaded()
    if upload is not None:
        return upload.vocabulary
    return _vocabulary_once(str(data_dir()), str(geo_dir()))


@st.cache_resource
def _stories_once(data: str, geo: str) -> dict[str, Story]:
    return read_stories(_load_once(data, geo))


def cached_stories() -> dict[str, Story]:
    """The stories of the package :func:`cached_package` shows (an upload's: kept in its session)."""
    upload = uploaded()
    if upload is None:
        st.session_state.pop(_UPLOAD_STORIES, None)  # an upload left behind is let go
        return _stories_once(str(data_dir()), str(geo_dir()))
    if st.session_state.get(_UPLOAD_STORIES, (None,))[0] is not upload:
        st.session_state[_UPLOAD_STORIES] = (upload, read_stories(upload.package))
    return st.session_state[_UPLOAD_STORIES][1]


def plain(text) -> str:
    """Text from the data, escaped so that Markdown shows it literally (no markup, links, math)."""
    return escape.markdown(text)


def month_label(index: int) -> str:
    """'May 656' for a month index."""
    year, month = divmod(index, 12)
    return f"{_MONTH_NAMES[month]} {year}"


def label_month(label: str) -> int:
    """The month index of a :func:`month_label` ('May 656')."""
    name, year = label.split(" ")
    return int(year) * 12 + _MONTH_NAMES.index(name)


def month_labels(vocabulary: Vocabulary) -> list[str]:
    """The window slider's options: every month the data's window reaches, as labels."""
    return [month_label(i) for i in range(vocabulary.window_min, vocabulary.window_max + 1)]


def _store(state: FilterState) -> None:
    for name, key in KEY.items():
        if name == "window":
            st.session_state[key] = (month_label(state.start), month_label(state.end))
        elif name in _LIST_FILTERS:
            st.session_state[key] = list(getattr(state, name))
        else:
            st.session_state[key] = getattr(state, name)


def init_state_from_url(vocabulary: Vocabulary, page_params: tuple[str, ...] = ()) -> None:
    """On a session's first run, fill the view's widgets from the URL and keep any notices.

    ``page_params`` are the current page's own parameters, read by :func:`page_choice`.
    """
    if st.session_state.get(_URL_LOADED):
        return
    query = {name: st.query_params.get_all(name) for name in st.query_params
             if name not in page_params}
    state = FilterState.from_query(query, vocabulary)
    _store(state)
    st.session_state[_NOTICES] = list(state.notices)
    st.session_state[_URL_LOADED] = True
    if state.event:
        st.session_state[_OPEN_CARD] = True


def current_state(vocabulary: Vocabulary) -> FilterState:
    """The view's state as the widgets hold it now."""
    get = st.session_state.get
    default = vocabulary.default_state()
    first, last = get(KEY["window"], (month_label(default.start), month_label(default.end)))
    return FilterState(
        factions=tuple(get(KEY["factions"], ())), sources=tuple(get(KEY["sources"], ())),
        authorities=tuple(get(KEY["authorities"], ())),
        source_mode=get(KEY["source_mode"], "any"), kinds=tuple(get(KEY["kinds"], ())),
        episodes=tuple(get(KEY["episodes"], ())), people=tuple(get(KEY["people"], ())),
        places=tuple(get(KEY["places"], ())), start=label_month(first), end=label_month(last),
        text=get(KEY["text"], ""), focus_place=get(KEY["focus_place"], ""),
        event=get(KEY["event"], "") or "", lane=get(KEY["lane"], "episode"),
        axis=get(KEY["axis"], "ce"), projector=bool(get(KEY["projector"], False)),
    )


def write_url(state: FilterState, vocabulary: Vocabulary, page: dict[str, str] | None = None) -> None:
    """Make the address bar hold ``state`` (what differs from the default view) and ``page``.

    ``page`` holds the current page's own selections (empty values are left out).
    """
    wanted = state.to_query(vocabulary.default_state())
    wanted.update({name: value for name, value in (page or {}).items() if value})
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)


def page_view(package: Package, page_params: tuple[str, ...] = ()) -> FilterState:
    """What every page does first: read the URL once, draw the sidebar, return the view's state."""
    vocabulary = cached_vocabulary()
    init_state_from_url(vocabulary, page_params)
    sidebar_filters(package, vocabulary)
    return current_state(vocabulary)


def page_choice(name: str, allowed) -> str:
    """The current page's own selection ``name``: kept in the session, first read from the URL.

    A value in the URL that is not ``allowed`` is ignored with a notice.
    """
    key = _PAGE_KEY.format(name)
    if key not in st.session_state:
        given = st.query_params.get_all(name)
        value = given[-1] if given else ""
        notice = repeated_notice(name, given)
        if notice:
            st.info(plain(notice), icon=":material/info:")
        if value and value not in allowed:
            st.info(plain(f"Ignored {name}='{value[:40]}' in the link: there is no such entry."),
                    icon=":material/info:")
            value = ""
        st.session_state[key] = value
    return st.session_state[key]


def page_key(name: str) -> str:
    """The session key of the page selection ``name`` (for the widget that edits it)."""
    return _PAGE_KEY.format(name)


def show_url_notices() -> None:
    """Say politely what in the link could not be used, once."""
    notices = st.session_state.pop(_NOTICES, [])
    for notice in notices:
        st.info(plain(notice), icon=":material/info:")


def reset_view(default: FilterState) -> None:
    """Callback of the Reset control: back to the default view."""
    _store(default)
    for key in (TIMELINE_KEY, MAP_KEY):
        st.session_state.pop(key, None)


def on_timeline_select() -> None:
    """Callback of a click on the timeline: select the clicked event, or zoom to a month's year.

    On the many-events timeline a click lands on a month's bubble; the window then narrows to
    that year (within the slider's reach), where single events are drawn again.
    """
    points = st.session_state[TIMELINE_KEY].selection.points
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    month = density_month(ids[0]) if ids else None
    if month is None:
        st.session_state[KEY["event"]] = ids[0] if ids else ""
        st.session_state[_OPEN_CARD] = bool(ids)
        return
    vocabulary = cached_vocabulary()
    year = min(max(month // 12, vocabulary.window_min // 12), vocabulary.window_max // 12)
    start, end = max(year * 12, vocabulary.window_min), min(year * 12 + 11, vocabulary.window_max)
    st.session_state[KEY["window"]] = (month_label(start), month_label(end))


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


def sidebar_filters(package: Package, vocabulary: Vocabulary) -> None:
    """Draw the filter widgets in the sidebar; their keys hold the view's state."""
    factions = package.factions.set_index("id")["name"]
    sources = package.sources.set_index("id")
    people = package.people.set_index("id")["name"]
    places = package.places.set_index("id")["name"]
    episodes = package.episodes.set_index("id")["name"]
    kinds = sorted(package.events["kind"].unique())
    with st.sidebar:
        st.header("View")
        st.radio("Timeline lanes", list(schema.LANES), key=KEY["lane"],
                 horizontal=True, format_func=LANE_NAMES.get,
                 help="By source: each source's version of the events at the date it gives, "
                      "joined by a line across lanes; by authority: the same for each "
                      "authority a source cites.")
        st.radio("Calendar", ["ce", "ah"], key=KEY["axis"], horizontal=True,
                 format_func={"ce": "CE (Julian)", "ah": "AH (Hijri)"}.get)
        st.header("Filters")
        st.text_input("Search (titles, people, places; any spelling the sources use)",
                      key=KEY["text"])
        st.multiselect("Factions", list(factions.index), key=KEY["factions"],
                       format_func=lambda i: factions.get(i, i), placeholder="All factions")
        st.multiselect("Sources", list(sources.index), key=KEY["sources"],
                       format_func=lambda i: f"{sources.at[i, 'short']} ({i})",
                       placeholder="All sources")
        st.radio("Events attested", ["any", "all", "only"], key=KEY["source_mode"],
                 format_func={"any": "by any chosen source", "all": "by all chosen sources",
                              "only": "only by chosen sources"}.get, horizontal=False)
        st.multiselect("Authorities the sources cite", sorted(vocabulary.authorities),
                       key=KEY["authorities"], placeholder="Any or none",
                       help="Events for which a source reports what a named authority says "
                            "(Madelung, 'one account', ...)")
        # value= makes it a range slider; the key's state (from the URL) takes precedence.
        default = vocabulary.default_state()
        st.select_slider("Date window", options=month_labels(vocabulary), key=KEY["window"],
                         value=(month_label(default.start), month_label(default.end)))
        st.multiselect("Episodes", list(episodes.index), key=KEY["episodes"],
                       format_func=lambda i: episodes.get(i, i), placeholder="All episodes")
        st.multiselect("Kinds of event", kinds, key=KEY["kinds"], placeholder="All kinds")
        st.multiselect("People", sorted(people.index, key=lambda i: people[i]),
                       key=KEY["people"], format_func=lambda i: people.get(i, i),
                       placeholder="Anyone")
        st.multiselect("Places", sorted(places.index, key=lambda i: places[i]), key=KEY["places"],
                       format_func=lambda i: places.get(i, i), placeholder="Anywhere")
        st.button("Reset", on_click=reset_view, args=(default,),
                  help="Back to the default view", width="stretch")


def package_usable(package: Package) -> bool:
    """Whether enough of the package loaded to draw anything."""
    return "id" in package.events and schema.HAS_DATE in package.events


def show_data_problems(package: Package) -> None:
    """Warn, without a traceback, when the data package has problems, and list them."""
    errors = package.errors
    if not errors:
        return
    with st.expander(f"The data has {len(errors)} problem(s); valid rows are shown",
                     icon=":material/warning:"):
        for problem in errors[:200]:
            st.markdown(f"- {plain(problem)}")
        if len(errors) > 200:
            st.markdown(f"…and {len(errors) - 200} more: run `python -m atlas validate`.")


PICKER_LIMIT = 2000
# Tables and lists sent to the browser stop here; downloads always hold everything.
TABLE_LIMIT = 1000
LIST_LIMIT = 60


def table_of_events(events) -> None:
    """The plain table of ``events`` (the first TABLE_LIMIT by date, saying so when cut)."""
    if len(events) > TABLE_LIMIT:
        st.caption(f"The first {TABLE_LIMIT} of {len(events)} events by date; the downloads "
                   "below hold them all.")
    st.dataframe(events_table(events, limit=TABLE_LIMIT), hide_index=True, width="stretch")


def list_of_events(events) -> None:
    """A short Markdown list of ``events`` (the first LIST_LIMIT by date), lighter than a table.

    A first visit that shows no table does not load Streamlit's table code (about 1.5 MB).
    """
    table = events_table(events, limit=LIST_LIMIT)
    lines = []
    for _, row in table.iterrows():
        parts = [f"**{plain(row['Event'])}**", *(plain(row[c]) for c in
                 ("Date (CE)", "Place", "Faction") if str(row[c]).strip())]
        if str(row["Sources"]).strip():
            parts.append(f"sources: {plain(row['Sources'])}")
        lines.append("- " + " · ".join(parts))
    st.markdown("\n".join(lines))
    if len(events) > LIST_LIMIT:
        st.caption(f"The first {LIST_LIMIT} of {len(events)}; the downloads below hold them all.")


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
    # The session keeps format_func while it lives: let it hold the labels, not a frame.
    titles = package.events[package.events["id"].isin(options)]
    labels = {i: f"{title} ({date})" for i, title, date
              in zip(titles["id"], titles["title"], titles[schema.DATE_WORDS], strict=True)}
    labels[""] = "(click an event on the timeline, or choose one here)"
    st.selectbox("Event to read", options, key=KEY["event"], on_change=open_card,
                 format_func=lambda i: labels.get(i, str(i)))


def event_card(detail: EventDetail, heading: bool = True) -> None:
    """The detail card: our summary, the date and how we know it, people, each source's words.

    Every text from the data goes through :func:`plain`, so it shows as typed. ``heading=False``
    leaves out the title (a dialog shows it already).
    """
    event = detail.event
    with st.container(border=True):
        if heading:
            st.subheader(plain(event["title"]))
        st.markdown(plain(event["summary"]))
        facts = [f"**Date:** {plain(card_date(event))} — {plain(detail.date_basis)}"]
        if event[schema.PLACE_NAME]:
            facts.append(f"**Place:** {plain(event[schema.PLACE_NAME])}")
        facts.append(f"**Faction:** {plain(event[schema.FACTION_NAME])} · **Episode:** "
                     f"{plain(event[schema.EPISODE_NAME])} · **Kind:** {plain(event['kind'])}")
        if len(detail.people):
            facts.append("**People:** " + "; ".join(
                f"{plain(name)} ({plain(role)})"
                for name, role in detail.people.itertuples(index=False)))
        st.markdown("  \n".join(facts))
        st.markdown("#### What each source says")
        accounts = list(detail.accounts.itertuples(index=False))
        for start in range(0, len(accounts), 3):
            columns = st.columns(3)
            for column, account in zip(columns, accounts[start:start + 3], strict=False):
                with column, st.container(border=True):
                    st.markdown(f"**{plain(account.source_label)}** · {plain(account.source_title)}")
                    source_account(account)
        if not detail.disagreements.empty:
            st.markdown("#### Where the sources disagree")
            st.dataframe(detail.disagreements, width="stretch")
        if len(detail.order):
            st.markdown("#### Order in the sources")
            st.markdown("  \n".join(
                f"**{plain(order_in_words(line))}** — “{plain(line.quote)}” "
                f"({plain(line.source_label)}, {plain(line.locator)})"
                for line in detail.order.itertuples(index=False)))


def source_account(account, marked: bool = False) -> None:
    """One source's words: the quote, its locator and authority, the point it differs on, a note.

    ``account`` is a row of :attr:`atlas.detail.EventDetail.accounts`; with ``marked``, the
    point in dispute is highlighted and flagged (for a projector).
    """
    st.markdown(f"> {plain(account.quote)}")
    where = plain(account.locator)
    if account.authority:
        where += f" · according to: {plain(account.authority)}"
    st.caption(where)
    if account.differs_field:
        differs = f"*Differs on {plain(account.differs_field)}:* {plain(account.differs_value)}"
        st.markdown(f":orange-background[:material/flag: {differs}]" if marked else differs)
    if account.note:
        st.caption(f"Note: {plain(account.note)}")


def atlas_title(package: Package, state: FilterState) -> str:
    """The Atlas page's title: the data package's title (else 'Atlas') and the window in view."""
    title = str(cached_descriptor().get("title", "")).strip()
    return plain(window_title(title or "Atlas", state.start, state.end))


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
               "or uncertain, with its possible span as a faint bar; ◇: a date one source gives "
               "(hover to see which); +N: events not titled at this zoom (narrow the window or "
               "pick an episode). Click an event to read what each source says.")


def faction_key(factions, faction_ids) -> None:
    """The timeline's colour key: one coloured dot per faction shown (wraps on narrow screens)."""
    shown = factions[factions["id"].isin(set(faction_ids))]
    items = "".join(
        f'<span style="white-space:nowrap;margin-right:1.1em">'
        f'<span style="color:{escape.colour(colour)};font-size:1.25em" aria-hidden="true">●</span> '
        f"{escape.html(name)}</span> "
        for name, colour in zip(shown["name"], shown["colour"], strict=True))
    st.markdown(f'<div style="line-height:1.9">{items}</div>', unsafe_allow_html=True)


def compact_layout() -> None:
    """Trim Streamlit's top padding so a 1280x720 projector shows the charts, not white space."""
    st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}</style>",
                unsafe_allow_html=True)


# Highlighted source text: readable in light and dark themes (dark text on a pale highlight).
_SOURCE_TEXT_CSS = """<style>
.source-text{line-height:1.75;font-size:1.02rem;max-width:62rem}
.source-text mark{background:#ffe08a;color:#1b1b1b;padding:0 .1em;border-radius:2px}
.source-text mark.out{background:none;color:inherit;text-decoration:underline dotted}
.source-text a.cited{text-decoration:none;color:inherit}
.source-text a.cited:hover mark,.source-text a.cited:focus mark{outline:2px solid #0072B2}
.source-text sup a{color:#0072B2;font-weight:600;margin-left:.1em}
</style>"""


def source_text(html_text: str) -> None:
    """Show a source's text as built by :func:`atlas.passages.passages_html` (already escaped)."""
    st.markdown(_SOURCE_TEXT_CSS + html_text, unsafe_allow_html=True)


def event_link(event_id: str) -> str:
    """The relative URL of the Atlas page with ``event_id`` selected (works from any page)."""
    return f"./?{urlencode({'event': event_id})}"


def atlas_link(**params: str) -> str:
    """The relative URL of the Atlas page with the given filters (e.g. person=ali)."""
    return f"./?{urlencode(params)}"


# Matrix cells: a symbol for everyone and a pale colour (Okabe-Ito hues) with dark text.
_MATRIX_STYLE = {
    ATTESTED: "background-color:#cde8dc;color:#1b1b1b",
    DIFFERS: "background-color:#f6d2a8;color:#1b1b1b",
    ABSENT: "",
}


def matrix_styler(matrix, source_columns: list[str]):
    """The events x sources matrix with symbols in its cells and an accessible colouring."""
    styles = matrix[source_columns].map(_MATRIX_STYLE.get)
    shown = matrix.copy()
    shown[source_columns] = matrix[source_columns].map(MATRIX_SYMBOLS.get)
    return shown.style.apply(lambda _: styles, axis=None, subset=source_columns)


def open_column(text: str = "open on the atlas"):
    """A table column of links to the Atlas page, each showing ``text``."""
    return st.column_config.LinkColumn(display_text=text, width="small")


def download_disputes(disputes) -> None:
    """A button that downloads the disputed points shown, formula-safe CSV, built when pressed."""
    st.download_button("Download these disputed points (CSV)", lambda: export.to_csv(disputes),
                       file_name="fitna-atlas-disputed-points.csv", mime="text/csv",
                       on_click="ignore")


@st.cache_resource
def _disputes_once(data: str, geo: str) -> pd.DataFrame:
    package = _load_once(data, geo)
    return disputed_points(package, package.events)


def all_disputes(package: Package) -> pd.DataFrame:
    """Every disputed point of the package shown: built once per process and shared by sessions.

    (Built on every run, at 100,000 events it took most of the Compare page's time and memory.)
    An upload's table is built for its session on each run, as before.
    """
    if uploaded() is not None:
        return disputed_points(package, package.events)
    return _disputes_once(str(data_dir()), str(geo_dir()))


def events_window(events) -> tuple[int, int]:
    """Month indices from a year before the first of ``events`` to a year after the last."""
    first = int(events[schema.EARLIEST].min())
    last = int(events[schema.LATEST].max())
    return (jdn_to_julian(first)[0] - 1) * 12, (jdn_to_julian(last)[0] + 1) * 12 + 11


def person_events_table(events):
    """A person's or a place's events: a link to each, its date, title, role when there is one."""
    columns = {"Open": events["id"].map(event_link), "Date (CE)": events[schema.DATE_WORDS],
               "Event": events["title"], "Place": events[schema.PLACE_NAME]}
    if "role" in events:
        columns["Role"] = events["role"]
    return pd.DataFrame(columns).reset_index(drop=True)


def export_panel(package: Package, events, key: str) -> None:
    """Download buttons for ``events`` (the filtered view): built only when a button is pressed.

    Streamlit keeps each button's callable as long as the session lives, so they hold a handle
    to the shared events (:func:`atlas.handles.rows_of`), not the filtered copy.
    """
    name = "fitna-atlas"
    count = len(events)
    shown = rows_of(package.events, events)
    buttons = [
        ("Events with their quotes (CSV)", lambda: export.to_csv(export.events_rows(package, shown())),
         f"{name}-events.csv", "text/csv"),
        ("Events with their quotes (JSON)", lambda: export.events_json(package, shown()),
         f"{name}-events.json", "application/json"),
        ("Places (GeoJSON)", lambda: _json(export.places_geojson(package, shown())),
         f"{name}-places.geojson", "application/geo+json"),
        ("Routes (GeoJSON)", lambda: _json(export.routes_geojson(package, shown())),
         f"{name}-routes.geojson", "application/geo+json"),
        ("Places as Linked Places (LPF)",
         lambda: _json(export.places_lpf(package, shown(), base_uri=app_url() + "places?gaz=")),
         f"{name}-places-lpf.json", "application/ld+json"),
    ]
    st.caption(f"Downloads hold the {count} event(s) the filters show. CSV cells that a "
               "spreadsheet would run as formulas start with an apostrophe.")
    for column, (label, build, file_name, mime) in zip(st.columns(len(buttons)), buttons, strict=True):
        with column:
            st.download_button(label, build, file_name=file_name, mime=mime, on_click="ignore",
                               key=f"{key}-{file_name}", width="stretch")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


@st.cache_resource
def _descriptor_once(data: str) -> dict:
    return export.read_descriptor(Path(data))


def cached_descriptor() -> dict:
    """The data package's description (title, version, licences), read once per folder."""
    upload = uploaded()
    if upload is not None:
        return upload.descriptor
    return _descriptor_once(str(data_dir()))


def load_upload(files) -> list:
    """Unpack and load uploaded files into this session; return the upload's own problems.

    The files are unpacked into a temporary folder, loaded (texts and layers are read into
    memory) and the folder is deleted; nothing reaches the server's data folder or another
    session. On success the view is reset to the new package's default.
    """
    folder, problems = unpack_upload([(f.name, f.getvalue()) for f in files])
    if folder is None:
        return problems
    try:
        package = load_package(folder, geo_for(folder))
        descriptor = export.read_descriptor(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = ", ".join(f.name for f in files)
    vocabulary = Vocabulary.from_package(package)
    upload = Upload(name[:120], package, vocabulary, descriptor)
    # The server's budget for uploads (atlas/budget.py); this session's previous upload goes.
    limits = _upload_budget()
    previous = st.session_state.pop(_UPLOAD, None)
    if previous is not None:
        limits.release(previous)
    size = budget.package_bytes(package, sum(f.size for f in files))
    if not limits.admit(upload, size):
        _reset_for(_vocabulary_once(str(data_dir()), str(geo_dir())))
        return [*problems, Problem(name[:120], None, None, None, limits.refusal(size))]
    st.session_state[_UPLOAD] = upload
    _reset_for(vocabulary)
    return problems


@st.cache_resource
def _upload_budget() -> budget.UploadBudget:
    """The process's one budget for uploaded packages (ATLAS_UPLOAD_BUDGET_MB)."""
    return budget.UploadBudget(budget.budget_from_env())


def forget_upload() -> None:
    """Callback of 'back to the atlas's own data': drop the upload and reset the view."""
    upload = st.session_state.pop(_UPLOAD, None)
    if upload is not None:
        _upload_budget().release(upload)
    _reset_for(_vocabulary_once(str(data_dir()), str(geo_dir())))


def _reset_for(vocabulary: Vocabulary) -> None:
    _store(vocabulary.default_state())
    for key in (TIMELINE_KEY, MAP_KEY, *[k for k in st.session_state if str(k).startswith("page_")]):
        st.session_state.pop(key, None)


def upload_banner() -> None:
    """Say clearly, on every page, that uploaded data is on show, with the way back."""
    upload = uploaded()
    if upload is None:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.warning(f"You are viewing uploaded data ({plain(upload.name)}), in this browser session "
                 "only: nothing was saved on the server.", icon=":material/folder_open:")
    right.button("Back to the atlas's own data", on_click=forget_upload, width="stretch")


def app_url() -> str:
    """The address this app is served at, as the visitor's browser sees it (for citations)."""
    parts = urlsplit(getattr(st.context, "url", "") or "")
    # Behind a proxy at a sub-path (server.baseUrlPath), the app lives under it.
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}/" if base else "/"
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme and parts.netloc else \
        f"http://localhost:8501{path}"


ABOUT_TEXT = """
**What this is.** An atlas of events: a timeline beside a map, each event tied to the exact words
of the sources that report it. Where the sources disagree (on a year, a number, a name, who did
what) the atlas shows each version side by side instead of choosing one.

**The data model, in plain words.**
- A **source** is a document the editors read; its full text is kept, and every quote is
  checked against it.
- An **event** is a datable happening, summarised in our own words, with a date written in
  EDTF (which can say "about 658", "657 or 658", "between July and August 658"), how we know
  the date (stated in a source, inferred from the narrative's order, or taken from outside the
  sources, with the reference), a kind, a place, a faction and an episode.
- An **attestation** ties an event to a source: the verbatim quote, where it stands (offsets
  and a human locator), the authority the source cites for it, and, where this source's version
  differs from another's, the point in dispute and this source's value.
- An **order claim** says, in a source's words, that one event came after another; every
  event's dates are checked against them.
- **People** take part in events in a role; **relations** between people are quoted too.
  **Places** carry coordinates, how certain the location is, and ids in other gazetteers.
- Routes and approximate regions are drawn from GeoJSON files in `geo/`.

Dates are read in the Julian calendar and kept as Julian Day Numbers; the timeline can show
CE or AH (Hijri) ticks. The URL holds the whole view: copy it to share what you see.
"""


UPLOAD_FILES = "upload_files"
_UPLOAD_PROBLEMS = "upload_problems"


def on_upload() -> None:
    """Callback of the upload form's button: load the chosen files into this session."""
    files = st.session_state.get(UPLOAD_FILES) or []
    st.session_state[_UPLOAD_PROBLEMS] = load_upload(files) if files else []


def upload_form() -> None:
    """The upload form: a zip of a data package or its CSV files, checked and loaded for this session."""
    st.file_uploader("A data package as one .zip, or its CSV files (events.csv at least)",
                     type=["zip", "csv", "json", "geojson", "txt", "md"],
                     accept_multiple_files=True, key=UPLOAD_FILES)
    st.button("Show this data", on_click=on_upload, type="primary",
              disabled=not st.session_state.get(UPLOAD_FILES))
    for problem in st.session_state.get(_UPLOAD_PROBLEMS, []):
        if problem.severity == "error":
            st.error(plain(problem), icon=":material/error:")
        else:
            st.info(plain(problem), icon=":material/info:")


def validation_report(package: Package) -> None:
    """Rows read, shown and rejected per table, and every problem as a table one can download."""
    counts = getattr(package, "counts", {}) or {}
    if counts:
        st.dataframe(pd.DataFrame(
            [(name, c.read, c.shown, c.rejected) for name, c in counts.items()],
            columns=["Table", "Rows read", "Rows shown", "Rows rejected"]),
            hide_index=True, width="stretch")
    if not package.problems:
        return
    problems = pd.DataFrame([
        {"Severity": p.severity, "File": p.file, "Row": p.row, "Column": p.column,
         "Value": p.value, "Problem": p.message} for p in package.problems])
    st.dataframe(problems, hide_index=True, width="stretch")
    st.download_button("Download this report (CSV)", export.to_csv(problems),
                       file_name="validation-report.csv", mime="text/csv", on_click="ignore")


UPLOAD_TEXT = """
Upload a data package to see it in this atlas, **for this browser session only**: it is checked,
shown on every page, and never saved on the server or shown to anyone else.

- **A whole package:** one `.zip` holding `datapackage.json`, the CSV tables, the source texts
  under `sources/` and, if you have them, `geo/routes.geojson` and `geo/regions.geojson`.
- **A spreadsheet:** a single `events.csv` with at least the columns `id`, `title`, `date` and a
  place (`place`, `lat`, `lon`) loads too, with notices about what is missing.

Comma or semicolon separated, UTF-8 with or without a byte-order mark. Limits: 50 MB uploaded,
500 files, 200 MB unpacked. Every problem is reported with its file, row, column and value;
rows with problems are left out and counted, never dropped silently.
"""


def registry_table(table, link_param: str, link_text: str) -> None:
    """A people or places table whose first column links to the Atlas filtered to each row."""
    table = table.assign(Atlas=table["id"].map(lambda i: atlas_link(**{link_param: i})))
    columns = ["Atlas", *[c for c in table.columns if c not in ("Atlas", "id")]]
    st.dataframe(table[columns], hide_index=True, width="stretch",
                 column_config={"Atlas": open_column(link_text)})


def entry_picker(label: str, entries, name: str, placeholder: str) -> None:
    """A box choosing one person or place by name; its value is the page selection ``name``."""
    st.selectbox(label, ["", *sorted(entries.index, key=lambda i: entries.at[i, "name"])],
                 key=page_key(name),
                 format_func=lambda i: entries.at[i, "name"] if i else placeholder)


LANE_NAMES = {"episode": "Episode", "place": "Place", "faction": "Faction", "source": "Source",
              "authority": "Authority cited"}
_OPEN_CARD = "_open_card"


def open_card() -> None:
    """Callback of choosing an event (click, picker): show its card in a dialog on this run."""
    st.session_state[_OPEN_CARD] = bool(st.session_state.get(KEY["event"]))


def card_to_open() -> bool:
    """Whether this run should open the selected event's card (a new selection), once."""
    return bool(st.session_state.pop(_OPEN_CARD, False))


def card_dialog(detail: EventDetail) -> None:
    """The selected event's card in a dialog over the charts: in view at once, at 1280x720."""
    st.dialog(plain(detail.event["title"]), width="large")(
        lambda: event_card(detail, heading=False))()


def _set_window(start: int, end: int) -> None:
    st.session_state[KEY["window"]] = (month_label(start), month_label(end))


def view_bar(presets: list[Preset], state: FilterState) -> None:
    """One row above the charts: the projector switch and a button per episode's window.

    A button sets the date window (and so the URL) to its episode's span; the window in view is
    marked as the primary button.
    """
    with st.container(horizontal=True, gap="small", vertical_alignment="center",
                      key="view_bar"):
        st.toggle("Projector", key=KEY["projector"],
                  help="Hide the sidebar, enlarge text and marks, keep the charts and the card "
                       "on one screen (link parameter projector=1)")
        for preset in presets:
            st.button(preset.name, key=f"preset_{preset.episode_id}", on_click=_set_window,
                      args=(preset.start, preset.end),
                      type="primary" if (preset.start, preset.end) == (state.start, state.end)
                      else "secondary",
                      help="Show this episode's months on the timeline")
        default = cached_vocabulary().default_state()
        if (state.start, state.end) != (default.start, default.end):
            st.button("Whole period", key="preset_all", on_click=_set_window,
                      args=(default.start, default.end), icon=":material/zoom_out_map:")


# Projector mode: no sidebar, larger type, less padding, so that charts and card share 720 px.
_PROJECTOR_CSS = """<style>
[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],
[data-testid='stExpandSidebarButton']{display:none}
[data-testid='stMainBlockContainer']{padding:2.8rem 1.2rem 1rem 1.2rem;max-width:none}
[data-testid='stMainBlockContainer'] p,[data-testid='stMainBlockContainer'] li{font-size:1.15rem}
h1{font-size:1.9rem !important;padding:0 0 .2rem 0 !important}
.st-key-view_bar button{min-height:2rem;padding:.1rem .7rem}
.st-key-view_bar{row-gap:.4rem}
</style>"""
# The page's heading at a size that leaves the charts room at 1280x720.
_TITLE_CSS = """<style>h1{font-size:2.1rem !important;padding:0 0 .25rem 0 !important}
.st-key-view_bar button{min-height:2rem;padding:.1rem .7rem}
.st-key-view_bar{row-gap:.4rem}</style>"""


def ink() -> str:
    """A text colour with full contrast on the page's theme (charts' own grey is faint)."""
    theme = getattr(getattr(st.context, "theme", None), "type", None)
    return "#f2f2f2" if theme == "dark" else "#1b1b1b"


def page_style(projector: bool) -> None:
    """The Atlas page's own styling; in projector mode, hide the sidebar and enlarge the text."""
    st.markdown(_PROJECTOR_CSS if projector else _TITLE_CSS, unsafe_allow_html=True)


# Deployment: a visitor whose server went away (a copy behind the proxy crashed, a restart).
# Streamlit's page, once reconnected, asks for a script run only if it was running one or the
# page has fragments that rerun on a timer; otherwise a new server (with no session for it)
# leaves the old page on screen, dead. This hourly no-op fragment makes every reconnect ask for
# a run, and the new session rebuilds the view from the URL (init_state_from_url).
RECONNECT_HEARTBEAT_S = 3600


@st.fragment(run_every=RECONNECT_HEARTBEAT_S)
def _reconnect_heartbeat() -> None:
    pass


def rerun_on_reconnect() -> None:
    """Make the page rerun the app when its websocket reconnects, to a new server or the same one."""
    with st.sidebar:
        _reconnect_heartbeat()
