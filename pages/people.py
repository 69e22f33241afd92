"""The People page: who's who, every spelling the sources use, relations, and each person's events."""

import streamlit as st

from atlas.figures import timeline_figure
from atlas.filters import apply_filters
from atlas.registry import people_table, person_events, person_relations, spellings
from atlas.ui import components as ui
from atlas.ui import view


@view.page_content
def people_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    people = package.people.set_index("id", drop=False)

    st.title("People")
    ui.show_notices(shown.notices)
    chosen = view.page_choice(shown, "who", set(people.index))
    selection = apply_filters(package, state)
    involved = set(package.participants.loc[
        package.participants["event_id"].isin(selection.matching["id"]), "person_id"])
    table = people_table(package)
    table = table[table["id"].isin(involved)]
    st.markdown(f"**{len(table)} of {len(people)} people** take part in the events the filters show.")
    ui.registry_table(table, "person", "their events")

    ui.entry_picker("Person to read about", people, "who", "(choose a person)")
    if chosen:
        person = people.loc[chosen]
        st.subheader(ui.plain(person["name"]))
        facts = [f"**Arabic:** {ui.plain(person['arabic'])}" if person["arabic"] else "",
                 "**Spellings in the sources:** " + ui.plain(", ".join(spellings(person["aliases"]))),
                 f"**Role:** {ui.plain(person['role'])}"]
        st.markdown("  \n".join(f for f in facts if f))
        if person["note"]:
            st.caption(ui.plain(person["note"]))
        st.markdown(f"[Show {ui.plain(person['name'])}'s events on the atlas]"
                    f"({ui.atlas_link(person=chosen)})")

        relations = person_relations(package, chosen)
        st.markdown("#### Relations the sources state")
        if relations.empty:
            st.caption("No relation of this person is recorded.")
        else:
            st.dataframe(relations.drop(columns="other_id"), hide_index=True, width="stretch")

        events = person_events(package, chosen)
        st.markdown(f"#### Events ({len(events)})")
        dated = events[events["has_date"]]
        if len(dated):
            st.plotly_chart(
                timeline_figure(dated, package.factions, lane="episode",
                                lane_order=list(package.episodes["name"]), axis=state.axis,
                                window=ui.events_window(dated)),
                config=ui.PLOTLY_CONFIG, width="stretch", key="person_timeline")
        st.dataframe(ui.person_events_table(events), hide_index=True, width="stretch",
                     column_config={"Open": ui.open_column()})


people_page()
