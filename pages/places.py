"""The Places page: the gazetteer, with spellings, coordinates, certainty, external records, events."""

import streamlit as st

from atlas.figures import map_figure, place_counts
from atlas.filters import apply_filters
from atlas.registry import place_events, place_links, places_table, spellings
from atlas.ui import components as ui
from atlas.ui import view


@view.page_content
def places_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    places = package.places.set_index("id", drop=False)

    st.title("Places")
    ui.show_notices(shown.notices)
    chosen = view.page_choice(shown, "gaz", set(places.index))
    selection = apply_filters(package, state)
    in_view = set(selection.matching["place_id"])
    table = places_table(package)
    table = table[table["id"].isin(in_view)]
    st.markdown(f"**{len(table)} of {len(places)} places** have events the filters show.")
    ui.registry_table(table, "place", "events there")

    ui.entry_picker("Place to read about", places, "gaz", "(choose a place)")
    if chosen:
        place = places.loc[chosen]
        st.subheader(ui.plain(place["name"]))
        facts = [f"**Arabic:** {ui.plain(place['arabic'])}" if place["arabic"] else "",
                 "**Spellings:** " + ui.plain(", ".join(spellings(place["aliases"]))),
                 f"**Coordinates:** {place['lat']:.4f}° N, {place['lon']:.4f}° E "
                 f"(from {ui.plain(place['coord_source'])})",
                 f"**Location:** {ui.plain(place['location_certainty'])} — "
                 f"{ui.plain(place['certainty_note'])}"]
        links = place_links(place)
        if links:
            facts.append("**Records elsewhere:** " + " · ".join(
                f"[{ui.plain(label)}]({url})" for label, url in links))
        st.markdown("  \n".join(f for f in facts if f))
        st.markdown(f"[Show the events at {ui.plain(place['name'])} on the atlas]"
                    f"({ui.atlas_link(place=chosen)})")

        events = place_events(package, chosen)
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"#### Events here ({len(events)})")
            st.dataframe(ui.person_events_table(events), hide_index=True, width="stretch",
                         column_config={"Open": ui.open_column()})
        with right:
            st.plotly_chart(
                map_figure(place_counts(events, package.places), package.routes.iloc[0:0],
                           package.regions, package.factions, selected_place=chosen),
                config=ui.PLOTLY_CONFIG, width="stretch", key="place_map")


places_page()
