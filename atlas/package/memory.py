"""Memory held by a loaded package: Arrow's buffers from the C allocator, the load's garbage freed.

A server process keeps its package for as long as it runs, and every page shares it, so what a
load leaves behind is paid once per process for good. Two things made that far more than the
frames themselves (measured at 10,000 synthetic events: frames of about 16 MB, the process 101 MB
larger after the load):

- pyarrow's default allocator (mimalloc) keeps the segments of everything the load allocated
  and then freed, about 45 MB at that size and 7 MB for the bundled package; the C library's
  allocator, which pandas and numpy already use, gives them back;
- the C library keeps freed memory at the top of its heaps until asked to return it
  (``malloc_trim``), another 20 MB at that size.

With both, the process grows by about 37 MB at 10,000 events and the load takes as long.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import pyarrow as pa


@cache
def use_system_allocator() -> None:
    """Make pyarrow allocate with the C library's ``malloc`` from now on (once per process).

    Buffers allocated before keep their own allocator; the loader calls this before it reads.
    """
    pa.set_memory_pool(pa.system_memory_pool())


@cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def give_back_freed() -> bool:
    """Return freed heap memory to the system (glibc's ``malloc_trim``); False where there is none.
    """
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
