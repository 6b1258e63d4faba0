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
