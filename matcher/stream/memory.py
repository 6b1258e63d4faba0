"""Memory a finished unit of a register run freed, handed back to the system between units.

Owns `release_memory()` and `use_system_malloc()`. Arrow's allocator (mimalloc or jemalloc) and the C library's malloc keep
pages a batch freed for reuse; after a unit they stay resident (about half a unit's working set), so
they add to whatever comes next — DuckDB's buffer in the group pass above all — and the run's peak
is a unit plus that rather than one unit. Returning them after every unit keeps a register run's
peak that of its largest unit, whatever the register's size. Where the C library has no
`malloc_trim` (not glibc) only Arrow's pool is asked; nothing is ever required of it.

That leaves Python's own small-object allocator (pymalloc): it returns a 1 MiB arena only when every
object in it is gone, and each unit leaves a few dozen small objects behind (numpy's and pandas'
caches), each pinning an arena that the unit filled. A register run's footprint then creeps up by
about 7 MB a unit (240 MB -> 316 MB after 12 shards, 50 % more arenas holding the same 38 MB of
objects), so its peak grows with the register. `use_system_malloc()` restarts a register run with
`PYTHONMALLOC=malloc`: small objects come from glibc's malloc, whose free pages `malloc_trim` hands
back wherever they lie, and the footprint after a unit stays where the first unit left it (about
200 MB). It costs CPU (pymalloc is the faster allocator), so only register runs ask for it, and a
`PYTHONMALLOC` the user set is kept (`PYTHONMALLOC=pymalloc` turns it off).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys

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


def use_system_malloc() -> None:
    """Restart this process (same interpreter, same arguments) with PYTHONMALLOC=malloc, where the C
    library is glibc and PYTHONMALLOC is not set; otherwise, or if the restart fails, return and run
    as it is. Call it first thing in a command-line entry point, never inside a host process."""
    argv = getattr(sys, "orig_argv", None)
    if _TRIM is None or os.environ.get("PYTHONMALLOC") or not argv or not sys.executable:
        return
    os.environ["PYTHONMALLOC"] = "malloc"
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(sys.executable, argv)
    except OSError:  # no restart: the run goes on with pymalloc
        os.environ.pop("PYTHONMALLOC", None)
