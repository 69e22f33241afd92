"""Memory a load leaves behind: what the allocators hold free, given back to the system.

A server process keeps its package for as long as it runs, and every page shares it, so what a
load leaves behind is paid once per process for good. Measured at 10,000 synthetic events (frames
of about 16 MB), the process was 101 MB larger after the load than before: the C library keeps
freed memory at the top of its heaps until asked to return it (``malloc_trim``), and pyarrow's
pool (pandas' strings) keeps freed segments until asked to release them.

pyarrow keeps its own pool (mimalloc): its system pool gave a load back more but doubled what a
visitor's session holds at 100,000 events (66 against 28 MiB in ``make load``). Served copies set
mimalloc to give back what ended threads freed (``MIMALLOC_PURGE_DELAY=0``, deploy/cluster.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import pyarrow as pa


@cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def give_back_freed() -> bool:
    """Give what pyarrow's pool and the C library hold free back to the system.

    Returns
    -------
    bool
        Whether the C library's ``malloc_trim`` was there to call (glibc); pyarrow is asked anyway.
    """
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
