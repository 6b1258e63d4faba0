import datetime as dt
import importlib
import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

import matcher

# Property tests check behaviour, not speed: no per-example deadline (CI machines are shared and noisy).
settings.register_profile("chainmatch", deadline=None, max_examples=100)
settings.load_profile("chainmatch")

DATA = Path(__file__).parent / "data"
AS_OF = dt.date(2026, 11, 27)  # fixed, so ages (and the stored ranking) do not drift
BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def benchmark(name: str):
    """The benchmark script benchmarks/<name>.py as a module, imported as the scripts import each other
    (benchmarks/ on the path), so each is loaded once, whichever test or script asks first."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


# Debian's chromium, launched as root in a sandbox with no network beyond the test's own pages
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    """Debian's chromium for the browser tests: skipped when absent, but never in CI (.ci/run installs it)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        reason = "Debian chromium is not installed (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must run this test")
        pytest.skip(reason)
    return chromium


@pytest.fixture(scope="session")
def fixture_chains():
    return matcher.load_chains(DATA / "chains")


@pytest.fixture(scope="session")
def fixture_zone(fixture_chains):
    return matcher.load_zone(DATA / "zones" / "test-zone.yaml", fixture_chains)


@pytest.fixture(scope="session")
def fixture_result(fixture_chains, fixture_zone):
    return matcher.score_files([DATA / "candidates.csv"], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)


# ------------------------------------------------------------------------------------------------
# the 招商台账 on SQLite and on a real PostgreSQL (CHAINMATCH_TEST_PG, e.g.
# postgresql://chainmatch:chainmatch@127.0.0.1/chainmatch_test; .ci/run starts one). Without it the
# PostgreSQL cases are skipped with the reason — except in CI, where they fail.
PG_ENV = "CHAINMATCH_TEST_PG"
_PG = {"ran": 0, "skipped": None}


@pytest.fixture(scope="session")
def pg_base_url():
    """The PostgreSQL server of the tests (reachable), or a skip naming why not (a failure in CI)."""
    url = os.environ.get(PG_ENV)
    reason = None
    if not url:
        reason = f"PostgreSQL tests skipped: {PG_ENV} is not set (.ci/run sets it)"
    else:
        import psycopg

        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as exc:
            reason = f"PostgreSQL tests skipped: {PG_ENV} server unreachable ({str(exc).strip().splitlines()[0]})"
    if reason:
        _PG["skipped"] = reason
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must run them")
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The URL of a new, empty database: a SQLite file, or a fresh schema on the test PostgreSQL server
    (dropped afterwards), so tests never see each other's rows."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    base = request.getfixturevalue("pg_base_url")
    import uuid
    from urllib.parse import quote

    import psycopg

    schema = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    _PG["ran"] += 1
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def store(store_url):
    """An open, empty 台账 on SQLite and on PostgreSQL."""
    s = matcher.open_store(store_url)
    yield s
    s.close()


def pytest_terminal_summary(terminalreporter):
    if _PG["ran"]:
        terminalreporter.write_line(f"PostgreSQL: {_PG['ran']} store tests ran on a real server ({PG_ENV})")
    elif _PG["skipped"]:
        terminalreporter.write_line(_PG["skipped"])
