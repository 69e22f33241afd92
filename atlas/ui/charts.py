"""The Atlas page's timeline, map and card: built once for what they show, shared by sessions.

A figure is cached (``st.cache_resource``, shared read-only, a bounded number kept) under
everything it depends on: the package, the view's filters, the selected event where it draws it,
the style. A rerun that shows the same view then neither builds the figure again nor, since its
JSON is the same, has Streamlit re-send it (its message cache) or the browser redraw it (the
chart keeps its element id). A class making the same views shares the work.

The timeline shows a click in it with Plotly's own selection (the clicked point grows, the others
fade), so its figure need not change for a click, which reruns only the card (a fragment within
the charts'). It draws a selection itself only when the selection was made elsewhere (the picker,
a link, the back button). :func:`timeline_selection` keeps the record of what the chart on screen
shows. The map frames, rings and highlights the selected event's place and route, so it changes
with the selection; but while the card's dialog covers the page it stays as drawn, and changes
when the dialog is closed (:func:`map_selection`). The selected event's card is cached the same
way (building one took ~90 ms of a click's rerun), and so are the Story page's steps and figures
(a class steps through the same story).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from atlas.detail import event_detail, event_place
from atlas.figures import (
    DENSITY_THRESHOLD,
    event_extent,
    map_extent,
    map_figure,
    place_counts,
    timeline_figure,
)
from atlas.filters import FilterState, Selection, apply_filters, visible_routes
from atlas.maplabels import NORMAL_MAP, PROJECTOR_MAP
from atlas.package.types import Package
from atlas.paths import data_dir, geo_dir
from atlas.story import story_link
from atlas.timeline import NORMAL, PROJECTOR
from atlas.ui import components as ui
from atlas.ui import source, view
from atlas.ui.view import TIMELINE_SHOWS

# Figures kept per process (timelines and maps together): enough for a class's common views,
# bounded for a big package's figures (megabytes each). Event cards are small: many are kept.
KEPT_FIGURES = 48
KEPT_CARDS = 400
# What :func:`cached` keeps with the cards (the rest with the figures).
SMALL_PARTS = ("card", "story_step")
# The session's key for the timeline figure last sent (its view, the event it draws as
# selected, a revision). The event the timeline on screen shows as selected is
# view.TIMELINE_SHOWS (a click's callback sets it).
TIMELINE_SENT = "charts_timeline_sent"
# The session's key for the view and the event the map on screen was drawn for.
MAP_SHOWS = "charts_map_shows"
# The page's selection while the page runs whole; a fragment's own rerun filters again, so that
# no filtered copy of the events is kept with the fragment between reruns.
_PAGE_SELECTION: ContextVar[Selection | None] = ContextVar("atlas_page_selection", default=None)


class _Finished(go.Figure):
    """A cached figure, never changed again. ``st.plotly_chart`` asks for its plain form at every
    run that shows it, and Plotly makes that a deep copy of every array (0.2 s a run for the two
    charts at 10,000 events): this one makes it once. Plotly turns the arrays of that form into
    its binary encoding in place the first time it writes the JSON, which is then the same."""

    def to_dict(self) -> dict:
        plain = self.__dict__.get("_plain")
        if plain is None:
            plain = self.__dict__["_plain"] = super().to_dict()
        return plain


def finished(made):
    """``made``; a figure's plain form is made once from now on (it must not change again)."""
    if isinstance(made, go.Figure):
        made.__class__ = _Finished
    return made


@st.cache_resource(max_entries=KEPT_FIGURES, show_spinner=False)
def _shared(chart: str, key: Hashable, _build: Callable[[], object]):
    return finished(_build())


@st.cache_resource(max_entries=KEPT_CARDS, show_spinner=False)
def _shared_card(key: Hashable, _build: Callable[[], object]):
    return _build()


def cached(part: str, key: tuple, build: Callable[[], object]):
    """What ``build`` makes for ``key`` (a figure, a card), once per process for the server's
    package, shared read-only by every session.

    An upload's are the session's own: the last one per ``part`` is kept with the upload in its
    session (:func:`atlas.ui.source.drawn_from_upload`) and goes when the upload goes.
    """
    if source.uploaded() is None:
        key = (str(data_dir()), str(geo_dir()), *key)
        return (_shared_card(key, build) if part in SMALL_PARTS
                else _shared(part, key, build))
    kept = source.drawn_from_upload()
    if part not in kept or kept[part][0] != key:
        kept[part] = (key, finished(build()))
    return kept[part][1]


def view_key(state: FilterState, *, drop: tuple[str, ...] = ()) -> str:
    """What a figure of ``state`` depends on, as text: the view without its selection (and
    without the fields named in ``drop``, which the figure does not draw)."""
    blank = {name: getattr(FilterState(), name) for name in drop}
    return repr(state.with_(event="", **blank))


def timeline_selection(key: str, event: str) -> tuple[str, int]:
    """The event the timeline figure should draw as selected, and the figure's revision.

    When the chart on screen already shows ``event`` (a click in it, or the figure last sent),
    the figure last sent is sent again, unchanged. Otherwise the figure draws ``event``; if that
    figure is the one last sent (the chart has since shown another click), its revision is raised
    so that the browser takes it afresh.
    """
    sent = st.session_state.get(TIMELINE_SENT)
    shows = st.session_state.get(TIMELINE_SHOWS, "")
    if sent is not None and sent[0] == key and shows == event:
        chosen = sent
    else:
        same = sent is not None and sent[:2] == (key, event)
        chosen = (key, event, sent[2] + 1 if same else 0)
    st.session_state[TIMELINE_SENT] = chosen
    st.session_state[TIMELINE_SHOWS] = event
    return chosen[1], chosen[2]


def map_selection(key: str, event: str, covered: bool) -> str:
    """The event the map should draw as selected, in the view ``key``.

    While the card's dialog covers the page (``covered``), the map stays as it is on screen, so
    that a click neither builds nor redraws it; closing the dialog reruns the charts, and the map
    then rings ``event``'s place and frames it.
    """
    shown = st.session_state.get(MAP_SHOWS)
    chosen = shown[1] if covered and shown is not None and shown[0] == key else event
    st.session_state[MAP_SHOWS] = (key, chosen)
    return chosen


def timeline_chart(package: Package, state: FilterState, selection: Selection,
                   ink: str) -> go.Figure:
    """The timeline of ``selection`` as ``state`` asks (cached; see the module's docstring)."""
    key = view_key(state)
    selected, revision = timeline_selection(key, state.event)
    if len(selection.events) > DENSITY_THRESHOLD:
        selected, revision = "", 0  # the many-events timeline draws months, not a selection

    def build() -> go.Figure:
        return timeline_figure(
            selection.events, package.factions, lane=state.lane,
            lane_order=list(package.episodes["name"]), axis=state.axis,
            window=(state.start, state.end), source_dates=package.source_dates,
            selected=selected, revision=revision, attestations=package.attestations,
            sources=package.sources,
            style=replace(PROJECTOR if state.projector else NORMAL, ink=ink))

    return cached("timeline", (key, selected, revision, ink), build)


def map_key(state: FilterState) -> str:
    """What the map of ``state`` depends on besides the selection (not the timeline's lanes
    or calendar)."""
    return view_key(state, drop=("lane", "axis"))


def map_chart(package: Package, state: FilterState, selection: Selection) -> go.Figure:
    """The map of ``selection``, framed on the selected event if any (cached)."""
    key = map_key(state)

    def build() -> go.Figure:
        place = event_place(package, state.event)
        return map_figure(
            place_counts(selection.events, package.places),
            visible_routes(package.routes, selection.events), package.regions, package.factions,
            selected_place=place, focus_place=state.focus_place,
            selected_route_event=state.event,
            extent=event_extent(package.places, package.routes, place, state.event)
            or map_extent(package.places),
            style=PROJECTOR_MAP if state.projector else NORMAL_MAP)

    return cached("map", (key, state.event), build)


def charts_and_card(shown: view.View, selection: Selection) -> None:
    """Draw the Atlas page's charts, event picker and card, a fragment of the page.

    Choosing an event reruns only these, and a click on the timeline only the card (which opens
    in a dialog); a click that changes more asks for the page's content or the whole app
    (:func:`atlas.ui.view.on_map_select`, :func:`atlas.ui.view.rerun_page`). ``selection`` is the
    page's, used in this run only.
    """
    token = _PAGE_SELECTION.set(selection)
    try:
        _charts_and_card(shown)
    finally:
        _PAGE_SELECTION.reset(token)


@st.fragment(key=view.CHARTS)
def _charts_and_card(shown: view.View) -> None:
    now = view.refreshed(shown)
    if now.state.with_(event="") != shown.state.with_(event=""):
        st.rerun()  # the URL changed more than the selection (not by a widget of this fragment)
    state, package = now.state, now.package
    selection = _PAGE_SELECTION.get() or apply_filters(package, state)
    timeline, geography = st.columns(2, gap="small")
    with timeline:
        st.plotly_chart(timeline_chart(package, state, selection, ui.ink()),
                        key=view.TIMELINE_KEY, on_select=view.on_timeline_select,
                        selection_mode="points", config=ui.PLOTLY_CONFIG, width="stretch")
        ui.faction_key(package.factions, selection.events["faction_id"])
        ui.timeline_key(state.axis)
    with geography:
        covered = bool(state.event) and view.card_opening()
        mapped = state.with_(event=map_selection(map_key(state), state.event, covered))
        st.plotly_chart(map_chart(package, mapped, selection),
                        key=view.MAP_KEY, on_select=view.on_map_select, selection_mode="points",
                        config=ui.PLOTLY_CONFIG, width="stretch")

    ui.event_picker(selection.events, package, state.event)
    st.markdown(f"[:material/slideshow: Tell this episode as a story]"
                f"({story_link(package, state, shown.default)})")
    _card(now)


@st.fragment(key=view.CARD)
def _card(shown: view.View) -> None:
    """The selected event's card: a new selection's in a dialog, else below the charts."""
    state, package = view.refreshed(shown).state, shown.package
    if not state.event:
        return
    detail = cached("card", (state.event,), lambda: event_detail(package, state.event))
    if detail is None:
        return
    if view.card_to_open():
        ui.card_dialog(detail)  # closing it reruns the charts: the card below, the map on the event
    else:
        ui.event_card(detail)
