"""Enforced where the data is read: a principal sees and changes only what its role and chains allow;
every refused write is a clear Chinese error, writes nothing and is audited."""

import pandas as pd
import pytest

import matcher

from .conftest import T0


def _names(frame):
    return sorted(frame["company_name"])


def test_reads_are_scoped_by_role_and_chains(store, team):
    everyone = ["丁芯片有限公司", "乙充电有限公司", "庚封测有限公司", "甲电池有限公司"]
    assert _names(matcher.list_leads_for(store, team.admin, as_of=T0.date())) == everyone
    assert _names(matcher.list_leads_for(store, team.leader, as_of=T0.date())) == everyone
    assert _names(matcher.list_leads_for(store, team.nev_chief, as_of=T0.date())) == [
        "乙充电有限公司",
        "甲电池有限公司",
    ]
    ic = matcher.list_leads_for(store, team.ic_officer, as_of=T0.date())
    assert _names(ic) == ["丁芯片有限公司", "庚封测有限公司"] and set(ic["chain_id"]) == {"ic"}
    # asking for another chain explicitly gives nothing, not the other chain
    assert matcher.list_leads_for(store, team.ic_officer, chain="nev").empty
    assert matcher.list_leads_for(store, team.ic_officer, chain=["nev", "ic"])["chain_id"].unique().tolist() == ["ic"]
    targets = matcher.run_results_for(store, team.ic_officer, team.run_id)
    assert set(targets["chain_id"]) == {"ic"} and len(targets) == 2
    assert matcher.run_results_for(store, team.ic_officer, team.run_id, chains=["nev"]).empty
    assert len(matcher.run_results_for(store, team.leader, team.run_id)) == 4
    nev_lead = matcher.list_leads_for(store, team.nev_chief, as_of=T0.date())["lead_id"].iloc[0]
    with pytest.raises(matcher.UnknownLeadError, match="不在您负责的产业链内"):
        matcher.get_lead_for(store, team.ic_officer, nev_lead)
    with pytest.raises(matcher.PermissionDenied, match="请先登录"):
        matcher.list_leads_for(store, None)


def _lead(store, company):
    frame = matcher.list_leads(store, company=company)
    return frame.iloc[0]


def test_writes_check_role_chain_and_owner(store, team):
    own = _lead(store, "丁芯片")  # ic, owner 陈专员 (the ic officer)
    other = _lead(store, "庚封测")  # ic, owner 刘专员
    nev = _lead(store, "甲电池")  # nev, owner 陈专员 (same name, other chain)
    after = matcher.update_lead_as(store, team.ic_officer, own.lead_id, own.version, stage="已接洽", notes="已电话")
    assert after["stage"] == "已接洽" and after["version"] == own.version + 1
    refused = [
        (team.ic_officer, nev, {"notes": "x"}, "不在您负责的产业链内"),
        (team.ic_officer, other, {"notes": "x"}, "只能修改自己负责的线索"),
        (team.ic_officer, own, {"owner": "刘专员"}, "不能把线索转给别人"),
        (team.nev_chief, other, {"notes": "x"}, "不在您负责的产业链内"),
        (team.leader, nev, {"notes": "x"}, "“只读”角色不能修改线索"),
        (team.admin, nev, {"notes": "x"}, "“管理员”角色不能修改线索"),
    ]
    before = matcher.list_leads(store)
    for who, lead, changes, words in refused:
        with pytest.raises(matcher.PermissionDenied, match=words):
            matcher.update_lead_as(store, who, lead.lead_id, int(lead.version) + (lead is own), **changes)
    pd.testing.assert_frame_equal(matcher.list_leads(store), before)  # nothing written
    chief = matcher.update_lead_as(store, team.nev_chief, nev.lead_id, nev.version, owner="李链长")
    assert chief["owner"] == "李链长"
    with pytest.raises(matcher.PermissionDenied, match="不在您负责的产业链内"):
        matcher.create_lead_as(store, team.ic_officer, int(nev.company_id), "nev", "vehicle")
    lead_id = matcher.create_lead_as(store, team.ic_officer, int(own.company_id), "ic", "packaging")
    assert matcher.get_lead(store, lead_id)["owner"] == "陈专员"
    audit = matcher.list_audit(store)
    assert (audit["action"] == "denied").sum() == len(refused) + 1
    assert audit.loc[audit["action"] == "lead_change", "username"].tolist() == ["ic_officer", "nev_chief"]


def test_exports_and_reports_need_the_right_and_are_scoped(store, team, tmp_path):
    n = matcher.export_leads_for(store, team.nev_chief, tmp_path / "nev.csv")
    text = (tmp_path / "nev.csv").read_text(encoding="utf-8-sig")
    assert n == 2 and "甲电池" in text and "丁芯片" not in text and "庚封测" not in text
    with pytest.raises(matcher.PermissionDenied, match="没有导出数据的权限"):
        matcher.export_leads_for(store, team.ic_officer, tmp_path / "ic.csv")
    with pytest.raises(matcher.PermissionDenied, match="没有导出数据的权限"):
        matcher.export_leads_for(store, team.leader, tmp_path / "all.csv")
    assert not (tmp_path / "ic.csv").exists() and not (tmp_path / "all.csv").exists()
    matcher.report_done(store, team.leader, "缺口报告", 12)
    matcher.report_done(store, team.ic_officer, "缺口报告", 3)  # roles.yaml: a 招商专员 reports on their chains
    audit = matcher.list_audit(store)
    rows = audit[audit["action"].isin(["export", "report"])][["username", "action", "target", "n_rows"]]
    assert rows.values.tolist() == [
        ["nev_chief", "export", "nev.csv", 2],
        ["leader", "report", "缺口报告", 12],
        ["ic_officer", "report", "缺口报告", 3],
    ]


def test_rights_are_read_from_the_roles_file(store, team, tmp_path, monkeypatch):
    """A role's rights are data: the same 招商专员 without `reports` in its roles file is refused a report."""
    from matcher.accounts import access
    from matcher.knowledge import roles

    shipped = roles.ROLES_FILE.read_text(encoding="utf-8")
    edited = shipped.replace("may: [reports]  # the reports of their chains", "may: []  # no reports here")
    assert edited != shipped
    (tmp_path / "roles.yaml").write_text(edited, encoding="utf-8")
    monkeypatch.setattr(access, "load_roles", lambda: roles.load_roles(tmp_path / "roles.yaml"))
    with pytest.raises(matcher.PermissionDenied, match="没有生成报告的权限"):
        matcher.report_done(store, team.ic_officer, "缺口报告", 3)
    with pytest.raises(matcher.PermissionDenied, match="没有生成报告的权限"):
        matcher.weekly_report(store, principal=team.ic_officer)
    assert matcher.list_audit(store)["action"].tolist()[-2:] == ["denied", "denied"]
