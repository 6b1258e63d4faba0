"""The weekly 台账 and the quarterly 链长调度会 report, from a 台账 built here (SQLite and PostgreSQL):
which runs a report compares, what each section lists, the workbook's print setup and formula-safe
cells, the printable page (one A4 page per chain, even for the longest chain) and the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import openpyxl
import pandas as pd
import pytest

import matcher
from matcher.cli import main

T = dt.datetime(2026, 7, 1, 9)
AS_OF = dt.date(2026, 10, 20)
LONG = "联系企业董事长办公室，确认来园考察的时间、人员和考察重点，并准备园区产业政策和用地方案材料" * 2


@functools.lru_cache(maxsize=1)
def shipped():
    chains = matcher.load_chains()
    return chains, matcher.load_zone(matcher.DEFAULT_ZONE, chains)


def _ranked(n: int, chain: str = "nev", offset: int = 0, tiers=("A", "B")) -> pd.DataFrame:
    """n targets spread over the chain's segments (the shipped chains, the shipped zone)."""
    chains, zone = shipped()
    segs = matcher.segment_table(chains, zone)
    segs = segs[segs["chain_id"] == chain].reset_index(drop=True)
    base = dict.fromkeys(matcher.CONTRACT_COLUMNS)
    rows = []
    for i in range(n):
        s = segs.iloc[i % len(segs)]
        rows.append(
            {
                **base,
                "company_name": f"测试{chain}{i + offset:03d}号科技有限公司",
                "credit_code": f"91320100TEST{chain[:2].upper()}{i + offset:04d}",
                "chain_id": chain,
                "chain_name": s["chain_name"],
                "segment_id": s["segment_id"],
                "segment_name": s["segment_name"],
                "score": 90.0 - i * 0.5,
                "tier": tiers[i % len(tiers)],
                "status": "active",
                "status_raw": "存续",
                "gap_status": s["status"],
            }
        )
    return pd.DataFrame(rows)


def _result(fixture_result, ranked, zone=None):
    chains, shipped_zone = shipped()
    return dataclasses.replace(fixture_result, ranked=ranked, chains=chains, zone=zone or shipped_zone)


@pytest.fixture
def full_chain(store, fixture_result):
    """A 新能源汽车 chain with every section longer than a page holds: last quarter's and this quarter's
    runs, 40 leads with long next actions, signed and landed projects, stalled and deregistered leads."""
    q3 = matcher.save_run(store, _result(fixture_result, _ranked(40)), run_date=dt.date(2026, 7, 1))
    added = matcher.add_leads(store, q3, chains=["nev"], owner="张三", by="张三", at=T)
    stages = ["已接洽", "已考察", "洽谈中", "已签约", "已落地"]
    for k, row in enumerate(added.itertuples()):
        at = T + dt.timedelta(days=(k % 5) * 20)
        changes = {"next_action": f"{LONG}（{k}）", "due_date": dt.date(2026, 11, 1) + dt.timedelta(days=k)}
        if k % 3 == 0:
            changes.update(stage=stages[k % 5], amount_wan=1000.0 * (k + 1))
        matcher.update_lead(store, row.lead_id, row.version, by="李四", source="app", at=at, **changes)
    ranked = pd.concat([_ranked(40), _ranked(15, offset=100)], ignore_index=True)
    ranked.loc[ranked.index[:6], ["status", "status_raw", "tier", "score"]] = ["inactive", "注销", None, 0.0]
    matcher.save_run(store, _result(fixture_result, ranked), run_date=dt.date(2026, 10, 1))
    return added


def test_report_runs_compare_with_the_newest_run_of_an_earlier_quarter(store, fixture_result):
    from matcher.reports.data import report_runs

    result = _result(fixture_result, _ranked(3))
    ids = [matcher.save_run(store, result, run_date=d) for d in (dt.date(2026, 6, 15), dt.date(2026, 7, 5))]
    ids.append(matcher.save_run(store, result, run_date=dt.date(2026, 9, 20)))
    current, previous = report_runs(store, dt.date(2026, 9, 30))
    assert (current["run_id"], previous["run_id"]) == (ids[2], ids[0])  # 07-05 is the same quarter as 09-20
    current, previous = report_runs(store, dt.date(2026, 8, 1))
    assert (current["run_id"], previous["run_id"]) == (ids[1], ids[0])
    assert report_runs(store, dt.date(2026, 6, 1)) == (None, None)


def test_quarterly_sections_say_exactly_what_changed(store, full_chain):
    (q,) = matcher.quarterly_report(store, chain="新能源汽车", as_of=AS_OF)
    assert q.chain_id == "nev" and q.quarter == "2026年第4季度"
    assert q.previous_label == "2026-07-01 评分" and q.run_label == "2026-10-01 评分"
    n_segments = int((matcher.segment_table(*shipped())["chain_id"] == "nev").sum())
    assert len(q.gaps) == n_segments and set(q.gaps["change"]) == {""}  # same zone both quarters
    assert q.gaps["position"].tolist() == sorted(q.gaps["position"], key=["上游", "中游", "下游"].index)
    assert len(q.new_targets) == 15 and q.new_targets["company_name"].str.contains("1[01][0-9]号").all()
    assert set(q.new_targets["tier_before"]) == {"未入选"}
    counts = dict(zip(q.stages["stage"], q.stages["leads"]))
    assert sum(counts.values()) == 40 and counts["已落地"] == 3 and counts["已签约"] == 3
    assert q.won["stage"].tolist() == ["已落地"] * 3 + ["已签约"] * 3
    assert q.totals["won_amount"] == pytest.approx(q.won["amount_wan"].sum()) and q.totals["won_amount"] > 0
    assert set(q.stalled["colour"]) <= {"yellow", "red"} and q.stalled["days_in_stage"].is_monotonic_decreasing
    assert len(q.closed) == 6
    assert len(q.actions) == 10 and q.actions["due_date"].is_monotonic_increasing


def test_one_printed_page_per_chain_even_when_every_section_is_long(store, full_chain, fixture_result, tmp_path):
    from matcher.reports import page

    if not page.pdf_available():
        pytest.skip("WeasyPrint or its system libraries (Pango) are not installed")
    import weasyprint

    matcher.save_run(
        store,
        _result(fixture_result, pd.concat([_ranked(40), _ranked(30, "ic")], ignore_index=True)),
        run_date=dt.date(2026, 10, 2),
    )
    chains = matcher.quarterly_report(store, chain=["nev", "集成电路"], as_of=AS_OF)
    html = matcher.quarterly_html(chains, "测试")
    assert html.count('<section class="chain">') == 2
    assert "另有 " in html and "条，见季度报告工作簿" in html
    doc = weasyprint.HTML(string=html).render()
    assert len(doc.pages) == 2
    out = matcher.write_report(store, "quarterly", tmp_path / "季度.pdf", chain="nev", as_of=AS_OF)
    assert out.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob(".*part*"))


def test_workbooks_print_on_a4_and_keep_formula_text_inert(store, full_chain, tmp_path):
    row = full_chain.iloc[1]
    lead = matcher.get_lead(store, int(row.lead_id))
    matcher.update_lead(store, lead["lead_id"], lead["version"], by="=cmd", next_action='=HYPERLINK("x")')
    q = matcher.write_report(store, "quarterly", tmp_path / "q.xlsx", as_of=AS_OF)
    wb = openpyxl.load_workbook(q)
    ws = wb["新能源汽车"]
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0  # one page wide
    texts = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert '\'=HYPERLINK("x")' in texts and not any(t.startswith("=") for t in texts)
    assert texts[0] == "新能源汽车产业链 链长调度会季度报告（2026年第4季度）"
    w = matcher.write_report(store, "weekly", tmp_path / "w.xlsx", as_of=AS_OF)
    wb = openpyxl.load_workbook(w)
    assert wb.sheetnames == ["汇总", "新能源汽车"]
    ws = wb["新能源汽车"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    rows = list(ws.iter_rows(values_only=True))
    table = pd.DataFrame(rows[1:], columns=rows[0]).set_index("线索编号")
    assert table.loc[lead["lead_id"], "下一步工作"] == '\'=HYPERLINK("x")'
    assert table.loc[lead["lead_id"], "最近跟进"] == f'下一步工作：{LONG}（1） → =HYPERLINK("x")'
    assert "已落地" not in set(table["跟进阶段"])  # landed projects are not active leads
    active = matcher.count_leads(store, stage=store.stages.timed())
    assert len(table) == active


def test_last_changes_owners_and_stage_counts(store, full_chain):
    last = matcher.last_changes(store, chain="nev").set_index("lead_id")
    assert len(last) == 40
    one = int(full_chain["lead_id"].iloc[0])
    assert last.loc[one, "by_user"] == "李四" and last.loc[one, "source"] == "app"
    assert matcher.lead_owners(store) == ["张三"]
    counts = matcher.stage_counts(store, chain="nev")
    assert counts["leads"].sum() == 40
    assert matcher.lead_chains(store).values.tolist() == [["nev", "新能源汽车", 40]]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["weekly", "-o", "w.pdf"], "周报可输出为 .xlsx"),
        (["quarterly", "--chain", "不存在", "-o", "q.xlsx"], "没有名为“不存在”的产业链"),
        (["quarterly", "--as-of", "上周", "-o", "q.xlsx"], "不是日期"),
        (["quarterly", "-o", "q.doc"], "可输出为 .xlsx / .html / .pdf"),
    ],
)
def test_report_cli_bad_input_is_one_line(args, needle, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(matcher.DB_ENV, str(tmp_path / "t.db"))
    assert main(["report", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("*.xlsx"))


def test_report_cli_on_an_empty_ledger_says_what_to_do(tmp_path, capsys):
    assert main(["report", "quarterly", "--db", str(tmp_path / "t.db"), "-o", str(tmp_path / "q.html")]) == 2
    assert "先用 matcher score … --save 记录一次评分" in capsys.readouterr().err
