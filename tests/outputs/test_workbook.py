import datetime as dt
import warnings

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import matcher
from matcher.outputs.cells import FORMULA_START
from matcher.outputs.workbook import OFFICER_COLUMNS, PRINT_TOP, _line_counts, _lines, inert, safe_url, write_workbook
from tests.conftest import AS_OF

DAY = dt.date(2026, 11, 27)
FIXED = ["说明", "汇总", "招商地图", "未匹配", "未处理", "合并记录"]
CHAIN_HEADERS = [  # the printed columns first (联系方式 when the list has a phone), then the rest
    "排名",
    "企业名称",
    "环节",
    "得分",
    "等级",
    "推荐理由",
    "所在地",
    "跟进状态",
    "链位",
    "缺口状态",
    "统一社会信用代码",
    "登记状态",
    "注册资本(万元)",
    "成立日期",
    "参保人数",
]

# a vendor list with contact columns and hostile text in every kind of cell
CONTACTS_CSV = """企业名称,登记状态,注册资本,成立日期,统一社会信用代码,所属省份,所属城市,参保人数,经营范围,企业简介,电话,邮箱,网址,负责人
江苏锐能动力电池有限公司,存续,5000万元,2015-03-12,91320100MA1MXXXX0A,江苏省,南京市,320,锂离子电池、电池包的研发、生产,专注动力电池电芯与BMS,025-52341234,info@ruineng.cn,www.ruineng.com,张三
苏州微芯集成电路有限公司,存续,1.2亿元,2012-03-12,,江苏省,苏州市,150,集成电路设计；芯片设计服务,MCU与SoC芯片设计,+86 512 6666,=1+1,https://weixin.example.cn/a?b=1,李四
"=HYPERLINK(""http://evil.example"",""点我"")动力电池有限公司",存续,100万元,2020-01-01,,江苏省,南京市,10,锂离子电池制造,@SUM(A1),-2+3,x@y.cn,javascript:alert(1),王五
<r><t>无锡</t></r><f>1+1</f><r><t>芯片设计有限公司</t></r>,存续,100万元,2020-01-01,,江苏省,无锡市,12,集成电路设计,,,,file:///c:/x,
南京老王餐饮管理有限公司,存续,10万元,2019-01-01,,江苏省,南京市,5,餐饮服务,,025-1,wang@163.com,http://laowang.example.com,
,存续,100万元,2019-01-01,,江苏省,南京市,,=cmd|' /C calc'!A0,,,,,
"""


def _write(result, path, chains, zone, **kw):
    write_workbook(result, path, chains=chains, zone=zone, settings=matcher.DEFAULTS, generated=DAY, **kw)
    return path


def _open(path):
    with warnings.catch_warnings():  # openpyxl does not know the data-bar extension; Excel and WPS do
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


def _header(ws):
    return [c.value for c in ws[1]]


def _rows(ws):
    head = _header(ws)
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.fixture()
def contacts_result(tmp_path, fixture_chains, fixture_zone):
    src = tmp_path / "vendor.csv"
    src.write_text(CONTACTS_CSV, encoding="utf-8")
    return matcher.score_files([src], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)


def test_sheets_headers_and_form(tmp_path, fixture_result, fixture_chains, fixture_zone):
    wb = _open(_write(fixture_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone))
    assert wb.sheetnames == ["说明", "汇总", "新能源汽车", "集成电路", "招商地图", "未匹配", "未处理", "合并记录"]
    ws = wb["新能源汽车"]
    head = _header(ws)
    assert head[: len(CHAIN_HEADERS)] == CHAIN_HEADERS
    assert [h for h in head if h in OFFICER_COLUMNS] == list(OFFICER_COLUMNS)
    for h in (
        "相关度",
        "缺口权重",
        "链优先级",
        "匹配缺口分",
        "实力分",
        "距园区(公里)",
        "距离分",
        "风险扣减",
        "来源文件",
        "来源行",
    ):
        assert h in head
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
    rows = _rows(ws)
    nev = fixture_result.ranked[fixture_result.ranked["chain_id"] == "nev"]
    assert [r["企业名称"] for r in rows] == nev["company_name"].tolist()
    assert [r["排名"] for r in rows] == list(range(1, len(nev) + 1))
    assert [r["得分"] for r in rows] == nev["score"].tolist()
    assert all(r[h] is None for r in rows for h in OFFICER_COLUMNS)
    first = ws[2]
    col = {h: i for i, h in enumerate(head)}
    assert first[col["成立日期"]].value == dt.datetime(2015, 3, 12)
    assert first[col["成立日期"]].number_format == "yyyy-mm-dd"
    assert first[col["得分"]].number_format == "0.0"
    assert first[col["等级"]].value == "A" and first[col["等级"]].fill.fgColor.rgb.endswith("C6EFCE")
    assert first[col["缺口状态"]].value == "缺失" and first[col["缺口状态"]].fill.fgColor.rgb.endswith("FFC7CE")
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any(r.type == "dataBar" for r in rules)
    # the inactive battery maker keeps its chain, scores 0 and is listed last
    assert rows[-1]["企业名称"] == "常州旧能电池有限公司" and rows[-1]["得分"] == 0

    unmatched = _rows(wb["未匹配"])
    assert {r["企业名称"] for r in unmatched} == set(
        fixture_result.ranked.loc[fixture_result.ranked["chain_id"].isna(), "company_name"]
    )
    rejected = _rows(wb["未处理"])
    assert [(r["来源行"], r["拒收原因"]) for r in rejected] == [(9, "缺少企业名称")]
    merges = _rows(wb["合并记录"])
    assert [(r["被合并企业"], r["来源行"], r["并入来源行"]) for r in merges] == [("江苏锐能动力电池有限公司", 11, 2)]


def test_summary_and_map(tmp_path, fixture_result, fixture_chains, fixture_zone):
    wb = _open(_write(fixture_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone))
    summary = {(r["产业链"], r["环节"]): r for r in _rows(wb["汇总"])}
    assert len(summary) == 5  # every segment of the zone, with or without candidates
    battery = summary[("新能源汽车", "动力电池")]
    seg = fixture_result.ranked[fixture_result.ranked["segment_id"] == "battery"]
    tiers = seg["tier"].fillna("").value_counts()
    assert len(seg) == 3 and battery["缺口状态"] == "缺失" and battery["候选企业数"] == 3
    assert [battery[f"{t}类"] for t in "ABC"] == [int(tiers.get(t, 0)) for t in "ABC"]
    assert battery["不推荐"] == 1  # the deregistered battery maker
    ranked = fixture_result.ranked.set_index("company_name")
    best = f"江苏锐能动力电池有限公司（{ranked.loc['江苏锐能动力电池有限公司', 'score']:.1f}，A）"
    assert battery["重点目标（得分，等级）"].startswith(best + "；杭州宁德时代储能有限公司")
    assert summary[("新能源汽车", "整车")]["状态说明"].startswith("假设")
    assert summary[("集成电路", "封装测试")]["候选企业数"] == 0
    grid = [list(row) for row in wb["招商地图"].iter_rows(values_only=True)]
    positions = [i for i, row in enumerate(grid) if list(row[:3]) == ["上游", "中游", "下游"]]
    assert len(positions) == 2  # one block per chain
    nev_block = grid[positions[0] + 1 : positions[1]]
    assert nev_block[0][1].startswith("动力电池") and "缺失" in nev_block[0][1] and nev_block[0][0] is None
    assert nev_block[1][1] == "1. " + best
    cells = [c for row in grid for c in row if isinstance(c, str)]
    assert any("暂无 A、B 类目标" in c for row in nev_block for c in row if isinstance(c, str))
    assert not any(c.endswith("，C）") for c in cells)  # C-tier companies are not listed as 重点目标
    assert not any("待填" in c or "链长：链长" in c for c in cells)
    assert not any("导出企查查名单" in c for c in cells)  # every 缺失 / 薄弱 segment here has a target


def test_map_says_what_list_to_pull_for_an_empty_gap(tmp_path, fixture_result, fixture_chains):
    from tests.conftest import DATA

    text = (DATA / "zones" / "test-zone.yaml").read_text(encoding="utf-8")
    assert "packaging: {status: 一般}" in text
    path = tmp_path / "zone.yaml"
    path.write_text(text.replace("packaging: {status: 一般}", "packaging: {status: 缺失}"), encoding="utf-8")
    zone = matcher.load_zone(path, fixture_chains)
    wb = _open(_write(fixture_result, tmp_path / "w.xlsx", fixture_chains, zone))
    cells = [c for row in wb["招商地图"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    seg = fixture_chains["ic"].segment("packaging")
    hints = [c for c in cells if "导出企查查名单" in c]
    assert len(hints) == 1 and hints[0].startswith("暂无 A、B 类目标：建议按国标行业" + seg.industry_codes[0])
    assert f"“{seg.keywords[0]}”" in hints[0]


def _info_table(ws):
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "来源（文件#工作表）")
    assert list(rows[start][1:5]) == ["读取行数", "评分企业", "合并行数", "拒收行数"]
    end = next(i for i in range(start, len(rows)) if rows[i][0] == "合计")
    return rows[start + 1 : end], rows[end]


def test_accounting_on_info_equals_counts(tmp_path, fixture_result, fixture_chains, fixture_zone):
    wb = _open(_write(fixture_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone))
    ws = wb["说明"]
    per_input, total = _info_table(ws)
    c = fixture_result.counts
    assert list(total[1:5]) == [c["read"], c["scored"], c["merged"], c["rejected"]]
    assert per_input == [("candidates.csv", 10, 8, 1, 1) + total[5:]]
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert values["园区"].startswith("测试园区") and values["生成日期"] == dt.datetime(2026, 11, 27)
    assert values["匹配缺口权重"] == matcher.DEFAULTS.w_fit  # the label alone, no field id
    assert "共 5 个环节" in values["各环节现状"] and "汇总" in values["各环节现状"]  # the statuses are on 汇总


def test_top_and_chain_limit_ranked_sheets_only(tmp_path, fixture_result, fixture_chains, fixture_zone):
    wb = _open(_write(fixture_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone, chain_ids=["nev"], top=1))
    assert wb.sheetnames == ["说明", "汇总", "新能源汽车", "招商地图", "未匹配", "未处理", "合并记录"]
    assert [r["企业名称"] for r in _rows(wb["新能源汽车"])] == ["江苏锐能动力电池有限公司"]
    _, total = _info_table(wb["说明"])
    c = fixture_result.counts
    assert list(total[1:5]) == [c["read"], c["scored"], c["merged"], c["rejected"]]
    summary = {r["环节"]: r for r in _rows(wb["汇总"])}
    assert set(summary) == {"动力电池", "充换电", "整车"} and summary["动力电池"]["候选企业数"] == 3
    assert len(_rows(wb["未匹配"])) == 3 and len(_rows(wb["未处理"])) == 1
    full = _open(_write(fixture_result, tmp_path / "full.xlsx", fixture_chains, fixture_zone, top=2))
    assert len(_rows(full["新能源汽车"])) == 2 and len(_rows(full["集成电路"])) == 1


def test_no_formulas_anywhere(tmp_path, contacts_result, fixture_chains, fixture_zone):
    path = _write(contacts_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone)
    wb = _open(path)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    assert "'=1+1" in texts and "'@SUM(A1)" in texts and "'-2+3" in texts and "'+86 512 6666" in texts
    assert "'<r><t>无锡</t></r><f>1+1</f><r><t>芯片设计有限公司</t></r>" in texts  # not raw XML
    assert any(t.startswith("'=cmd|") for t in _texts_of(wb["未处理"]))


def _texts_of(ws):
    return [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]


def test_contacts_and_hyperlinks(tmp_path, contacts_result, fixture_chains, fixture_zone):
    wb = _open(_write(contacts_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone))
    ws = wb["新能源汽车"]
    head = _header(ws)
    assert head[:9] == ["排名", "企业名称", "环节", "得分", "等级", "推荐理由", "所在地", "联系方式", "跟进状态"]
    for h in ("联系方式", "邮箱", "网址"):
        assert h in head
    col = head.index("网址") + 1
    links = {}
    for r in range(2, ws.max_row + 1):
        name = ws.cell(r, 2).value
        cell = ws.cell(r, col)
        links[name] = (cell.value, cell.hyperlink.target if cell.hyperlink else None)
    assert links["江苏锐能动力电池有限公司"] == ("www.ruineng.com", "http://www.ruineng.com")
    evil = next(k for k in links if k.startswith("'=HYPERLINK"))
    assert links[evil] == ("javascript:alert(1)", None)
    rows = {r["企业名称"]: r for r in _rows(ws)}
    assert rows["江苏锐能动力电池有限公司"]["联系方式"] == "025-52341234"
    assert rows["江苏锐能动力电池有限公司"]["邮箱"] == "info@ruineng.cn"
    # 负责人 in a vendor list is the company's person, not the officer's: the officer column stays empty
    assert rows["江苏锐能动力电池有限公司"]["负责人"] is None
    ic = {r["企业名称"]: r for r in _rows(wb["集成电路"])}
    assert ic["苏州微芯集成电路有限公司"]["网址"] == "https://weixin.example.cn/a?b=1"
    file_link = [r for r in ic.values() if r["网址"] == "file:///c:/x"]
    assert file_link  # shown as text, not linked
    wsi = wb["集成电路"]
    col = _header(wsi).index("网址") + 1
    for r in range(2, wsi.max_row + 1):
        link = wsi.cell(r, col).hyperlink
        assert link is None or link.target.startswith(("http://", "https://"))
    unmatched = _rows(wb["未匹配"])
    assert unmatched[0]["网址"] == "http://laowang.example.com"


@pytest.mark.parametrize(
    "text, url",
    [
        ("www.example.com", "http://www.example.com"),
        ("example.com.cn/about", "http://example.com.cn/about"),
        ("https://example.com/a?b=1#c", "https://example.com/a?b=1#c"),
        ("HTTP://EXAMPLE.COM", "HTTP://EXAMPLE.COM"),
        ("javascript:alert(1)", None),
        ("file:///c:/windows", None),
        ("mailto:a@b.cn", None),
        ("http://user:pw@evil.com", None),
        ('http://a.com/"onclick', None),
        ("http://exa mple.com", None),
        ("暂无", None),
        ("http://localhost", None),
        ('=HYPERLINK("http://x.com")', None),
        ("http://a.com:99999", None),
    ],
)
def test_safe_url(text, url):
    assert safe_url(text) == url


def test_inert():
    assert inert("=1") == "'=1" and inert("\t=1") == "'\t=1" and inert("正常") == "正常"
    assert inert("<r><t>x</t></r>") == "'<r><t>x</t></r>"
    assert inert("<r>x") == "<r>x"


def test_round_trip_keeps_officer_columns_without_duplicates(tmp_path, contacts_result, fixture_chains, fixture_zone):
    path = _write(contacts_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone)
    # the officer fills in the follow-up columns in Excel
    wb = _open(path)
    for sheet, name, values in [
        ("新能源汽车", "江苏锐能动力电池有限公司", ("已拜访", "陈科长", "约下周再谈")),
        ("未匹配", "南京老王餐饮管理有限公司", ("放弃", "刘", "非目标行业")),
    ]:
        ws = wb[sheet]
        head = _header(ws)
        r = next(i for i in range(2, ws.max_row + 1) if ws.cell(i, 2).value == name)
        for h, v in zip(OFFICER_COLUMNS, values):
            ws.cell(r, head.index(h) + 1).value = v
    wb.save(path)

    tables = matcher.read_file(path)
    assert [t.sheet for t in tables] == ["新能源汽车", "集成电路", "未匹配", "未处理"]
    back = matcher.score_files([path], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    before, after = contacts_result.ranked, back.ranked
    assert back.counts["scored"] == contacts_result.counts["scored"] and back.counts["merged"] == 0
    assert back.counts["rejected"] == contacts_result.counts["rejected"]
    assert after["company_name"].is_unique
    # formula-like names were written inert and come back exactly as they were read
    assert set(after["company_name"]) == set(before["company_name"])
    b = before.set_index("company_name")
    a = after.set_index("company_name").loc[b.index]
    assert a["score"].tolist() == b["score"].tolist()
    assert a["segment_id"].fillna("").tolist() == b["segment_id"].fillna("").tolist()
    assert tuple(a.loc["江苏锐能动力电池有限公司", list(OFFICER_COLUMNS)]) == ("已拜访", "陈科长", "约下周再谈")

    again = _open(_write(back, tmp_path / "again.xlsx", fixture_chains, fixture_zone))
    rows = {r["企业名称"]: r for r in _rows(again["新能源汽车"])}
    assert tuple(rows["江苏锐能动力电池有限公司"][h] for h in OFFICER_COLUMNS) == ("已拜访", "陈科长", "约下周再谈")
    assert all(rows[n][h] is None for n in rows if n != "江苏锐能动力电池有限公司" for h in OFFICER_COLUMNS)
    unmatched = {r["企业名称"]: r for r in _rows(again["未匹配"])}
    assert unmatched["南京老王餐饮管理有限公司"]["备注"] == "非目标行业"
    assert rows["江苏锐能动力电池有限公司"]["联系方式"] == "025-52341234"  # contacts survive the round trip
    _, total = _info_table(again["说明"])
    assert list(total[1:5]) == [back.counts[k] for k in ("read", "scored", "merged", "rejected")]


def test_round_trip_of_the_shipped_sample(tmp_path):
    result = matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF)
    path = tmp_path / "sample.xlsx"
    matcher.write_output(result, path)
    back = matcher.score_files([path], as_of=AS_OF)
    # a company on two chain sheets is one company again: its second row merges into the first
    extra = len(matcher.chain_view(result).ranked) - int(result.ranked["chain_id"].notna().sum())
    assert extra > 0
    assert back.counts["scored"] == result.counts["scored"] and back.counts["merged"] == extra
    a = back.ranked.set_index("company_name")
    b = result.ranked.set_index("company_name")
    assert a.index.is_unique and set(a.index) == set(b.index)
    a = a.loc[b.index]
    assert (a["score"].to_numpy() == b["score"].to_numpy()).all()
    assert (a["chain_id"].fillna("").to_numpy() == b["chain_id"].fillna("").to_numpy()).all()
    wb = _open(path)
    assert wb.sheetnames[:2] == ["说明", "汇总"] and wb.sheetnames[-4:] == FIXED[2:]
    assert [n for n in wb.sheetnames if n not in FIXED] == [c.name for c in matcher.load_chains().values()]
    head = _header(wb["新能源汽车"])
    assert {"联系方式", "邮箱", "网址", "企业地址", "经营范围", "企业简介"} <= set(head)


def test_empty_result_writes_a_valid_workbook(tmp_path, fixture_chains, fixture_zone):
    src = tmp_path / "none.csv"
    src.write_text("企业名称,注册资本\n,100万元\n", encoding="utf-8")
    result = matcher.score_files([src], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert result.ranked.empty
    wb = _open(_write(result, tmp_path / "w.xlsx", fixture_chains, fixture_zone))
    assert wb.sheetnames == ["说明", "汇总", "新能源汽车", "集成电路", "招商地图", "未匹配", "未处理", "合并记录"]
    assert _rows(wb["新能源汽车"]) == [] and len(_rows(wb["未处理"])) == 1
    _, total = _info_table(wb["说明"])
    assert list(total[1:5]) == [1, 0, 0, 1]


def test_write_output_xlsx_uses_the_workbook(tmp_path, fixture_result, fixture_chains, fixture_zone):
    written = matcher.write_output(fixture_result, tmp_path / "o.xlsx", chains=fixture_chains, zone=fixture_zone, top=1)
    wb = _open(written["ranked"])
    assert "汇总" in wb.sheetnames and len(_rows(wb["新能源汽车"])) == 1
    assert (tmp_path / "o.rejected.csv").exists()
    per_chain = matcher.score_files(
        [matcher.SAMPLE_FILE.parent.parent.parent / "tests" / "data" / "candidates.csv"],
        zone=fixture_zone,
        chains=fixture_chains,
        per_chain=True,
        as_of=AS_OF,
    )
    wb = _open(_write(per_chain, tmp_path / "pc.xlsx", fixture_chains, fixture_zone))
    assert pd.Series([r["企业名称"] for r in _rows(wb["新能源汽车"])]).is_unique


def test_unwritable_path_is_a_clear_error(tmp_path, fixture_result, fixture_chains, fixture_zone):
    target = tmp_path / "no-such-dir" / "w.xlsx"
    with pytest.raises(matcher.MatcherError, match="无法写入工作簿"):
        _write(fixture_result, target, fixture_chains, fixture_zone)
    assert not target.exists()


def test_a_failed_write_leaves_no_file(tmp_path, fixture_result, fixture_chains, fixture_zone):
    broken = matcher.ScoreResult(
        fixture_result.ranked.drop(columns=["reasons"]),
        fixture_result.rejected,
        fixture_result.merges,
        fixture_result.counts,
        fixture_result.tables,
        fixture_result.components,
    )
    target = tmp_path / "w.xlsx"
    with pytest.raises(KeyError):
        _write(broken, target, fixture_chains, fixture_zone)
    assert not target.exists()


# --------------------------------------------------------------------------------------------
# printing and officer wording


def test_every_sheet_prints_one_page_wide_with_page_numbers(tmp_path, fixture_result, fixture_chains, fixture_zone):
    wb = _open(_write(fixture_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone))
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title  # A4
        assert setup.orientation == ("portrait" if ws.title == "说明" else "landscape"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0, ws.title  # one page wide, as long as needed
        assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页", ws.title
        assert ws.oddHeader.left.text.startswith("测试园区") and ws.oddHeader.right.text == "&A", ws.title
        assert ws.page_margins.left < 0.75 and ws.page_margins.top >= 0.5, ws.title
        if ws.title not in ("说明", "招商地图"):  # the tables repeat their header row on every page
            assert ws.print_title_rows == "$1:$1", ws.title
    # the columns an officer reads first are the printed ones; nothing is hidden
    chain = wb["新能源汽车"]
    head = _header(chain)
    assert head[:8] == ["排名", "企业名称", "环节", "得分", "等级", "推荐理由", "所在地", "跟进状态"]  # no phone here
    # every A target prints, and at least the best PRINT_TOP A / B targets; C and the rest stay on screen
    tiers = [r["等级"] for r in _rows(chain)]
    printed = max(tiers.count("A"), min(tiers.count("A") + tiers.count("B"), PRINT_TOP))
    assert chain.print_area == f"'新能源汽车'!$A$1:$H${max(printed + 1, 2)}"
    assert _header(wb["未匹配"])[7] == "所在地" and wb["未匹配"].print_area.endswith(f"!$A$1:$H${wb['未匹配'].max_row}")
    for ws in wb.worksheets:
        assert not any(d.hidden for d in ws.column_dimensions.values()), ws.title
    # 招商地图: every chain after the first starts a new page
    grid = list(wb["招商地图"].iter_rows(values_only=True))
    starts = [i for i, row in enumerate(grid) if list(row[:3]) == ["上游", "中游", "下游"]]
    breaks = [b.id for b in wb["招商地图"].row_breaks.brk]
    assert breaks == [s - 1 for s in starts[1:]]  # the break sits above each later chain's title row


# words that mean something to the engine's developers and nothing to an officer
DEVELOPER_WORDS = (
    "--top",
    "--chain",
    "w_fit",
    "min_relevance",
    "yaml",
    "data/zones",
    "data/reference",
    "company_name",
    "ai/nev",
    "weak_keywords",
    "e^",
    "exp(",
    "km",
)


def _developer_words(text: str, extra=()) -> list[str]:
    low = text.lower()
    names = [item["name"] for item in matcher.settings_help()]
    return [w for w in (*DEVELOPER_WORDS, *names, *extra) if w.lower() in low]


def test_info_sheet_speaks_to_the_officer(tmp_path, fixture_result, fixture_chains, fixture_zone):
    path = _write(fixture_result, tmp_path / "w.xlsx", fixture_chains, fixture_zone, chain_ids=["nev"], top=1)
    ws = _open(path)["说明"]
    text = "\n".join(_texts_of(ws))
    assert _developer_words(text, extra=(fixture_zone.id, f"（{fixture_zone.id}）")) == []
    for item in matcher.settings_help():
        assert item["label"] in text  # each setting under its Chinese label
    assert "距离权重 × 距离分" in text and "公里" in text  # the whole formula, distance included
    assert "A 类还须有一定实力：参保人数不少于 10 人" in text  # the A floors in force

    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert values["园区缺口画像"].startswith("自定义")  # the test zone is not one of the shipped profiles
    # the setting help texts shown in the app and the CLI are in officer words as well
    assert _developer_words(" ".join(item["help"] for item in matcher.settings_help())) == []


def test_the_formula_on_info_computes_the_first_score(tmp_path):
    """说明's formula, with the weights it names, gives the #1 company's score from the chain sheet's own columns."""
    import re

    result = matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF)
    path = tmp_path / "sample.xlsx"
    write_workbook(result, path, generated=DAY)
    wb = _open(path)
    text = "\n".join(_texts_of(wb["说明"]))
    assert (
        "得分 = 100 ×（匹配缺口权重 × 匹配缺口分 + 企业实力权重 × 实力分 + 距离权重 × 距离分）÷（三项权重之和）×（1 − 风险扣减）"
        in text
    )
    w = dict(re.findall(r"(匹配缺口|企业实力|距离) ([0-9.]+)", text.split("当前权重：")[1])[:3])
    best = max((r for ws in wb.worksheets if ws.title not in FIXED for r in _rows(ws)), key=lambda r: r["得分"] or 0)
    fit, strength, near, risk = (best[h] for h in ("匹配缺口分", "实力分", "距离分", "风险扣减"))
    wf, ws_, wd = float(w["匹配缺口"]), float(w["企业实力"]), float(w["距离"])
    total = 100 * (wf * fit + ws_ * strength + wd * near) / (wf + ws_ + wd) * (1 - risk)
    assert round(total, 1) == best["得分"]
    assert f"例：第 1 名{best['企业名称']}" in text and f"= {best['得分']:.1f}。" in text


@given(st.lists(st.one_of(st.none(), st.text(max_size=300)), max_size=30), st.integers(min_value=2, max_value=120))
def test_line_counts_are_the_plain_definition(values, width):
    assert _line_counts(values, width).tolist() == [_lines(v, width) for v in values]
