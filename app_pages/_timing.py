"""Start-up timestamps in the server log, for profiling the first page (off unless CHAINMATCH_TIMING=1).

`mark("label")` writes one line `TIMING <unix time> <seconds since the process started> <label>` to
stderr; benchmarks/first_page.py reads these lines to split the first page's time into its parts.
"""

from __future__ import annotations

import os
import sys
import time

ENABLED = os.environ.get("CHAINMATCH_TIMING", "").strip() in ("1", "true", "yes")


def _process_start() -> float:
    """The unix time this process started (Linux /proc), or now when that cannot be read."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith("btime"))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()


_START = _process_start() if ENABLED else 0.0


def mark(label: str) -> None:
    if ENABLED:
        now = time.time()
        sys.stderr.write(f"TIMING {now:.3f} {now - _START:7.3f} {label}\n")  # one write: threads do not interleave
        sys.stderr.flush()
