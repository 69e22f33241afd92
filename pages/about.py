"""The About page: what the atlas is, its data model, licences, citation, validation."""

import datetime

import streamlit as st

from atlas.detail import sources_table
from atlas.export import app_bibtex, app_citation, event_citation
from atlas.filters import apply_filters
from atlas.ui import components as ui
from atlas.ui import panels, sidebar, source, view


@view.page_content
def about_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    descriptor = source.cached_descriptor()

    st.title("About the atlas and its data")
    ui.show_notices(shown.notices)
    st.markdown(ui.plain(descriptor.get("description", "")))
    st.markdown(ui.prose("about.md"))
    st.markdown(sidebar.counts_line(package))

    st.header("Sources and their licences")
    st.dataframe(sources_table(package.sources), hide_index=True, width="stretch")
    licences = ", ".join(ui.plain(lic.get("title") or lic.get("name", ""))
                         for lic in descriptor.get("licenses", []))
    if licences:
        st.markdown(f"**Our tables:** {licences}. The source texts keep their own licences, above.")

    st.header("How to cite")
    today = datetime.date.today()
    st.markdown("**The atlas**")
    st.code(app_citation(descriptor, ui.app_url(), today), language=None, wrap_lines=True)
    st.code(app_bibtex(descriptor, ui.app_url(), today), language="bibtex")
    selection = apply_filters(package, state)
    events = selection.matching
    chosen = state.event or (events["id"].iloc[0] if len(events) else "")
    if chosen:
        title = package.events.set_index("id").at[chosen, "title"]
        st.markdown(f"**An event** (the one selected on the Atlas, else the first shown): "
                    f"{ui.plain(title)}")
        st.code(event_citation(package, chosen, descriptor.get("title", "Fitna Atlas"),
                               descriptor.get("version", ""), ui.app_url() + ui.event_link(chosen)[2:],
                               today), language=None, wrap_lines=True)

    st.header("Download what the filters show")
    st.markdown(f"**{selection.summary}**")
    panels.export_panel(package, events, key="data")

    st.header("Validation report")
    errors = package.errors
    if errors:
        st.error(f"The validator found {len(errors)} problem(s); the valid rows are shown, and every "
                 "problem is listed below with its file, row, column and value.")
    else:
        st.success("The data package validates: every event has a verbatim quote in its source.")
    panels.validation_report(package)

    st.header("Bring your own data")
    st.markdown(ui.prose("upload.md"))
    panels.upload_form()


about_page()
