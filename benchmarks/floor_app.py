"""The benchmark's floor: a bare Streamlit page with one Plotly chart of the same events.

Nothing built on Streamlit and Plotly can show a package's events faster than this page, so the
benchmark reads the atlas's measures as ratios to it (``benchmarks/run.py``). It reads the
package the atlas would show (``atlas.paths.data_dir``: ``$ATLAS_DATA``, ``$FITNA_ATLAS_DATA`` or
data/) with the standard library's csv module, draws one point per dated event (its first date,
by faction), has a "Factions" box and a Reset button in the sidebar, the atlas's "Showing N of M
events" line, and shows a clicked event's title and summary: the browser measures time it exactly
as they time the atlas (``benchmarks/browser.py``). Run by ``streamlit run``; not part of the app.
"""

import csv
import re
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st  # noqa: TID251 - a Streamlit page of its own, served only by the benchmark

from atlas.paths import data_dir

FACTIONS_KEY = "factions"
CHART_KEY = "chart"
# Above this many points the chart draws with WebGL, as the atlas's timeline does.
WEBGL_ABOVE = 5000
_FIRST_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / f"{name}.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as table:
        return list(csv.DictReader(table))


@st.cache_resource
def _package(folder: Path) -> tuple[list[dict], dict[str, str]]:
    """The dated events (id, title, summary, date, factions) and the factions' names."""
    people = {p["id"]: p.get("faction_id", "") for p in _rows(folder, "people")}
    extra: dict[str, set[str]] = {}
    for row in _rows(folder, "participants"):
        extra.setdefault(row["event_id"], set()).add(people.get(row["person_id"], ""))
    events = []
    for row in _rows(folder, "events"):
        found = _FIRST_DATE.search(row.get("start", ""))
        if not found:
            continue
        year, month, day = found.groups()
        events.append({"id": row["id"], "title": row["title"], "summary": row["summary"],
                       "date": f"{year}-{month or '01'}-{day or '01'}",
                       "faction": row["faction_id"],
                       "factions": ({row["faction_id"]} | extra.get(row["id"], set())) - {""}})
    return events, {f["id"]: f["name"] for f in _rows(folder, "factions")}


def _reset() -> None:
    st.session_state[FACTIONS_KEY] = []


st.set_page_config(page_title="Floor", layout="wide")
events, names = _package(data_dir())
with st.sidebar:
    chosen = st.multiselect("Factions", list(names), key=FACTIONS_KEY, format_func=names.get,
                            placeholder="All factions")
    st.button("Reset", on_click=_reset)

shown = [e for e in events if not chosen or e["factions"] & set(chosen)]
st.markdown(f"**Showing {len(shown)} of {len(events)} events.**")
trace = go.Scattergl if len(shown) > WEBGL_ABOVE else go.Scatter
figure = go.Figure(trace(
    x=[e["date"] for e in shown], y=[names.get(e["faction"], e["faction"]) for e in shown],
    mode="markers", customdata=[[e["id"]] for e in shown], marker=dict(size=11),
    hovertext=[e["title"] for e in shown], xcalendar="julian"))
figure.update_layout(height=400, margin=dict(l=10, r=10, t=10, b=10))
picked = st.plotly_chart(figure, key=CHART_KEY, width="stretch", on_select="rerun",
                         selection_mode="points")
points = picked.selection.points if picked else []
if points:
    ids = {e["id"]: e for e in events}
    event = ids.get(points[0]["customdata"][0])
    if event:
        with st.container(key="card"):
            st.subheader(event["title"])
            st.write(event["summary"])
