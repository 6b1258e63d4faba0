"""Lead stages as data: the shipped file, aliases, validation errors naming file and field."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import matcher
from matcher.knowledge.stages import load_stages

STAGES = load_stages()


def test_shipped_stages():
    assert STAGES.names == ["线索", "已接洽", "已考察", "洽谈中", "已签约", "已落地", "暂缓", "已放弃"]
    assert STAGES.first == "线索" and "已落地" not in STAGES.timed() and "已签约" in STAGES.timed()
    assert STAGES.of_kind("won") == ["已签约", "已落地"]
    # the officer workbook's old follow-up words all name a stage
    for word, stage in [("未联系", "线索"), ("已联系", "已接洽"), ("已拜访", "已考察"), ("放弃", "已放弃")]:
        assert STAGES.resolve(word) == stage
    assert STAGES.resolve(" 洽谈 中 ") == "洽谈中" and STAGES.resolve("") is None and STAGES.resolve(None) is None


@given(st.text(max_size=12))
def test_resolve_names_a_stage_or_says_which_exist(text):
    try:
        out = STAGES.resolve(text)
    except matcher.MatcherError as exc:
        assert "不是可用的跟进阶段" in str(exc) and "线索、已接洽" in str(exc)
    else:
        assert out is None or out in STAGES.names


@pytest.mark.parametrize(
    "body, field",
    [
        ("stages: []", "stages"),
        ("stages:\n  - {name: 线索, kind: open}", "stages[0].kind"),
        ("stages:\n  - {kind: active}", "stages[0].name"),
        ("stages:\n  - {name: 线索, kind: active, timed: 1}", "stages[0].timed"),
        (
            "stages:\n  - {name: 线索, kind: active}\n  - {name: 跟进, kind: active, aliases: [线索]}",
            "stages[1].aliases",
        ),
        ("stages:\n  - {name: 暂缓, kind: paused}", "stages[0].kind"),
    ],
)
def test_bad_stage_files_name_file_and_field(tmp_path, body, field):
    path = tmp_path / "stages.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(matcher.DataFileError) as err:
        load_stages(path)
    assert err.value.field == field and str(path) in str(err.value)


def test_track_settings():
    assert matcher.TRACK_DEFAULTS.yellow_days == 60 and matcher.TRACK_DEFAULTS.red_days == 90
    assert matcher.TRACK_DEFAULTS.replace(yellow_days="30").yellow_days == 30
    with pytest.raises(matcher.MatcherError, match="超出范围"):
        matcher.TRACK_DEFAULTS.replace(red_days=1000)
    with pytest.raises(matcher.MatcherError, match="不能少于"):
        matcher.TrackSettings(yellow_days=90, red_days=60)
    assert {h["name"] for h in matcher.track_settings_help()} == {"yellow_days", "red_days"}
    assert all(h["stage"] == "track" and "三类三色" in h["help"] for h in matcher.track_settings_help())
