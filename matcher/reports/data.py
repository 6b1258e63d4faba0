"""What the reports say, read from the 台账 through the store's query functions (no rendering here).

- `weekly_data(store, as_of, chains)`: every active lead (a stage under follow-up: the stages the
  三类三色 colours apply to) by chain, with stage, owner, its latest change, next action and colour.
- `quarterly_data(store, chain, as_of)`: one chain's 链长调度会 report — its gap map in the newest run
  on or before `as_of` against the newest run of an earlier quarter, the new A / B targets, leads by
  stage, signed and landed projects with their amounts, stalled (yellow / red) leads, leads whose
  company was deregistered, and the next ten actions.

Every date is read as of `as_of` (default today), so a report for a past day can be made again and a
test can move the clock without waiting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..errors import MatcherError
from ..knowledge.chains import STATUSES
from ..knowledge.settings import CHAIN_IDS
from ..knowledge.stages import COLOUR_LABELS
from ..store.activity import last_changes, lead_chains
from ..store.db import Store
from ..store.leads import FIELD_LABELS, list_leads
from ..store.runs import list_runs, run_gaps, run_results

AB_TIERS = ("A", "B")
NEXT_ACTIONS = 10
POSITIONS = {"上游": 0, "中游": 1, "下游": 2}
_GAP_RANK = {s: i for i, s in enumerate(STATUSES)}  # 优势 0 … 缺失 3


def quarter_of(day: dt.date) -> str:
    return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


def _quarter_key(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def report_runs(store: Store, as_of: dt.date) -> tuple[dict | None, dict | None]:
    """(current, previous) runs for a report as of `as_of`: the newest run measured on or before that
    day, and the newest run of an earlier quarter than it (None when there is none)."""
    runs = list_runs(store)
    if runs.empty:
        return None, None
    runs = runs[pd.to_datetime(runs["run_date"]).dt.date <= as_of]
    if runs.empty:
        return None, None
    runs = runs.assign(day=pd.to_datetime(runs["run_date"]).dt.date).sort_values(["day", "run_id"], ascending=False)
    current = runs.iloc[0].to_dict()
    earlier = runs[[_quarter_key(d) < _quarter_key(current["day"]) for d in runs["day"]]]
    previous = earlier.iloc[0].to_dict() if len(earlier) else None
    return current, previous


def chain_names(store: Store, run: dict | None = None) -> dict[str, str]:
    """chain id -> name, for every chain the 台账 knows: those of `run`'s gap map (default the newest
    run's) and those with leads, the shipped chains first in their order."""
    names = dict.fromkeys(CHAIN_IDS)
    if run is None:
        run = report_runs(store, dt.date.max)[0]
    if run is not None:
        gaps = run_gaps(store, run["run_id"])
        names.update(dict(zip(gaps["chain_id"], gaps["chain_name"].fillna(gaps["chain_id"]))))
    leads = lead_chains(store)
    for k, v in zip(leads["chain_id"], leads["chain_name"]):
        if names.get(k) is None:
            names[k] = v if isinstance(v, str) and v else k
    return {k: v for k, v in names.items() if v is not None}


def resolve_chain(store: Store, text) -> str:
    """A chain id from its id or Chinese name (e.g. nev or 新能源汽车); MatcherError listing the choices."""
    names = chain_names(store)
    word = str(text).strip()
    if word in names:
        return word
    for cid, name in names.items():
        if word == name:
            return cid
    listed = "、".join(f"{n}（{c}）" for c, n in names.items())
    raise MatcherError(f"没有名为“{text}”的产业链（可用：{listed}）")


def _run_label(run: dict | None) -> str:
    if run is None:
        return "无"
    return f"{pd.Timestamp(run['run_date']):%Y-%m-%d} 评分"


def change_text(row) -> str:
    """A history row in an officer's words: 跟进阶段：线索 → 已接洽 (a creation reads 列入台账)."""
    label = FIELD_LABELS.get(row["field"], row["field"])
    old, new = row["old_value"], row["new_value"]
    if old is None or (isinstance(old, float) and pd.isna(old)):
        return f"列入台账（{label}：{new}）" if row["field"] == "stage" else f"{label}：{new or '（空）'}"
    return f"{label}：{old} → {new if new is not None else '（空）'}"


# ------------------------------------------------------------------------------------------------
# weekly


@dataclass
class WeeklyReport:
    as_of: dt.date
    chains: dict[str, str]  # chain id -> name, in report order
    leads: pd.DataFrame  # list_leads columns + last_at, last_by, last_change, colour_label
    stages: list[str]


def weekly_data(store: Store, as_of: dt.date | None = None, chains=None) -> WeeklyReport:
    """Every active lead (stages under follow-up) of `chains` (default every chain with leads)."""
    as_of = as_of or dt.date.today()
    timed = store.stages.timed()
    leads = list_leads(store, chain=chains, stage=timed, as_of=as_of, order="id")
    last = last_changes(store, chain=chains)
    last = last[last["lead_id"].isin(leads["lead_id"])]
    if len(last):
        last = last.assign(last_change=last.apply(change_text, axis=1))
    else:
        last = last.assign(last_change=pd.Series(dtype=object))
    last = last.rename(columns={"at": "last_at", "by_user": "last_by"})[
        ["lead_id", "last_at", "last_by", "last_change"]
    ]
    leads = leads.merge(last, on="lead_id", how="left")
    leads["colour_label"] = leads["colour"].map(COLOUR_LABELS)
    order = {s: i for i, s in enumerate(store.stages.names)}
    leads = leads.assign(_o=leads["stage"].map(order)).sort_values(
        ["chain_id", "_o", "days_in_stage"], ascending=[True, False, False]
    )
    leads = leads.drop(columns="_o").reset_index(drop=True)
    names = chain_names(store)
    if chains is not None:
        ids = [chains] if isinstance(chains, str) else list(chains)
    else:
        present = set(leads["chain_id"])
        ids = [c for c in names if c in present] + sorted(present - set(names))
    return WeeklyReport(as_of, {c: names.get(c, c) for c in ids}, leads, timed)


# ------------------------------------------------------------------------------------------------
# quarterly


@dataclass
class ChainQuarter:
    chain_id: str
    chain_name: str
    as_of: dt.date
    run: dict | None
    previous: dict | None
    gaps: pd.DataFrame  # segment_name, position, status_before, status_now, change
    new_targets: pd.DataFrame  # company_name, segment_name, tier, score, tier_before
    stages: pd.DataFrame  # stage, leads, amount_wan (every stage, in order)
    won: pd.DataFrame  # lead rows in a won stage (signed / landed)
    stalled: pd.DataFrame  # lead rows coloured yellow / red, longest first
    closed: pd.DataFrame  # lead rows whose company is deregistered / revoked
    actions: pd.DataFrame  # the next ten actions by due date
    totals: dict = field(default_factory=dict)

    @property
    def quarter(self) -> str:
        return quarter_of(self.as_of)

    @property
    def run_label(self) -> str:
        return _run_label(self.run)

    @property
    def previous_label(self) -> str:
        return _run_label(self.previous)


def _gap_compare(store: Store, chain_id: str, run, previous) -> pd.DataFrame:
    cols = ["segment_id", "segment_name", "position", "status_before", "status_now", "change"]
    if run is None:
        return pd.DataFrame(columns=cols)
    now = run_gaps(store, run["run_id"])
    now = now[now["chain_id"] == chain_id]
    if previous is not None:
        before = run_gaps(store, previous["run_id"])
        before = before[before["chain_id"] == chain_id][["segment_id", "status"]]
    else:
        before = pd.DataFrame(columns=["segment_id", "status"])
    g = now.merge(before.rename(columns={"status": "status_before"}), on="segment_id", how="left")
    g = g.rename(columns={"status": "status_now"})
    rank_now, rank_before = g["status_now"].map(_GAP_RANK), g["status_before"].map(_GAP_RANK)
    change = pd.Series("", index=g.index, dtype=object)
    change[rank_before.notna() & (rank_now < rank_before)] = "缺口缓解"
    change[rank_before.notna() & (rank_now > rank_before)] = "缺口加剧"
    change[rank_before.isna() & (previous is not None)] = "新增环节"
    g["change"] = change
    g["_o"] = g["position"].map(POSITIONS).fillna(len(POSITIONS))
    return g.sort_values("_o", kind="stable")[cols].reset_index(drop=True)


def _new_targets(store: Store, chain_id: str, run, previous) -> pd.DataFrame:
    cols = ["company_id", "company_name", "segment_name", "tier", "score", "tier_before", "status_raw"]
    if run is None:
        return pd.DataFrame(columns=cols)
    now = run_results(store, run["run_id"], chains=[chain_id], tiers=list(AB_TIERS))
    now = now[now["status"].fillna("") != "inactive"].drop_duplicates("company_id")
    if previous is not None:
        before = run_results(store, previous["run_id"], chains=[chain_id])
        before = before.drop_duplicates("company_id").set_index("company_id")["tier"]
        was_ab = now["company_id"].map(before).isin(AB_TIERS)
        now = now[~was_ab]
        tier_before = now["company_id"].map(before).astype(object)
        tier_before = tier_before.where(tier_before.notna() & (tier_before != ""), "未入选")
    else:
        tier_before = pd.Series("", index=now.index, dtype=object)
    out = now.assign(tier_before=tier_before)
    return out.sort_values(["tier", "score"], ascending=[True, False])[cols].reset_index(drop=True)


def quarterly_data(store: Store, chain: str, as_of: dt.date | None = None) -> ChainQuarter:
    """One chain's quarterly 链长调度会 report as of `as_of` (default today)."""
    as_of = as_of or dt.date.today()
    run, previous = report_runs(store, as_of)
    names = chain_names(store, run)
    chain_id = chain if chain in names else resolve_chain(store, chain)
    leads = list_leads(store, chain=chain_id, as_of=as_of, order="due")
    stages = store.stages
    counts = leads.groupby("stage").agg(leads=("lead_id", "size"), amount_wan=("amount_wan", "sum"))
    by_stage = pd.DataFrame({"stage": stages.names})
    by_stage = by_stage.merge(counts, left_on="stage", right_index=True, how="left")
    by_stage["leads"] = by_stage["leads"].fillna(0).astype(int)
    won_stages = stages.of_kind("won")
    won = leads[leads["stage"].isin(won_stages)].copy()
    won["_o"] = won["stage"].map({s: i for i, s in enumerate(won_stages)})
    won = won.sort_values(["_o", "amount_wan"], ascending=[False, False], na_position="last").drop(columns="_o")
    stalled = leads[leads["colour"].isin(["yellow", "red"])].sort_values("days_in_stage", ascending=False)
    closed = leads[leads["company_closed"] & ~leads["stage"].isin(stages.of_kind("lost"))]
    open_ = leads[leads["stage"].isin(stages.timed()) & leads["next_action"].notna()]
    actions = open_.sort_values(["due_date", "lead_id"], na_position="last").head(NEXT_ACTIONS)
    totals = {
        "leads": len(leads),
        "active": int(leads["stage"].isin(stages.timed()).sum()),
        "won_amount": float(won["amount_wan"].fillna(0).sum()),
        "signed": int((won["stage"] == won_stages[0]).sum()) if won_stages else 0,
        "landed": int((won["stage"].isin(won_stages[1:])).sum()) if won_stages else 0,
        "yellow": int((leads["colour"] == "yellow").sum()),
        "red": int((leads["colour"] == "red").sum()),
        "overdue": int(leads["overdue"].sum()),
    }
    return ChainQuarter(
        chain_id=chain_id,
        chain_name=names.get(chain_id, chain_id),
        as_of=as_of,
        run=run,
        previous=previous,
        gaps=_gap_compare(store, chain_id, run, previous),
        new_targets=_new_targets(store, chain_id, run, previous),
        stages=by_stage.reset_index(drop=True),
        won=won.reset_index(drop=True),
        stalled=stalled.reset_index(drop=True),
        closed=closed.reset_index(drop=True),
        actions=actions.reset_index(drop=True),
        totals=totals,
    )


def quarterly_chains(store: Store, as_of: dt.date | None = None) -> list[str]:
    """The chains a quarterly report covers when none is named: those in the newest run's gap map or
    with leads, in the shipped order."""
    as_of = as_of or dt.date.today()
    run, _ = report_runs(store, as_of)
    names = chain_names(store, run)
    have = set(lead_chains(store)["chain_id"])
    if run is not None:
        have |= set(run_gaps(store, run["run_id"])["chain_id"])
    ids = [c for c in names if c in have]
    if not ids:
        raise MatcherError("台账中还没有评分记录或线索，无法生成季度报告（先用 matcher score … --save 记录一次评分）")
    return ids
