"""Settings reach the stage they declare without being relayed: the matcher and the scorer read them
from `Settings`, `rank` reads exactly the RANK-stage ones, and a new setting needs no further edits."""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest

import matcher
from matcher.engine.score import rank
from matcher.knowledge.settings import MATCH, RANK, Settings, _f, stage_settings
from tests.conftest import AS_OF

READS: list[str] = []
NAMES = frozenset(matcher.DEFAULTS.as_dict())


class Recording(Settings):
    """Settings that note every setting read (as_dict reads them all: not used below)."""

    def __getattribute__(self, name):
        if name in NAMES:
            READS.append(name)
        return object.__getattribute__(self, name)


def frame():
    """Companies that exercise every matching step: clause contexts, a core phrase, a weak word in a
    head clause, a non-target business, a name-only row, an exclusion word, a leader, an industry code,
    a filing the learned model disagrees with, a distributor (a segment that serves its chain)."""
    rows = [
        (
            "甲科技有限公司",
            "公司是一家动力电池生产企业，通过BMS技术降本，产品应用于充电桩行业。",
            "锂离子电池销售",
            "3841",
        ),
        ("乙有限公司", "公司专注于新能源。", None, None),
        ("丙营销有限公司", "动力电池营销。", None, None),
        ("丁动力电池有限公司", None, None, None),
        ("戊电动自行车有限公司", None, "锂离子电池销售", None),
        ("宁德时代新能源科技股份有限公司", None, "电池管理系统BMS研发", None),
        ("己新能源有限公司", None, None, None),
        ("庚有限公司", None, "动力电池技术服务；锂离子电池生产", None),  # a light item (see light_items below)
        # just over the threshold on knowledge, under it once the shipped model joins: model_files decides
        ("辛有限公司", "主营BMS。", "新能源汽车零部件制造", None),
        ("壬有限公司", "主营BMS。", None, "38"),  # an export that gives only the 大类
        ("癸电子有限公司", "公司主营芯片分销和电子元器件分销。", None, None),  # a segment that serves its chain
    ]
    return pd.DataFrame(rows, columns=["company_name", "intro", "scope", "industry_code"])


@pytest.fixture(scope="module")
def stage_chains(fixture_chains):
    """The fixture chains with a segment that serves its chain (a distributor's: service_ceiling applies to it)."""
    from matcher.knowledge.chains import Segment

    ic = fixture_chains["ic"]
    serving = Segment(
        "distribution", "芯片分销", "下游", "芯片与电子元器件分销", ("芯片分销", "电子元器件分销"), serves=True
    )
    return {**fixture_chains, "ic": replace(ic, segments=(*ic.segments, serving))}


def _components(chains, zone, settings):
    return matcher.Scorer(settings=settings, as_of=AS_OF).fit(chains, zone).components(_canonical())


def _canonical():
    f = frame()
    extra = {
        "registered_capital_wan": np.nan,
        "employees": np.nan,
        "founded": None,
        "listed": False,
        "qualifications": None,
        "financing": None,
        "abnormal": False,
        "dishonest": False,
        "status": "active",
        "status_raw": "存续",
        "province": None,
        "city": None,
        "lon": np.nan,
        "lat": np.nan,
    }
    return f.assign(**{k: v for k, v in extra.items() if k not in f})


def test_every_match_setting_is_read_by_matching_and_none_by_rank(stage_chains, fixture_zone, fixture_result):
    READS.clear()
    _components(stage_chains, fixture_zone, Recording())
    assert set(stage_settings(MATCH)) <= set(READS)
    READS.clear()
    rank(fixture_result.components, Recording())
    assert set(READS) == set(stage_settings(RANK))  # rank needs nothing from the match stage


@pytest.fixture
def light_items(monkeypatch):
    """The fixture chains' words appear in no shipped light item (人工智能应用软件开发 …): list one that
    holds a fixture word, for the rows above."""
    from matcher.engine import match as match_module

    rules = match_module.boilerplate()
    patched = replace(rules, light_items=rules.light_items | {"动力电池技术服务"}, span_cache={})
    monkeypatch.setattr(match_module, "boilerplate", lambda: patched)


def test_every_match_setting_changes_the_outcome(stage_chains, fixture_zone, light_items):
    base_scorer = matcher.Scorer(as_of=AS_OF).fit(stage_chains, fixture_zone)
    base_rel = base_scorer.matcher_.match(_canonical()).relevance
    base_comp = base_scorer.components(_canonical())
    help_by_name = {h["name"]: h for h in matcher.settings_help()}
    for name in stage_settings(MATCH):
        h = help_by_name[name]
        changed = matcher.DEFAULTS.replace(**{name: h["max"] if h["default"] != h["max"] else h["min"]})
        scorer = matcher.Scorer(settings=changed, as_of=AS_OF).fit(stage_chains, fixture_zone)
        rel = scorer.matcher_.match(_canonical()).relevance
        assert not np.array_equal(rel, base_rel) or not scorer.components(_canonical()).equals(base_comp), name


@dataclass(frozen=True)
class WithNewSetting(Settings):
    """Settings as if a field had been added to the class (the one place a setting is declared)."""

    scope_extra: float = _f(0.55, MATCH, "经营范围附加权重", "测试用：经营范围中每个词计入的证据量。", 0.0, 3.0, 0.05)


def test_a_new_setting_reaches_the_matcher_without_further_edits(fixture_chains, fixture_zone, monkeypatch):
    import matcher.engine.match as match_module

    # knowledge alone: the learned model would still rank a row whose only evidence was switched off
    monkeypatch.setattr(match_module, "shipped_model", lambda: None)
    new = WithNewSetting(scope_extra=0.0)
    assert "scope_extra" in dict(matcher.match_key(new)) and "scope_extra" not in dict(matcher.rank_key(new))
    scorer = matcher.Scorer(settings=new, as_of=AS_OF).fit(fixture_chains, fixture_zone)
    assert scorer.matcher_.settings.scope_extra == 0.0 and scorer.matcher_.get_params()["settings"] is new

    def relevance(settings):
        return (
            matcher.Scorer(settings=settings, as_of=AS_OF)
            .fit(fixture_chains, fixture_zone)
            .matcher_.transform(pd.DataFrame({"company_name": ["乙有限公司"], "scope": ["动力电池销售"]}))
        )

    expected = relevance(matcher.DEFAULTS)  # the shipped table: 经营范围 weighed by scope_weight
    # name the new setting in the field policy table: it takes effect through Scorer -> SegmentMatcher
    name, intro, scope = match_module.FIELD_POLICIES
    monkeypatch.setattr(match_module, "FIELD_POLICIES", (name, intro, replace(scope, weight="scope_extra")))
    assert relevance(new).max() == 0
    assert expected.max() > 0 and np.array_equal(relevance(WithNewSetting()), expected)  # same default as scope_weight


@pytest.mark.parametrize("name", ["scope_weight", "core_factor"])
def test_set_params_replaces_one_setting(name):
    m = matcher.SegmentMatcher().set_params(**{name: 2.0})
    assert getattr(m.settings, name) == 2.0 and matcher.DEFAULTS.as_dict()[name] != 2.0
    assert f"{name}=2.0" in repr(m) and repr(matcher.SegmentMatcher()) == "SegmentMatcher()"
