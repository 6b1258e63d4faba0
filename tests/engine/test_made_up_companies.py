"""Companies of every kind an officer has — roster names only, 经营范围 with or without 国标行业, free-text 简介, and
look-alikes of other trades — each with the chain an officer would file it under (or none), written for these tests
(tests/data/made_up_companies.csv): made-up ones, and on a roster well-known companies (leaders, multinationals'
companies in China) beside ordinary firms that share a leader's place and 字号. No row comes from a development set.
Every row must be filed where expected; a known miss is marked with why, and must stay a miss until it is fixed
(then the mark goes).
"""

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import matcher
from matcher.engine.learned import reaches
from matcher.engine.match import SegmentMatcher

ROWS = list(csv.DictReader((Path(__file__).parents[1] / "data" / "made_up_companies.csv").open(encoding="utf-8")))


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "company_name": [r["企业名称"] for r in ROWS],
            "scope": [r["经营范围"] or None for r in ROWS],
            "industry_code": [r["国标行业"] or None for r in ROWS],
            "intro": [r["公司简介"] or None for r in ROWS],
        }
    )


@pytest.fixture(scope="module")
def filed():
    """Row index -> the chains the shipped engine (knowledge and learned model) files the company under."""
    m = SegmentMatcher().fit(matcher.load_chains())
    frame = _frame()
    rel = m.chain_relevance(m.match(frame))
    filed = reaches(rel.to_numpy(), matcher.DEFAULTS.min_relevance)  # as the engine files (4 decimals)
    return {i: {c for j, c in enumerate(rel.columns) if filed[i, j]} for i in range(len(ROWS))}


def test_the_set_covers_every_kind_and_chain():
    assert {r["kind"] for r in ROWS} == {"名单", "经营范围", "简介"}
    assert {r["expected"] for r in ROWS} == {"", *matcher.CHAIN_IDS}
    assert len({r["企业名称"] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize(
    "i",
    [
        pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=r["known_miss"])) if r["known_miss"] else i
        for i, r in enumerate(ROWS)
    ],
    ids=[f"{r['kind']}-{r['企业名称']}" for r in ROWS],
)
def test_a_made_up_company_is_filed_where_an_officer_would_file_it(filed, i):
    row = ROWS[i]
    if row["expected"]:
        assert row["expected"] in filed[i], (row, filed[i])
    else:
        assert not filed[i], (row, filed[i])


def test_a_company_filed_in_two_chains_is_first_where_the_knowledge_puts_it():
    """What files a company also names its main chain (learned.held_chain): for every made-up company filed in
    two chains or more, the best chain the engine delivers is one the knowledge alone finds most relevant,
    whatever the learned model ranks higher."""
    import numpy as np

    from matcher.engine.filing import file_chains
    from matcher.engine.learned import chain_max

    frame = _frame()
    chains = matcher.load_chains()
    shipped, knowledge = SegmentMatcher().fit(chains), SegmentMatcher(model=None).fit(chains)
    ones = np.ones(len(shipped.segments_))
    filing = file_chains(shipped, shipped.match(frame), ones, ones, matcher.DEFAULTS)
    main = chain_max(knowledge.match(frame).relevance, knowledge.segment_chain_, len(knowledge.chain_ids_))
    multi = np.flatnonzero(filing.filed.sum(axis=1) >= 2)
    assert len(multi) >= 20
    # the knowledge's most relevant chain; on a tie to the 4 decimals relevance is shown in, either
    np.testing.assert_array_less(main[multi].max(axis=1) - main[multi, filing.best[multi]], 1e-4)


def test_the_learned_model_ranks_and_the_knowledge_files(filed):
    """Under the default rule the knowledge files and the learned model only ranks (learned.hold_filing): the shipped
    engine files every made-up company in exactly the chains the knowledge alone files it in — the segments that
    serve a chain pressed before the hold, so a model that ranks a serving segment first moves nothing across."""
    assert matcher.DEFAULTS.model_files < 0.5
    m = SegmentMatcher(model=None).fit(matcher.load_chains())
    rel = m.chain_relevance(m.match(_frame()))
    alone = reaches(rel.to_numpy(), matcher.DEFAULTS.min_relevance)
    differ = [ROWS[i]["企业名称"] for i in range(len(ROWS)) if filed[i] != set(rel.columns[alone[i]])]
    assert not differ


def test_a_company_is_read_alike_alone_and_in_a_list():
    """Matching a list reads each company as it reads the company alone: the texts of a field are joined for speed,
    and nothing of one may reach into the reading of another (a description's last clause once kept the separator
    after it, so a statement that only trades was read as trade alone and not in a list)."""
    m = SegmentMatcher(model=None).fit(matcher.load_chains())
    frame = pd.DataFrame(
        {
            "company_name": [r["企业名称"] or None for r in ROWS],
            "scope": [r["经营范围"] or None for r in ROWS],
            "industry_code": [r["国标行业"] or None for r in ROWS],
            "intro": [r["公司简介"] or None for r in ROWS],
        }
    )
    together = m.chain_relevance(m.match(frame)).to_numpy()
    alone = np.vstack(
        [m.chain_relevance(m.match(frame.iloc[[i]].reset_index(drop=True))).to_numpy() for i in range(len(frame))]
    )
    np.testing.assert_allclose(alone, together, atol=1e-4)  # float32 sums may differ in order
