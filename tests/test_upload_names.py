"""Path-like upload names (issue 17): whatever name a client sends, the file lands inside the session's folder."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app_pages._shared import _write, upload_name


def test_path_like_names_are_cut_to_a_file_name(tmp_path):
    names = ["../../etc/passwd.csv", "/etc/cron.d/x.csv", "C:\\Windows\\名单.xlsx", "..", "", "a\x00b.csv"]
    paths = _write([{"name": n, "data": b"x"} for n in names], tmp_path / "up")
    assert [p.name for p in paths] == ["passwd.csv", "x.csv", "名单.xlsx", "上传文件", "上传文件", "ab.csv"]
    for p in paths:
        assert p.resolve().is_relative_to((tmp_path / "up").resolve()) and p.read_bytes() == b"x"


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=60))
def test_any_name_stays_inside(name):
    base = upload_name(name)
    folder = Path("/session/0")
    assert base and "/" not in base and "\\" not in base and base not in (".", "..")
    assert (folder / base).parent == folder
