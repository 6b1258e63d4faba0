"""The officer workbook read back: 跟进状态 / 负责人 / 备注 become leads and history, all or nothing."""

import datetime as dt

import openpyxl
import pytest

import matcher
from matcher.outputs.workbook import OFFICER_COLUMNS
from tests.conftest import AS_OF

T0 = dt.datetime(2026, 9, 1, 9, 0)


@pytest.fixture
def recorded(store, fixture_result, fixture_chains, tmp_path):
    """A run recorded in the 台账, its officer workbook written, one lead already there."""
    run = matcher.save_run(store, fixture_result, run_date=AS_OF)
    matcher.add_leads(store, run, tiers=["A"], chains=["nev"], owner="陈", at=T0)  # 江苏锐能, 杭州宁德时代储能
    path = tmp_path / "ranked.xlsx"
    matcher.write_workbook(fixture_result, path, chains=fixture_chains, zone=fixture_result.zone)
    return run, path


def _fill(path, edits):
    """The officer types into the follow-up columns: {(sheet, company): (跟进状态, 负责人, 备注)}."""
    wb = openpyxl.load_workbook(path)
    for (sheet, company), values in edits.items():
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        r = next(i for i in range(2, ws.max_row + 1) if ws.cell(i, head.index("企业名称") + 1).value == company)
        for h, v in zip(OFFICER_COLUMNS, values):
            if v is not None:
                ws.cell(r, head.index(h) + 1).value = v
    wb.save(path)


def test_workbook_changes_and_new_leads_come_back(store, recorded, fixture_chains):
    _, path = recorded
    _fill(
        path,
        {
            ("新能源汽车", "江苏锐能动力电池有限公司"): ("已拜访", None, "约下周再谈"),  # an alias of 已考察
            ("新能源汽车", "杭州宁德时代储能有限公司"): (None, "陈", None),  # same owner: nothing changes
            ("集成电路", "苏州微芯集成电路有限公司"): ("洽谈中", "刘", "-先谈用地"),  # a new lead
            ("新能源汽车", "南京快充科技有限公司"): (None, "王", None),  # no status, no lead: skipped
        },
    )
    t1 = T0 + dt.timedelta(days=7)
    done = matcher.import_workbook(store, path, "李科员", at=t1, chains=fixture_chains)
    assert done.applied and (done.count("created"), done.count("updated"), done.count("unchanged")) == (1, 1, 1)
    assert done.count("rejected") == 0 and done.count("skipped") == 1
    leads = matcher.list_leads(store, as_of=t1.date()).set_index("company_name")
    ruineng = leads.loc["江苏锐能动力电池有限公司"]
    assert (ruineng.stage, ruineng.owner, ruineng.notes, ruineng.version) == ("已考察", "陈", "约下周再谈", 2)
    chip = leads.loc["苏州微芯集成电路有限公司"]
    assert (chip.chain_id, chip.segment_id, chip.stage, chip.owner) == ("ic", "design", "洽谈中", "刘")
    assert chip.notes == "-先谈用地"  # text as the officer typed it (exports make it inert)
    h = matcher.lead_history(store, int(ruineng.lead_id))
    last = h[h["version"] == 2]
    assert last[["field", "old_value", "new_value", "by_user", "source"]].values.tolist() == [
        ["stage", "线索", "已考察", "李科员", "workbook"],
        ["notes", None, "约下周再谈", "李科员", "workbook"],
    ]
    assert any("跟进阶段：线索 → 已考察" in line for line in done.lines())
    # importing the same file again changes nothing
    again = matcher.import_workbook(store, path, "李科员", chains=fixture_chains)
    assert again.count("created") == again.count("updated") == 0 and again.count("unchanged") == 3


def test_a_bad_row_means_nothing_is_written(store, recorded, fixture_chains):
    _, path = recorded
    _fill(
        path,
        {
            ("新能源汽车", "江苏锐能动力电池有限公司"): ("已考察", None, None),
            ("新能源汽车", "南京快充科技有限公司"): ("签了一半", None, None),
            ("未匹配", "南京老王餐饮管理有限公司"): ("放弃", "刘", "非目标行业"),
        },
    )
    before = matcher.list_leads(store)
    done = matcher.import_workbook(store, path, "李科员", chains=fixture_chains)
    assert not done.applied and done.count("held") == 1
    reasons = dict(zip(done.rejected["company_name"], done.rejected["reason"]))
    assert "“签了一半”不是可用的跟进阶段" in reasons["南京快充科技有限公司"]
    assert "未入链企业不能建立线索" in reasons["南京老王餐饮管理有限公司"]
    assert "未做任何修改" in done.summary()
    assert matcher.list_leads(store).equals(before)
    # partial: the usable row is written, the others reported
    part = matcher.import_workbook(store, path, "李科员", partial=True, chains=fixture_chains)
    assert part.applied and part.count("updated") == 1 and part.count("rejected") == 2
    assert set(matcher.list_leads(store)["stage"]) == {"已考察", "线索"}


def test_a_company_the_store_does_not_hold_is_rejected(store, fixture_result, fixture_chains, tmp_path):
    path = tmp_path / "ranked.xlsx"
    matcher.write_workbook(fixture_result, path, chains=fixture_chains, zone=fixture_result.zone)
    _fill(path, {("集成电路", "苏州微芯集成电路有限公司"): ("已接洽", None, None)})
    done = matcher.import_workbook(store, path, "李科员", chains=fixture_chains)
    assert not done.applied and "台账中没有这家企业" in done.rejected["reason"][0]


def test_unreadable_workbooks(store, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(matcher.InputFileError, match="无法读取工作簿"):
        matcher.import_workbook(store, bad, "李科员")
    with pytest.raises(matcher.InputFileError, match="文件不存在"):
        matcher.import_workbook(store, tmp_path / "missing.xlsx", "李科员")
    with pytest.raises(matcher.MatcherError, match="由谁导入"):
        matcher.import_workbook(store, bad, " ")


def test_the_workbook_offers_the_stages_in_its_follow_up_column(fixture_result, fixture_chains, tmp_path):
    path = tmp_path / "w.xlsx"
    matcher.write_workbook(fixture_result, path, chains=fixture_chains, zone=fixture_result.zone)
    ws = openpyxl.load_workbook(path)["新能源汽车"]
    head = [c.value for c in ws[1]]
    column = openpyxl.utils.get_column_letter(head.index("跟进状态") + 1)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert any(str(dv.sqref).startswith(column) for dv in lists)
    assert lists[0].formula1 == '"' + ",".join(matcher.load_stages().names) + '"'
