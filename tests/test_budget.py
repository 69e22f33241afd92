"""Tests of atlas/budget.py: the per-process ceiling on uploaded packages."""

import gc
import weakref

import pytest

from atlas.budget import (
    DEFAULT_BUDGET_MB,
    MB,
    Departures,
    UploadBudget,
    budget_from_env,
    load_estimate,
    package_bytes,
)
from atlas.package import load_package


class Holder:
    """Stands for a session's upload (an unhashable one, like a frozen dataclass of frames)."""

    __hash__ = None


@pytest.mark.parametrize(("value", "expected"), [
    (None, DEFAULT_BUDGET_MB * MB), ("", DEFAULT_BUDGET_MB * MB), ("200", 200 * MB),
    ("0", 0), ("-5", 0), ("0.5", MB // 2), ("lots", DEFAULT_BUDGET_MB * MB),
])
def test_the_budget_comes_from_the_environment(value, expected):
    """Test that ATLAS_UPLOAD_BUDGET_MB sets the budget, and bad values fall back safely."""
    environ = {} if value is None else {"ATLAS_UPLOAD_BUDGET_MB": value}
    assert budget_from_env(environ) == expected


def test_uploads_are_admitted_until_the_limit_then_refused_with_the_numbers():
    """Test that uploads count until the next would pass the limit, which is refused and said."""
    budget = UploadBudget(100 * MB)
    first, second, third = Holder(), Holder(), Holder()
    assert budget.admit(first, 60 * MB)
    assert not budget.admit(second, 50 * MB)
    assert budget.admit(third, 40 * MB)
    assert budget.held() == 100 * MB
    message = budget.refusal(50 * MB)
    assert "50 MB" in message and "100 MB" in message and "holds 100 MB" in message


def test_a_forgotten_or_collected_upload_returns_its_share():
    """Test that release() and a session's end (the holder collected) free the budget."""
    budget = UploadBudget(100 * MB)
    kept, dropped = Holder(), Holder()
    budget.admit(kept, 30 * MB)
    budget.admit(dropped, 50 * MB)
    budget.release(kept)
    assert budget.held() == 50 * MB
    del dropped
    gc.collect()
    assert budget.held() == 0
    budget.release(kept)
    assert budget.held() == 0


def test_a_package_is_sized_by_its_frames_texts_and_files():
    """Test that a package's size counts its frames deeply, its texts and the raw files."""
    package = load_package()
    size = package_bytes(package)
    frames = int(package.events.memory_usage(deep=True).sum())
    texts = sum(len(text) for text in package.texts.values())
    assert size > frames + texts
    assert package_bytes(package, raw_bytes=10 * MB) == size + 10 * MB


def _upload_twice(folder: str, once: bool = False) -> None:
    """An app that uploads a zipped package through atlas.ui.source and says what happened.

    With ``once``, only the session's first run uploads; every run says what it shows.
    """
    import zipfile
    from pathlib import Path

    import streamlit as st

    from atlas.ui import source as ui

    class File:
        def __init__(self, name, data):
            self.name, self._data, self.size = name, data, len(data)

        def getvalue(self):
            return self._data

    archive = Path(folder) / "tiny.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((Path(folder) / "data").rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(Path(folder) / "data"))
    if once and "tried" in st.session_state:
        st.write("uploaded" if ui.uploaded() else "server data")
        return
    st.session_state.tried = True
    problems = ui.load_upload([File("tiny.zip", archive.read_bytes())])
    st.write("uploaded" if ui.uploaded() else "refused")
    for problem in problems:
        st.write(problem.message)


@pytest.mark.parametrize(("budget_mb", "shown"), [("0", "refused"), ("100", "uploaded")])
def test_an_upload_over_the_servers_budget_is_refused_with_a_clear_message(
        tmp_path, monkeypatch, budget_mb, shown):
    """Test that atlas.ui.source counts an upload against ATLAS_UPLOAD_BUDGET_MB and says so when over."""
    from streamlit.testing.v1 import AppTest

    from atlas.ui import source as ui
    from tests.conftest import write_package

    write_package(tmp_path)
    monkeypatch.setenv("ATLAS_UPLOAD_BUDGET_MB", budget_mb)
    ui._upload_budget.clear()
    try:
        at = AppTest.from_function(_upload_twice, args=(str(tmp_path),), default_timeout=60).run()
        texts = [element.value for element in at.markdown]
        assert not at.exception
        assert texts[0] == shown
        if shown == "refused":
            assert any("of the 0 MB it allows" in text for text in texts[1:])
    finally:
        ui._upload_budget.clear()


def test_a_reservation_is_swapped_for_the_real_size_or_freed():
    """Test that swap() replaces an estimate by the loaded size at once, and frees it on refusal."""
    budget = UploadBudget(100 * MB)
    estimate, other, loaded = Holder(), Holder(), Holder()
    assert budget.admit(estimate, 90 * MB)
    assert not budget.admit(other, 20 * MB)
    assert budget.swap(estimate, loaded, 60 * MB)
    assert budget.held() == 60 * MB
    assert budget.admit(other, 20 * MB)
    assert not budget.swap(loaded, Holder(), 90 * MB)
    assert budget.held() == 20 * MB


def test_an_upload_reserves_three_times_its_files(tmp_path):
    """Test that the estimate before loading is three times the unpacked files' size."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "events.csv").write_bytes(b"x" * 1000)
    (tmp_path / "sources" / "a.txt").write_bytes(b"y" * 500)
    assert load_estimate(tmp_path) == 4500


class Clock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_session_is_gone_after_the_ttl_of_inactivity_and_not_before():
    """Test that Departures waits a full TTL of inactivity, restarts it on reconnection, acts once."""
    clock, active, done = Clock(), {"a": True, "b": False}, []
    departures = Departures(ttl=120, clock=clock)
    departures.watch("a", lambda: done.append("a"))
    departures.watch("b", lambda: done.append("b1"))
    departures.watch("b", lambda: done.append("b2"))
    assert departures.sweep(active.get) == []          # b first seen inactive at 0
    clock.now = 60
    active["a"] = False                                 # a's tab closes
    assert departures.sweep(active.get) == []
    clock.now = 119
    active["b"] = True                                  # b reconnects within its TTL
    assert departures.sweep(active.get) == []
    active["b"] = False
    clock.now = 180
    assert departures.sweep(active.get) == ["a"] and done == ["a"]
    clock.now = 298
    assert departures.sweep(active.get) == []          # b inactive again only since 180
    clock.now = 300
    assert departures.sweep(active.get) == ["b"] and done == ["a", "b1", "b2"]
    assert departures.watched() == [] and departures.sweep(active.get) == []


def test_a_failing_clean_up_does_not_stop_the_others():
    """Test that an action that raises is logged and the next one still runs."""
    clock, done = Clock(), []
    departures = Departures(ttl=0, clock=clock)
    departures.watch("a", lambda: 1 / 0)
    departures.watch("a", lambda: done.append("a"))
    departures.sweep(lambda session: False)
    assert departures.sweep(lambda session: False) == ["a"] and done == ["a"]


def test_a_gone_sessions_package_is_freed_and_its_budget_returned(tmp_path, monkeypatch):
    """Test that once the watch finds a session gone, its package is collected and its share freed.

    The session itself lives on (as Streamlit 1.67 keeps an expired one); nothing else in the
    app may keep the package alive.
    """
    from streamlit.testing.v1 import AppTest

    from atlas.ui import source as ui
    from tests.conftest import write_package

    write_package(tmp_path)
    monkeypatch.setenv("ATLAS_UPLOAD_BUDGET_MB", "100")
    ui._upload_budget.clear()
    ui.departures.clear()
    try:
        at = AppTest.from_function(_upload_twice, args=(str(tmp_path), True),
                                   default_timeout=60).run()
        assert not at.exception and at.markdown[0].value == "uploaded"
        upload = weakref.ref(at.session_state[ui.UPLOAD].upload)
        assert ui._upload_budget().held() > 0
        watch = ui.departures()
        (session,) = watch.watched()
        watch.ttl = 0
        assert watch.sweep(lambda s: True) == []        # still connected: kept
        watch.sweep(lambda s: False)
        assert watch.sweep(lambda s: False) == [session]
        gc.collect()
        assert upload() is None
        assert ui._upload_budget().held() == 0
        at.run()
        assert not at.exception and at.markdown[-1].value == "server data"
    finally:
        ui._upload_budget.clear()
        ui.departures.clear()
