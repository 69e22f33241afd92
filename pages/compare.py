"""The Compare page: which source attests what, and every point where the sources disagree."""

import streamlit as st

from atlas.compare import MATRIX_SYMBOLS, dispute_keys, silent_sources, source_matrix
from atlas.filters import apply_filters
from atlas.ui import components as ui
from atlas.ui import panels, source, view


@view.page_content
def compare_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    all_disputes = source.all_disputes(package)
    fields = sorted(set(all_disputes["field"]))

    st.title("Compare the sources")
    ui.show_notices(shown.notices)
    sort = view.page_choice(shown, "sort", {"date", "episode"}, default="date")
    field_choice = view.page_choice(shown, "field", set(fields))
    selection = apply_filters(package, state)
    events = selection.matching
    st.markdown(f"**{selection.summary}** The authorities a source cites can be chosen in the "
                "sidebar like sources; each speaks in its own column below.")

    st.header("Who attests what")
    st.radio("Order events by", ["date", "episode"], key=view.page_key("sort"), horizontal=True,
             format_func=str.capitalize, on_change=view.param_changed, args=("sort", "date"))
    matrix = source_matrix(package, events, sort=sort, limit=ui.TABLE_LIMIT)
    if len(events) > ui.TABLE_LIMIT:
        st.caption(f"The first {ui.TABLE_LIMIT} of {len(events)} events; narrow the filters to see "
                   "others, or download them below.")
    labels = package.sources.set_index("id")["short"]
    columns = {sid: f"{labels.get(sid, sid)} ({sid})" for sid in package.sources["id"]}
    matrix = matrix.rename(columns=columns)
    matrix.insert(0, "Open", matrix["id"].map(ui.event_link))
    # The sources' columns right after the event, so that they are on screen without scrolling.
    matrix = matrix[["Open", "id", "Event", *columns.values(), "Date", "Episode"]]
    st.dataframe(
        ui.matrix_styler(matrix.drop(columns="id"), list(columns.values())),
        hide_index=True, width="stretch", height=min(38 * (len(matrix) + 1), 520),
        column_config={"Open": ui.open_column()},
    )
    st.caption("Each cell: " + " · ".join(MATRIX_SYMBOLS.values())
               + " (attested with a version another source contradicts). Click a column to sort.")

    st.header("Disputed points")
    st.selectbox("Field in dispute", [""] + fields, key=view.page_key("field"),
                 format_func=lambda f: f or "every field", on_change=view.param_changed,
                 args=("field",))
    # The filtered points are a subset of the whole table, already built and in the same order.
    disputes = all_disputes[all_disputes["event_id"].isin(events["id"])]
    if field_choice:
        disputes = disputes[disputes["field"] == field_choice]
    keys = dispute_keys(disputes)
    st.markdown(f"**{len(keys)} disputed point(s)** among the events shown "
                f"(the data holds {len(dispute_keys(all_disputes))} in all).")
    titles = package.events.set_index("id")["title"]
    if len(keys) > ui.LIST_LIMIT:
        st.caption(f"The first {ui.LIST_LIMIT} points are shown; narrow the filters or the field to "
                   "see others. The download holds them all.")
    for event_id, point in keys[:ui.LIST_LIMIT]:
        rows = disputes[(disputes["event_id"] == event_id) & (disputes["field"] == point)]
        with st.container(border=True, key=f"dispute-{event_id}-{point}"):
            st.markdown(f"**{ui.plain(titles.get(event_id, event_id))}** · in dispute: "
                        f"*{ui.plain(point)}* · [show on the atlas]({ui.event_link(event_id)})")
            voices = list(rows.itertuples(index=False))
            for start in range(0, len(voices), 3):
                for column, voice in zip(st.columns(3), voices[start:start + 3], strict=False):
                    with column:
                        st.markdown(f"**{ui.plain(voice.voice_label)}**  \n{ui.plain(voice.value)}")
                        st.markdown(f"> {ui.plain(voice.quote)}")
                        st.caption(ui.plain(voice.locator))
            silent = silent_sources(package, event_id, set(rows["source_id"]))
            if silent:
                st.caption("Also attest the event without a version of this point: "
                           + ui.plain(", ".join(f"{labels.get(s, s)} ({s})" for s in silent)))
    panels.download_disputes(disputes)
    with st.expander("Download the events shown (CSV, JSON, GeoJSON, Linked Places)"):
        panels.export_panel(package, events, key="compare")


compare_page()
