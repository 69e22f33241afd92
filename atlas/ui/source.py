"""The data source of a session: the server's package, loaded once per process, or an upload.

Everything here is cached (``st.cache_resource``: frames shared read-only by every session) or
held in the session under one key (:data:`UPLOAD`), the one thing of a view that cannot live in
the URL.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from atlas import budget, export
from atlas.compare import disputed_points
from atlas.filters import Vocabulary
from atlas.package import Package, Problem, load_package
from atlas.paths import data_dir, geo_dir, geo_for
from atlas.story import Story, read_stories
from atlas.upload import unpack_upload

# The session's keys: an uploaded package, and the stories read from it.
UPLOAD = "uploaded_package"
UPLOAD_STORIES = "uploaded_stories"


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


def uploaded() -> Upload | None:
    """The package this session uploaded, if any."""
    return st.session_state.get(UPLOAD)


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
        st.session_state.pop(UPLOAD_STORIES, None)  # an upload left behind is let go
        return _stories_once(*_server())
    if st.session_state.get(UPLOAD_STORIES, (None,))[0] is not upload:
        st.session_state[UPLOAD_STORIES] = (upload, read_stories(upload.package))
    return st.session_state[UPLOAD_STORIES][1]


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


def load_upload(files) -> list:
    """Unpack and load uploaded files into this session; return the upload's own problems.

    The files are unpacked into a temporary folder, loaded (texts and layers are read into
    memory) and the folder is deleted; nothing reaches the server's data folder or another
    session. The caller resets the view to the package now shown.
    """
    folder, problems = unpack_upload([(f.name, f.getvalue()) for f in files])
    if folder is None:
        return problems
    try:
        package = load_package(folder, geo_for(folder))
        descriptor = export.read_descriptor(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = ", ".join(f.name for f in files)
    upload = Upload(name[:120], package, Vocabulary.from_package(package), descriptor)
    # The server's budget for uploads (atlas/budget.py); this session's previous upload goes.
    limits = _upload_budget()
    previous = st.session_state.pop(UPLOAD, None)
    if previous is not None:
        limits.release(previous)
    size = budget.package_bytes(package, sum(f.size for f in files))
    if not limits.admit(upload, size):
        return [*problems, Problem(name[:120], None, None, None, limits.refusal(size))]
    st.session_state[UPLOAD] = upload
    return problems


def forget_upload() -> None:
    """Drop this session's upload (the caller resets the view to the server's package)."""
    upload = st.session_state.pop(UPLOAD, None)
    if upload is not None:
        _upload_budget().release(upload)
