"""The data source of a session: the server's package, loaded once per process, or an upload.

Everything here is cached (``st.cache_resource``: frames shared read-only by every session) or
held in the session under one key (:data:`UPLOAD`), the one thing of a view that cannot live in
the URL.

An upload counts against the process's budget (:mod:`atlas.budget`) and is dropped by the app
itself once its session is gone: Streamlit 1.67 keeps an expired session, and forever the files
it uploaded, until something else happens (streamlit/streamlit#12506), so a thread of the
process watches the sessions that uploaded (:class:`atlas.budget.Departures`).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from atlas import budget, export
from atlas.compare import disputed_points
from atlas.filters import Vocabulary
from atlas.package import Package, Problem, load_package
from atlas.paths import data_dir, geo_dir, geo_for
from atlas.story import Story, read_stories
from atlas.upload import unpack_upload

# The session's key: its upload (a Held box: the package and the stories read from it).
UPLOAD = "uploaded_package"
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    """A package a visitor uploaded: held in their session only, never written to data/."""

    name: str
    package: Package
    vocabulary: Vocabulary
    descriptor: dict


@st.cache_resource(show_spinner="Loading the data package…")
def _load_once(data: str, geo: str) -> Package:
    return load_package(Path(data), Path(geo))


@st.cache_resource
def _vocabulary_once(data: str, geo: str) -> Vocabulary:
    return Vocabulary.from_package(_load_once(data, geo))


@st.cache_resource
def _stories_once(data: str, geo: str) -> dict[str, Story]:
    return read_stories(_load_once(data, geo))


@st.cache_resource
def _descriptor_once(data: str) -> dict:
    return export.read_descriptor(Path(data))


@st.cache_resource
def _disputes_once(data: str, geo: str) -> pd.DataFrame:
    package = _load_once(data, geo)
    return disputed_points(package, package.events)


def _server() -> tuple[str, str]:
    return str(data_dir()), str(geo_dir())


class Held:
    """What a session keeps of its upload: a box, so the app can empty it when the session is gone
    even while Streamlit still holds the session."""

    def __init__(self, limits: budget.UploadBudget) -> None:
        self._limits = limits
        self.upload: Upload | None = None
        self.stories: dict[str, Story] | None = None
        # What the pages drew from the upload (its figures and cards, atlas/ui/charts.py), by part.
        self.drawn: dict[str, tuple] = {}

    def drop(self) -> None:
        """Let the upload go, with all that was drawn from it, and return its share of the budget."""
        if self.upload is not None:
            self._limits.release(self.upload)
        self.upload = self.stories = None
        self.drawn = {}


def uploaded() -> Upload | None:
    """The package this session uploaded, if any."""
    held = st.session_state.get(UPLOAD)
    return held.upload if held is not None else None


def drawn_from_upload() -> dict[str, tuple]:
    """This session's figures and cards drawn from its upload, emptied when the upload goes
    (by the visitor, or by the app once their session is gone)."""
    return st.session_state[UPLOAD].drawn


def cached_package() -> Package:
    """The package to show: this session's upload, else the server's, loaded once per process."""
    upload = uploaded()
    return upload.package if upload is not None else _load_once(*_server())


def cached_vocabulary() -> Vocabulary:
    """The ids the URL may name, for the package :func:`cached_package` shows."""
    upload = uploaded()
    return upload.vocabulary if upload is not None else _vocabulary_once(*_server())


def server_vocabulary() -> Vocabulary:
    """The vocabulary of the server's own package (the view after an upload is let go)."""
    return _vocabulary_once(*_server())


def cached_stories() -> dict[str, Story]:
    """The stories of the package :func:`cached_package` shows (an upload's: kept in its session)."""
    upload = uploaded()
    if upload is None:
        return _stories_once(*_server())
    held = st.session_state[UPLOAD]
    if held.stories is None:
        held.stories = read_stories(upload.package)
    return held.stories


def cached_descriptor() -> dict:
    """The data package's description (title, version, licences), read once per folder."""
    upload = uploaded()
    return upload.descriptor if upload is not None else _descriptor_once(str(data_dir()))


def all_disputes(package: Package) -> pd.DataFrame:
    """Every disputed point of the package shown: built once per process and shared by sessions.

    (Built on every run, at 100,000 events it took most of the Compare page's time and memory.)
    An upload's table is built for its session on each run, as before.
    """
    if uploaded() is not None:
        return disputed_points(package, package.events)
    return _disputes_once(*_server())


@st.cache_resource
def _upload_budget() -> budget.UploadBudget:
    """The process's one budget for uploaded packages (ATLAS_UPLOAD_BUDGET_MB)."""
    return budget.UploadBudget(budget.budget_from_env())


@st.cache_resource
def departures() -> budget.Departures:
    """The sessions that uploaded, watched by one thread of the process until they are gone."""
    ttl = float(st.get_option("server.disconnectedSessionTTL"))
    watch = budget.Departures(ttl)
    threading.Thread(target=_sweep, args=(watch, max(1.0, min(10.0, ttl / 2))), daemon=True,
                     name="atlas-departures").start()
    return watch


def _sweep(watch: budget.Departures, every: float) -> None:
    while True:
        time.sleep(every)
        try:
            if runtime.exists():
                gone = watch.sweep(runtime.get_instance().is_active_session)
                if gone:
                    budget.return_freed_memory()
                    _LOG.info("%d session(s) gone: their uploads and files are dropped.",
                              len(gone))
        except Exception:  # noqa: BLE001 (the watch must outlive one bad sweep)
            _LOG.exception("Looking for gone sessions failed")


def _held() -> Held:
    """This session's box for an upload, made (and its session watched) on first use."""
    held = st.session_state.get(UPLOAD)
    if held is None:
        held = st.session_state[UPLOAD] = Held(_upload_budget())
        ctx = get_script_run_ctx()
        if ctx is not None:
            session, files = ctx.session_id, ctx.uploaded_file_mgr

            def gone() -> None:
                held.drop()
                _end_session(session, files)
            departures().watch(session, gone)
    return held


def _end_session(session: str, files) -> None:
    # What Streamlit's own AppSession.shutdown lets go of, through the runtime's public managers:
    # the uploaded files, the download buttons' callables (which hold the package) and the
    # tables' data kept for the page.
    files.remove_session_files(session)
    if runtime.exists():
        media = runtime.get_instance().media_file_mgr
        media.clear_session_refs(session)
        media.remove_orphaned_files()
        runtime.get_instance().dataframe_source_mgr.clear_all_for_session(session)


def watch_session() -> None:
    """Watch this session from its first chosen file, so a file never shown is dropped too."""
    _held()


class _Reservation:
    """Stands for an upload while it loads: its estimated share of the budget."""


def _let_go_of_files(files) -> None:
    # The uploaded bytes are unpacked and not needed again: Streamlit would keep them as long
    # as the session (the caller clears the uploader, so the page does not list them either).
    ctx = get_script_run_ctx()
    remove = getattr(getattr(ctx, "uploaded_file_mgr", None), "remove_file", None)
    for file in files:
        if remove is not None and getattr(file, "file_id", None):
            remove(ctx.session_id, file.file_id)


def load_upload(files) -> list:
    """Unpack and load uploaded files into this session; return the upload's own problems.

    The files are unpacked into a temporary folder, loaded (texts and layers are read into
    memory) and the folder is deleted; nothing reaches the server's data folder or another
    session. Streamlit's copy of the uploaded bytes is let go. The upload reserves an estimate
    of its memory before it loads and keeps its real size once loaded, both against the
    server's budget; this session's previous upload goes first. The caller resets the view to
    the package now shown.
    """
    folder, problems = unpack_upload([(f.name, f.getvalue()) for f in files])
    _let_go_of_files(files)
    held = _held()
    held.drop()
    if folder is None:
        return problems
    name = ", ".join(f.name for f in files)[:120]
    limits = _upload_budget()
    reservation = _Reservation()
    try:
        estimate = budget.load_estimate(folder)
        if not limits.admit(reservation, estimate):
            return [*problems, Problem(name, None, None, None, limits.refusal(estimate))]
        package = load_package(folder, geo_for(folder))
        descriptor = export.read_descriptor(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    upload = Upload(name, package, Vocabulary.from_package(package), descriptor)
    size = budget.package_bytes(package)
    if not limits.swap(reservation, upload, size):
        return [*problems, Problem(name, None, None, None, limits.refusal(size))]
    held.upload = upload
    return problems


def forget_upload() -> None:
    """Drop this session's upload (the caller resets the view to the server's package)."""
    held = st.session_state.get(UPLOAD)
    if held is not None:
        held.drop()
