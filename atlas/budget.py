"""A ceiling on the memory that visitors' uploaded packages take on one server process.

Each upload lives in its visitor's session only, so ten visitors uploading 40 MB each would
hold ten packages at once. :class:`UploadBudget` counts what every live upload holds (its frames,
texts and the uploaded files Streamlit keeps for the session) against a per-process limit, set
with the environment variable ``ATLAS_UPLOAD_BUDGET_MB`` (default 1024; 0 refuses every upload).
An upload's share is returned when it is forgotten or when the object holding it is garbage
collected, which happens when Streamlit ends the session (``server.disconnectedSessionTTL``
after the tab closed). Pure Python: no Streamlit.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from collections.abc import Mapping

import pandas as pd

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
