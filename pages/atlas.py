"""The Atlas page: a timeline beside a map, linked both ways, filtered, held in the URL.

The page's content is a fragment (:func:`atlas.ui.view.page_content`): a filter's change in the
sidebar, a click on a place of the map, reruns it, not the sidebar. Choosing an event (a click on
the timeline, the event picker) reruns only the charts and the card
(:func:`atlas.ui.charts.charts_and_card`, a fragment within it); a click on a month's bubble,
which moves the sidebar's date window, reruns the whole app.
"""

import streamlit as st

from atlas.detail import place_name
from atlas.filters import apply_filters
from atlas.presets import episode_presets
from atlas.ui import charts, panels, view
from atlas.ui import components as ui


@view.page_content
def atlas_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    ui.stop_unless_usable(package)

    ui.page_style(state.projector)
    st.title(ui.atlas_title(package, state))
    ui.show_notices(shown.notices)
    ui.show_data_problems(package)
    selection = apply_filters(package, state)
    vocabulary = shown.vocabulary
    ui.view_bar(episode_presets(package.events, package.episodes,
                                (vocabulary.window_min, vocabulary.window_max)), shown)

    st.markdown(f"**{selection.summary}**")
    if state.focus_place:
        st.button(f"Showing only events at {ui.plain(place_name(package, state.focus_place))}: "
                  "show every place",
                  on_click=view.clear_focus_place)

    charts.charts_and_card(shown, selection)

    # Drawn only once opened: a table loads about 1.5 MB of Streamlit's table code into the browser.
    table = st.expander(f"Table of the {len(selection.events)} events shown (for screen readers)",
                        key="events_table", on_change="rerun")
    if table.open:
        with table:
            ui.table_of_events(selection.events)
    if len(selection.undated):
        st.subheader("Matching events with no usable date")
        ui.list_of_events(selection.undated)
    # Drawn only once opened too: its buttons would be sent again at every change of the view.
    downloads = st.expander("Download the events shown (CSV, JSON, GeoJSON, Linked Places)",
                            key="events_downloads", on_change="rerun")
    if downloads.open:
        with downloads:
            panels.export_panel(package, selection.matching, key="atlas")


atlas_page()
