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
    "import os; print(os.environ.get('PYTHONMALLOC'), flush=True); "
    "from matcher.stream.memory import use_system_malloc; use_system_malloc(); print('ran', flush=True)"
)


def _python(env_malloc):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONMALLOC"}
    if env_malloc:
        env["PYTHONMALLOC"] = env_malloc
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return subprocess.run([sys.executable, "-c", _RESTART], capture_output=True, text=True, env=env, check=True)


@pytest.mark.skipif(not STATM.exists(), reason="glibc malloc_trim (Linux)")
def test_a_register_process_restarts_once_with_the_c_librarys_malloc():
    # the first start restarts itself (same arguments) with PYTHONMALLOC=malloc; the restarted one runs on
    assert _python(None).stdout.split() == ["None", "malloc", "ran"]


def test_an_allocator_the_user_chose_is_kept():
    assert _python("pymalloc").stdout.split() == ["pymalloc", "ran"]
