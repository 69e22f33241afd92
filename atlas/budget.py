"""A ceiling on the memory that visitors' uploaded packages take on one server process.

Each upload lives in its visitor's session only, so ten visitors uploading 40 MB each would
hold ten packages at once. :class:`UploadBudget` counts what every live upload holds (its frames,
texts and the uploaded files Streamlit keeps for the session) against a per-process limit, set
with the environment variable ``ATLAS_UPLOAD_BUDGET_MB`` (default 1024; 0 refuses every upload).
An upload reserves an estimate of its share (:func:`load_estimate`) before it is loaded, so
uploads loading at the same moment cannot together pass the limit; the estimate is then
swapped for the loaded package's real size. A share is returned when the upload is forgotten or
when the object holding it is garbage collected.

Streamlit 1.67 does not end a session whose tab closed when ``server.disconnectedSessionTTL``
runs out: the session stays in its storage until another tab disconnects, and the files it
uploaded stay in Streamlit's memory for good (streamlit/streamlit#12506). :class:`Departures`
lets the app see for itself which sessions are gone, so it can drop what they hold.
Pure Python: no Streamlit.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from atlas.package.memory import give_back_freed

_LOG = logging.getLogger(__name__)
BUDGET_ENV = "ATLAS_UPLOAD_BUDGET_MB"
DEFAULT_BUDGET_MB = 1024
MB = 2**20


def budget_from_env(environ: Mapping[str, str] | None = None) -> int:
    """The budget in bytes: ``$ATLAS_UPLOAD_BUDGET_MB`` megabytes, or the default if unset or bad."""
    value = (os.environ if environ is None else environ).get(BUDGET_ENV, "").strip()
    try:
        megabytes = float(value) if value else DEFAULT_BUDGET_MB
    except ValueError:
        megabytes = DEFAULT_BUDGET_MB
    return int(max(megabytes, 0) * MB)


def package_bytes(package, raw_bytes: int = 0) -> int:
    """What a loaded package holds in memory: its frames (deep), texts, plus ``raw_bytes``.

    Parameters
    ----------
    package : atlas.package.types.Package
        The loaded package.
    raw_bytes : int
        The uploaded files' own size, which Streamlit keeps while the session lasts.

    Returns
    -------
    int
        Bytes, estimated from pandas' ``memory_usage(deep=True)`` and the texts' sizes.
    """
    total = raw_bytes
    for value in vars(package).values():
        if isinstance(value, pd.DataFrame):
            total += int(value.memory_usage(deep=True, index=True).sum())
    total += sum(sys.getsizeof(text) for text in getattr(package, "texts", {}).values())
    return total


# Loaded frames take about 2.7 times their files' size (the synthetic 100,000-event package: 76 MB
# of files, 205 MB of frames and texts by package_bytes); an upload reserves 3 times its files.
LOAD_FACTOR = 3


def load_estimate(folder: Path) -> int:
    """What loading the package unpacked in ``folder`` is expected to take: its files' size × 3."""
    return LOAD_FACTOR * sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class UploadBudget:
    """The uploads alive in one process and what they hold, against ``limit`` bytes.

    An entry goes when the object that holds the upload is garbage collected, so a session
    that ends without saying so still returns its share. Thread-safe: sessions run in their own threads.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # id(owner) -> (bytes, the finalizer that forgets the entry when the owner is collected);
        # by id, because an owner need not be hashable.
        self._held: dict[int, tuple[int, weakref.finalize]] = {}
        self._lock = threading.Lock()

    def held(self) -> int:
        """Bytes held by the uploads alive now."""
        with self._lock:
            return sum(size for size, _ in self._held.values())

    def admit(self, owner: object, size: int) -> bool:
        """Count ``owner``'s ``size`` bytes if they fit under the limit; say whether they did."""
        with self._lock:
            if sum(held for held, _ in self._held.values()) + size > self.limit:
                return False
            self._held[id(owner)] = (size, weakref.finalize(owner, self._forget, id(owner)))
            return True

    def swap(self, old: object, new: object, size: int) -> bool:
        """Replace ``old``'s share by ``new``'s ``size`` bytes, if they fit; else free ``old``'s.

        At once, so another upload cannot take the room in between. Says whether ``new`` fits.
        """
        with self._lock:
            entry = self._held.pop(id(old), None)
            if entry is not None:
                entry[1].detach()
            if sum(held for held, _ in self._held.values()) + size > self.limit:
                return False
            self._held[id(new)] = (size, weakref.finalize(new, self._forget, id(new)))
            return True

    def release(self, owner: object) -> None:
        """Return ``owner``'s share (nothing happens if it had none)."""
        with self._lock:
            entry = self._held.pop(id(owner), None)
        if entry is not None:
            entry[1].detach()

    def _forget(self, key: int) -> None:
        with self._lock:
            self._held.pop(key, None)

    def refusal(self, size: int) -> str:
        """The message for an upload of ``size`` bytes that does not fit."""
        return (f"This package needs {size / MB:.0f} MB of the server's memory, but the server "
                f"already holds {self.held() / MB:.0f} MB of visitors' uploads of the "
                f"{self.limit / MB:.0f} MB it allows. Try again in a few minutes (an upload is "
                "freed when its visitor closes the tab), upload a smaller package, or run the "
                "atlas on your own computer.")


class Departures:
    """Sessions that hold something, and which of them are gone for good.

    A session is gone once it has been seen inactive (its tab closed or lost) for ``ttl``
    seconds in a row: the time Streamlit keeps a disconnected session for its reconnection, so
    nothing is dropped that a returning tab could still use. Thread-safe.

    Parameters
    ----------
    ttl : float
        Seconds of inactivity after which a session is gone (``server.disconnectedSessionTTL``).
    clock : callable, optional
        Monotonic seconds; ``time.monotonic`` unless a test gives its own.
    """

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        # session id -> (when it was first seen inactive or None, what to do when it is gone)
        self._watched: dict[str, tuple[float | None, list[Callable[[], None]]]] = {}
        self._lock = threading.Lock()

    def watch(self, session: str, on_gone: Callable[[], None]) -> None:
        """Call ``on_gone`` once ``session`` is gone (each callable once, in the order given)."""
        with self._lock:
            since, actions = self._watched.get(session, (None, []))
            self._watched[session] = (since, [*actions, on_gone])

    def watched(self) -> list[str]:
        """The sessions watched now."""
        with self._lock:
            return list(self._watched)

    def sweep(self, is_active: Callable[[str], bool]) -> list[str]:
        """Look at every watched session; run the actions of those gone and forget them.

        Returns the sessions found gone. An action that raises does not stop the others.
        """
        now = self._clock()
        gone: list[tuple[str, list[Callable[[], None]]]] = []
        with self._lock:
            for session, (since, actions) in list(self._watched.items()):
                if is_active(session):
                    self._watched[session] = (None, actions)
                elif since is None:
                    self._watched[session] = (now, actions)
                elif now - since >= self.ttl:
                    gone.append((session, actions))
                    del self._watched[session]
        for _, actions in gone:
            for action in actions:
                try:
                    action()
                except Exception:  # noqa: BLE001 (one failed clean-up must not stop the rest)
                    _LOG.exception("Dropping what a gone session held failed")
        return [session for session, _ in gone]


def return_freed_memory() -> None:
    """Collect unreachable objects and give what the allocators hold free back to the system.

    glibc's malloc (NumPy's arrays) keeps freed memory until ``malloc_trim``; pyarrow's pool
    (pandas' strings) is asked to release what it does not use (atlas/package/memory.py).
    """
    gc.collect()
    give_back_freed()
