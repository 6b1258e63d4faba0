"""Memory a finished unit of a register run freed, handed back to the system between units.

Owns `release_memory()`. Arrow's allocator (mimalloc or jemalloc) and the C library's malloc keep
pages a batch freed for reuse; after a unit they stay resident (about half a unit's working set), so
they add to whatever comes next — DuckDB's buffer in the group pass above all — and the run's peak
is a unit plus that rather than one unit. Returning them after every unit keeps a register run's
peak that of its largest unit, whatever the register's size. Where the C library has no
`malloc_trim` (not glibc) only Arrow's pool is asked; nothing is ever required of it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

import pyarrow as pa


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Collect garbage, then return the free pages of Arrow's pool and of malloc's heap to the system."""
    gc.collect()
    release = getattr(pa.default_memory_pool(), "release_unused", None)
    if release is not None:
        release()
    if _TRIM is not None:
        _TRIM(0)  # 0: keep no padding at the top of the heap
