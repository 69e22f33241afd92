"""The Atlas page: a timeline beside a map, linked both ways, filtered, held in the URL."""

from dataclasses import replace

import streamlit as st

from atlas.detail import event_detail, event_place, place_name
from atlas.figures import event_extent, map_extent, map_figure, place_counts, timeline_figure
from atlas.filters import apply_filters, visible_routes
from atlas.maplabels import NORMAL_MAP, PROJECTOR_MAP
from atlas.presets import episode_presets
from atlas.story import story_link
from atlas.timeline import NORMAL, PROJECTOR
from atlas.ui import components as ui
from atlas.ui import panels, view

shown = view.current()
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

selected_place = event_place(package, state.event)
timeline, geography = st.columns(2, gap="small")
with timeline:
    st.plotly_chart(
        timeline_figure(selection.events, package.factions, lane=state.lane,
                        lane_order=list(package.episodes["name"]), axis=state.axis,
                        window=(state.start, state.end), source_dates=package.source_dates,
                        selected=state.event, attestations=package.attestations,
                        sources=package.sources,
                        style=replace(PROJECTOR if state.projector else NORMAL, ink=ui.ink())),
        key=view.TIMELINE_KEY, on_select=view.on_timeline_select, selection_mode="points",
        config=ui.PLOTLY_CONFIG, width="stretch",
    )
    ui.faction_key(package.factions, selection.events["faction_id"])
    ui.timeline_key(state.axis)
with geography:
    st.plotly_chart(
        map_figure(place_counts(selection.events, package.places),
                   visible_routes(package.routes, selection.events), package.regions,
                   package.factions,
                   selected_place=selected_place,
                   focus_place=state.focus_place, selected_route_event=state.event,
                   extent=event_extent(package.places, package.routes, selected_place,
                                       state.event) or map_extent(package.places),
                   style=PROJECTOR_MAP if state.projector else NORMAL_MAP),
        key=view.MAP_KEY, on_select=view.on_map_select, selection_mode="points",
        config=ui.PLOTLY_CONFIG, width="stretch",
    )

ui.event_picker(selection.events, package, state.event)
st.markdown(f"[:material/slideshow: Tell this episode as a story]"
            f"({story_link(package, state, shown.default)})")
detail = event_detail(package, state.event) if state.event else None
if detail is not None:
    if view.card_to_open():
        ui.card_dialog(detail)
    ui.event_card(detail)

# Drawn only once opened: a table loads about 1.5 MB of Streamlit's table code into the browser.
table = st.expander(f"Table of the {len(selection.events)} events shown (for screen readers)",
                    key="events_table", on_change="rerun")
if table.open:
    with table:
        ui.table_of_events(selection.events)
if len(selection.undated):
    st.subheader("Matching events with no usable date")
    ui.list_of_events(selection.undated)
with st.expander("Download the events shown (CSV, JSON, GeoJSON, Linked Places)"):
    panels.export_panel(package, selection.matching, key="atlas")
