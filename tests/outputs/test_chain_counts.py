"""Every chain a company serves, with the same counts everywhere: the workbook's chain sheets, its 汇总
and 招商地图 sheets, the map data and the app's per-chain lists all come from one per-chain view."""

import re
import warnings
from collections import Counter

import openpyxl
import pandas as pd
import pytest

import matcher
from matcher.contract import CHAIN_LEVEL_SEGMENT
from tests.conftest import AS_OF

TIERS = ("A", "B", "C")


@pytest.fixture(scope="module")
def sample():
    return matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF)


@pytest.fixture(scope="module")
def workbook(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "sample.xlsx"
    matcher.write_workbook(sample, path)
    with warnings.catch_warnings():  # openpyxl does not know the data-bar extension
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path)


def _rows(ws):
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]


def _view_counts(ranked: pd.DataFrame) -> Counter:
    """(chain name, segment name, tier) -> rows of a per-chain table (chain-level rows under CHAIN_LEVEL_SEGMENT)."""
    rows = ranked[ranked["chain_id"].notna() & ranked["tier"].isin(TIERS)]
    return Counter(zip(rows["chain_name"], rows["segment_name"], rows["tier"]))


def test_a_company_in_two_chains_is_a_target_in_both(sample):
    view = matcher.chain_view(sample).ranked
    chains_of = view.groupby("company_name")["chain_id"].nunique()
    assert (chains_of > 1).sum() > 100  # on the sample, hundreds of companies serve two chains
    assert len(sample.ranked) == sample.counts["scored"]  # the machine table stays one row per company
    two = chains_of[chains_of > 1].index[0]
    best = sample.ranked.set_index("company_name").loc[two, "chain_id"]
    assert best in set(view.loc[view["company_name"] == two, "chain_id"])


def test_counts_agree_across_workbook_summary_map_and_session(sample, workbook):
    want = _view_counts(matcher.chain_view(sample).ranked)
    assert any(seg == CHAIN_LEVEL_SEGMENT for _, seg, _ in want)  # the sample has chain-level filings

    # the workbook's chain sheets
    names = {c.name for c in matcher.load_chains().values()}
    sheets = Counter()
    for name in names:
        for r in _rows(workbook[name]):
            if r["等级"] in TIERS:
                sheets[(name, r["环节"], r["等级"])] += 1
    assert sheets == want

    # 汇总: per chain and segment, A / B / C and candidates
    summary = Counter()
    candidates = Counter()
    for r in _rows(workbook["汇总"]):
        for t in TIERS:
            if r[f"{t}类"]:
                summary[(r["产业链"], r["环节"], t)] += int(r[f"{t}类"])
        candidates[r["产业链"]] += int(r["候选企业数"] or 0)
    assert summary == want
    view = matcher.chain_view(sample).ranked
    assert candidates == Counter(view["chain_name"].dropna())

    # 招商地图 sheet: each chain's title counts its segments and its chain-level filings
    titles = {}
    for (text,) in workbook["招商地图"].iter_rows(min_col=1, max_col=1, values_only=True):
        m = re.match(r"^(\S+?)｜.*候选 (\d+) 家（A (\d+) 家 / B (\d+) 家 / C (\d+) 家）", str(text or ""))
        if m:
            titles[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
    for chain in names:
        n = [sum(v for (c, _, t), v in want.items() if c == chain and t == tier) for tier in TIERS]
        assert titles[chain][1:] == tuple(n)

    # the map data: segment tiles count only their segment; chain-level filings stand beside them
    summary_map = matcher.segment_summary(sample)
    tiles = Counter()
    for r in summary_map.itertuples():
        for t in TIERS:
            if getattr(r, f"n_{t.lower()}"):
                tiles[(r.chain_name, r.segment_name, t)] += getattr(r, f"n_{t.lower()}")
    level = summary_map.drop_duplicates("chain_id")
    for r in level.itertuples():
        for t in TIERS:
            if getattr(r, f"level_{t.lower()}"):
                tiles[(r.chain_name, CHAIN_LEVEL_SEGMENT, t)] += getattr(r, f"level_{t.lower()}")
    assert tiles == want

    # the session: the app's chain filter lists the per-chain view, re-ranked from stored components
    ranking = matcher.rerank(sample, matcher.DEFAULTS)
    per_chain = matcher.chain_view(ranking).ranked
    for cid, chain in matcher.load_chains().items():
        listed = matcher.filter_ranked(per_chain, chain_ids=[cid], tiers=list(TIERS))
        assert Counter(zip(listed["chain_name"], listed["segment_name"], listed["tier"])) == Counter(
            {k: v for k, v in want.items() if k[0] == chain.name}
        )


def test_no_segment_reads_empty_while_the_map_shows_targets_there(sample, workbook):
    """The issue's example: a 链长 read "AI芯片：候选 0 家（暂无目标企业）" while the map of the same run
    showed nine A targets there (filed under 集成电路). On 招商地图 every segment's candidates are the
    per-chain view's, and its targets the map's."""
    view = matcher.chain_view(sample).ranked
    candidates = Counter(view["segment_name"].dropna())  # (a segment name may stand in two chains: 工业软件)
    summary_map = matcher.segment_summary(sample)
    targets = Counter()
    for r in summary_map.itertuples():
        targets[r.segment_name] += r.n_a + r.n_b + r.n_c
    seen = Counter()
    cells = [c for row in workbook["招商地图"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    for cell in cells:
        m = re.match(r"^(.+)\n缺口：.*｜候选 (\d+) 家$", cell)
        if m:
            seen[m.group(1)] += int(m.group(2))
    assert seen == Counter({k: v for k, v in candidates.items() if k != CHAIN_LEVEL_SEGMENT})
    assert all(targets[s] <= seen[s] for s in targets)
    assert sum(targets.values()) > 0


def test_a_rerank_moves_every_chain_row_alike(sample):
    heavy = matcher.DEFAULTS.replace(w_fit=0.2, w_strength=0.8)
    ranking = matcher.rerank(sample, heavy)
    view = matcher.chain_view(ranking)
    again = matcher.rank(matcher.chain_view(sample).components, heavy)
    key = ["_row", "chain_id"]
    a = view.components.set_index(key)["score"].sort_index()
    b = again.set_index(key)["score"].sort_index()
    pd.testing.assert_series_equal(a, b)
