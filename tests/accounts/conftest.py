"""A store with the four roles of the 链长制 and two chains' leads (新能源汽车 nev, 集成电路 ic)."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest

import matcher

T0 = dt.datetime(2026, 6, 1, 9, 0)
PASSWORD = "correct horse 1"
ROWS = [
    {"company_name": "甲电池有限公司", "chain_id": "nev", "chain_name": "新能源汽车", "segment_id": "battery",
     "segment_name": "动力电池", "score": 80.0, "tier": "A"},
    {"company_name": "乙充电有限公司", "chain_id": "nev", "chain_name": "新能源汽车", "segment_id": "charging",
     "segment_name": "充换电", "score": 50.0, "tier": "B"},
    {"company_name": "丁芯片有限公司", "chain_id": "ic", "chain_name": "集成电路", "segment_id": "design",
     "segment_name": "芯片设计", "score": 70.0, "tier": "A"},
    {"company_name": "庚封测有限公司", "chain_id": "ic", "chain_name": "集成电路", "segment_id": "packaging",
     "segment_name": "封装测试", "score": 60.0, "tier": "B"},
]  # fmt: skip


def _ranked(rows):
    base = dict.fromkeys(matcher.CONTRACT_COLUMNS)
    return pd.DataFrame([{**base, "relevance": 0.8, "status": "active", "status_raw": "存续", **r} for r in rows])


@dataclasses.dataclass
class Team:
    admin: matcher.Principal
    nev_chief: matcher.Principal
    ic_officer: matcher.Principal
    leader: matcher.Principal
    run_id: int


@pytest.fixture
def team(store, fixture_result):
    run_id = matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(ROWS)), run_date=T0.date())
    admin = matcher.add_user(store, "admin", PASSWORD, role="管理员", display_name="王局长")
    nev = matcher.add_user(store, "nev_chief", PASSWORD, role="链长", display_name="李链长", chains=["nev"], by=admin)
    ic = matcher.add_user(
        store, "ic_officer", PASSWORD, role="招商专员", display_name="陈专员", chains=["集成电路"], by=admin
    )
    lead = matcher.add_user(store, "leader", PASSWORD, role="只读", display_name="赵书记", by=admin)
    matcher.add_leads(store, run_id, tiers=["A"], owner="陈专员", by="王", at=T0)  # 甲 (nev), 丁 (ic)
    matcher.add_leads(store, run_id, tiers=["B"], owner="刘专员", by="王", at=T0)  # 乙 (nev), 庚 (ic)
    return Team(admin, nev, ic, lead, run_id)
