"""What the 线索台账 page reads, through the Principal (SQLite and PostgreSQL): a 招商专员 of 集成电路 gets
nothing of 新能源汽车 from any of the page's queries — leads, their count, owners and chains, a lead's
history and scores, the runs and the diff of two runs — and the desktop principal gets everything."""

import dataclasses
import datetime as dt

import pytest

import matcher

from .conftest import ROWS, _ranked

NEV = {"甲电池有限公司", "乙充电有限公司", "戊电机有限公司"}


@pytest.fixture
def two_runs(store, team, fixture_result):
    """A second run a quarter later: 甲 (nev) drops to B, 丁 (ic) is deregistered, one new target per chain."""
    later = [dict(r) for r in ROWS]
    later[0].update(tier="B", score=55.0)
    later[2].update(status="inactive", status_raw="注销")
    later[1].update(status="inactive", status_raw="吊销")  # a nev status change the ic officer must not see
    later.append({**later[0], "company_name": "戊电机有限公司", "segment_id": "motor", "tier": "A", "score": 90.0})
    later.append({**later[2], "company_name": "己晶圆有限公司", "status": "active", "status_raw": "存续", "tier": "A"})
    frame = _ranked(later)
    run = matcher.save_run(store, dataclasses.replace(fixture_result, ranked=frame), run_date=dt.date(2026, 9, 1))
    return team.run_id, run


def _names(frame, column="company_name"):
    return set(frame[column].dropna())


def test_the_ledger_queries_hold_only_the_officers_chains(store, team, two_runs):
    ic, leader, desk = team.ic_officer, team.leader, matcher.desktop_principal()
    assert matcher.count_leads_for(store, ic) == 2 and matcher.count_leads_for(store, ic, chain="nev") == 0
    assert matcher.count_leads_for(store, leader) == matcher.count_leads_for(store, desk) == 4
    assert matcher.lead_chains_for(store, ic)["chain_id"].tolist() == ["ic"]
    assert set(matcher.lead_chains_for(store, team.nev_chief)["chain_id"]) == {"nev"}
    assert set(matcher.lead_chains_for(store, desk)["chain_id"]) == {"ic", "nev"}
    matcher.update_lead_as(store, team.nev_chief, 1, 1, owner="李链长")  # an owner only nev has
    assert "李链长" not in matcher.lead_owners_for(store, ic)
    assert "李链长" in matcher.lead_owners_for(store, leader)

    nev_lead = matcher.list_leads_for(store, team.nev_chief)["lead_id"].iloc[0]
    ic_lead = matcher.list_leads_for(store, ic).iloc[0]
    with pytest.raises(matcher.UnknownLeadError, match="不在您负责的产业链内"):
        matcher.lead_history_for(store, ic, nev_lead)
    assert len(matcher.lead_history_for(store, ic, ic_lead["lead_id"])) >= 1
    assert matcher.company_results_for(store, ic, int(ic_lead["company_id"]), "nev").empty
    assert len(matcher.company_results_for(store, ic, int(ic_lead["company_id"]), "ic")) == 2  # both runs

    runs = matcher.list_runs_for(store, ic)
    assert len(runs) == 2 and runs["scored"].isna().all()  # the whole register's counts are not its own
    assert matcher.list_runs_for(store, leader)["scored"].notna().all()

    before, after = two_runs
    mine = matcher.diff_runs_for(store, ic, before, after)
    every = matcher.diff_runs_for(store, desk, before, after)
    assert _names(mine.new) == {"己晶圆有限公司"} and _names(every.new) == {"戊电机有限公司", "己晶圆有限公司"}
    assert _names(mine.status) == {"丁芯片有限公司"} and _names(every.status) == {"丁芯片有限公司", "乙充电有限公司"}
    assert _names(every.tiers) == {"甲电池有限公司"} and mine.tiers.empty
    seen = set().union(*(_names(t) for k, t in mine.tables().items() if "company_name" in t))
    assert not seen & NEV and mine.counts == {k: len(v) for k, v in mine.tables().items()}
