import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

import matcher

# Property tests check behaviour, not speed: no per-example deadline (CI machines are shared and noisy).
settings.register_profile("chainmatch", deadline=None, max_examples=100)
settings.load_profile("chainmatch")

DATA = Path(__file__).parent / "data"
AS_OF = dt.date(2026, 11, 27)  # fixed, so ages (and the stored ranking) do not drift


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
