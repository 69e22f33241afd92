"""Fitna Atlas: entry point. Page config, navigation, the view read from the URL, the shared sidebar."""

import streamlit as st

from atlas.ui import components, sidebar, view

st.set_page_config(page_title="Fitna Atlas", layout="wide")
components.style("app.css")
page = st.navigation([
    st.Page("pages/atlas.py", title="Atlas", default=True),
    st.Page("pages/story.py", title="Story", url_path="story"),
    st.Page("pages/compare.py", title="Compare the sources", url_path="compare"),
    st.Page("pages/sources.py", title="Sources", url_path="sources"),
    st.Page("pages/people.py", title="People", url_path="people"),
    st.Page("pages/places.py", title="Places", url_path="places"),
    st.Page("pages/about.py", title="About and data", url_path="about"),
])
shown = view.read(page.url_path)
# The story is told full screen: no filter widgets to Tab through; its links carry the filters.
sidebar.draw(shown, filters=page.url_path != "story")
sidebar.rerun_on_reconnect()
sidebar.upload_banner()
with view.serve(shown):
    page.run()
# Streamlit keeps this script's module (as __main__) until the next run anywhere in the process:
# without this, the last run's view would keep its package (a visitor's upload) alive after them.
del shown
