"""Fitna Atlas: entry point. Page config, navigation and the shared sidebar; no data logic."""

import streamlit as st

from atlas import ui

st.set_page_config(page_title="Fitna Atlas", layout="wide")
ui.keep_view_state()
ui.compact_layout()

package = ui.cached_package()
pages = st.navigation([
    st.Page("pages/atlas.py", title="Atlas", default=True),
    st.Page("pages/story.py", title="Story", url_path="story"),
    st.Page("pages/compare.py", title="Compare the sources", url_path="compare"),
    st.Page("pages/sources.py", title="Sources", url_path="sources"),
    st.Page("pages/people.py", title="People", url_path="people"),
    st.Page("pages/places.py", title="Places", url_path="places"),
    st.Page("pages/about.py", title="About and data", url_path="about"),
])
with st.sidebar:
    st.caption(ui.counts_line(package))
ui.rerun_on_reconnect()
ui.upload_banner()
pages.run()
