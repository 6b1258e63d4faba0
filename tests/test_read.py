import openpyxl
import pytest

import matcher
from matcher.read import map_columns, read_file


def _xlsx(path, rows, merge_first=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业列表"
    for r in rows:
        ws.append(r)
    if merge_first:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    wb.save(path)
    return path


def test_xlsx_header_below_declaration_and_row_numbers(tmp_path):
    p = _xlsx(tmp_path / "qcc.xlsx", [
        ["声明：本数据来源于公开信息"],
        ["企业名称", "登记状态", "注册资本", "自定义备注"],
        ["甲科技有限公司", "存续", "100万元人民币", "重点"],
        [None, None, None, None],
        ["乙电池有限公司", "注销", "50万元", None],
    ], merge_first=True)
    [t] = read_file(p)
    assert t.header_row == 2
    assert t.mapping == {"企业名称": "company_name", "登记状态": "status", "注册资本": "registered_capital"}
    assert t.source_rows == [3, 5]  # the blank row 4 is not a data row
    assert "自定义备注" in t.frame.columns  # unknown columns pass through


def test_gbk_csv_is_detected(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes("公司名称,经营状态,经营范围\n丙软件有限公司,在业,软件开发\n".encode("gbk"))
    [t] = read_file(p)
    assert t.frame.iloc[0]["公司名称"] == "丙软件有限公司"
    assert t.mapping["经营范围"] == "scope"
    assert t.source_rows == [2]


def test_headerless_roster_of_names(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text("甲新能源汽车有限公司\n乙芯片设计有限公司\n丙生物医药股份有限公司\n", encoding="utf-8")
    [t] = read_file(p)
    assert t.header_row is None
    assert list(t.frame["企业名称"]) == ["甲新能源汽车有限公司", "乙芯片设计有限公司", "丙生物医药股份有限公司"]
    assert t.source_rows == [1, 2, 3]


def test_fuzzy_and_preferred_headers():
    m = map_columns(["企业名称", "系统匹配企业名称", "统一社会信用代码(USCC)", "注册资本（万元）", "成立时间"])
    assert m["系统匹配企业名称"] == "company_name" and "企业名称" not in m
    assert m["统一社会信用代码(USCC)"] == "credit_code"
    assert m["注册资本（万元）"] == "registered_capital"
    assert m["成立时间"] == "founded"


def test_map_override():
    m = map_columns(["企业名称", "金额"], {"金额": "registered_capital"})
    assert m["金额"] == "registered_capital"


@pytest.mark.parametrize("name,content,needle", [
    ("missing.xlsx", None, "文件不存在"),
    ("empty.csv", b"", "文件是空的"),
    ("data.json", b"{}", "不支持的文件格式"),
    ("noheader.csv", "a,b,c\n1,2,3\n".encode(), "没有找到可识别的表头"),
    ("corrupt.xlsx", b"PK\x03\x04 not really a zip", "无法作为 Excel 工作簿读取"),
])
def test_unreadable_inputs_raise_clear_errors(tmp_path, name, content, needle):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(matcher.InputFileError) as exc:
        read_file(p)
    assert needle in str(exc.value) and name in str(exc.value)
