"""Fitna Atlas: entry point. Page config, navigation and the shared sidebar; no data logic."""

import streamlit as st

from atlas import ui

st.set_page_config(page_title="Fitna Atlas", layout="wide")
ui.keep_view_state()
ui.compact_layout()

package = ui.cached_package()
pages = st.navigation([
    st.Page("pages/atlas.py", title="Atlas", default=True),
    st.Page("pages/data.py", title="Data and sources"),
])
with st.sidebar:
    st.caption(ui.counts_line(package))
pages.run()
