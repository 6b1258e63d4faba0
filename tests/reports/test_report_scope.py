"""The weekly and quarterly reports take the user (SQLite and PostgreSQL): a 集成电路 招商专员's report — the
content and the written files — names no 新能源汽车 lead or company; a 链长 gets his chains, 只读 and the
desktop principal every chain; a written report is audited with who, which file and how many leads."""

import datetime as dt

import openpyxl
import pytest

import matcher

from ..accounts.conftest import T0, team  # noqa: F401  (the team fixture: four roles, two chains)

NEV = ("甲电池", "乙充电", "新能源汽车")
IC = ("丁芯片", "庚封测")
AS_OF = dt.date(2026, 6, 20)


def _xlsx_text(path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [book.sheetnames]
    for ws in book.worksheets:
        cells += [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    return " ".join(map(str, cells))


def test_a_report_as_an_ic_officer_names_nothing_of_nev(store, team, tmp_path):  # noqa: F811
    ic = team.ic_officer
    weekly = matcher.weekly_report(store, as_of=AS_OF, principal=ic)
    assert list(weekly.chains) == ["ic"] and set(weekly.leads["chain_id"]) == {"ic"}
    assert set(weekly.leads["company_name"]) == {"丁芯片有限公司", "庚封测有限公司"}
    asked = matcher.weekly_report(store, chain=["nev", "ic"], as_of=AS_OF, principal=ic)  # nev asked: not given
    assert list(asked.chains) == ["ic"]
    quarter = matcher.quarterly_report(store, as_of=AS_OF, principal=ic)
    assert [q.chain_id for q in quarter] == ["ic"]
    assert matcher.quarterly_report(store, chain="新能源汽车", as_of=AS_OF, principal=ic) == []

    for kind, name in (("weekly", "w.xlsx"), ("quarterly", "q.xlsx"), ("quarterly", "q.html")):
        out = matcher.write_report(store, kind, tmp_path / name, as_of=AS_OF, principal=ic, source="app")
        text = _xlsx_text(out) if name.endswith(".xlsx") else out.read_text(encoding="utf-8")
        assert all(n in text for n in IC), name
        assert not any(n in text for n in NEV), name
    with pytest.raises(matcher.MatcherError, match="没有评分记录或线索"):
        matcher.write_report(store, "quarterly", tmp_path / "nev.xlsx", chain="nev", as_of=AS_OF, principal=ic)
    assert not (tmp_path / "nev.xlsx").exists()

    audit = matcher.list_audit(store, action="report")
    assert audit[["username", "target", "n_rows"]].values.tolist() == [
        ["ic_officer", "w.xlsx", 2],
        ["ic_officer", "q.xlsx", 2],
        ["ic_officer", "q.html", 2],
    ]


def test_each_role_gets_its_chains(store, team, tmp_path):  # noqa: F811
    def chains(p):
        return sorted(matcher.weekly_report(store, as_of=AS_OF, principal=p).leads["chain_id"].unique())

    assert chains(team.nev_chief) == ["nev"]
    assert chains(team.leader) == chains(team.admin) == chains(matcher.desktop_principal()) == ["ic", "nev"]
    unscoped = matcher.weekly_report(store, as_of=AS_OF)  # the command line: whoever holds the database
    assert sorted(unscoped.leads["chain_id"].unique()) == ["ic", "nev"]
    data = matcher.report_bytes(store, "weekly", ".xlsx", principal=team.nev_chief, as_of=AS_OF)
    (tmp_path / "nev.xlsx").write_bytes(data)
    text = _xlsx_text(tmp_path / "nev.xlsx")
    assert all(n in text for n in NEV[:2]) and not any(n in text for n in IC)
    assert matcher.list_audit(store, action="report")["username"].tolist() == ["nev_chief"]
    assert T0.date() < AS_OF
