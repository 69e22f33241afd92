"""The data page: what the package holds, where it comes from, and what the validator found."""

import streamlit as st

from atlas import ui
from atlas.detail import sources_table

package = ui.cached_package()
st.title("Data and sources")
st.markdown(ui.counts_line(package))

errors, notices = package.errors, [p for p in package.problems if p not in package.errors]
if errors:
    st.error(f"The validator found {len(errors)} problem(s); valid rows are still shown.")
else:
    st.success("The data package validates: every event has a verbatim quote in its source.")
ui.show_data_problems(package)
if notices:
    with st.expander(f"{len(notices)} notice(s)"):
        for notice in notices:
            st.markdown(f"- {notice}")

st.subheader("Sources")
st.dataframe(sources_table(package.sources), hide_index=True, width="stretch")
for source_id, text in package.texts.items():
    with st.expander(f"Full text of source {source_id}"):
        st.text(text)
