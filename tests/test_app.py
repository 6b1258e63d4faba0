"""The app's first page shows the bundled sample scored, with no upload (Streamlit AppTest)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_first_page_shows_sample_ranking():
    testing = pytest.importorskip("streamlit.testing.v1")
    at = testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert "ChainMatch" in at.title[0].value
    assert len(at.tabs) == 8
    frames = at.dataframe
    assert frames and len(frames[0].value) > 0
    assert "企业名称" in frames[0].value.columns and "推荐理由" in frames[0].value.columns
