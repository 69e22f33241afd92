"""Tests of atlas/package/memory.py: what a load leaves in the process, given back."""

import sys

import pyarrow as pa
import pytest

from atlas.package import load_package
from atlas.package.memory import give_back_freed


def test_a_load_keeps_pyarrows_own_pool(tiny_package_dir):
    """Test that a load leaves pyarrow on its own pool (its system pool doubled sessions' memory)."""
    before = pa.default_memory_pool().backend_name
    load_package(tiny_package_dir)
    assert pa.default_memory_pool().backend_name == before
    assert pa.array(["a", "b"]).to_pandas().tolist() == ["a", "b"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_is_given_back_on_linux():
    """Test that the C library's malloc_trim is found and called on Linux."""
    assert give_back_freed() is True
