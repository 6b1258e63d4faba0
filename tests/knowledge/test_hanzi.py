import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import DataFileError
from matcher.knowledge.hanzi import Simplifier, traditional_table


def _gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


TABLE = traditional_table()
SIMPLE = Simplifier.keeping()
GB_CHARS = [chr(c) for c in range(0x4E00, 0xA000) if _gb2312(chr(c))]


def test_the_shipped_table_converts_only_what_no_simplified_text_uses():
    assert len(TABLE) > 2000
    assert not any(_gb2312(chr(t)) for t in TABLE)  # a GB 2312 character is never converted
    assert all(_gb2312(s) and len(s) == 1 for s in TABLE.values())  # one character, into one of GB 2312


def test_a_traditional_description_reads_as_simplified():
    assert (
        SIMPLE.text("公司主要從事鋰離子動力電池的研發、生產和銷售。")
        == "公司主要从事锂离子动力电池的研发、生产和销售。"
    )
    assert SIMPLE.text("台灣積體電路製造") == "台湾积体电路制造"


@given(st.text(alphabet=st.sampled_from(GB_CHARS + list("abcAB12，。、；（）")), max_size=60))
def test_mainland_text_is_never_changed(text):
    assert SIMPLE.text(text) == text


@given(
    st.text(
        alphabet=st.sampled_from([chr(c) for c in list(TABLE)[:200]] + GB_CHARS[:200] + list("ab，。")), max_size=60
    )
)
def test_the_scan_first_reading_is_the_plain_translation(text):
    out = SIMPLE.text(text)
    assert out == text.translate(SIMPLE.table) and len(out) == len(text)


def test_a_matcher_keeps_the_characters_its_words_use():
    assert ord("昇") in TABLE  # 昇 is outside GB 2312, though mainland names and 昇腾 use it
    keeping = Simplifier.keeping(["昇腾"])
    assert keeping.text("昇腾處理器") == "昇腾处理器"
    assert Simplifier({}).text("處理器") == "處理器"  # an empty table reads nothing


def test_columns_are_read_only_where_a_traditional_character_stands():
    frame = pd.DataFrame({"intro": ["动力电池", None], "scope": ["锂电池", "电池"], "n": [1, 2]})
    assert SIMPLE.columns(frame, ["intro", "scope", "missing"]) is frame  # nothing to read: the same frame
    frame.loc[1, "intro"] = "動力電池"
    out = SIMPLE.columns(frame, ["intro", "scope"])
    assert out["intro"].tolist() == ["动力电池", "动力电池"] and out["scope"].tolist() == ["锂电池", "电池"]
    assert frame.loc[1, "intro"] == "動力電池"  # the officer's frame stays as written


@pytest.mark.parametrize(
    "text, field",
    [("丟\t丢\n並\n", "第 2 行"), ("丟丢\n", "第 1 行"), ("丟\t丟\n", "第 1 行"), ("# x\n丟\t丢丢\n", "第 2 行")],
)
def test_a_broken_table_names_file_and_line(tmp_path, text, field):
    path = tmp_path / "t.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        traditional_table(path)
    assert err.value.field == field and str(path) in str(err.value)
