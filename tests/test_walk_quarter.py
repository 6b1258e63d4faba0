"""A quarter in the 招商台账, walked end to end on SQLite and on PostgreSQL.

Q3: the bundled sample is scored and recorded (`matcher score … --save`), its 新能源汽车 A targets
become leads (`matcher track add`), stages move by the CLI (`matcher track set`), by the officer
workbook edited in Excel (openpyxl writes 跟进状态 / 负责人 / 备注, `matcher track import`) and by the
线索台账 page (AppTest; one edit made stale by a colleague is refused and kept). Q4: a modified copy of
the sample — two targets gone, two new companies, one company 注销 — is scored against a zone profile
in which one segment's gap changed, and recorded. The diff, the colours (on a clock the test sets,
never by waiting) and both reports then show exactly those changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import matcher
from matcher.cli import main
from matcher.reports.page import pdf_available

ROOT = Path(__file__).resolve().parents[1]
CHAIN, CHAIN_NAME = "nev", "新能源汽车"
GAP_SEGMENT = "battery_recycling"  # 缺失 in the shipped profile; 优势 in Q4's
Q3_RUN = dt.datetime(2026, 7, 1, 9)
Q4_RUN = dt.datetime(2026, 10, 1, 9)
AS_OF = dt.date(2026, 10, 20)


# ------------------------------------------------------------------------------------------------
# the clock: the store's `now`, set by the test


class Clock:
    def __init__(self, monkeypatch):
        self.at = Q3_RUN
        for name, module in list(sys.modules.items()):
            if name.startswith("matcher.store") and callable(getattr(module, "now", None)):
                monkeypatch.setattr(module, "now", self.now)

    def now(self) -> dt.datetime:
        return self.at

    def set(self, at: dt.datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch):
    import matcher.store.activity  # noqa: F401  (every store module loaded, so each one's clock is set)
    import matcher.store.diff  # noqa: F401
    import matcher.store.leads  # noqa: F401
    import matcher.store.runs  # noqa: F401

    return Clock(monkeypatch)


# ------------------------------------------------------------------------------------------------
# Q4's inputs: a modified copy of the sample and of the zone profile


@functools.lru_cache(maxsize=1)
def q3_result():
    return matcher.score_files([matcher.SAMPLE_FILE])


@functools.lru_cache(maxsize=1)
def q4_result(sample: Path, zone: Path):
    return matcher.score_files([sample], zone=zone)


def _nev_targets(result) -> pd.DataFrame:
    r = result.ranked
    return r[(r["chain_id"] == CHAIN) & r["tier"].isin(["A", "B"]) & (r["status"] != "inactive")]


@pytest.fixture(scope="module")
def q4_inputs(tmp_path_factory):
    """(sample copy, zone copy, what was changed)."""
    tmp = tmp_path_factory.mktemp("q4")
    targets = _nev_targets(q3_result())
    tier_a = targets[targets["tier"] == "A"]
    tier_b = targets[targets["tier"] == "B"]
    removed = tier_b["company_name"].head(2).tolist()  # two B targets leave the list (no lead on them)
    closed = tier_a["company_name"].iloc[5]  # the sixth A target (a lead) is 注销 by Q4
    models = tier_a["company_name"].iloc[:2].tolist()  # two new companies modelled on A targets
    wb = openpyxl.load_workbook(matcher.SAMPLE_FILE)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[2]]
    col = {h: i for i, h in enumerate(header)}
    ranked = q3_result().ranked.set_index("company_name")
    rows = {name: int(ranked.loc[name, "source_row"]) for name in [*removed, closed, *models]}  # as Excel numbers them
    ws.cell(rows[closed], col["登记状态"] + 1).value = "注销"
    new_names = []
    for k, model in enumerate(models):
        values = [c.value for c in ws[rows[model]]]
        name = f"南京新锐{k + 1}号新能源科技有限公司"
        values[col["企业名称"]] = name
        values[col["统一社会信用代码"]] = None
        values[col["曾用名"]] = None
        ws.append(values)
        new_names.append(name)
    for r in sorted((rows[n] for n in removed), reverse=True):
        ws.delete_rows(r)
    sample = tmp / "候选企业_四季度.xlsx"
    wb.save(sample)
    text = matcher.DEFAULT_ZONE.read_text(encoding="utf-8")
    line = f"{GAP_SEGMENT}: {{status: 缺失"
    assert text.count(line) == 1
    zone = tmp / "zone_q4.yaml"
    zone.write_text(text.replace(line, f"{GAP_SEGMENT}: {{status: 优势"), encoding="utf-8")
    return sample, zone, {"removed": removed, "closed": closed, "new": new_names}


# ------------------------------------------------------------------------------------------------
# the walk


def cli(*args) -> int:
    return main([str(a) for a in args])


def _edit_workbook(path: Path, edits: dict) -> None:
    """An officer in Excel: 跟进状态 / 负责人 / 备注 of some companies on the chain's sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb[CHAIN_NAME]
    header = [c.value for c in ws[1]]
    name_col = header.index("企业名称") + 1
    for r in range(2, ws.max_row + 1):
        name = ws.cell(r, name_col).value
        for field, value in edits.get(name, {}).items():
            ws.cell(r, header.index(field) + 1).value = value
    wb.save(path)


def _app_edit(lead_ids: dict, stale_lead: int, monkeypatch, store_url: str):
    """The 线索台账 page: one lead moved to 洽谈中 with an amount; a second edit goes stale because a
    colleague changed that lead after the page was drawn."""
    testing = pytest.importorskip("streamlit.testing.v1")
    monkeypatch.setenv(matcher.DB_ENV, store_url)
    at = testing.AppTest.from_file(str(ROOT / "app_pages" / "ledger.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at.multiselect(key="lg_chain").set_value([CHAIN]).run()
    editor = at.data_editor[0]
    frame = editor.value
    row = {int(v): i for i, v in enumerate(frame["lead_id"])}
    # a colleague changes the stale lead after this officer's page was drawn
    with matcher.open_store(store_url) as other:
        lead = matcher.get_lead(other, stale_lead)
        matcher.update_lead(other, stale_lead, lead["version"], by="王科长", source="api", owner="王科长")
    at.session_state[editor.key] = {
        "edited_rows": {
            row[lead_ids["app"]]: {"stage": "洽谈中", "amount_wan": 3000.0},
            row[stale_lead]: {"stage": "已考察", "notes": "企业来园考察"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key="lg_by").set_value("赵主任")
    at.button(key="lg_save").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["已保存 1 条线索的修改"]
    assert any("已被王科长" in e.value and "没有保存" in e.value for e in at.error), [e.value for e in at.error]
    kept = next(d.value for d in at.dataframe if "线索编号" in d.value.columns and "跟进阶段" in d.value.columns)
    assert kept.to_dict("records") == [
        {"线索编号": stale_lead, "企业名称": kept["企业名称"][0], "跟进阶段": "已考察", "备注": "企业来园考察"}
    ]
    return at


def test_a_quarter_in_the_ledger(store_url, clock, q4_inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(matcher.DB_ENV, store_url)
    sample_q4, zone_q4, changed = q4_inputs
    book_q3 = tmp_path / "三季度招商工作簿.xlsx"

    # Q3 — score and record, leads from the A targets of 新能源汽车
    clock.set(Q3_RUN)
    assert cli("score", matcher.SAMPLE_FILE, "-o", book_q3, "--save", "--quiet") == 0
    clock.set(dt.datetime(2026, 7, 2, 10))
    assert (
        cli("track", "add", "--run", "latest", "--chain", CHAIN, "--tier", "A", "--owner", "张三", "--by", "张三") == 0
    )
    with matcher.open_store(store_url) as store:
        leads = matcher.list_leads(store, chain=CHAIN, order="id")
        tier_a = _nev_targets(q3_result())
        tier_a = tier_a[tier_a["tier"] == "A"]["company_name"].tolist()
        assert leads["company_name"].tolist() == tier_a and set(leads["owner"]) == {"张三"}
    ids = dict(zip(leads["company_name"], leads["lead_id"].astype(int)))
    names = leads["company_name"].tolist()
    lead = {
        "cli": ids[names[0]],  # moved twice by the CLI
        "landed": ids[names[1]],  # signed in the workbook, landed by the CLI
        "book": ids[names[2]],  # moved in the workbook with a new owner and a note
        "app": ids[names[3]],  # moved in the app
        "stale": ids[names[4]],  # the app's edit is refused (a colleague changed it first)
        "closed": ids[changed["closed"]],  # its company is 注销 in Q4
    }
    assert lead["closed"] == ids[names[5]]

    # moves by the CLI
    clock.set(dt.datetime(2026, 7, 10, 15))
    assert (
        cli(
            "track",
            "set",
            lead["cli"],
            "--stage",
            "已接洽",
            "--next-action",
            "邀请来园考察",
            "--due",
            "2026-07-31",
            "--by",
            "张三",
        )
        == 0
    )

    # by the officer workbook, edited in Excel and read back
    clock.set(dt.datetime(2026, 8, 1, 11))
    _edit_workbook(
        book_q3,
        {
            names[1]: {"跟进状态": "已签约"},
            names[2]: {"跟进状态": "已考察", "负责人": "李四", "备注": "园区已对接用地"},
        },
    )
    assert cli("track", "import", book_q3, "--by", "李四") == 0

    # by the app
    clock.set(dt.datetime(2026, 8, 15, 16))
    _app_edit(lead, lead["stale"], monkeypatch, store_url)

    # the landed project and the CLI lead's second move
    clock.set(dt.datetime(2026, 9, 30, 9))
    assert cli("track", "set", lead["landed"], "--stage", "已落地", "--amount", "5000", "--by", "张三") == 0
    clock.set(dt.datetime(2026, 10, 5, 9))
    assert (
        cli(
            "track",
            "set",
            lead["cli"],
            "--stage",
            "已考察",
            "--next-action",
            "洽谈用地方案",
            "--due",
            "2026-10-31",
            "--by",
            "张三",
        )
        == 0
    )

    # Q4 — the modified list against the changed zone profile
    clock.set(Q4_RUN)
    assert cli("score", sample_q4, "--zone", zone_q4, "-o", tmp_path / "四季度.xlsx", "--save", "--quiet") == 0
    capsys.readouterr()

    with matcher.open_store(store_url) as store:
        check_history(store, lead)
        check_diff(store, changed, zone_q4)
        check_colours(store, lead)
        check_weekly(store, lead, tmp_path)
        check_quarterly(store, lead, changed, tmp_path, (sample_q4, zone_q4))
    # the CLI's report command writes the same reports
    assert cli("report", "weekly", "--as-of", AS_OF, "-o", tmp_path / "cli_weekly.xlsx") == 0
    assert cli("report", "quarterly", "--chain", CHAIN_NAME, "--as-of", AS_OF, "-o", tmp_path / "cli_q.html") == 0
    assert "南京新锐1号新能源科技有限公司" in (tmp_path / "cli_q.html").read_text(encoding="utf-8")


def check_history(store, lead):
    h = matcher.lead_history(store, [lead["cli"], lead["landed"], lead["book"], lead["app"], lead["stale"]])
    moves = h[h["field"] == "stage"][["lead_id", "source", "old_value", "new_value"]]
    got = {
        k: moves[moves["lead_id"] == v][["source", "old_value", "new_value"]].values.tolist()
        for k, v in lead.items()
        if k != "closed"
    }
    assert got == {
        "cli": [["cli", None, "线索"], ["cli", "线索", "已接洽"], ["cli", "已接洽", "已考察"]],
        "landed": [["cli", None, "线索"], ["workbook", "线索", "已签约"], ["cli", "已签约", "已落地"]],
        "book": [["cli", None, "线索"], ["workbook", "线索", "已考察"]],
        "app": [["cli", None, "线索"], ["app", "线索", "洽谈中"]],
        "stale": [["cli", None, "线索"]],
    }
    book = h[(h["lead_id"] == lead["book"]) & (h["source"] == "workbook")]
    assert dict(zip(book["field"], book["new_value"])) == {
        "stage": "已考察",
        "owner": "李四",
        "notes": "园区已对接用地",
    }
    app = h[(h["lead_id"] == lead["app"]) & (h["source"] == "app")]
    assert dict(zip(app["field"], app["new_value"])) == {"stage": "洽谈中", "amount_wan": "3000"}
    assert set(app["by_user"]) == {"赵主任"}
    stale = h[h["lead_id"] == lead["stale"]]
    assert stale[["field", "new_value", "by_user"]].values.tolist()[-1] == ["owner", "王科长", "王科长"]


def check_diff(store, changed, zone_q4):
    d = matcher.diff_runs("previous", "latest", store)
    assert sorted(d.new["company_name"]) == sorted(changed["new"])
    assert set(d.new["chain_id"]) == {CHAIN}
    assert sorted(d.dropped["company_name"]) == sorted(changed["removed"])
    assert d.status[["company_name", "status_raw_a", "status_raw_b"]].values.tolist() == [
        [changed["closed"], "存续", "注销"]
    ] or d.status[["company_name", "status_raw_b"]].values.tolist() == [[changed["closed"], "注销"]]
    assert d.gaps[["chain_id", "segment_id", "status_a", "status_b", "change"]].values.tolist() == [
        [CHAIN, GAP_SEGMENT, "缺失", "优势", "better"]
    ]
    # tier changes: exactly the companies whose tier the engine itself moved between the two lists
    q4 = q4_result(zone_q4.parent / "候选企业_四季度.xlsx", zone_q4)
    before = q3_result().ranked.set_index("company_name")["tier"].fillna("")
    after = q4.ranked.set_index("company_name")["tier"].fillna("")
    both = before.index.intersection(after.index)
    chain_q4 = q4.ranked.set_index("company_name")["chain_id"]
    targets = {n for n in both if before[n] != after[n] and isinstance(chain_q4[n], str)}
    assert set(d.tiers["company_name"]) == targets
    assert changed["closed"] in targets and d.tiers.set_index("company_name").loc[changed["closed"], "change"] == "down"
    recycling = d.tiers[d.tiers["segment_id"] == GAP_SEGMENT]
    assert len(recycling) and set(recycling["change"]) == {"down"}  # the gap closed: its targets score less


def check_colours(store, lead):
    leads = matcher.list_leads(store, chain=CHAIN, as_of=AS_OF).set_index("lead_id")
    colour = leads["colour"]
    assert colour[lead["cli"]] == "green"  # moved 10-05: 15 days
    assert colour[lead["book"]] == "yellow"  # moved 08-01: 80 days
    assert colour[lead["app"]] == "yellow"  # moved 08-15: 66 days
    assert colour[lead["landed"]] is None  # 已落地 is not timed
    untouched = leads.index.difference([lead["cli"], lead["book"], lead["app"], lead["landed"]])
    assert set(colour[untouched]) == {"red"}  # in 线索 since 07-02: 110 days (the stale edit never landed)
    assert leads.loc[lead["closed"], "company_closed"] and leads["company_closed"].sum() == 1
    assert not leads.loc[lead["cli"], "overdue"]
    # the same day a week earlier: nothing yellow has turned red, the CLI lead is still green
    earlier = matcher.list_leads(store, chain=CHAIN, as_of=AS_OF - dt.timedelta(days=10)).set_index("lead_id")
    assert earlier.loc[lead["app"], "colour"] == "green" and earlier.loc[lead["book"], "colour"] == "yellow"


def check_weekly(store, lead, tmp_path):
    out = matcher.write_report(store, "weekly", tmp_path / "weekly.xlsx", as_of=AS_OF)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", CHAIN_NAME]
    ws = wb[CHAIN_NAME]
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$1"
    rows = list(ws.iter_rows(values_only=True))
    table = pd.DataFrame(rows[1:], columns=rows[0]).set_index("线索编号")
    assert lead["landed"] not in table.index  # landed: no longer an active lead
    assert table.loc[lead["cli"], ["跟进阶段", "三类三色", "负责人"]].tolist() == ["已考察", "绿", "张三"]
    assert table.loc[lead["cli"], "最近跟进日期"] == "2026-10-05"
    assert table.loc[lead["book"], ["跟进阶段", "三类三色", "负责人", "最近跟进日期"]].tolist() == [
        "已考察",
        "黄",
        "李四",
        "2026-08-01",
    ]
    assert table.loc[lead["app"], ["跟进阶段", "三类三色", "预计投资额（万元）"]].tolist() == ["洽谈中", "黄", 3000]
    assert table.loc[lead["stale"], ["跟进阶段", "三类三色", "负责人"]].tolist() == ["线索", "红", "王科长"]
    assert "企业已注销或吊销" in table.loc[lead["closed"], "提示"]
    summary = {r[0]: r for r in wb["汇总"].iter_rows(values_only=True)}
    head = list(summary["产业链"])
    nev = dict(zip(head, summary[CHAIN_NAME]))
    n_active = len(table)
    assert nev["在跟线索"] == n_active and nev["绿"] == 1 and nev["黄"] == 2 and nev["红"] == n_active - 3
    assert nev["企业已注销或吊销"] == 1


def check_quarterly(store, lead, changed, tmp_path, q4_paths):
    (q,) = matcher.quarterly_report(store, chain=CHAIN_NAME, as_of=AS_OF)
    assert q.run["run_date"] == Q4_RUN.date() and q.previous["run_date"] == Q3_RUN.date()
    gap = q.gaps.set_index("segment_id").loc[GAP_SEGMENT]
    assert (gap["status_before"], gap["status_now"], gap["change"]) == ("缺失", "优势", "缺口缓解")
    assert (q.gaps["change"] != "").sum() == 1
    # new A / B targets: exactly those the engine ranks A / B in Q4 and did not in Q3
    q4 = q4_result(*q4_paths)
    expected = set(_nev_targets(q4)["company_name"]) - set(_nev_targets(q3_result())["company_name"])
    assert set(q.new_targets["company_name"]) == expected and changed["new"][0] in expected
    stages = dict(zip(q.stages["stage"], q.stages["leads"]))
    n = q.totals["leads"]
    assert stages == {
        "线索": n - 4,
        "已接洽": 0,
        "已考察": 2,
        "洽谈中": 1,
        "已签约": 0,
        "已落地": 1,
        "暂缓": 0,
        "已放弃": 0,
    }
    assert q.won[["lead_id", "stage", "amount_wan"]].values.tolist() == [[lead["landed"], "已落地", 5000.0]]
    assert set(q.stalled["lead_id"]) == set(range(1, n + 1)) - {lead["cli"], lead["landed"]}
    assert q.stalled["colour"].iloc[0] == "red" and q.stalled["colour"].iloc[-1] == "yellow"
    assert q.closed["lead_id"].tolist() == [lead["closed"]]
    assert q.actions[["lead_id", "next_action"]].values.tolist() == [[lead["cli"], "洽谈用地方案"]]
    # the workbook and the printable page say the same
    book = matcher.write_report(store, "quarterly", tmp_path / "q.xlsx", chain=CHAIN, as_of=AS_OF)
    ws = openpyxl.load_workbook(book)[CHAIN_NAME]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    for text in (changed["new"][0], "缺口缓解", "洽谈用地方案", changed["closed"]):
        assert text in cells, text
    page = matcher.write_report(store, "quarterly", tmp_path / "q.html", chain=CHAIN, as_of=AS_OF)
    html = page.read_text(encoding="utf-8")
    assert html.count('<section class="chain">') == 1 and "缺口缓解" in html and "5,000" in html
    if not pdf_available():
        pytest.skip("WeasyPrint or its system libraries (Pango) are not installed")
    pdf = matcher.write_report(store, "quarterly", tmp_path / "q.pdf", chain=CHAIN, as_of=AS_OF)
    assert pdf.read_bytes().startswith(b"%PDF")
