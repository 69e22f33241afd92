"""Panels for the data itself: downloads of what the filters show, the upload form, the report.

The downloads are built only when a button is pressed; an upload is loaded into this session
(:mod:`atlas.ui.source`) and the view goes back to the new package's default.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from atlas import export
from atlas.handles import rows_of
from atlas.package.types import Package
from atlas.ui import source, view
from atlas.ui.components import app_url, plain


def export_panel(package: Package, events, key: str) -> None:
    """Download buttons for ``events`` (the filtered view): built only when a button is pressed.

    Streamlit keeps each button's callable as long as the session lives, so they hold a handle
    to the shared events (:func:`atlas.handles.rows_of`), not the filtered copy.
    """
    name = "fitna-atlas"
    count = len(events)
    shown = rows_of(package.events, events)
    buttons = [
        ("Events with their quotes (CSV)", lambda: export.to_csv(export.events_rows(package, shown())),
         f"{name}-events.csv", "text/csv"),
        ("Events with their quotes (JSON)", lambda: export.events_json(package, shown()),
         f"{name}-events.json", "application/json"),
        ("Places (GeoJSON)", lambda: _json(export.places_geojson(package, shown())),
         f"{name}-places.geojson", "application/geo+json"),
        ("Routes (GeoJSON)", lambda: _json(export.routes_geojson(package, shown())),
         f"{name}-routes.geojson", "application/geo+json"),
        ("Places as Linked Places (LPF)",
         lambda: _json(export.places_lpf(package, shown(), base_uri=app_url() + "places?gaz=")),
         f"{name}-places-lpf.json", "application/ld+json"),
    ]
    st.caption(f"Downloads hold the {count} event(s) the filters show. CSV cells that a "
               "spreadsheet would run as formulas start with an apostrophe.")
    for column, (label, build, file_name, mime) in zip(st.columns(len(buttons)), buttons, strict=True):
        with column:
            st.download_button(label, build, file_name=file_name, mime=mime, on_click="ignore",
                               key=f"{key}-{file_name}", width="stretch")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def download_disputes(disputes) -> None:
    """A button that downloads the disputed points shown, formula-safe CSV, built when pressed."""
    st.download_button("Download these disputed points (CSV)", lambda: export.to_csv(disputes),
                       file_name="fitna-atlas-disputed-points.csv", mime="text/csv",
                       on_click="ignore")


# The upload form's widget, and the problems of the last upload (shown under the form).
UPLOAD_FILES = "upload_files"
_UPLOAD_PROBLEMS = "upload_problems"
# Each upload read empties the form: a new key gives a new, empty uploader (its files are let go).
_UPLOAD_ROUND = "upload_round"


def _uploader_key() -> str:
    return f"{UPLOAD_FILES}-{st.session_state.get(_UPLOAD_ROUND, 0)}"


def on_upload() -> None:
    """Callback of the upload form's button: load the chosen files into this session."""
    files = st.session_state.get(_uploader_key()) or []
    before = source.uploaded()
    st.session_state[_UPLOAD_PROBLEMS] = source.load_upload(files) if files else []
    st.session_state[_UPLOAD_ROUND] = st.session_state.get(_UPLOAD_ROUND, 0) + 1
    if source.uploaded() is not before:
        view.reset()  # the package shown changed: its default view
        view.rerun_page()  # and the sidebar's counts and filters


def upload_form() -> None:
    """The upload form: a zip of a data package or its CSV files, checked and loaded for this session."""
    st.file_uploader("A data package as one .zip, or its CSV files (events.csv at least)",
                     type=["zip", "csv", "json", "geojson", "txt", "md"],
                     accept_multiple_files=True, key=_uploader_key(),
                     on_change=source.watch_session)
    st.button("Show this data", on_click=on_upload, type="primary",
              disabled=not st.session_state.get(_uploader_key()))
    for problem in st.session_state.get(_UPLOAD_PROBLEMS, []):
        if problem.severity == "error":
            st.error(plain(problem), icon=":material/error:")
        else:
            st.info(plain(problem), icon=":material/info:")


def validation_report(package: Package) -> None:
    """Rows read, shown and rejected per table, and every problem as a table one can download."""
    counts = getattr(package, "counts", {}) or {}
    if counts:
        st.dataframe(pd.DataFrame(
            [(name, c.read, c.shown, c.rejected) for name, c in counts.items()],
            columns=["Table", "Rows read", "Rows shown", "Rows rejected"]),
            hide_index=True, width="stretch")
    if not package.problems:
        return
    problems = pd.DataFrame([
        {"Severity": p.severity, "File": p.file, "Row": p.row, "Column": p.column,
         "Value": p.value, "Problem": p.message} for p in package.problems])
    st.dataframe(problems, hide_index=True, width="stretch")
    st.download_button("Download this report (CSV)", export.to_csv(problems),
                       file_name="validation-report.csv", mime="text/csv", on_click="ignore")
