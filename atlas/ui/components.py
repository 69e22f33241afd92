"""The pieces pages are built of: the event card, pickers, tables, keys, links, prose and styles.

Every text from the data goes through :func:`plain` (or :mod:`atlas.escape`), so it shows as
typed. Prose and CSS live beside the pages (``pages/*.md``, ``pages/*.css``), read by
:func:`prose` and :func:`style`.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from atlas import escape, schema
from atlas.compare import ABSENT, ATTESTED, DIFFERS, MATRIX_SYMBOLS
from atlas.dates import jdn_to_julian
from atlas.detail import EventDetail, card_date, events_table, order_in_words
from atlas.filters import FilterState
from atlas.package.types import Package
from atlas.paths import ROOT
from atlas.presets import Preset, window_title
from atlas.ui import sidebar, source, view
from atlas.ui.view import KEY

# Served by Streamlit's static file serving (see .streamlit/config.toml and geo/README.md).
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False, "scrollZoom": False}
PAGES = ROOT / "pages"


@cache
def prose(name: str) -> str:
    """The text of ``pages/<name>`` (Markdown or CSS written beside the pages)."""
    return (PAGES / name).read_text(encoding="utf-8")


def style(name: str) -> None:
    """Apply the stylesheet ``pages/<name>``."""
    st.markdown(f"<style>\n{prose(name)}</style>", unsafe_allow_html=True)


def show_notices(notices) -> None:
    """Say politely what in the link could not be used."""
    for notice in notices:
        st.info(plain(notice), icon=":material/info:")


# The event picker's options are sent again whenever the charts rerun (a choice in the picker,
# the card's dialog closed): at 2,000 that was 87 kB a click. Five hundred are more than a
# person scrolls; typing filters.
PICKER_LIMIT = 500


# Tables and lists sent to the browser stop here; downloads always hold everything.
TABLE_LIMIT = 1000
LIST_LIMIT = 60


LIST_LIMIT = 60


def plain(text) -> str:
    """Text from the data, escaped so that Markdown shows it literally (no markup, links, math)."""
    return escape.markdown(text)


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


def stop_unless_usable(package: Package) -> None:
    """Stop the page, saying why and listing the problems, when too little of ``package`` loaded to draw."""
    if sidebar.package_usable(package):
        return
    st.error("The data package could not be loaded. Run `python -m atlas validate` for details.")
    show_data_problems(package)
    st.stop()


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
    if st.session_state.get(KEY["event"]) != selected:  # also in a fragment's rerun
        st.session_state[KEY["event"]] = selected
    st.selectbox("Event to read", options, key=KEY["event"], on_change=view.widget_changed,
                 args=("event",), format_func=lambda i: labels.get(i, str(i)))


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
            disagreements(detail.disagreements)
        if len(detail.order):
            st.markdown("#### Order in the sources")
            st.markdown("  \n".join(
                f"**{plain(order_in_words(line))}** — “{plain(line.quote)}” "
                f"({plain(line.source_label)}, {plain(line.locator)})"
                for line in detail.order.itertuples(index=False)))


def disagreements(table: pd.DataFrame) -> None:
    """The card's table of differing points (a row per point, a column per source), as a plain
    table: a handful of rows, read as the page's text is (a data grid's canvas is not, and its
    code is 1.5 MB more for the browser). Its cells read Markdown, so each is made plain."""
    shown = table.map(plain)
    shown.index = shown.index.map(plain).rename("Point")
    shown.columns = [plain(column) for column in shown.columns]
    st.table(shown, hide_index=False, width="stretch")


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


def card_dialog(detail: EventDetail) -> None:
    """The selected event's card in a dialog over the charts: in view at once, at 1280x720.

    Closing it reruns the Atlas's charts (:func:`atlas.ui.view.card_closed`), which then draw the
    card below them instead.
    """
    st.dialog(plain(detail.event["title"]), width="large", on_dismiss=view.card_closed)(
        lambda: event_card(detail, heading=False))()


def atlas_title(package: Package, state: FilterState) -> str:
    """The Atlas page's title: the data package's title (else 'Atlas') and the window in view."""
    title = str(source.cached_descriptor().get("title", "")).strip()
    return plain(window_title(title or "Atlas", state.start, state.end))


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


def view_bar(presets: list[Preset], shown: view.View) -> None:
    """One row above the charts: the projector switch and a button per episode's window.

    A button sets the date window (and so the URL) to its episode's span; the window in view is
    marked as the primary button.
    """
    state = shown.state
    with st.container(horizontal=True, gap="small", vertical_alignment="center",
                      key="view_bar"):
        st.toggle("Projector", key=KEY["projector"], on_change=view.widget_changed,
                  args=("projector",),
                  help="Hide the sidebar, enlarge text and marks, keep the charts and the card "
                       "on one screen (link parameter projector=1)")
        for preset in presets:
            st.button(preset.name, key=f"preset_{preset.episode_id}", on_click=view.set_window,
                      args=(preset.start, preset.end),
                      type="primary" if (preset.start, preset.end) == (state.start, state.end)
                      else "secondary",
                      help="Show this episode's months on the timeline")
        default = shown.default
        if (state.start, state.end) != (default.start, default.end):
            st.button("Whole period", key="preset_all", on_click=view.set_window,
                      args=(default.start, default.end), icon=":material/zoom_out_map:")


def page_style(projector: bool) -> None:
    """The Atlas page's own styling; in projector mode, hide the sidebar and enlarge the text."""
    style("projector.css" if projector else "atlas.css")


def ink() -> str:
    """A text colour with full contrast on the page's theme (charts' own grey is faint)."""
    theme = getattr(getattr(st.context, "theme", None), "type", None)
    return "#f2f2f2" if theme == "dark" else "#1b1b1b"


def source_text(html_text: str) -> None:
    """Show a source's text as built by :func:`atlas.passages.passages_html` (already escaped)."""
    st.markdown(f"<style>\n{prose('sources.css')}</style>{html_text}", unsafe_allow_html=True)


def event_link(event_id: str) -> str:
    """The relative URL of the Atlas page with ``event_id`` selected (works from any page)."""
    return f"./?{urlencode({'event': event_id})}"


def atlas_link(**params: str) -> str:
    """The relative URL of the Atlas page with the given filters (e.g. person=ali)."""
    return f"./?{urlencode(params)}"


def open_column(text: str = "open on the atlas"):
    """A table column of links to the Atlas page, each showing ``text``."""
    return st.column_config.LinkColumn(display_text=text, width="small")


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


def registry_table(table, link_param: str, link_text: str) -> None:
    """A people or places table whose first column links to the Atlas filtered to each row."""
    table = table.assign(Atlas=table["id"].map(lambda i: atlas_link(**{link_param: i})))
    columns = ["Atlas", *[c for c in table.columns if c not in ("Atlas", "id")]]
    st.dataframe(table[columns], hide_index=True, width="stretch",
                 column_config={"Atlas": open_column(link_text)})


def entry_picker(label: str, entries, name: str, placeholder: str) -> None:
    """A box choosing one person or place by name; its value is the page selection ``name``."""
    st.selectbox(label, ["", *sorted(entries.index, key=lambda i: entries.at[i, "name"])],
                 key=view.page_key(name), on_change=view.param_changed, args=(name,),
                 format_func=lambda i: entries.at[i, "name"] if i else placeholder)


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


def app_url() -> str:
    """The address this app is served at, as the visitor's browser sees it (for citations)."""
    parts = urlsplit(getattr(st.context, "url", "") or "")
    # Behind a proxy at a sub-path (server.baseUrlPath), the app lives under it.
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = f"/{base}/" if base else "/"
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme and parts.netloc else \
        f"http://localhost:8501{path}"
