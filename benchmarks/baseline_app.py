"""The benchmark's baseline: the least a Streamlit page with one Plotly chart costs.

One chart of 10 points, a "Factions" box and a Reset button in the sidebar, and the same
"Showing N of M events" line as the atlas, so that the browser measures time it exactly as
they time the atlas (``benchmarks/browser.py``). Run by ``streamlit run``; not part of the app.
"""

import plotly.graph_objects as go
import streamlit as st  # noqa: TID251 - a Streamlit page of its own, served only by the benchmark

POINTS = 10
GROUPS = {"east": "Group East", "west": "Group West"}
FACTIONS_KEY = "factions"


def _reset() -> None:
    st.session_state[FACTIONS_KEY] = []


st.set_page_config(page_title="Baseline", layout="wide")
with st.sidebar:
    chosen = st.multiselect("Factions", list(GROUPS), key=FACTIONS_KEY, format_func=GROUPS.get,
                            placeholder="All factions")
    st.button("Reset", on_click=_reset)

group = ["east" if i % 2 else "west" for i in range(POINTS)]
shown = [i for i in range(POINTS) if not chosen or group[i] in chosen]
st.markdown(f"**Showing {len(shown)} of {POINTS} events.**")
figure = go.Figure(go.Scatter(
    x=[f"0656-{i % 12 + 1:02d}-01" for i in shown], y=[i % 3 for i in shown], mode="markers",
    customdata=[[f"point_{i}"] for i in shown], marker=dict(size=13), xcalendar="julian"))
figure.update_layout(height=400, margin=dict(l=10, r=10, t=10, b=10))
st.plotly_chart(figure, key="chart", width="stretch")
