"""One view state per rerun: read from the URL once, handed to the page, changed through the URL.

The URL holds the whole view. ``app.py`` calls :func:`read` once per run of the whole app and
runs the page inside :func:`serve`; the page's content (:func:`page_content`) takes the same
immutable :class:`View`, and in a rerun of its own reads the URL again. A fragment within it
takes the URL's view with :func:`refreshed`.
Widgets only show the view (:func:`seed_widgets` sets them from it before they are drawn); their
callbacks write the change into the URL (:func:`change`, :func:`set_params`), and the rerun that
follows reads it back. Nothing of the view is kept in the session except what cannot live in the
URL, under the named keys below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager

from atlas import escape
from atlas.dates import label_month, month_label
from atlas.figures import density_month
from atlas.filters import LIST_PARAMS, FilterState, Vocabulary, repeated_notice
from atlas.package.types import Package
from atlas.story import PARAMS as STORY_PARAMS
from atlas.ui import source

# The widgets that show the view, by FilterState attribute (their keys in Streamlit's widget state).
KEY = {name: f"view_{name}" for name in (
    *LIST_PARAMS.values(), "source_mode", "window", "text", "focus_place", "event", "lane", "axis",
    "projector")}
# The keys of the fragments a callback may rerun alone: a page's content (:func:`page_content`);
# the Atlas's charts and, within them, the selected event's card (atlas.ui.charts).
CONTENT = "page_content"
CHARTS = "charts"
CARD = "card"
TIMELINE_KEY = "timeline_chart"
MAP_KEY = "map_chart"
# The event the timeline on screen shows as selected: after a click in it, Plotly's own selection
# (see atlas.ui.charts.timeline_selection).
TIMELINE_SHOWS = "view_timeline_shows"
# The session's own keys. Streamlit's navigation drops the query string on a page switch, so the
# view's parameters are carried to the next page (CARRIED); a newly chosen event opens its card
# in a dialog once (OPEN_CARD).
CARRIED = "view_carried"
OPEN_CARD = "view_open_card"
# Each page's own parameters, beside the view's, by the page's url_path.
PAGE_PARAMS = {"compare": ("sort", "field"), "sources": ("src",), "people": ("who",),
               "places": ("gaz",), "story": STORY_PARAMS}

_THIS_RUN: ContextVar[View | None] = ContextVar("atlas_view", default=None)


@dataclass(frozen=True)
class View:
    """What one rerun shows: the package, the filters from the URL, the page's own parameters."""

    package: Package
    vocabulary: Vocabulary
    state: FilterState
    page: Mapping[str, tuple[str, ...]]
    notices: tuple[str, ...] = ()

    @property
    def default(self) -> FilterState:
        """The package's default view (what a bare URL shows)."""
        return self.vocabulary.default_state()


def read(page: str) -> View:
    """Read the URL into this rerun's :class:`View` for the page at ``page`` (its url_path).

    What the URL names that cannot be used becomes a notice, and the URL is rewritten in its
    canonical form, so the notice is shown once.
    """
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    filters = set(FilterState.query_params())
    carried = st.session_state.get(CARRIED)
    if carried and carried[0] != page and not filters & set(query):
        query.update({name: [value] for name, value in carried[1].items()})
    own = PAGE_PARAMS.get(page, ())
    vocabulary = source.cached_vocabulary()
    state = FilterState.from_query(
        {name: values for name, values in query.items() if name not in own}, vocabulary)
    view = View(source.cached_package(), vocabulary, state,
                {name: tuple(query[name]) for name in own if name in query}, state.notices)
    if carried is None and state.event:
        st.session_state[OPEN_CARD] = True  # a link naming an event opens its card on arrival
    canonical = state.to_query(view.default)
    st.session_state[CARRIED] = (page, canonical)
    _write({**canonical, **view.page})
    return view


@contextmanager
def serve(view: View) -> Iterator[View]:
    """Make ``view`` the one :func:`current` returns while the page runs."""
    token = _THIS_RUN.set(view)
    try:
        yield view
    finally:
        _THIS_RUN.reset(token)


def current() -> View:
    """This rerun's view, as ``app.py`` read it (:func:`page_content` asks for it first).

    A page runs without ``app.py`` only on a fresh server's first visit to a deep link
    (``/compare?source=002``): until ``st.navigation`` has run once, Streamlit takes ``pages/``
    for an old-style page folder and runs the page alone. Recording what ``st.navigation``
    records and rerunning runs ``app.py``, which opens the requested page with its parameters.
    """
    view = _THIS_RUN.get()
    if view is None:
        PagesManager.uses_pages_directory = False
        st.rerun()
    return view


def page_content(body: Callable[[View], None]) -> Callable[[], None]:
    """A page's content, ``body``, as a fragment of the app's run: a filter's change reruns it alone.

    The sidebar's filters (:func:`filter_changed`) then rerun what shows the view, not
    ``app.py``, the navigation and the sidebar, whose widget already shows the change. In the
    app's run the content takes the view ``app.py`` read; in a rerun of its own, the URL's.
    Whatever else its widgets change reruns it alone too, unless their callback asks for the
    whole page (:func:`rerun_page`: the package, or a filter the sidebar shows).
    """
    @st.fragment(key=CONTENT)
    def content() -> None:
        shown = _THIS_RUN.get()
        if shown is not None:
            body(shown)
            return
        carried = st.session_state.get(CARRIED)
        with serve(read(carried[0] if carried else "")) as now:
            body(now)

    def run() -> None:
        current()  # a page run without app.py runs it first
        content()

    return run


def refreshed(shown: View) -> View:
    """``shown`` with the view the URL holds now, for a fragment's own rerun (``app.py`` did not run).

    The Atlas's charts and card rerun alone for a change of the selection only (callbacks that
    change more ask for the page's content or the whole app); what the next page is carried is
    updated too.
    """
    state, _ = _state_in_url()
    carried = st.session_state.get(CARRIED)
    if carried is not None:
        st.session_state[CARRIED] = (carried[0], state.to_query(shown.default))
    return replace(shown, state=state, notices=())


def rerun_page() -> None:
    """In a callback of a widget inside a fragment: rerun the whole app, not only the fragment.

    For a change that the sidebar shows (a filter it holds, the package), beyond what the
    fragment draws.
    """
    st.rerun(scope="app")


def seed_widgets(view: View) -> None:
    """Set the view's widgets to show ``view`` (before they are drawn)."""
    state = view.state
    for name, key in KEY.items():
        if name == "window":
            st.session_state[key] = (month_label(state.start), month_label(state.end))
        elif name in LIST_PARAMS.values():
            st.session_state[key] = list(getattr(state, name))
        else:
            st.session_state[key] = getattr(state, name)


def _write(wanted: Mapping[str, str | tuple[str, ...] | list[str]]) -> None:
    """Make the address bar hold exactly ``wanted``."""
    wanted = {name: list(value) if isinstance(value, list | tuple) else [value]
              for name, value in wanted.items()}
    if wanted != {name: st.query_params.get_all(name) for name in st.query_params}:
        st.query_params.from_dict({name: values[-1] if len(values) == 1 else values
                                   for name, values in wanted.items()})


def _state_in_url() -> tuple[FilterState, Vocabulary]:
    """The view's filters as the URL holds them now (in a callback: as the last rerun wrote them)."""
    vocabulary = source.cached_vocabulary()
    filters = set(FilterState.query_params())
    query = {name: st.query_params.get_all(name) for name in st.query_params if name in filters}
    return FilterState.from_query(query, vocabulary), vocabulary


def show(state: FilterState) -> None:
    """Put ``state`` into the URL, keeping the page's own parameters."""
    vocabulary = source.cached_vocabulary()
    filters = set(FilterState.query_params())
    page = {name: st.query_params.get_all(name) for name in st.query_params if name not in filters}
    _write({**page, **state.to_query(vocabulary.default_state())})


def change(**changes) -> None:
    """Change some of the view's filters (a callback's work)."""
    state, _ = _state_in_url()
    show(state.with_(**changes))


def set_params(**params: str) -> None:
    """Set the page's own parameters in the URL; an empty value removes one."""
    current_query = {name: st.query_params.get_all(name) for name in st.query_params}
    for name, value in params.items():
        current_query.pop(name, None)
        if value:
            current_query[name] = [str(value)]
    _write(current_query)


def reset() -> None:
    """Back to the default view: filters, selection and page choices (a callback's work)."""
    _write({})
    st.session_state[CARRIED] = ("", {})
    for key in (TIMELINE_KEY, MAP_KEY):
        st.session_state.pop(key, None)


def rerun_only(fragment: str) -> None:
    """In a callback: rerun only the fragment keyed ``fragment`` (CONTENT, CHARTS, CARD).

    Should the fragment not be on the page (a change landing while another page is opened),
    the whole app reruns.
    """
    try:
        st.rerun(fragment)
    except StreamlitAPIException:
        st.rerun()


def filter_changed(name: str) -> None:
    """Callback of a filter in the sidebar: write its new value into the URL and rerun the page's
    content only (:func:`page_content`)."""
    widget_changed(name)
    rerun_only(CONTENT)


def widget_changed(name: str) -> None:
    """Callback of a view widget: write its new value into the URL."""
    value = st.session_state[KEY[name]]
    if name == "window":
        change(start=label_month(value[0]), end=label_month(value[1]))
    elif name in LIST_PARAMS.values():
        change(**{name: tuple(value)})
    else:
        change(**{name: value if value is not None else ""})
    if name == "event":
        st.session_state[OPEN_CARD] = bool(value)


def set_window(start: int, end: int) -> None:
    """Callback of an episode's button: show its months (the sidebar's slider shows them too)."""
    change(start=start, end=end)
    rerun_page()


def on_timeline_select() -> None:
    """Callback of a click on the timeline: select the clicked event, or zoom to a month's year.

    On the many-events timeline a click lands on a month's bubble; the window then narrows to
    that year (within the slider's reach), where single events are drawn again.
    """
    points = st.session_state[TIMELINE_KEY].selection.points
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    month = density_month(ids[0]) if ids else None
    if month is None:
        change(event=ids[0] if ids else "")
        st.session_state[OPEN_CARD] = bool(ids)
        st.session_state[TIMELINE_SHOWS] = ids[0] if ids else ""
        if ids:
            # The chart shows the click itself, and the map waits under the card's dialog
            # (atlas.ui.charts.map_selection): only the card runs, to open the dialog.
            rerun_only(CARD)
        return
    vocabulary = source.cached_vocabulary()
    year = min(max(month // 12, vocabulary.window_min // 12), vocabulary.window_max // 12)
    change(start=max(year * 12, vocabulary.window_min),
           end=min(year * 12 + 11, vocabulary.window_max))
    rerun_page()


def on_map_select() -> None:
    """Callback of a click on the map: restrict the timeline to the place, or clear it."""
    points = st.session_state[MAP_KEY].selection.points
    ids = [p["customdata"][0] for p in points if p.get("customdata")]
    state, _ = _state_in_url()
    clicked = ids[0] if ids else ""
    change(focus_place="" if clicked == state.focus_place else clicked)
    rerun_only(CONTENT)  # the title, the counts, the tables: the page's content


def clear_focus_place() -> None:
    """Callback of the button that lifts the map's place restriction."""
    change(focus_place="")


def card_to_open() -> bool:
    """Whether this run should open the selected event's card (a new selection), once."""
    return bool(st.session_state.pop(OPEN_CARD, False))


def card_opening() -> bool:
    """Whether the card will open in this run (:func:`card_to_open`), without taking it."""
    return bool(st.session_state.get(OPEN_CARD, False))


def card_closed() -> None:
    """Callback of closing the card's dialog: rerun the charts, which the dialog covered (the map
    then rings the event, and the card is drawn below them)."""
    rerun_only(CHARTS)


def page_key(name: str) -> str:
    """The widget key of the page's own selection ``name``."""
    return f"page_{name}"


def page_choice(view: View, name: str, allowed, default: str = "") -> str:
    """The page's own selection ``name`` from the URL, else ``default``; its widget shows it.

    A value in the URL that is not ``allowed`` is ignored with a notice, and left out of the URL.
    """
    given = view.page.get(name, ())
    value = given[-1] if given else ""
    notices = [repeated_notice(name, given)]
    if value and value not in allowed:
        notices.append(f"Ignored {name}='{value[:40]}' in the link: there is no such entry.")
        value = ""
    for notice in filter(None, notices):
        st.info(escape.markdown(notice), icon=":material/info:")
    if len(given) > 1 or (given and not value):
        set_params(**{name: value})
    st.session_state[page_key(name)] = value or default
    return value or default


def param_changed(name: str, default: str = "") -> None:
    """Callback of a page's own widget: its value into the URL (left out when ``default``)."""
    value = st.session_state[page_key(name)] or ""
    set_params(**{name: "" if value == default else value})
