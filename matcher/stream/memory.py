"""Memory a finished unit of a register run freed, handed back to the system between units.

Owns `release_memory()` and `restart_process()`. Arrow's allocator (mimalloc or jemalloc) and the C library's malloc keep
pages a batch freed for reuse; after a unit they stay resident (about half a unit's working set), so
they add to whatever comes next — DuckDB's buffer in the group pass above all — and the run's peak
is a unit plus that rather than one unit. Returning them after every unit keeps a register run's
peak that of its largest unit, whatever the register's size. Where the C library has no
`malloc_trim` (not glibc) only Arrow's pool is asked; nothing is ever required of it.

What that cannot return is Python's own small-object memory (pymalloc): a 1 MiB arena goes back
only when every object in it is gone, and each unit leaves a few dozen small objects behind
(numpy's and pandas' caches), each pinning an arena the unit filled. The footprint after a unit
creeps up by about 7 MB a unit (240 MB -> 316 MB over 12 shards: 50 % more arenas holding the same
38 MB of objects), so a long run's peak grows with the register. Running Python on glibc's malloc
instead (PYTHONMALLOC=malloc) keeps it flat but costs about a fifth more CPU and a higher peak per
batch (measured on 1 million rows); so a register run started from the command line restarts its
own process instead (`restart_process`, every `RESTART_ROWS` rows, see
`matcher.stream.local.stream_register`) and resumes from its manifest: every process does the same
bounded amount of work whatever the register's size.
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


def restart_process() -> None:
    """Replace this process by a fresh start of the same command (same interpreter, same arguments,
    same environment); returns only when that cannot be done. For a command-line entry point only,
    never inside a host process."""
    argv = getattr(sys, "orig_argv", None)
    if not argv or not sys.executable:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(sys.executable, argv)
    except OSError:  # the caller carries on in this process
        return
