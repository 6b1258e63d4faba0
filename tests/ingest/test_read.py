"""Reading what officers really have: each vendor's export layout, old and odd formats, and the errors.

Every fixture is built here in the layout of the export it imitates (企查查 full register with its merged
声明 line, 企查查 批量查询, 天眼查 with two watermark rows, an export with the header on row 7 saved as GBK
CSV, 启信宝, an old binary .xls) and the tests assert the header row, the mapping, the parsed values, the
merge and that every data row ends in exactly one place.
"""

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Border, Side
from stdnum.cn import uscc

import matcher
from matcher.cli import main
from matcher.ingest.normalize import normalize_table
from matcher.ingest.read import map_columns, read_file
from tests.conftest import AS_OF


def code(body17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return body17 + uscc.calc_check_digit(body17)


C_RUINENG = code("91320115MA1N2B3C4")
C_KUAICHONG = code("91320100MA1MABC12")
C_XINXIN = code("91320200MA1FL5XY7")
C_YUNTU = code("91320100MA1XYW987")
C_HEFEI = code("91340100MA2NQ1234")
C_BEIJING_BRANCH = code("91310000MA1FL5XY7")
BAD_CODE = C_XINXIN[:-1] + ("0" if C_XINXIN[-1] != "0" else "1")  # check character wrong

QCC_HEADER = [
    "企业名称",
    "登记状态",
    "法定代表人",
    "注册资本",
    "实缴资本",
    "成立日期",
    "统一社会信用代码",
    "所属省份",
    "所属城市",
    "所属区县",
    "电话",
    "邮箱",
    "网址",
    "企业(机构)类型",
    "国标行业门类",
    "国标行业大类",
    "国标行业中类",
    "国标行业小类",
    "参保人数",
    "企业规模",
    "曾用名",
    "注册地址",
    "经营范围",
    "企业资质",
    "投融资轮次",
    "上市状态",
    "分支机构",
    "经营异常",
    "失信被执行",
]


def _row(header, **values):
    return [values.get(h) for h in header]


def write_qcc_register(path):
    """企查查 导出企业: row 1 one merged 声明 cell, row 2 the header, data from row 3, trailing styled empty rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业列表"
    ws.append(["声明：以上数据来源于国家企业信用信息公示系统等公开渠道，仅供参考。导出时间 2024-05-01"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(QCC_HEADER))
    ws.append(QCC_HEADER)
    h = QCC_HEADER
    ws.append(
        _row(
            h,
            企业名称="江苏锐能动力电池有限公司",
            登记状态="存续（在营、开业、在册）",
            法定代表人="张三",
            注册资本="5000万元人民币",
            实缴资本="2000万元人民币",
            成立日期=dt.date(2015, 3, 12),
            统一社会信用代码=f'="{C_RUINENG}"',
            所属省份="江苏省",
            所属城市="南京市",
            所属区县="江宁区",
            电话='="025-52123456"',
            邮箱="-",
            网址="www.ruineng.example.cn",
            **{"企业(机构)类型": "有限责任公司"},
            国标行业门类="制造业",
            国标行业大类="电气机械和器材制造业",
            国标行业中类="电池制造",
            国标行业小类="锂离子电池制造",
            参保人数=320,
            企业规模="中型",
            曾用名="南京锐能电池有限公司",
            注册地址="江苏省南京市江宁区秣陵街道",
            经营范围="锂离子电池、电池包的研发、生产、销售",
            企业资质="高新技术企业；专精特新中小企业",
            投融资轮次="B轮",
            上市状态="未上市",
            分支机构=1,
            经营异常="-",
            失信被执行="-",
        )
    )
    ws.append(
        _row(
            h,
            企业名称="江苏锐能动力电池有限公司南京江北分公司",
            登记状态="存续",
            注册资本="-",
            成立日期=dt.date(2019, 6, 1),
            所属省份="江苏省",
            所属城市="南京市",
            **{"企业(机构)类型": "有限责任公司分公司(自然人投资或控股)"},
            经营范围="电池销售",
        )
    )
    ws.append(
        _row(
            h,
            企业名称="北京远方科技有限公司上海分公司",
            登记状态="在业",
            注册资本="——",
            成立日期="2016-08-08",
            统一社会信用代码=C_BEIJING_BRANCH,
            所属省份="上海市",
            **{"企业(机构)类型": "有限责任公司分公司"},
            经营范围="技术服务",
        )
    )
    ws.append(
        _row(
            h,
            企业名称="常州旧能电池有限公司",
            登记状态="吊销，未注销",
            注册资本="100万美元",
            成立日期="2010/1/5",
            所属省份="江苏省",
            所属城市="常州市",
            经营范围="铅酸电池",
        )
    )
    ws.append(_row(h, 企业名称="-", 登记状态="存续", 注册资本="10万元"))
    ws.append(
        _row(
            h,
            企业名称="无锡新芯半导体有限公司",
            登记状态="存续",
            注册资本="1.2亿元",
            成立日期="2012年3月12日",
            统一社会信用代码=BAD_CODE,
            所属省份="江苏",
            所属城市="无锡",
            国标行业小类="集成电路制造",
            经营范围="集成电路芯片设计与制造",
        )
    )
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # the text `="…"` as vendors write it, not a formula
    thin = Side(style="thin")
    for r in range(ws.max_row + 1, ws.max_row + 4):  # trailing empty rows that exist only as formatting
        for c in range(1, 4):
            ws.cell(row=r, column=c).border = Border(top=thin)
    wb.save(path)
    return path


def write_qcc_batch(path):
    """企查查 批量查询: what was typed in, what the system matched, and whether it matched."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "批量查询结果"
    ws.append(
        [
            "序号",
            "输入企业名称",
            "系统匹配企业名称",
            "匹配结果",
            "统一社会信用代码",
            "登记状态",
            "注册资本",
            "成立日期",
            "所属省份",
            "所属城市",
        ]
    )
    ws.append(
        [
            1,
            "锐能动力",
            "江苏锐能动力电池有限公司",
            "匹配成功",
            C_RUINENG,
            "存续",
            "5000万人民币",
            "2015-03-12",
            "江苏省",
            "南京市",
        ]
    )
    ws.append([2, "不存在的某某公司", "-", "未匹配到相关企业", None, None, None, None, None, None])
    ws.append(
        [3, "快充", "南京快充科技有限公司", "匹配成功", C_KUAICHONG, "在业", "50万(元)", "20150312", "江苏省", "南京市"]
    )
    wb.save(path)
    return path


def write_tianyancha(path):
    """天眼查: two watermark rows, header on row 3; 所属省份 vertically merged over two companies."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "天眼查"
    ws.append(["天眼查 TianYanCha.com 企业信息导出"])
    ws.append(["数据来源：天眼查 导出时间：2024-05-01 本数据仅供参考"])
    header = [
        "公司名称",
        "经营状态",
        "注册资本",
        "实缴资本",
        "成立日期",
        "统一社会信用代码",
        "所属省份",
        "所属城市",
        "所属区县",
        "所属行业",
        "人员规模",
        "社保人数",
        "曾用名",
        "企业地址",
        "网址",
        "邮箱",
        "电话",
        "经营范围",
    ]
    ws.append(header)
    ws.append(
        _row(header, 公司名称="南京锐能电池有限公司", 经营状态="存续", 注册资本="5000万人民币", 经营范围="动力电池研发")
    )  # a former name of 江苏锐能动力电池有限公司
    ws.append(
        _row(
            header,
            公司名称="无锡微芯科技有限公司",
            经营状态="存续",
            注册资本="300万港元",
            实缴资本="未公开",
            成立日期="2015/3/12",
            统一社会信用代码=code("91320200MA1QWE345"),
            所属省份="江苏省",
            所属城市="无锡市",
            所属行业="制造业-计算机、通信和其他电子设备制造业-集成电路制造",
            人员规模="小于50人",
            社保人数="12",
            企业地址="江苏省无锡市新吴区",
            经营范围="芯片设计",
        )
    )
    ws.append(
        _row(
            header,
            公司名称="苏州智造装备有限公司",
            经营状态="在业",
            注册资本="50万(元)",
            成立日期=42075,
            所属城市="苏州市",
            所属行业="制造业-专用设备制造业-医疗实验室及医用消毒设备和器具制造",
            企业地址="苏州工业园区星湖街",
            经营范围="医疗设备制造",
        )
    )
    ws.merge_cells("G5:G6")  # 江苏省 covers both companies
    ws.append(
        _row(
            header,
            公司名称="南京快充科技 有限公司",
            经营状态="开业",
            网址="***",
            邮箱="暂无",
            电话="null",
            经营范围="充电桩销售",
        )
    )
    wb.save(path)
    return path


def write_row7_gbk_csv(path):
    """An export whose header is on row 7 (title, query conditions, blank lines above), GBK, a blank column."""
    lines = [
        "企业查询结果导出",
        "筛选条件：行业=新能源汽车；地区=全国",
        "导出日期：2024年5月1日",
        "",
        "共 4 条",
        "",
        "企业名称,,注册资本,成立日期,登记状态,统一社会信用代码,注册地址",
        f'合肥新能汽车有限公司,,1.2亿元,2015年3月12日,开业,"=""{C_HEFEI}""",安徽省合肥市经济技术开发区',  # ="…"
        "深圳前海电驱科技有限公司,,USD 100万,20150312,注销,,广东省深圳市南山区",
        "企业名称,,注册资本,成立日期,登记状态,统一社会信用代码,注册地址",
        "数据来源：某数据平台（仅供参考）,,,,,,",
        ",,,,,,",
    ]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return path


def write_qixinbao(path):
    """启信宝: title row, header on row 2, capital in one column and its 币种 in another, 所属地区 only."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append(["启信宝-企业名单"])
    ws.merge_cells("A1:J1")
    ws.append(
        [
            "企业名称",
            "经营状态",
            "注册资本",
            "注册资本币种",
            "成立日期",
            "统一社会信用代码",
            "所属行业",
            "所属地区",
            "地址信息",
            "参保人数",
        ]
    )
    ws.append(
        [
            "南京云图软件有限公司",
            "存续",
            100,
            "美元",
            42075,
            C_YUNTU,
            "软件和信息技术服务业",
            "江苏省南京市江宁区",
            "南京市江宁区胜太路",
            "1,200人",
        ]
    )
    ws.append(
        [
            "南京云图软件有限公司苏州分公司",
            "存续",
            None,
            None,
            43000,
            None,
            "软件和信息技术服务业",
            "江苏省苏州市",
            None,
            None,
        ]
    )
    ws.cell(row=3, column=5).number_format = "0"  # an Excel serial date shown as a plain number
    ws2 = wb.create_sheet("使用说明")
    ws2.append(["本表由启信宝导出，字段含义见官网。"])
    wb.create_sheet("空白页")
    wb.save(path)
    return path


def write_xls(path):
    """An old binary .xls (BIFF8) in the 企查查 layout, plus a sheet without a header."""
    xlwt = pytest.importorskip("xlwt")  # dev extra; the reader itself needs only calamine
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("企业列表")
    ws.write_merge(0, 0, 0, 4, "声明：本数据来源于公开信息")
    for j, h in enumerate(["企业名称", "登记状态", "注册资本", "成立日期", "统一社会信用代码"]):
        ws.write(1, j, h)
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write(2, 0, "杭州宁德储能科技有限公司")
    ws.write(2, 1, "在营")
    ws.write(2, 2, "2000万欧元")
    ws.write(2, 3, dt.date(2021, 6, 1), date)
    ws.write(2, 4, code("91330100MA2H3J4K5"))
    ws.write(3, 0, "宁波甬能电池有限公司")
    ws.write(3, 1, "迁出")
    ws.write(3, 2, 3000)
    ws.write(3, 3, 42075)
    wb.add_sheet("备注").write(0, 0, "仅供内部使用")
    wb.save(str(path))
    return path


@pytest.fixture(scope="module")
def vendor_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("vendors")
    return {
        "qcc": write_qcc_register(d / "企查查_导出企业.xlsx"),
        "batch": write_qcc_batch(d / "企查查_批量查询.xlsx"),
        "tyc": write_tianyancha(d / "天眼查.xlsx"),
        "row7": write_row7_gbk_csv(d / "导出_gbk.csv"),
        "qxb": write_qixinbao(d / "启信宝.xlsx"),
    }


def _canon(table):
    return normalize_table(table).set_index("source_row")


# ---------------------------------------------------------------------------------------------
# layouts


def test_qcc_register_layout(vendor_files):
    [t] = read_file(vendor_files["qcc"])
    assert t.header_row == 2 and t.sheet == "企业列表"
    assert t.source_rows == [3, 4, 5, 6, 7, 8]  # trailing formatted empty rows are not data rows
    assert t.blank_rows >= 0 and len(t.frame) == 6
    expected = {
        "企业名称": "company_name",
        "登记状态": "status",
        "实缴资本": "paid_capital",
        "国标行业门类": "industry_section",
        "国标行业小类": "industry_small",
        "企业规模": "size",
        "曾用名": "former_names",
        "企业资质": "qualifications",
        "投融资轮次": "financing",
        "上市状态": "listing",
        "分支机构": "branches",
        "经营异常": "abnormal",
        "失信被执行": "dishonest",
        "注册地址": "address",
        "网址": "website",
        "邮箱": "email",
        "电话": "phone",
        "企业(机构)类型": "company_type",
        "统一社会信用代码": "credit_code",
    }
    assert {h: t.mapping.get(h) for h in expected} == expected
    c = _canon(t)
    r = c.loc[3]
    assert r.credit_code == C_RUINENG and r.credit_code_valid is True  # ="…" wrapper stripped
    assert (r.status, r.registered_capital_wan, r.paid_capital_wan, r.founded) == ("active", 5000, 2000, "2015-03-12")
    assert (r.province, r.city, r.district, r.industry_code) == ("江苏省", "南京市", "江宁区", "3841")
    assert r.phone == "025-52123456" and r.email is None  # '-' is empty
    assert r.qualifications == "高新技术企业、专精特新" and r.financing == "B轮" and not r.listed
    assert not r.abnormal and not r.dishonest
    assert c.loc[6].status == "inactive" and c.loc[6].registered_capital_wan == pytest.approx(710)  # 吊销，未注销; 美元
    assert c.loc[6].founded == "2010-01-05"
    assert c.loc[7].company_name is None
    bad = c.loc[8]
    assert bad.credit_code == BAD_CODE and bad.credit_code_valid is False  # flagged, kept
    assert (bad.province, bad.city, bad.registered_capital_wan, bad.founded) == (
        "江苏省",
        "无锡市",
        12000,
        "2012-03-12",
    )


def test_qcc_batch_layout(vendor_files):
    [t] = read_file(vendor_files["batch"])
    assert t.header_row == 1
    assert t.mapping["系统匹配企业名称"] == "company_name" and t.mapping["输入企业名称"] == "input_name"
    assert t.mapping["匹配结果"] == "match_status"
    c = _canon(t)
    assert c.loc[3].match_status == "未匹配到相关企业" and c.loc[3].company_name is None
    assert (c.loc[4].registered_capital_wan, c.loc[4].founded) == (50, "2015-03-12")


def test_tianyancha_layout_with_watermarks_and_merged_cells(vendor_files):
    [t] = read_file(vendor_files["tyc"])
    assert t.header_row == 3  # two watermark rows above
    assert t.source_rows == [4, 5, 6, 7]
    assert t.mapping["公司名称"] == "company_name" and t.mapping["经营状态"] == "status"
    assert t.mapping["社保人数"] == "employees" and "人员规模" not in t.mapping  # 社保人数 preferred
    assert t.mapping["所属行业"] == "industry" and t.mapping["企业地址"] == "address"
    c = _canon(t)
    assert (c.loc[5].registered_capital_wan, c.loc[5].founded, c.loc[5].industry_code) == (
        pytest.approx(273),
        "2015-03-12",
        "3973",
    )
    assert c.loc[5].employees == 12 and pd.isna(c.loc[5].paid_capital_wan)  # 未公开
    # 所属省份 merged over rows 5–6: row 6 reads 江苏省 too; 成立日期 as an Excel serial number
    assert (c.loc[6].province, c.loc[6].city, c.loc[6].founded) == ("江苏省", "苏州市", "2015-03-12")
    assert c.loc[6].industry_code == "3583"  # the reference name is cut short: matched on its prefix
    assert c.loc[6].registered_capital_wan == 50
    assert c.loc[7][["website", "email", "phone"]].isna().all()  # ***, 暂无, null
    assert c.loc[7].status == "active"


def test_header_on_row_7_gbk_csv_with_blank_column(vendor_files):
    [t] = read_file(vendor_files["row7"])
    assert t.header_row == 7 and t.format == "csv (gb18030)"
    assert t.source_rows == [8, 9, 10, 11]  # the empty last line is not a data row
    assert list(t.frame.columns) == ["企业名称", "注册资本", "成立日期", "登记状态", "统一社会信用代码", "注册地址"]
    c = _canon(t)
    assert (c.loc[8].registered_capital_wan, c.loc[8].founded, c.loc[8].province, c.loc[8].city) == (
        12000,
        "2015-03-12",
        "安徽省",
        "合肥市",
    )
    assert (c.loc[9].registered_capital_wan, c.loc[9].founded, c.loc[9].status) == (
        pytest.approx(710),
        "2015-03-12",
        "inactive",
    )
    assert (c.loc[9].province, c.loc[9].city) == ("广东省", "深圳市")
    assert c.loc[8].credit_code == C_HEFEI and c.loc[8].credit_code_valid is True


def test_qixinbao_layout(vendor_files):
    tables = read_file(vendor_files["qxb"])
    assert [t.sheet for t in tables] == ["企业名单"]
    [t] = tables
    assert t.header_row == 2
    assert t.mapping["注册资本币种"] == "capital_currency" and t.mapping["所属地区"] == "region"
    assert any("使用说明" in n and "空白页" in n for n in t.notes)  # ignored sheets are reported
    c = _canon(t)
    r = c.loc[3]
    assert (r.registered_capital_wan, r.founded, r.employees, r.industry_code) == (
        pytest.approx(710),
        "2015-03-12",
        1200,
        "65",
    )
    assert (r.province, r.city) == ("江苏省", "南京市")  # from 所属地区
    assert (c.loc[4].province, c.loc[4].city) == ("江苏省", "苏州市")


def test_old_binary_xls(tmp_path):
    p = write_xls(tmp_path / "old.xls")
    [t] = read_file(p)
    assert t.format == "xls" and t.header_row == 2 and t.source_rows == [3, 4]
    assert any("备注" in n for n in t.notes)
    c = _canon(t)
    assert (c.loc[3].founded, c.loc[3].registered_capital_wan, c.loc[3].status) == ("2021-06-01", 15400, "active")
    assert c.loc[3].credit_code_valid is True
    assert (c.loc[4].founded, c.loc[4].registered_capital_wan, c.loc[4].status) == ("2015-03-12", 3000, "inactive")


def test_same_content_whatever_the_extension_says(tmp_path):
    """An .xlsx saved as .xls, and an “.xls” that is really an HTML table (as some systems export)."""
    p = write_qcc_batch(tmp_path / "b.xlsx")
    renamed = tmp_path / "b.xls"
    renamed.write_bytes(p.read_bytes())
    [t] = read_file(renamed)
    assert t.mapping["系统匹配企业名称"] == "company_name" and len(t.frame) == 3
    html = tmp_path / "web.xls"
    html.write_text(
        "<html><meta charset='utf-8'><body><table><tr><th>企业名称</th><th>注册资本</th></tr>"
        "<tr><td>甲科技有限公司</td><td>100万元</td></tr><tr><td>乙&amp;丙有限公司</td><td></td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    [t] = read_file(html)
    assert t.format == "html" and list(t.frame["企业名称"]) == ["甲科技有限公司", "乙&丙有限公司"]
    assert t.source_rows == [2, 3]


def test_utf16_tab_text_as_excel_saves_unicode_text(tmp_path):
    p = tmp_path / "unicode.txt"
    p.write_bytes("企业名称\t登记状态\r\n甲新材料有限公司\t存续\r\n".encode("utf-16"))
    [t] = read_file(p)
    assert t.format.startswith("tsv") and t.frame.iloc[0]["企业名称"] == "甲新材料有限公司"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    p = tmp_path / f"{encoding}.csv"
    p.write_bytes(
        "公司名称,经营状态,经营范围\n丙软件有限公司,在业,软件开发\n𠀀字号科技有限公司,存续,-\n".encode(encoding)
        if encoding == "gb18030"
        else "公司名称,经营状态,经营范围\n丙软件有限公司,在业,软件开发\n".encode(encoding)
    )
    [t] = read_file(p)
    assert t.frame.iloc[0]["公司名称"] == "丙软件有限公司"
    assert t.mapping["经营范围"] == "scope"
    assert t.source_rows[0] == 2


def test_two_row_header_with_merged_group_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "基本信息", None, "联系方式", None])
    ws.append([None, "注册资本", "成立日期", "电话", "邮箱"])
    ws.append(["甲科技有限公司", "100万元", "2020-01-01", "025-1", "a@b.cn"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    p = tmp_path / "two_rows.xlsx"
    wb.save(p)
    [t] = read_file(p)
    assert t.header_row == 2 and t.source_rows == [3]
    assert t.mapping == {
        "企业名称": "company_name",
        "注册资本": "registered_capital",
        "成立日期": "founded",
        "电话": "phone",
        "邮箱": "email",
    }


def test_headerless_roster_of_names(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text("甲新能源汽车有限公司\n乙芯片设计有限公司\n丙生物医药股份有限公司\n", encoding="utf-8")
    [t] = read_file(p)
    assert t.header_row is None
    assert list(t.frame["企业名称"]) == ["甲新能源汽车有限公司", "乙芯片设计有限公司", "丙生物医药股份有限公司"]
    assert t.source_rows == [1, 2, 3]


# ---------------------------------------------------------------------------------------------
# columns


def test_fuzzy_and_preferred_headers():
    m = map_columns(
        ["企业名称", "系统匹配企业名称", "统一社会信用代码(USCC)", "注册资本（万元）", "成立时间", "*公司名称："]
    )
    assert m["系统匹配企业名称"] == "company_name" and "企业名称" not in m
    assert m["统一社会信用代码(USCC)"] == "credit_code"
    assert m["注册资本（万元）"] == "registered_capital"
    assert m["成立时间"] == "founded"


@pytest.mark.parametrize(
    "header,fieldname",
    [
        ("实缴资本", "paid_capital"),
        ("国标行业门类", "industry_section"),
        ("国标行业大类", "industry_big"),
        ("国标行业中类", "industry_mid"),
        ("国标行业小类", "industry_small"),
        ("所属行业", "industry"),
        ("企业规模", "size"),
        ("社保人数", "employees"),
        ("参保人数", "employees"),
        ("曾用名", "former_names"),
        ("企业资质", "qualifications"),
        ("投融资轮次", "financing"),
        ("上市状态", "listing"),
        ("分支机构", "branches"),
        ("经营异常", "abnormal"),
        ("失信被执行", "dishonest"),
        ("注册地址", "address"),
        ("企业地址", "address"),
        ("地址信息", "address"),
        ("网址", "website"),
        ("邮箱", "email"),
        ("电话", "phone"),
        ("注册金额", "registered_capital"),
        ("登记状态", "status"),
        ("经营状态", "status"),
        ("成立日期", "founded"),
        ("所属省份", "province"),
        ("所属城市", "city"),
        ("所属区县", "district"),
        ("统一社会信用代码", "credit_code"),
        ("信用代码", "credit_code"),
        ("公司名称", "company_name"),
        ("企业名称", "company_name"),
        ("系统匹配企业名称", "company_name"),
        ("经营范围", "scope"),
        ("统一社会信用代码 ", "credit_code"),
        ('="企业名称"', "company_name"),
        ("统一社会信用代码证", "credit_code"),  # a near miss: rapidfuzz
    ],
)
def test_every_vendor_header_is_recognised(header, fieldname):
    assert map_columns([header]) == {header: fieldname}


@pytest.mark.parametrize(
    "header", ["更多电话", "参保人数所属年报", "企查查行业门类", "纳税人识别号", "核准日期", "序号", "英文名"]
)
def test_lookalike_headers_pass_through(header):
    assert map_columns([header]) == {}


def test_map_override():
    m = map_columns(["企业名称", "金额"], {"金额": "registered_capital"})
    assert m["金额"] == "registered_capital"
    with pytest.raises(matcher.InputFileError, match="未知"):
        map_columns(["企业名称"], {"企业名称": "no_such_field"})


def test_map_override_in_the_api_and_a_missing_header_is_noted(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("单位,金额\n甲科技有限公司,300\n", encoding="utf-8")
    with pytest.raises(matcher.InputFileError):
        read_file(p)
    [t] = read_file(p, {"单位": "company_name", "金额": "registered_capital", "不存在": "scope"})
    assert t.mapping == {"单位": "company_name", "金额": "registered_capital"}
    assert any("不存在" in n for n in t.notes)
    assert normalize_table(t).iloc[0].registered_capital_wan == 300


# ---------------------------------------------------------------------------------------------
# the whole run: merge across vendors, every row accounted for


def test_all_vendor_files_together(vendor_files, fixture_chains, fixture_zone):
    paths = list(vendor_files.values())
    result = matcher.score_files(paths, zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    c = result.counts
    n_rows = sum(len(t.frame) for p in paths for t in read_file(p))
    assert c["read"] == n_rows == 6 + 3 + 4 + 4 + 2
    assert c["read"] == c["scored"] + c["merged"] + c["rejected"]

    # every (file, row) in exactly one place
    places = []
    for m in result.ranked["merged_rows"]:
        places += m.split(";")
    places += [f"{f}:{r}" for f, r in zip(result.rejected["source_file"], result.rejected["source_row"])]
    assert len(places) == len(set(places)) == n_rows

    rej = dict(
        zip(result.rejected["source_file"] + ":" + result.rejected["source_row"].astype(str), result.rejected["reason"])
    )
    assert rej == {
        "企查查_导出企业.xlsx#企业列表:7": "缺少企业名称",
        "企查查_批量查询.xlsx#批量查询结果:3": "未匹配到相关企业",
        "导出_gbk.csv:10": "重复的表头行",
        "导出_gbk.csv:11": "不是企业名称（标题、水印或说明文字）",
    }

    ranked = result.ranked.set_index("company_name")
    ruineng = ranked.loc["江苏锐能动力电池有限公司"]
    assert sorted(ruineng.merged_rows.split(";")) == sorted(
        [
            "企查查_导出企业.xlsx#企业列表:3",
            "企查查_导出企业.xlsx#企业列表:4",  # its branch
            "企查查_批量查询.xlsx#批量查询结果:2",  # same credit code
            "天眼查.xlsx#天眼查:4",  # its 曾用名
        ]
    )
    assert ruineng.merged_rows.startswith("企查查_导出企业.xlsx#企业列表:3")  # the richest row survives
    rules = dict(
        zip(result.merges["source_file"] + ":" + result.merges["source_row"].astype(str), result.merges["match_key"])
    )
    assert rules["企查查_导出企业.xlsx#企业列表:4"] == "分支机构"
    assert rules["天眼查.xlsx#天眼查:4"] == "曾用名"
    assert rules["企查查_批量查询.xlsx#批量查询结果:2"] == "统一社会信用代码"
    assert rules["天眼查.xlsx#天眼查:7"] == "企业名称（对应信用代码）"  # 南京快充科技 有限公司, by name
    assert rules["启信宝.xlsx#企业名单:4"] == "分支机构"
    assert "南京快充科技有限公司" in ranked.index and "南京快充科技 有限公司" not in ranked.index
    # a branch whose parent is not in the run stays, flagged
    branch = result.ranked.loc[result.ranked.company_name == "北京远方科技有限公司上海分公司"]
    assert len(branch) == 1
    assert ranked.loc["无锡新芯半导体有限公司"].credit_code_valid is False  # invalid code: flagged, still scored
    assert ranked.loc["常州旧能电池有限公司"].status == "inactive"


def test_cli_prints_the_accounting(vendor_files, tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["score", *map(str, vendor_files.values()), "-o", str(out), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = lines[0]
    assert "注：启信宝.xlsx#企业名单：已忽略工作表：使用说明（没有可识别的表头）、空白页（空工作表）" in lines
    nums = dict(part.strip().split(" ") for part in first.split(","))
    assert int(nums["read"]) == 19 == int(nums["scored"]) + int(nums["merged"]) + int(nums["rejected"])
    assert int(nums["rejected"]) == 4 and int(nums["merged"]) == 5


# ---------------------------------------------------------------------------------------------
# inspect


def test_inspect_file_reports_header_mapping_counts_and_ignored_sheets(vendor_files):
    rep = matcher.inspect_file(vendor_files["qxb"])
    [sheet] = rep["sheets"]
    assert sheet["sheet"] == "企业名单" and sheet["header_row"] == 2
    assert sheet["mapping"]["所属地区"] == "region"
    assert {"header": "注册资本币种", "field": "capital_currency"} in sheet["columns"]
    assert (sheet["data_rows"], sheet["rows_with_name"], sheet["first_row"], sheet["last_row"]) == (2, 2, 3, 4)
    assert {i["sheet"]: i["reason"] for i in rep["ignored_sheets"]} == {
        "使用说明": "没有可识别的表头",
        "空白页": "空工作表",
    }
    qcc = matcher.inspect_file(vendor_files["qcc"])["sheets"][0]
    assert qcc["rows_without_name"] == 1 and qcc["unmapped"] == []


def test_cli_inspect_text_and_json(vendor_files, capsys):
    assert main(["inspect", str(vendor_files["tyc"]), str(vendor_files["row7"])]) == 0
    text = capsys.readouterr().out
    assert "表头在第 3 行" in text and "表头在第 7 行" in text
    assert "公司名称 → company_name" in text and "人员规模 → （未采用：employees 已取自“社保人数”）" in text
    assert main(["inspect", str(vendor_files["batch"]), "--json", "--map", "输入企业名称=former_names"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["sheets"][0]["header_row"] == 1
    assert rep["sheets"][0]["mapping"]["输入企业名称"] == "former_names"
    assert rep["sheets"][0]["data_rows"] == 3


# ---------------------------------------------------------------------------------------------
# unreadable input


def _empty_workbook(path):
    wb = openpyxl.Workbook()
    wb.create_sheet("Sheet2")
    wb.save(path)


def _encrypted_workbook(path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")  # dev extra: makes the fixture only
    plain = path.with_name("plain.xlsx")
    write_qcc_batch(plain)
    with open(plain, "rb") as src, open(path, "wb") as dst:
        ooxml.OOXMLFile(src).encrypt("secret", dst)


@pytest.mark.parametrize(
    "name,make,needle",
    [
        ("missing.xlsx", None, "文件不存在"),
        ("empty.csv", b"", "文件是空的"),
        ("data.json", b"{}", "不支持的文件格式"),
        ("report.pdf", b"%PDF-1.4", "不支持的文件格式"),
        ("noheader.csv", b"a,b,c\n1,2,3\n", "没有找到可识别的表头"),
        ("noheader.xlsx", lambda p: _xlsx(p, [["甲", "乙"], [1, 2]]), "没有找到可识别的表头"),
        ("corrupt.xlsx", b"PK\x03\x04 not really a zip", "无法作为 Excel 工作簿读取"),
        ("corrupt.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "无法作为 Excel 工作簿读取"),
        ("binary.csv", b"\x00\x01\x02\x03" * 100, "不是文本文件"),
        ("empty.xlsx", _empty_workbook, "工作簿是空的"),
        ("locked.xlsx", _encrypted_workbook, "密码"),
    ],
)
def test_unreadable_inputs_raise_clear_errors(tmp_path, name, make, needle):
    p = tmp_path / name
    if callable(make):
        make(p)
    elif make is not None:
        p.write_bytes(make)
    with pytest.raises(matcher.InputFileError) as exc:
        read_file(p)
    assert needle in str(exc.value) and name in str(exc.value)


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)


def test_cli_unreadable_input_exits_2_naming_the_failing_file(vendor_files, tmp_path, capsys):
    locked = tmp_path / "加密名单.xlsx"
    _encrypted_workbook(locked)
    out = tmp_path / "o.csv"
    code_ = main(["score", str(vendor_files["qcc"]), str(locked), "-o", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code_ == 2
    assert err.count("\n") == 1 and "加密名单.xlsx" in err and "密码" in err and "Traceback" not in err
    assert "企查查_导出企业" not in err
    assert main(["inspect", str(tmp_path / "nope.xlsx")]) == 2
    assert "nope.xlsx" in capsys.readouterr().err
