"""matcher.outputs.brief: the one-page 企业简报, as HTML and as PDF with Chinese glyphs (text read back)."""

import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

import matcher
from matcher.cli import main

from ..conftest import DATA


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_one_page_per_company_with_chinese_text(fixture_result):
    ranked = fixture_result.ranked.copy()
    filed = ranked.index[ranked["chain_id"].notna()][:3]
    ranked.loc[filed[2], "credit_code"] = "91320100MA1XXXXX0Q"  # the third is found by its 统一社会信用代码
    chosen = ranked.loc[filed]
    keys = [chosen["company_name"].iloc[0], chosen["company_name"].iloc[1], "91320100ma1xxxxx0q"]
    pdf = matcher.brief_bytes(ranked, keys, fmt="pdf", chains=fixture_result.chains, zone=fixture_result.zone)
    pages = pdf_pages(pdf)
    assert len(pages) == 3
    for text, row in zip(pages, chosen.itertuples()):
        flat = text.replace("\n", "")
        assert row.company_name in flat  # Chinese glyphs, extracted back as text
        assert row.segment_name in flat and row.chain_name in flat
        for heading in ("企业做什么", "为什么推荐", "风险提示", "走访记录"):
            assert heading in flat
    fonts = {
        str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages for f in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in f or "Noto" in f for f in fonts), fonts  # the Chinese font is embedded


def test_the_longest_texts_still_fit_one_page():
    result = matcher.score_files([matcher.SAMPLE_FILE])
    ranked = result.ranked
    size = sum(ranked[c].fillna("").astype(str).str.len() for c in ("经营范围", "企业简介") if c in ranked)
    longest = ranked.loc[size.sort_values(ascending=False).index[:2], "company_name"].tolist()
    risky = ranked.loc[ranked["reasons"].str.contains("风险：") & ranked["chain_id"].notna(), "company_name"]
    keys = longest + risky.head(1).tolist()
    assert len(pdf_pages(matcher.brief_bytes(result, keys, fmt="pdf"))) == len(keys)


def test_html_is_self_contained_and_speaks_the_officers_words(fixture_result):
    row = fixture_result.ranked.iloc[0]
    page = matcher.brief_bytes(fixture_result, row["company_name"]).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    assert "<script" not in page and "src=" not in page and "@import" not in page
    assert row["company_name"] in page and row["segment_name"] in page
    assert matcher.STATUS_COLOURS[row["gap_status"]].fill in page  # the colours every output uses
    assert matcher.TIER_COLOURS[row["tier"]][0] in page
    assert "size: A4" in page
    for word in ("chain_id", "segment_id", "relevance", "相关度", "实力分", "缺口权重", "nan", "None"):
        assert word not in page.split("<style>")[0] + page.split("</style>")[1]


def test_a_saved_ranking_gives_the_same_parts(fixture_result):
    name = fixture_result.ranked["company_name"].iloc[0]
    from_result = matcher.brief_bytes(fixture_result, name, chains=fixture_result.chains, zone=fixture_result.zone)
    from_table = matcher.brief_bytes(
        fixture_result.ranked, name, chains=fixture_result.chains, zone=fixture_result.zone
    )
    reason = fixture_result.ranked["reasons"].iloc[0].split(" | ")[0]
    assert reason in from_result.decode() and reason in from_table.decode()


def test_unknown_company_is_a_clear_error(fixture_result):
    with pytest.raises(matcher.MatcherError, match="名单中没有这些企业.*不存在的公司"):
        matcher.brief_bytes(fixture_result, ["不存在的公司"])
    with pytest.raises(matcher.MatcherError):
        matcher.brief_bytes(fixture_result, fixture_result.ranked["company_name"].iloc[0], fmt="docx")


def test_cli_writes_one_file_and_reports_unknowns_on_one_line(tmp_path):
    cand = DATA / "candidates.csv"
    ranked = tmp_path / "ranked.parquet"
    assert main(["score", str(cand), "-o", str(ranked), "--quiet"]) == 0
    import pandas as pd

    names = pd.read_parquet(ranked)["company_name"].head(2).tolist()
    out = tmp_path / "brief.html"
    assert main(["brief", *names, "--input", str(ranked), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count('<section class="page">') == 2
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "matcher.cli",
            "brief",
            "查无此企业",
            "--input",
            str(cand),
            "-o",
            str(tmp_path / "b.pdf"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "查无此企业" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "b.pdf").exists()
