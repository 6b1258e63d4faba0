"""matcher.stream.memory: what a unit freed goes back to the system, so the next unit starts small."""

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from matcher.stream.memory import release_memory

STATM = Path("/proc/self/statm")


def _rss_mb() -> float:
    return int(STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not STATM.exists(), reason="resident memory read from /proc (Linux)")
def test_freed_arrow_batches_leave_the_process():
    release_memory()
    before = _rss_mb()
    # a batch's worth of Arrow columns (2,000 buffers of 100 kB, 200 MB), written to, then dropped
    columns = [pa.array(np.arange(12_500, dtype=np.int64) + i) for i in range(2000)]
    assert _rss_mb() - before > 150
    del columns
    held = _rss_mb() - before  # the allocator keeps most of it for reuse
    release_memory()
    after = _rss_mb() - before
    assert after < 50, (held, after)


def test_release_keeps_live_data():
    data = pa.array(np.arange(1_000_000, dtype=np.int64))
    text = ["企业" + str(i) for i in range(10_000)]
    release_memory()
    assert data.sum().as_py() == 999_999 * 1_000_000 // 2
    assert text[9_999] == "企业9999"


_RESTART = (
    "import os; n = int(os.environ.get('RESTARTS', '0')); print('start', n, os.getpid(), flush=True)\n"
    "if n < 2:\n"
    "    os.environ['RESTARTS'] = str(n + 1)\n"
    "    from matcher.stream.memory import restart_process; restart_process()\n"
    "print('done', flush=True)"
)


def test_a_process_restarts_as_the_same_command():
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("RESTARTS", None)
    proc = subprocess.Popen([sys.executable, "-c", _RESTART], stdout=subprocess.PIPE, text=True, env=env)
    out, _ = proc.communicate(timeout=120)
    # the same process (pid), started afresh twice with the same arguments and environment
    assert out.split() == [
        "start",
        "0",
        str(proc.pid),
        "start",
        "1",
        str(proc.pid),
        "start",
        "2",
        str(proc.pid),
        "done",
    ]
