"""The officer workbook on paper: the bundled sample (all chains) printed through LibreOffice, and every
cell read for words that mean something to the engine and nothing to an officer."""

import os
import re
import shutil
import subprocess
import warnings

import openpyxl
import pytest
from pypdf import PdfReader

import matcher
from matcher.outputs.workbook import FACT_FIELDS, FIXED_SHEETS, OFFICER_COLUMNS

from ..conftest import AS_OF

MAX_PAGES = 60
# the vendor's own data, passed through as exported (an e-mail may well read ai@…): not our words
VENDOR_HEADERS = {h for _, h, _ in FACT_FIELDS} | {"邮箱", "网址", "企业地址", "来源文件", "合并来源", *OFFICER_COLUMNS}


@pytest.fixture(scope="module")
def sample_workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "sample.xlsx"
    matcher.write_output(matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF), path)
    return path


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice is not installed (apt-get install libreoffice-calc-nogui; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason + " — CI must run this test")
        pytest.skip(reason)
    return found


def test_the_sample_workbook_prints_in_under_60_a4_pages(sample_workbook, tmp_path):
    profile = tmp_path / "profile"  # a fresh LibreOffice profile: no state shared with a running office
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(sample_workbook),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    reader = PdfReader(tmp_path / "sample.pdf")
    pages = reader.pages
    assert 10 < len(pages) < MAX_PAGES, len(pages)
    for page in pages:  # A4 (595 × 842 pt), portrait or landscape
        w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(w - 595) < 3 and abs(h - 842) < 3
    # every sheet an officer reads is on paper, each page headed with its sheet and numbered
    heads = [p.extract_text().strip().splitlines()[0] for p in pages]
    wb = openpyxl.load_workbook(sample_workbook, read_only=True)
    for name in wb.sheetnames:
        assert any(h.endswith(name) for h in heads), name
    text = pages[-1].extract_text()
    assert f"第 {len(pages)} 页 / 共 {len(pages)} 页" in text


CHAIN_ID = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(matcher.CHAIN_IDS) + r")(?![A-Za-z0-9_])")
WORDS = re.compile(r"yaml|(?<![a-z])km(?![a-z])|\bnan\b|\bNone\b|\bTrue\b|\bFalse\b", re.IGNORECASE)


def test_no_cell_shows_an_internal_name(sample_workbook):
    fields = set(matcher.CONTRACT_COLUMNS) | set(matcher.EXTRA_COLUMNS)
    settings = {item["name"] for item in matcher.settings_help()}
    ids = re.compile(r"\b(" + "|".join(sorted(fields | settings, key=len, reverse=True)) + r")\b")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(sample_workbook, read_only=True)
    found = []
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        head = next(rows, ())
        skip = (
            {j for j, h in enumerate(head) if h in VENDOR_HEADERS}
            if ws.title not in FIXED_SHEETS[:3]
            else set()  # 说明 / 汇总 / 招商地图 are all ours
        )
        if ws.title == "未处理":  # the rejected rows as the vendor wrote them, after the reason
            skip = set(range(3, len(head)))
        for row in (head, *rows):
            for j, v in enumerate(row):
                if not isinstance(v, str) or j in skip:
                    continue
                for pattern in (CHAIN_ID, ids, WORDS):
                    if m := pattern.search(v):
                        found.append((ws.title, m.group(0), v[:60]))
    assert found == []
