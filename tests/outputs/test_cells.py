import openpyxl
import pandas as pd

import matcher
from matcher.outputs.cells import neutralise, safe_frame


def test_neutralise_formula_like_text():
    for bad in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad).startswith("'")
    assert neutralise("正常文本") == "正常文本" and neutralise(5) == 5


def test_outputs_are_inert(tmp_path, fixture_result):
    evil = fixture_result.ranked.copy()
    evil.loc[0, "company_name"] = '=HYPERLINK("http://x","y")'
    evil.loc[1, "reasons"] = "+cmd|' /C calc'!A0"
    res = matcher.ScoreResult(
        evil,
        fixture_result.rejected,
        fixture_result.merges,
        fixture_result.counts,
        fixture_result.tables,
        fixture_result.components,
    )
    matcher.write_output(res, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@"))), cell.coordinate
    matcher.write_output(res, tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


def test_parquet_and_csv_round_trip(tmp_path, fixture_result):
    matcher.write_output(fixture_result, tmp_path / "o.parquet")
    back = pd.read_parquet(tmp_path / "o.parquet")
    assert list(back.columns[: len(matcher.CONTRACT_COLUMNS)]) == matcher.CONTRACT_COLUMNS
    assert len(back) == len(fixture_result.ranked)
    assert (tmp_path / "o.rejected.csv").exists()
    rej = pd.read_csv(tmp_path / "o.rejected.csv", encoding="utf-8-sig")
    assert list(rej.columns[:3]) == ["source_file", "source_row", "reason"]


def test_safe_frame_leaves_numbers_alone():
    f = pd.DataFrame({"a": ["-5", "ok"], "b": [-5, 3]})
    out = safe_frame(f)
    assert out["a"].tolist() == ["'-5", "ok"] and out["b"].tolist() == [-5, 3]


def test_rich_text_xml_is_inert_too():
    from matcher.outputs.cells import neutralise

    assert neutralise("<r><f>1+1</f></r>").startswith("'")
    assert neutralise("<r>正常</r>x") == "<r>正常</r>x"


def test_result_carries_its_scoring_context(fixture_result, fixture_zone):
    assert fixture_result.zone is fixture_zone and set(fixture_result.chains) == {"nev", "ic"}
    assert fixture_result.settings == matcher.DEFAULTS
