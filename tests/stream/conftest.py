"""A small generated register shared by the stream tests: CSV shards (every second one in GBK) with
duplicates, former names and branches across shards, and its in-memory score as the reference."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("make_register", ROOT / "benchmarks" / "make_register.py")
    module = sys.modules.setdefault("make_register", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def register(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("register")
    _generator().write_register(3000, folder, shards=4, seed=7, fmt="csv", gbk_every=2, pool_rows=3000)
    return folder


@pytest.fixture(scope="session")
def in_memory(register):
    import matcher

    return matcher.score_files(sorted(register.glob("*.csv")), as_of=AS_OF)


AS_OF = __import__("datetime").date(2026, 12, 1)


def as_written(frame, folder: Path):
    """A ranked table as a script reads it back from `matcher score … -o ranked.parquet` (the in-memory
    run's machine table), to compare with a register run's parts read back."""
    import pandas as pd

    import matcher

    path = folder / "_in_memory.parquet"
    matcher.write_table(frame, path)
    return pd.read_parquet(path)
