"""The shared sidebar and banner, drawn by ``app.py`` for every page at each run of the whole app.

Each filter widget shows the rerun's :class:`atlas.ui.view.View` and, when changed, writes its
new value into the URL and reruns the page's content, not the sidebar
(:func:`atlas.ui.view.filter_changed`).
"""

from __future__ import annotations

import streamlit as st

from atlas import escape, schema
from atlas.dates import month_label
from atlas.filters import TEXT_LIMIT
from atlas.package.types import Package
from atlas.ui import source, view
from atlas.ui.view import KEY, View

LANE_NAMES = {"episode": "Episode", "place": "Place", "faction": "Faction", "source": "Source",
              "authority": "Authority cited"}


def counts_line(package: Package) -> str:
    """'N events, N places, N sources' for the loaded package."""
    return (f"{len(package.events)} events · {len(package.places)} places · "
            f"{len(package.sources)} sources · {len(package.attestations)} quotes")


def package_usable(package: Package) -> bool:
    """Whether enough of the package loaded to draw anything."""
    return "id" in package.events and schema.HAS_DATE in package.events


def _watch(name: str) -> dict:
    """The arguments that make a widget show the view's ``name`` and write changes to the URL
    (then the page's content reruns, not the sidebar)."""
    return {"key": KEY[name], "on_change": view.filter_changed, "args": (name,)}


def draw(shown: View, filters: bool = True) -> None:
    """Draw the package's counts in the sidebar and, with ``filters``, the widgets showing ``shown``."""
    package, vocabulary = shown.package, shown.vocabulary
    with st.sidebar:
        st.caption(counts_line(package))
    if not filters or not package_usable(package):
        return
    view.seed_widgets(shown)
    factions = package.factions.set_index("id")["name"]
    sources = package.sources.set_index("id")
    people = package.people.set_index("id")["name"]
    places = package.places.set_index("id")["name"]
    episodes = package.episodes.set_index("id")["name"]
    kinds = sorted(package.events["kind"].unique())
    with st.sidebar:
        st.header("View")
        st.radio("Timeline lanes", list(schema.LANES), horizontal=True,
                 format_func=LANE_NAMES.get, **_watch("lane"),
                 help="By source: each source's version of the events at the date it gives, "
                      "joined by a line across lanes; by authority: the same for each "
                      "authority a source cites.")
        st.radio("Calendar", ["ce", "ah"], horizontal=True,
                 format_func={"ce": "CE (Julian)", "ah": "AH (Hijri)"}.get, **_watch("axis"))
        st.header("Filters")
        st.text_input("Search (titles, people, places; any spelling the sources use)",
                      max_chars=TEXT_LIMIT, **_watch("text"))
        st.multiselect("Factions", list(factions.index), format_func=lambda i: factions.get(i, i),
                       placeholder="All factions", **_watch("factions"))
        st.multiselect("Sources", list(sources.index),
                       format_func=lambda i: f"{sources.at[i, 'short']} ({i})",
                       placeholder="All sources", **_watch("sources"))
        st.radio("Events attested", ["any", "all", "only"],
                 format_func={"any": "by any chosen source", "all": "by all chosen sources",
                              "only": "only by chosen sources"}.get, **_watch("source_mode"))
        st.multiselect("Authorities the sources cite", sorted(vocabulary.authorities),
                       placeholder="Any or none", **_watch("authorities"),
                       help="Events for which a source reports what a named authority says "
                            "(Madelung, 'one account', ...)")
        # value= makes it a range slider; the key's state (the view) takes precedence.
        default = shown.default
        st.select_slider("Date window", options=[month_label(i) for i in range(
                         vocabulary.window_min, vocabulary.window_max + 1)],
                         value=(month_label(default.start), month_label(default.end)),
                         **_watch("window"))
        st.multiselect("Episodes", list(episodes.index), format_func=lambda i: episodes.get(i, i),
                       placeholder="All episodes", **_watch("episodes"))
        st.multiselect("Kinds of event", kinds, placeholder="All kinds", **_watch("kinds"))
        st.multiselect("People", sorted(people.index, key=lambda i: people[i]),
                       format_func=lambda i: people.get(i, i), placeholder="Anyone",
                       **_watch("people"))
        st.multiselect("Places", sorted(places.index, key=lambda i: places[i]),
                       format_func=lambda i: places.get(i, i), placeholder="Anywhere",
                       **_watch("places"))
        st.button("Reset", on_click=view.reset, help="Back to the default view", width="stretch")


def _forget_upload() -> None:
    """Callback of 'back to the atlas's own data': drop the upload and reset the view."""
    source.forget_upload()
    view.reset()


def upload_banner() -> None:
    """Say clearly, on every page, that uploaded data is on show, with the way back."""
    upload = source.uploaded()
    if upload is None:
        return
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.warning(f"You are viewing uploaded data ({escape.markdown(upload.name)}), in this browser "
                 "session only: nothing was saved on the server.", icon=":material/folder_open:")
    right.button("Back to the atlas's own data", on_click=_forget_upload, width="stretch")


# Deployment: a visitor whose server went away (a copy behind the proxy crashed, a restart).
# Streamlit's page, once reconnected, asks for a script run only if it was running one or the
# page has fragments that rerun on a timer; otherwise a new server (with no session for it)
# leaves the old page on screen, dead. This hourly no-op fragment makes every reconnect ask for
# a run, and the new session rebuilds the view from the URL (atlas.ui.view.read).
RECONNECT_HEARTBEAT_S = 3600


@st.fragment(run_every=RECONNECT_HEARTBEAT_S)
def _reconnect_heartbeat() -> None:
    pass


def rerun_on_reconnect() -> None:
    """Make the page rerun the app when its websocket reconnects, to a new server or the same one."""
    with st.sidebar:
        _reconnect_heartbeat()
