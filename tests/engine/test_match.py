import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from matcher.engine import clauses
from matcher.engine import match as match_module
from matcher.engine.explain import evidence_text
from matcher.engine.learned import reaches
from matcher.engine.match import SegmentMatcher
from matcher.knowledge.settings import DEFAULTS


def frame(**cols):
    n = len(next(iter(cols.values())))
    base = {"company_name": [None] * n, "intro": [None] * n, "scope": [None] * n, "industry_code": [None] * n}
    base.update(cols)
    return pd.DataFrame(base)


@pytest.fixture(scope="module", autouse=True)
def knowledge_alone():
    """These tests pin the knowledge evidence arithmetic: the shipped learned model stays out (its join
    with the relevance is tested in tests/engine/test_learned.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(match_module, "shipped_model", lambda: None)
        yield


@pytest.fixture(scope="module")
def m(fixture_chains, knowledge_alone):
    return SegmentMatcher().fit(fixture_chains)


def m_chains(m):
    import matcher
    from tests.conftest import DATA

    return matcher.load_chains(DATA / "chains")


def seg(m, chain, segment):
    s = m.segments_
    return int(s.index[(s.chain_id == chain) & (s.segment_id == segment)][0])


def test_fit_learns_vocabulary_and_weights(m):
    assert "动力电池" in m.vocabulary_ and "BMS" in m.vocabulary_
    assert m.strong_weights_.shape == (len(m.vocabulary_), len(m.segments_))
    # a weak word shared by two segments is worth less to each
    k = m.vocabulary_.index("新能源")
    assert m.weak_weights_[k].toarray().max() < 1


def test_keyword_evidence_and_field_weights(m):
    f = frame(
        company_name=["甲动力电池有限公司", "乙公司", "丙公司"],
        intro=[None, "专注动力电池", None],
        scope=[None, None, "动力电池销售"],
    )
    rel = m.transform(f)
    b = seg(m, "nev", "battery")
    assert rel[0, b] > rel[2, b] > 0 and rel[1, b] > rel[2, b]  # 经营范围 weighs less than name / intro
    assert rel.min() >= 0 and rel.max() <= 1


def test_weak_words_need_other_evidence(m):
    f = frame(company_name=["甲新能源有限公司", "乙新能源充电桩有限公司"])
    rel = m.transform(f)
    c = seg(m, "nev", "charging")
    assert 0 < rel[0].max() < 0.1  # alone, a weak word only orders; it never files a company
    assert SegmentMatcher(settings=DEFAULTS.replace(weak_alone_factor=0)).fit(m_chains(m)).transform(f)[0].max() == 0
    assert rel[1, c] > m.transform(frame(company_name=["乙充电桩有限公司"]))[0, c]


def test_exclusion_words_suppress(m):
    f = frame(company_name=["甲电动自行车有限公司", "乙有限公司"], scope=["锂离子电池销售", "锂离子电池销售"])
    rel = m.transform(f)
    b = seg(m, "nev", "battery")
    assert rel[0, b] < 0.25 * rel[1, b]


def test_ascii_keywords_need_word_boundaries(m):
    f = frame(intro=["提供BMS电池管理", "abmsx公司"])
    rel = m.transform(f)
    b = seg(m, "nev", "battery")
    assert rel[0, b] > 0 and rel[1, b] == 0


@pytest.mark.parametrize(
    "text, found",
    [
        ("提供BMSs电池管理", True),
        ("the BMSes we ship", True),
        ("abmsx公司", False),
        ("BMSsx", False),
        ("BMSesx", False),
    ],
)
def test_an_english_plural_ending_keeps_the_word(m, text, found):
    """A word that ends with a Latin letter may take an English plural ending (PLCs, RF switches) and still be read;
    any other letter or digit after it is a longer word, not this one."""
    b = seg(m, "nev", "battery")
    assert bool(m.transform(frame(intro=[text]))[0, b] > 0) is found


@pytest.mark.parametrize(
    "intro, chain",
    [
        ("We design smart electricity meters, data concentrators and AMI communication modules.", "grid"),
        ("A fabless company designing RF front-end chips: power amplifiers and RF switches for 5G phones.", "ic"),
        ("SignaRail develops CBTC train control systems and computer-based interlocking for metro lines.", "rail"),
        # each chain's segments in the words an English company text uses
        ("Acme Motors designs and builds compact electric SUVs and electric vans at its Hefei plant.", "nev"),
        ("We are a professional manufacturer of precision bearings: crossed roller bearings and slewing rings.", "ime"),
        ("Acme Bio is a clinical-stage company developing bispecific antibodies and antibody-drug conjugates.", "bio"),
        ("Acme Labs builds conversational AI: voicebots and intelligent customer service for banks.", "ai"),
        ("Our cloud ERP and customer relationship management software serves 3,000 SMEs.", "software"),
        ("Acme Power manufactures ring main units, disconnectors and reclosers for distribution networks.", "grid"),
        # freight names rail products too: only a freight forwarder's words are a vertical business's
        ("Acme is a leading maker of freight locomotives and freight cars.", "rail"),
        # a call centre is an AI application's customer or its product, not a vertical business by its name alone
        ("Acme develops AI call center software: voicebots and intelligent outbound calls for banks.", "ai"),
    ],
)
def test_english_product_words_file_their_makers(shipped, intro, chain):
    """English descriptions (foreign-invested firms' websites) are read by the English product words of each
    segment, plurals included."""
    assert _intro_relevance(shipped, intro, chain) >= DEFAULTS.min_relevance


@pytest.mark.parametrize(
    "intro, chain",
    [
        # an investor's targets and a component maker's customers are application words
        (
            "Jiayi Capital is a venture capital firm focused on hard tech and healthcare. We manage four RMB funds, "
            "investing from Series A to pre-IPO in semiconductors, the new energy vehicle supply chain, innovative "
            "drugs and medical devices.",
            "bio",
        ),
        ("We are an independent distributor of smart meters and circuit breakers for utilities.", "grid"),
        # a firm that states it distributes, resells or trades what it names, up to a clause that makes something
        ("Since 2005 Acme has distributed imported ultrasound systems, endoscopes and defibrillators.", "bio"),
        ("Acme Components resells FPGAs, analog chips and power MOSFETs from stock, with same-day shipping.", "ic"),
        # an English registered name that says the firm trades (… Trading Co., Ltd.)
        ("Shenzhen Acme Trading Co., Ltd. Business type: trading company. GPU servers, AI servers in stock.", "ai"),
    ],
)
def test_english_investors_and_dealers_are_not_filed(shipped, intro, chain):
    """In English too, what a fund invests in (investing / portfolio …) names its targets, not its trade, and a firm
    that calls itself a distributor or a venture capital firm is a vertical business; a full stop and a space end an
    English sentence, so the cue governs its own sentence only."""
    assert _intro_relevance(shipped, intro, chain) < DEFAULTS.min_relevance


def test_an_english_maker_that_also_distributes_is_filed(shipped):
    """A statement that makes something is not a trade statement, whatever trade it names besides: the trade reading
    stops at a clause with a making verb."""
    intro = "Acme designs, manufactures and distributes servo drives and servo motors for machine tools."
    assert _intro_relevance(shipped, intro, "ime") >= DEFAULTS.min_relevance
    intro = "Acme distributes Japanese servo drives, and manufactures harmonic reducers in Suzhou."
    assert _intro_relevance(shipped, intro, "ime") >= DEFAULTS.min_relevance


def test_a_hyphen_between_letters_reads_as_a_space(shipped):
    """fast-charging is fast charging, in the words and in the texts: a hyphenated form of a listed phrase is read."""
    spaced = "Acme builds compact electric SUVs and battery electric light commercial vehicles."
    hyphened = "Acme builds compact electric-SUVs and battery-electric light-commercial vehicles."
    assert _intro_relevance(shipped, hyphened, "nev") == pytest.approx(_intro_relevance(shipped, spaced, "nev"))
    assert _intro_relevance(shipped, hyphened, "nev") >= DEFAULTS.min_relevance


def test_a_word_that_begins_with_a_latin_letter_needs_a_boundary_there(shipped):
    """The 集成电路 chain's exclusion word LED显示 is no part of OLED显示: an OLED panel driver-chip designer is
    not taken for an LED display maker; 面板驱动芯片 is its segment's word."""
    f = frame(intro=["公司设计OLED显示面板驱动芯片和TDDI芯片。", "公司生产LED显示面板驱动芯片。"])
    r = shipped.match(f)
    ic = np.flatnonzero(shipped.segment_chain_ == shipped.chain_ids_.index("ic"))
    assert r.relevance[0, ic].max() >= DEFAULTS.min_relevance
    assert r.relevance[1, ic].max() < r.relevance[0, ic].max() / 2  # an LED display firm stays excluded


def test_contained_match_is_not_counted_twice(m):
    # 集成电路设计 contains no other keyword; 芯片设计 inside 芯片设计服务 counts once
    f = frame(scope=["芯片设计芯片设计芯片设计", "芯片设计"])
    rel = m.transform(f)
    assert rel[0].tolist() == rel[1].tolist()


def test_industry_code_and_leader_evidence(m):
    f = frame(
        company_name=["甲有限公司", "宁德时代新能源科技股份有限公司", "丙有限公司"],
        industry_code=["3841", None, "3849"],
    )
    r = m.match(f)
    b = seg(m, "nev", "battery")
    assert r.relevance[0, b] > 0.5
    assert r.relevance[1, b] > 0.9
    assert "名称含龙头企业“宁德时代”" in evidence_text(m, r, np.array([1]), np.array([b]))[0].as_py()
    assert r.relevance[2, b] == 0  # a neighbour in the same 中类 is not evidence


def test_scope_main_item_code_stands_in_for_a_missing_industry_code(m):
    f = frame(
        scope=["一般项目：锂离子电池制造；技术服务、技术开发", "锂离子电池制造", "餐饮服务；锂离子电池制造"],
        industry_code=[None, "3824", None],
    )
    r = m.match(f)
    b, c = seg(m, "nev", "battery"), seg(m, "nev", "charging")
    assert r.scope_code.tolist() == ["3841", None, "3841"]  # 锂离子电池制造 is GB/T 3841; the export's code wins
    assert r.code_evidence[0, b] > 0 and r.code_evidence[1, b] == 0 and r.code_evidence[1, c] > 0
    # an item code counts like an exported one, wherever the item stands among the main items
    assert r.relevance[0, b] == pytest.approx(r.relevance[2, b])


def test_scope_codes_parse_only_rows_without_industry_code(monkeypatch, m):
    import matcher.engine.match as match_module

    seen = []

    def spy(values):
        seen.extend(values.tolist())
        return real(values)

    real = match_module.main_codes
    monkeypatch.setattr(match_module, "main_codes", spy)
    m.match(frame(scope=["锂离子电池制造", "集成电路设计", None], industry_code=["3841", None, None]))
    assert seen == ["集成电路设计"]


def test_a_scope_subclass_under_the_exported_broad_code_stands_in_for_it(m):
    """An export with only the 大类: the 经营范围 main item's 小类 takes its place where it falls under that
    大类 (锂离子电池制造 3841 under 38), not where it names another trade (集成电路设计 6520 is not under 38)."""
    f = frame(
        intro=["公司生产BMS。"] * 3,
        scope=["锂离子电池制造", "集成电路设计", "锂离子电池制造"],
        industry_code=["38", "38", "3841"],
    )
    r = m.match(f)
    b = seg(m, "nev", "battery")
    assert r.scope_code.tolist() == ["3841", None, None]
    assert r.code_evidence[0, b] > 0 and r.code_evidence[1].nnz == 0
    assert r.broad_code_evidence[0].nnz == 0 and r.broad_code_evidence[1, b] > 0  # the 小类 replaced the 大类
    assert r.relevance[0, b] == pytest.approx(r.relevance[2, b])  # as if the export had given it


def test_scope_items_naming_a_subclass_support_its_segments(fixture_chains):
    m = SegmentMatcher().fit(fixture_chains)
    none = SegmentMatcher(DEFAULTS.replace(scope_code_weight=0.0)).fit(fixture_chains)
    f = frame(
        company_name=["甲电池有限公司", "乙电池有限公司", "丙电池有限公司"],
        # 国标行业 given, so the first item's code is no stand-in; the item names 锂离子电池制造 by its object
        scope=[
            "锂离子电池、动力电池组的研发、生产与销售",
            "餐饮服务；酒店管理；会议服务；锂离子电池生产",
            "锂离子电池制造",
        ],
        industry_code=["3612", "3612", "3841"],
    )
    r, r0 = m.match(f), none.match(f)
    b = seg(m, "nev", "battery")
    w = DEFAULTS.scope_code_weight
    assert r.scope_code_support[0, b] == pytest.approx(w * DEFAULTS.scope_main_factor)  # a main item
    assert r.scope_code_support[1, b] == pytest.approx(w)  # a later item
    assert r.scope_code_support[2].nnz == 0 and m.scope_item_codes_of(r, 2) == ()  # 3841 is the 国标行业: once
    assert m.scope_item_codes_of(r, 0) == ("3841",) and m.scope_item_codes_of(r, 1) == ("3841",)
    assert r.relevance[0, b] > r0.relevance[0, b] and r.relevance[1, b] > r0.relevance[1, b]
    assert r0.scope_code_support.nnz == 0
    # the chain's other segments are supported through chain_support, like an industry code
    assert r.relevance[0, seg(m, "nev", "charging")] > r0.relevance[0, seg(m, "nev", "charging")]


def test_scope_items_alone_never_file_a_segment(fixture_chains):
    strong = SegmentMatcher(DEFAULTS.replace(scope_code_weight=3.0)).fit(fixture_chains)
    # 生产集成电路 names 集成电路制造 (3973, packaging) without a word of the segment's vocabulary
    f = frame(
        company_name=["甲有限公司", "乙芯片设计有限公司"],
        scope=["餐饮服务；生产集成电路"] * 2,
        industry_code=["5611"] * 2,
    )
    r = strong.match(f)
    p, d = seg(strong, "ic", "packaging"), seg(strong, "ic", "design")
    assert r.scope_code_support[0, p] > 0
    assert 0.5 < r.relevance[0].max() < DEFAULTS.min_relevance  # capped below the threshold, still ranked
    assert r.relevance[1, d] >= DEFAULTS.min_relevance  # with text evidence in the chain it counts


def test_industry_code_alone_never_files_a_segment(fixture_chains):
    strong_code = SegmentMatcher(DEFAULTS.replace(code_weight=3.0)).fit(fixture_chains)
    f = frame(company_name=["甲有限公司", "乙动力电池有限公司"], industry_code=["3841", "3841"])
    r = strong_code.match(f)
    b = seg(strong_code, "nev", "battery")
    assert r.relevance[0].max() < DEFAULTS.min_relevance  # capped below the threshold, still ranked
    assert r.relevance[0, b] > 0.5
    assert r.relevance[1, b] >= DEFAULTS.min_relevance  # with a keyword of the chain the code counts in full


def test_a_broad_industry_code_supports_its_chains_where_they_have_text(m, fixture_chains):
    """An export that gives only the 大类 / 中类 (所属行业：电气机械和器材制造业 -> 38): every segment of the chains
    with a listed 小类 under it gets code_weight × broad_code_factor, where the chain has text evidence, not
    spread by chain support; alone it adds nothing, and an unrelated 大类 nothing."""
    f = frame(
        company_name=["甲有限公司", "乙有限公司", "丙有限公司", "丁有限公司", "戊有限公司"],
        intro=["公司生产BMS。", "公司生产BMS。", None, "公司生产BMS。", "公司生产BMS。"],
        industry_code=[None, "38", "38", "384", "62"],
    )
    r = m.match(f)
    b, c, v = seg(m, "nev", "battery"), seg(m, "nev", "charging"), seg(m, "nev", "vehicle")
    amount = DEFAULTS.code_weight * DEFAULTS.broad_code_factor
    for row in (1, 3):  # 38 holds 3841 / 3824 (nev), 384 holds 3841: the whole chain, not spread
        np.testing.assert_allclose(r.evidence[row, [b, c]] - r.evidence[0, [b, c]], amount, rtol=1e-5)
    np.testing.assert_allclose(r.evidence[1, v] - r.evidence[0, v], amount, rtol=1e-5)
    assert r.code_evidence[1].nnz == 0  # no 小类: nothing names a segment
    assert r.relevance[2].max() == 0  # a 大类 alone says nothing
    np.testing.assert_array_equal(r.evidence[4], r.evidence[0])  # 餐饮业 holds no listed 小类
    off = SegmentMatcher(DEFAULTS.replace(broad_code_factor=0.0)).fit(fixture_chains).match(f)
    np.testing.assert_array_equal(off.evidence[1], r.evidence[0])


def test_no_shipped_industry_code_alone_reaches_the_threshold():
    import matcher

    m = SegmentMatcher().fit(matcher.load_chains())
    codes = sorted(m.code_segments_)
    rel = m.transform(frame(industry_code=codes))
    assert rel.max() < DEFAULTS.min_relevance  # 6513 lists 16 segments: chain support must not lift it


def test_repeated_texts_match_once_and_give_same_result(m):
    f = frame(scope=["电芯制造"] * 1000 + [None])
    rel = m.transform(f)
    assert np.all(rel[:1000] == rel[0]) and rel[1000].max() == 0


def test_a_product_made_by_means_of_a_technology_is_the_firms(shipped):
    """ "利用人工智能技术开发医学影像辅助诊断软件": the technology is a means, the software the product; "采用自主研发的
    传感器技术" stays a means."""
    f = frame(
        company_name=["某某科技有限公司", "某某科技有限公司"],
        intro=["公司基于大模型开发智能客服系统和知识库问答系统。", "公司采用大模型技术改进内部客服流程。"],
    )
    rel = _chain_rel(shipped, f)
    assert rel.loc[0, "ai"] >= DEFAULTS.min_relevance and rel.loc[1, "ai"] < DEFAULTS.min_relevance


def test_a_leaders_brand_on_a_business_outside_the_chains_is_not_evidence(shipped):
    """A group's 字号 on its catering or property arm (商汤科技餐饮管理) is the group's brand, not its trade: the
    leader's name counts for nothing on a non-target business; the leader itself stays filed."""
    f = frame(company_name=["上海商汤科技餐饮管理有限公司", "上海商汤科技物业服务有限公司", "上海商汤智能科技有限公司"])
    rel = _chain_rel(shipped, f)
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "ai"] < t and rel.loc[1, "ai"] < t and rel.loc[2, "ai"] >= t


def test_a_leaders_brand_on_its_trading_arm_is_not_evidence(shipped):
    """A leader's name in a trader's or an after-sales arm's name (库卡机器人商贸, 施耐德电气售后服务) is the group's
    brand on a business that makes nothing: it does not file the arm, whose own words rank it; the leader's maker
    name stays filed."""
    names = ["库卡机器人商贸(昆山)有限公司", "施耐德电气售后服务(大连)有限公司", "中车(天津)供应链管理有限公司"]
    makers = ["库卡机器人(上海)有限公司", "施耐德电气(厦门)开关设备有限公司", "中车青岛四方机车车辆股份有限公司"]
    rel = _chain_rel(shipped, frame(company_name=names + makers))
    t = DEFAULTS.min_relevance
    for i, chain in enumerate(("ime", "grid", "rail")):
        assert rel.loc[i, chain] < t <= rel.loc[3 + i, chain]
    assert rel.loc[0, "ime"] > 0  # 机器人 in the trader's name still ranks it
    # where trading is a segment of the chain (Segment.trades: drug distribution), a drug maker's trading arm is filed
    arm = _chain_rel(shipped, frame(company_name=["阿斯利康（无锡）贸易有限公司"]))
    assert arm.loc[0, "bio"] >= t


def test_the_customers_trade_is_not_the_firms(shipped):
    """A customer phrase ("为餐饮企业提供…") names whom the firm serves: a software firm with catering customers is not a catering
    business, and an automaker customer does not make a battery-system maker an automaker."""
    intros = [
        "某科技是一家SaaS服务提供商，为餐饮企业提供收银和会员管理系统。",
        "某科技是一家SaaS服务提供商。",
        "公司是一家餐饮企业，提供收银和会员管理系统。",
        "公司专注于为新能源汽车企业提供电池管理系统。",
    ]
    r = shipped.match(frame(intro=intros))
    rel = shipped.chain_relevance(r)
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "software"] >= rel.loc[1, "software"] >= t
    assert rel.loc[2, "software"] < t  # a catering firm that says so is still a vertical business
    assert int(r.relevance[3].argmax()) == seg(shipped, "nev", "power_battery")
    assert rel.loc[3, "nev"] >= t  # what it supplies its customers is what it does (a core phrase)


def test_core_phrase_words_weigh_more(m):
    # (the middle one's verb is not the description's opening: 甲公司研发动力电池 would state the business)
    f = frame(
        intro=["甲公司是一家动力电池研发商", "甲公司成立于2010年，研发动力电池", "甲公司是一家研发动力电池的单位"]
    )
    b = seg(m, "nev", "battery")
    rel = m.transform(f)
    assert rel[0, b] > rel[1, b] > 0 and rel[2, b] == rel[1, b]  # no core noun: no core phrase
    flat = SegmentMatcher(settings=DEFAULTS.replace(core_factor=1.0)).fit(m_chains(m)).transform(f)
    assert flat[0, b] == flat[1, b] == rel[1, b]
    # by default one segment word where the firm says what it is files it; in any other clause it does
    # not, nor does a generic word in the core phrase
    assert rel[0, b] >= DEFAULTS.min_relevance > rel[1, b]
    generic = m.transform(frame(intro=["甲公司是一家新能源研发商"]))
    assert 0 < generic[0, b] < DEFAULTS.min_relevance
    # so does one segment word as the object of an annual-report business statement
    stated = m.transform(frame(intro=["公司主要从事动力电池的研发和生产", "公司主要从事动力电池贸易"]))
    # (a statement that only trades, 贸易, is a trader's: its product ranks as a weak word, trade_clauses)
    assert stated[0, b] == rel[0, b] >= DEFAULTS.min_relevance > rel[1, b] > stated[1, b] > 0


@pytest.mark.parametrize("word,ascii_case", [("BMS电池", True), ("Δ型传感器", False)])
def test_texts_are_lower_cased_as_the_vocabulary_needs(word, ascii_case):
    from matcher.knowledge.chains import Chain, Segment

    chain = Chain("x", "测试链", "", (Segment("s", "测试环节", "上游", "", (word,)),))
    m = SegmentMatcher().fit({"x": chain})
    assert m.ascii_case_ is ascii_case
    # upper- and lower-case writings of the word match alike, whichever way texts are lower-cased
    rel = m.transform(frame(intro=[word.upper(), word.lower(), "无关"]))
    assert rel[0, 0] == rel[1, 0] > 0 and rel[2, 0] == 0


def test_chain_sums_agree_whether_or_not_segments_are_contiguous(m):
    rng = np.random.default_rng(0)
    values = (rng.random((50, len(m.segments_))) * (rng.random((50, len(m.segments_))) < 0.2)).astype(np.float32)
    expected = values @ m.chain_block_  # the definition: the sum over the segments of each one's chain
    shuffled = SegmentMatcher().fit(m_chains(m))
    shuffled.segment_chain_ = m.segment_chain_[::-1].copy()  # chains no longer in ascending order
    shuffled.chain_block_ = m.chain_block_[::-1, ::-1].copy()
    for matcher_, v, want in ((m, values, expected), (shuffled, values[:, ::-1].copy(), expected[:, ::-1])):
        np.testing.assert_allclose(matcher_._chain_sum(v), want, rtol=1e-6)
        assert np.array_equal(matcher_._chain_sum(v, positive=True), want > 0)


def test_values_that_are_not_strings_are_matched_as_text(m):
    f = frame(company_name=[2024, "甲动力电池有限公司"], intro=[3.5, "专注动力电池"])
    rel = m.transform(f)
    alone = m.transform(frame(company_name=["甲动力电池有限公司"], intro=["专注动力电池"]))
    assert rel[0].max() == 0 and rel[1, seg(m, "nev", "battery")] > 0.5
    assert np.array_equal(rel[1], alone[0])


def test_the_field_policy_table_drives_matching(m, monkeypatch):
    from dataclasses import replace

    import matcher.engine.match as match_module

    f = frame(
        company_name=["甲公司", "乙公司"], intro=[None, "产品广泛应用于动力电池行业"], scope=["动力电池销售", None]
    )
    b = seg(m, "nev", "battery")
    before = m.transform(f)
    assert before[0, b] > 0 and before[1, b] > 0
    name, intro, scope = match_module.FIELD_POLICIES
    plain_intro = replace(intro, clauses=None, core_phrase=None, vertical_cue="none")  # no clause contexts
    monkeypatch.setattr(match_module, "FIELD_POLICIES", (name, plain_intro, replace(scope, weight=0.0)))
    after = m.transform(f)
    assert after[0, b] == 0  # 经营范围 now weighs nothing
    assert after[1, b] > before[1, b]  # an application clause no longer discounts the word


# --------------------------------------------------------------------------------------------
# names read as names, scopes read as items (issue 14), with the shipped chains


@pytest.fixture(scope="module")
def shipped():
    import matcher

    return SegmentMatcher().fit(matcher.load_chains())


def _chain_rel(m, f):
    return m.chain_relevance(m.match(f))


def _intro_relevance(m, intro, chain):
    """One description's relevance in one chain."""
    return float(_chain_rel(m, frame(intro=[intro])).loc[0, chain])


def test_a_roster_of_names_is_filed_by_the_industry_part(shipped):
    names = ["青岛四方轨道装备有限公司", "武汉联影智融医疗科技有限公司", "宁波锋驰汽车电子有限公司", "星河电气有限公司"]
    rel = _chain_rel(shipped, frame(company_name=names))
    assert rel.loc[0, "rail"] >= DEFAULTS.min_relevance
    assert rel.loc[1, "bio"] >= DEFAULTS.min_relevance
    assert rel.loc[2, "nev"] >= DEFAULTS.min_relevance
    # a weak industry word orders the roster but does not file it
    assert 0 < rel.loc[3, "grid"] < DEFAULTS.min_relevance
    for i, best in enumerate(["rail", "bio", "nev", "grid"]):
        assert rel.loc[i].idxmax() == best


def test_a_roster_name_of_a_plain_trade_is_filed(shipped):
    """变压器, 储能, 机器人, 电缆, 液压设备, 语音技术, 算力, 伺服, 电表 and 电池回收 name the trade as plainly
    as 轨道装备; a 机器人 company serves both chains that make robots."""
    names = [
        "南京华瑞变压器有限公司",
        "江苏恒储储能科技有限公司",
        "苏州博越机器人有限公司",
        "广东华智视觉检测设备有限公司",
        "南京金陵电缆有限公司",
        "上海恒锐液压设备有限公司",
        "北京深维语音技术有限公司",
        "杭州海图算力科技有限公司",
        "深圳某某线缆有限公司",
        "星河伺服有限公司",  # 伺服 is no vocabulary word: the name terms are industry words too
        "星河电表有限公司",
        "星河电池回收有限公司",
        "星河轴承有限公司",
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "grid"] >= t and rel.loc[1, "grid"] >= t
    assert rel.loc[2, "ime"] >= t and rel.loc[2, "ai"] >= t
    assert rel.loc[3, "ime"] >= t > rel.loc[3, "ai"]  # 视觉检测设备: machine-vision inspection equipment
    assert rel.loc[4, "grid"] >= t and rel.loc[5, "ime"] >= t
    assert rel.loc[6, "ai"] >= t and rel.loc[7, "ai"] >= t
    assert 0 < rel.loc[8, "grid"] < t  # 线缆: data and consumer cables too
    assert rel.loc[9, "ime"] >= t and rel.loc[10, "grid"] >= t and rel.loc[11, "nev"] >= t
    assert 0 < rel.loc[12, "ime"] < t  # bearings serve every trade: ranked, not filed


def test_an_industry_part_read_through_its_general_trade_words(shipped):
    """再生利用 / 养护 / 监护 end an industry part as 回收利用 does, and 新药 / 心电 name a trade: the product words before
    them are the industry part, not the 字号 (星河动力电池再生利用 was read as a brand and filed nowhere)."""
    names = [
        "星河动力电池再生利用有限公司",
        "星河新药研究有限公司",
        "星河心电监护设备有限公司",
        "星河轨道工程养护机械有限公司",
        "星河人脸识别算法研发有限公司",  # 研发 as 开发
        "星河骨科植入物有限公司",
        "星河电池材料有限公司",  # a battery-materials maker
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "nev"] >= t and rel.loc[1, "bio"] >= t and rel.loc[2, "bio"] >= t and rel.loc[3, "rail"] >= t
    assert rel.loc[4, "ai"] >= t and rel.loc[5, "bio"] >= t and rel.loc[6, "nev"] >= t
    # general words alone name no trade
    rel = _chain_rel(shipped, frame(company_name=["星河再生利用有限公司", "星河养护工程有限公司"]))
    assert (rel.to_numpy() < t).all()


def test_the_brand_of_a_name_is_not_evidence(shipped):
    rel = _chain_rel(shipped, frame(company_name=["芯片王餐饮管理有限公司", "星河芯片有限公司"]))
    assert rel.loc[0].max() == 0  # 芯片 in the 字号 of a restaurant company
    assert rel.loc[1, "ic"] >= DEFAULTS.min_relevance  # 芯片 as the industry part


def test_name_terms_count_only_for_a_name_alone(shipped):
    f = frame(company_name=["星河轨道装备有限公司"] * 2, intro=[None, "公司主营餐饮连锁。"])
    rel = _chain_rel(shipped, f)
    assert rel.loc[0, "rail"] >= DEFAULTS.min_relevance
    assert rel.loc[1, "rail"] < rel.loc[0, "rail"] / 2  # the description says what the company does


def test_plain_business_scopes_file_the_company(shipped):
    scopes = [
        "集成电路设计、集成电路芯片及产品销售；半导体器件专用设备销售",
        "锂离子电池、动力电池组的研发、生产与销售",
    ]
    rel = _chain_rel(shipped, frame(company_name=["星河有限公司"] * 2, scope=scopes))
    assert rel.loc[0, "ic"] >= DEFAULTS.min_relevance
    assert rel.loc[1, "nev"] >= DEFAULTS.min_relevance


def test_main_items_weigh_more_than_later_items(shipped):
    first = "锂离子电池的研发、生产与销售；五金产品批发；日用百货销售；办公用品销售"
    last = "五金产品批发；日用百货销售；办公用品销售；锂离子电池的研发、生产与销售"
    rel = _chain_rel(shipped, frame(company_name=["星河有限公司"] * 2, scope=[first, last]))
    assert rel.loc[0, "nev"] > rel.loc[1, "nev"] > 0


@pytest.mark.parametrize(
    "scope",
    [
        "人工智能基础软件开发；人工智能应用软件开发",
        "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；人工智能基础软件开发；人工智能应用软件开发；"
        "软件开发；数据处理服务；物联网技术服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        # a run of the AI catalogue among more unrelated items: a shell's fashionable items
        "一般项目：人工智能基础软件开发；人工智能应用软件开发；人工智能硬件销售；日用百货销售；服装服饰零售；化妆品零售；"
        "办公用品销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    ],
)
def test_registered_ai_boilerplate_alone_does_not_file_a_shell(shipped, scope):
    rel = _chain_rel(shipped, frame(company_name=["星河科技有限公司"], scope=[scope]))
    assert 0 < rel.loc[0, "ai"] < DEFAULTS.min_relevance


def test_a_scope_that_registers_the_ai_catalogue_at_length_files_the_company(shipped):
    """Three or more AI catalogue items (light_fields, light_run) and little else: an AI company, filed; the
    same items with one taken out stay light."""
    run = (
        "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；人工智能基础软件开发；人工智能应用软件开发；"
        "人工智能理论与算法软件开发；人工智能通用应用系统；软件开发（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    )
    short = run.replace("人工智能理论与算法软件开发；人工智能通用应用系统；", "")
    data = (
        "数据处理服务；人工智能基础资源与技术平台；人工智能公共数据平台；人工智能应用软件开发；软件开发；人力资源服务"
    )
    rel = _chain_rel(shipped, frame(company_name=["星河科技有限公司"] * 3, scope=[run, short, data]))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "ai"] >= t > rel.loc[1, "ai"] > 0
    assert rel.loc[2, "ai"] >= t


@pytest.mark.parametrize(
    "texts",
    [
        [
            "人工智能基础软件开发；人工智能应用软件开发；人工智能理论与算法软件开发；软件开发",  # a run
            "人工智能基础软件开发；人工智能应用软件开发；物联网技术服务；日用百货销售",  # none
            "人工智能应用软件开发（图像识别、自然语言处理）；人工智能硬件销售；餐饮服务",  # a bracket naming goods
            "人工智能应用软件开发（限分支机构经营）；物联网技术服务（除依法须经批准的项目外）",  # qualifications
            "人工智能基础软件开发；人工智能应用软件开发；人工智能硬件销售；日用百货销售；服装服饰零售；化妆品零售；办公用品销售",
            "锂离子电池制造",
            "",
        ]
    ],
)
def test_light_byte_spans_agree_with_the_plain_reading(shipped, texts):
    """The automaton's light items (what _scope_hits weighs by scope_light_factor) are the items the plain
    reading calls light: a run of a field and a bracket naming goods taken out."""
    from matcher.ingest import scope

    rules = scope.boilerplate()
    data = clauses.prepare_texts(texts)
    starts = np.concatenate([[0], np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0) + 1])
    a, b = shipped._light_byte_spans(data, starts)
    got = sorted(data[x:y].decode("utf-8") for x, y in zip(a.tolist(), b.tolist()))
    want = [clauses.prep_text(item) for t in texts for _, item, _, _, light in scope._kept(t, rules)[0] if light]
    assert got == sorted(want)
    assert "人工智能硬件销售" in got and "人工智能理论与算法软件开发" not in got  # both kinds are there


def test_a_roster_row_filed_by_its_industry_part_says_so(shipped):
    f = frame(company_name=["青岛四方轨道装备有限公司", "星河有限公司"])
    r = shipped.match(f)
    best = r.relevance.argmax(axis=1)
    text = evidence_text(shipped, r, np.arange(2), best).to_pylist()
    assert "“轨道装备”" in text[0] and "名称" in text[0]
    assert text[1] == ""


def test_exclusion_words_in_an_application_clause_do_not_suppress(m):
    """An exclusion word that names a customer's trade ("应用于…电动自行车等领域") says nothing against
    the firm's own business; the same word where the firm states its business still suppresses."""
    intros = [
        "公司专业从事锂离子电池的研发。产品广泛应用于电动汽车、电动自行车等领域。",
        "公司专业从事电动自行车锂离子电池的研发。",
        "公司专业从事锂离子电池的研发。",
    ]
    rel = m.transform(frame(intro=intros))
    b = seg(m, "nev", "battery")
    assert rel[0, b] == pytest.approx(rel[2, b])
    assert rel[1, b] < 0.25 * rel[2, b]


def test_founders_who_studied_abroad_do_not_make_a_chip_firm_an_education_business(shipped):
    intros = [
        "星河科技是一家由留学归国人员创办的集成电路芯片设计公司。",
        "星河科技是一家由高校教师创办的集成电路芯片设计公司。",
        "星河科技是一家出国留学中介服务公司，为集成电路芯片设计人才提供咨询。",
    ]
    rel = _chain_rel(shipped, frame(company_name=["星河科技有限公司"] * 3, intro=intros))
    assert rel.loc[0, "ic"] == pytest.approx(rel.loc[1, "ic"]) and rel.loc[0, "ic"] > 0.6
    assert rel.loc[2, "ic"] < rel.loc[0, "ic"] / 2  # a study-abroad agency is a vertical business


def test_weak_words_of_the_business_statement_file_but_rank_below_specific_words(fixture_chains):
    """head_weak_rank: a weak word in the sentence that states the business counts as specific evidence
    for filing (head_weak_factor) but, for ranking, only by this share; what is filed never changes."""
    texts = ["甲公司主要从事新能源。", "乙公司研发动力电池。", "丙公司主要从事新能源，研发动力电池。", None]
    f = frame(intro=texts)
    base = DEFAULTS.replace(min_relevance=0.3, model_weight=0.0)
    as_filed = SegmentMatcher(settings=base.replace(head_weak_rank=1.0)).fit(fixture_chains)
    ranked = SegmentMatcher(settings=base.replace(head_weak_rank=0.0)).fit(fixture_chains)
    half = SegmentMatcher(settings=base.replace(head_weak_rank=0.5)).fit(fixture_chains)
    r1, r0, rh = (m.chain_relevance(m.match(f)) for m in (as_filed, ranked, half))
    assert as_filed.match(f).rank_relevance is None  # share 1: nothing to rank apart
    assert ((r1 >= 0.3) == (r0 >= 0.3)).all().all()  # the same chains filed
    assert r0.loc[1, "nev"] == r1.loc[1, "nev"] > 0  # no weak word in a business statement: no change
    # the weak word alone filed row 0; it stays filed, held at the threshold, below row 1's specific word
    assert r1.loc[0, "nev"] > 0.3 and r0.loc[0, "nev"] == pytest.approx(0.3)
    assert r0.loc[0, "nev"] < r0.loc[1, "nev"] and r1.loc[0, "nev"] > r0.loc[0, "nev"]
    assert r1.loc[2, "nev"] > rh.loc[2, "nev"] > r0.loc[2, "nev"] >= 0.3  # the share scales between the two
    assert (r0.loc[3] == 0).all()


def test_a_logistics_firm_that_uses_agvs_is_not_an_equipment_maker(shipped):
    intros = [
        "公司是一家物流企业，为电商客户提供仓储和配送服务，仓库内使用AGV和自动分拣设备。",
        "公司是一家智能物流装备企业，主要产品为AGV和自动分拣设备。",
    ]
    rel = _chain_rel(shipped, frame(company_name=["星河有限公司"] * 2, intro=intros))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "ime"] < t <= rel.loc[1, "ime"]


def test_a_traditional_description_files_as_its_simplified_form(shipped):
    """A Hong Kong or Taiwan description is read as simplified; a word the vocabulary writes with a character
    outside GB 2312 (昇腾) is still read as written."""
    f = frame(
        company_name=["星河科技有限公司", "星河科技有限公司", "臺灣星河機器人有限公司", "星河科技有限公司"],
        intro=["公司主要從事鋰離子動力電池的研發、生產和銷售。", "公司主要从事锂离子动力电池的研发、生产和销售。", None]
        + ["公司是一家昇腾服务器提供商。"],
    )
    rel = _chain_rel(shipped, f)
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "nev"] == pytest.approx(rel.loc[1, "nev"]) and rel.loc[0, "nev"] >= t
    assert rel.loc[2, "ime"] >= t  # a roster name: 機器人 is 机器人
    assert rel.loc[3, "ai"] >= t


@pytest.mark.parametrize(
    "name, leader",
    [
        ("南京北方物流有限公司", None),  # 南京 + 北方: not 京北方 (a software leader)
        ("汉中车辆维修有限公司", None),  # 汉中 + 车辆: not 中车
        ("南通号角广告有限公司", None),  # 南通 + 号角: not 通号
        ("株洲中车时代电气股份有限公司", "中车时代电气"),  # after the place: the leader
        ("南京医药股份有限公司", "南京医药"),  # the leader's own name begins with the place
        ("京北方信息技术股份有限公司", "京北方"),
        ("北京东方通科技股份有限公司", "东方通科技"),  # 东方 reads as a place word too: the leader starts with it
    ],
)
def test_a_leader_read_across_a_place_is_not_the_leader(shipped, name, leader):
    hits = shipped.match(pd.DataFrame({"company_name": [name]})).leader_hits.tocsr()
    assert [shipped.leaders_[j] for j in hits[0].indices] == ([leader] if leader else [])


@pytest.mark.parametrize(
    "text, absent, present",
    [
        ("公司主营日用品批发，其中药品类商品占比较小。", "中药", "药品"),  # 其中|药品: not 中药, 药品 still counts
        ("公司建立了完善的控制药品质量的体系。", "制药", "药品"),
        ("为客户打造精彩超值的促销活动", "彩超", None),
        ("公司主营药品批发，其中中药饮片占比三成。", None, "中药饮片"),  # 其中 + 中药饮片: the keyword stands
        ("公司拥有直营药店128家，其中医保定点药店96家。", "中医", "药店"),  # 其中|医保: not 中医
        ("门诊部设内科、外科，其中中医科年接诊2万人次。", None, "中医"),  # 其中 + 中医科: the keyword stands
        ("公司设有通信创新中心，研发5G小基站", "信创", None),  # 通信|创新: not 信创
        ("公司为客户编写PLC控制程序", "制程", "PLC"),  # 控制|程序: not a chip's 制程
        ("公司研发供电芯片和电源管理芯片", "电芯", "芯片"),  # 供电|芯片: a chip, not a battery cell
        ("公司承接道路两侧架设护栏工程", "侧架", None),
        ("一般项目：货架销售；货架修理；仓储设备租赁", "架修", None),  # 货架|修理: not a rail overhaul
        ("公司建有蔬菜大棚车间和冷库", "棚车", None),  # 大棚|车间: not a boxcar
        ("公司是一家政务大数据服务商", "家政", "大数据"),  # 一家|政务: not housekeeping
    ],
)
def test_a_keyword_read_across_two_words_is_not_read(shipped, text, absent, present):
    r = shipped.match(pd.DataFrame({"company_name": ["甲有限公司"], "intro": [text]}))
    found = {shipped.vocabulary_[j] for j in r.hits["intro"].tocsr()[0].indices}
    assert absent not in found and (present is None or present in found)


def test_a_vertical_business_the_intro_reveals_damps_the_name_too(shipped):
    """The name is read first; a 简介 that then says the firm is a farm damps the name's keyword (智慧农业) as
    it damps its own words, and as a vertical in the name damps the 简介."""
    names = ["成都天府智慧农业有限公司"] * 2
    intros = ["公司是一家现代农业企业，主要种植有机蔬菜和草莓。", "公司主要种植有机蔬菜和草莓。"]
    r = shipped.match(frame(company_name=names, intro=intros))
    rel = shipped.chain_relevance(r)
    assert rel.loc[0, "software"] < rel.loc[1, "software"]
    damp = DEFAULTS.vertical_factor
    assert r.evidence[0].max() == pytest.approx(damp * r.evidence[1].max(), rel=1e-4)


def test_a_segment_that_serves_its_chain_ranks_after_its_makers(shipped):
    """轨道交通工程建设 serves the rail chain (`serves` in rail.yaml): with a ceiling above min_relevance a contractor's
    relevance above min_relevance is pressed under service_ceiling, order kept, so a maker of the chain's products
    ranks before it; under min_relevance (the default) all of its relevance is scaled under the ceiling: ranked, order
    kept, never filed."""
    import matcher

    texts = [
        "公司具有铁路工程施工总承包特级资质，主要承接铁路、城市轨道交通和隧道工程的施工。",
        "公司是一家轨道交通车辆转向架和制动系统的研发生产企业。",
    ]
    seg = shipped.segments_
    served = [(c, s) for c, s, v in zip(seg["chain_id"], seg["segment_id"], seg["serves"]) if v]
    assert ("rail", "construction") in served and ("grid", "grid_construction") in served
    assert not any(c == "bio" for c, _ in served)  # distributors and hospitals are bio's by the labelling conventions
    col = int(np.flatnonzero((seg["chain_id"] == "rail") & (seg["segment_id"] == "construction"))[0])
    low, top = DEFAULTS.min_relevance, 0.75
    assert DEFAULTS.service_ceiling < low  # by default serving segments rank and do not file

    def relevance(**change):
        m = SegmentMatcher(settings=DEFAULTS.replace(**change)).fit(matcher.load_chains())
        return m.match(frame(intro=texts)).relevance

    pressed, plain = relevance(service_ceiling=top), relevance(service_ceiling=1.0)
    assert plain[0, col] > top  # the contractor's own evidence is strong …
    assert low <= pressed[0, col] <= top < pressed[1].max()  # … yet it ranks after the maker, and is filed
    assert pressed[0, col] == pytest.approx(low + (plain[0, col] - low) * (top - low) / (1 - low), abs=1e-5)
    # the default: above the ceiling pressed between it and just under min_relevance, ranked, never filed
    ranked = relevance()
    ceiling = DEFAULTS.service_ceiling
    assert ceiling < ranked[0, col] < low and round(float(ranked[0, col]), 4) < low
    m = SegmentMatcher(settings=DEFAULTS).fit(matcher.load_chains())
    assert m.served_before(ranked[0, col]) == pytest.approx(plain[0, col], abs=1e-5)  # read back
    assert m.served_before(0.3) == 0.3  # under the ceiling: as it is
    lower = relevance(service_ceiling=0.5)
    assert 0.5 < lower[0, col] < low and lower[0, col] < ranked[0, col]  # the part above the ceiling, pressed
    other = np.flatnonzero(~seg["serves"].to_numpy(dtype=bool))
    assert np.array_equal(pressed[:, other], plain[:, other])  # the makers' segments are untouched
    assert np.array_equal(ranked[:, other], plain[:, other])


def test_a_serving_segments_words_neither_lift_the_makers_nor_back_their_code(shipped):
    """售电 and 地铁运营 are strong words of segments that serve their chains (power_services, rail operation): they
    say what a company serves, not what it makes. They rank the serving segment and do not spread to the makers'
    segments by chain_support, nor back an industry code listed for a maker segment (4420 for the microgrid
    segment) — such a code is then all the makers have, capped under min_relevance. A maker's own word does back it."""
    seg = shipped.segments_
    col = {f"{c}.{s}": i for i, (c, s) in enumerate(zip(seg["chain_id"], seg["segment_id"]))}
    served = [col["grid.power_services"], col["rail.operation"]]
    assert seg["serves"].to_numpy(dtype=bool)[served].all()
    rows = frame(
        company_name=["星辰售电有限公司", "星辰微网科技有限公司", "星辰城市发展集团有限公司"],
        scope=[
            "许可项目：供电业务。一般项目：售电业务；合同能源管理；节能管理服务",
            "一般项目：微电网控制器研发；合同能源管理；节能管理服务",
            None,
        ],
        industry_code=["4420", "4420", None],
        intro=[None, None, "公司负责城市轨道交通线网的投资和建设，下设地铁运营公司。"],
    )
    r = shipped.match(rows)
    rel, t = r.relevance, DEFAULTS.min_relevance
    vpp = col["grid.vpp_microgrid"]
    assert r.code_evidence[0, vpp] > 0 and r.code_evidence[1, vpp] > 0  # 4420 lists the microgrid segment
    assert 0 < rel[0, vpp] < t  # the code alone for the makers: ranked, not filed
    assert rel[0, col["grid.power_services"]] > rel[0, vpp]  # the retailer ranks on what it serves
    assert rel[1, vpp] >= t  # a maker's word backs the code
    makers = ~seg["serves"].to_numpy(dtype=bool)
    grid = (seg["chain_id"] == "grid").to_numpy() & makers
    assert rel[0, grid].max() < t
    rail = (seg["chain_id"] == "rail").to_numpy()
    assert rel[2, rail].max() < t  # a metro builder and operator: the name's words and 地铁运营 file no rail maker
    assert rel[2, col["rail.operation"]] == rel[2, rail].max()
    assert not reaches(shipped.chain_relevance(r).to_numpy()[[0, 2]], t).any()


def test_the_hold_files_on_the_makers_segments_alone(shipped):
    """Where the ranking and the filing relevance differ (the learned model joined, the knowledge files), the hold
    reads the segments that file: a serving segment above min_relevance (a charging operator's 供电业务 and
    建设工程施工) neither files the chain nor lifts its makers over the threshold, and a chain the knowledge files on a
    maker stays filed on that maker whatever segment ranks first."""
    seg = shipped.segments_
    n, t = len(seg), DEFAULTS.min_relevance
    grid = (seg["chain_id"] == "grid").to_numpy()
    serve = seg["serves"].to_numpy(dtype=bool)
    service, maker = np.flatnonzero(grid & serve)[0], np.flatnonzero(grid & ~serve)[0]
    filing, ranked = np.zeros((2, n), dtype=np.float32), np.zeros((2, n), dtype=np.float32)
    filing[0, [service, maker]], ranked[0, [service, maker]] = (0.80, 0.60), (0.85, 0.62)  # serves only
    filing[1, [service, maker]], ranked[1, [service, maker]] = (0.75, 0.72), (0.90, 0.66)  # makes, ranked as a service
    before = ranked.copy(), filing.copy()
    out = shipped._held(ranked, filing)
    np.testing.assert_array_equal(ranked, before[0])  # the inputs as they were (the hold zeroes and restores)
    np.testing.assert_array_equal(filing, before[1])
    assert out[0, grid].max() < t and out[0, service] > out[0, maker]
    assert out[1, maker] >= t and out[1, service] < t
    pressed = shipped._serve_below_makers(ranked)
    assert out[0, service] == pytest.approx(pressed[0, service])  # a serving segment ranks as pressed


@pytest.mark.parametrize("kind", ["float", "bool"])
def test_whether_a_chain_has_evidence_is_the_plain_definition(shipped, kind):
    """_chain_has (one reduceat with the serving columns zeroed) against its plain definition: for a segment that
    files, any value > 0 in a segment of its chain that files; for a serving segment, in any segment of its chain."""
    rng = np.random.default_rng(5)
    values = rng.random((300, len(shipped.segment_chain_))).astype(np.float32)
    values[values < 0.97] = 0
    values[:50, shipped.serving_] = 1.0  # rows where only serving segments have any
    values[:50, ~np.isin(np.arange(values.shape[1]), shipped.serving_)] = 0
    if kind == "bool":
        values = values > 0
    same = shipped.segment_chain_[:, None] == shipped.segment_chain_[None, :]
    files = shipped.makers_.astype(bool)
    plain = np.empty(values.shape, dtype=bool)
    for j in range(values.shape[1]):
        among = same[j] & (files if files[j] else True)
        plain[:, j] = (values[:, among] > 0).any(axis=1)
    np.testing.assert_array_equal(shipped._chain_has(values), plain)
    assert not shipped._chain_has(values)[:50, files].any()  # serving words alone: no maker has text


def test_a_trade_industry_code_makes_a_trader(shipped):
    """国标行业 5179 电气设备批发 is the registry's word that the company trades: the making items of its 经营范围 (a
    PLC wholesaler registers 电子产品的技术开发 beside its sales) and the products its own name names rank it and do not
    file it, as beside a trader's name. A trade code a segment lists (5151 西药批发: bio's distribution) is that
    segment's own evidence, and the same company without the code is filed as before."""
    scope = (
        "一般项目：可编程控制器、伺服驱动器、变频器、工控机的销售；工业自动化设备的维修服务；电子产品的技术开发；"
        "机电设备的上门安装及维修"
    )
    rows = frame(
        company_name=["深圳市星辰工控设备有限公司"] * 2 + ["星辰医药有限公司"],
        scope=[scope, scope, "许可项目：药品批发；药品零售。一般项目：第二类医疗器械销售"],
        industry_code=["5179", None, "5151"],
    )
    rel = shipped.chain_relevance(shipped.match(rows))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ime"] < t <= rel.loc[1, "ime"]  # ranked by what it sells, filed without the code
    assert rel.loc[0, "ime"] < rel.loc[1, "ime"] / 2
    assert rel.loc[2, "bio"] >= t
    np.testing.assert_array_equal(
        shipped._trade_coded(np.array(["5179", "5274", "5151", "5267", "3421", "51", None], dtype=object)),
        [True, True, False, False, False, False, False],
    )


def test_a_repair_lease_or_construction_industry_code_reads_as_a_trade(shipped):
    """国标行业 of repair (43), construction (47–50) and lease (71) tells the same as a trade code: the firm services,
    installs or builds with other makers' goods, so the making items its 经营范围 also registers rank it and do not file
    it; the same scope without the code is filed. A 小类 a segment lists (4341 铁路运输设备修理: rail's maintenance,
    4811 铁路工程建筑: rail's construction) is that segment's own evidence."""
    mining = "一般项目：专用设备修理；液压支架、采煤机的维修及再制造；矿山机械制造；矿山机械销售；机械零件、零部件加工"
    power = "一般项目：电气设备修理；变压器、互感器、开关柜的修理；变压器制造；输配电及控制设备销售"
    security = "一般项目：安防监控系统工程施工；人脸识别智能摄像机的研发与制造；安防设备销售；网络布线"
    rail = "一般项目：铁路机车车辆配件制造；轨道交通设备的检修与维护；城市轨道交通设备制造"
    rows = frame(
        company_name=["晋中市恒岳矿山设备维修有限公司"] * 2
        + ["临汾市华电变压器修理有限公司"] * 2
        + ["太原市晋轨车辆检修有限公司"]
        + ["临沂市慧眼安防工程有限公司"] * 2,
        scope=[mining, mining, power, power, rail, security, security],
        industry_code=["4330", None, "4350", None, "4341", "4910", None],
    )
    rel = shipped.chain_relevance(shipped.match(rows))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ime"] < t <= rel.loc[1, "ime"]
    assert 0 < rel.loc[2, "grid"] < t <= rel.loc[3, "grid"]
    assert rel.loc[4, "rail"] >= t
    assert 0 < rel.loc[5, "ai"] < t <= rel.loc[6, "ai"]
    # … and services to households (8070 美容服务, 8111 汽车修理与维护: a salon's AI skin test, a garage's EV parts)
    # … and business services but a group's headquarters (7284 会议、展览及相关服务, 7251 互联网广告服务; not 7211
    # 企业总部管理, whose scope lists its group's making)
    codes = ["4330", "4350", "7114", "4910", "5011", "8070", "8111", "7284", "7251", "728", "49"]
    # (not a 大类 or 中类 given alone where a segment lists one of its 小类: 43 holds 4341, 52 holds 5267; nor 72 whole)
    codes += ["4341", "4811", "7010", "43", "52", "72", "7211", "7212"]
    np.testing.assert_array_equal(shipped._trade_coded(np.array(codes, dtype=object)), [True] * 11 + [False] * 8)
    # an exhibition firm that registers 软件开发 and 信息系统集成服务 among its items ranks in software, unfiled; with no
    # code the same items are read as before
    fair = "一般项目：会议及展览服务；组织文化艺术交流活动；广告设计、代理；信息系统集成服务；软件开发；礼仪服务"
    rel = shipped.chain_relevance(shipped.match(frame(scope=[fair, fair], industry_code=["7284", "6513"])))
    assert 0 < rel.loc[0, "software"] < t <= rel.loc[1, "software"]


def test_a_description_beside_a_trade_industry_code_ranks_its_goods(shipped):
    """A description beside a trade, repair or lease 国标行业 names what the registry says the firm sells, repairs or
    lets: a repair shop's 挖掘机、装载机的液压系统维修 and a rental firm's 迎宾机器人 rank, they do not file (the same
    descriptions without the code, or beside a maker's code, are filed); the reason says the code made it so."""
    repair = "专业从事挖掘机、装载机等工程机械的研发和液压系统维修。"
    rental = "为商场开业和车展提供迎宾机器人和服务机器人，并负责现场演出。"
    rows = frame(
        company_name=["贵阳甲乙工程机械有限公司"] * 2 + ["北京甲乙机器人科技有限公司"] * 3,
        intro=[repair, repair, rental, rental, rental],
        industry_code=["4330", None, "7119", None, "3491"],
    )
    rel = shipped.chain_relevance(shipped.match(rows))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ime"] < t <= rel.loc[1, "ime"]
    assert 0 < rel.loc[2, "ai"] < t <= rel.loc[3, "ai"] and rel.loc[4, "ai"] >= t


def test_rail_operation_and_maintenance_reads_as_maintenance(shipped):
    """城轨运营维护 (O&M) names the maintenance segment, not operation (a service that ranks only): a maker of O&M
    information systems (走行部在线监测, 智能运维平台) is filed and ranked in 检修维保与智能运维 (its weak words filed it at the
    minimum and ranked it at 0.18: 运营维护 read as the operation segment's 城轨运营)."""
    intro = "公司专注城轨运营维护信息化，产品包括列车走行部在线监测系统和车辆段智能运维平台，已在多条地铁线路使用。"
    r = shipped.match(frame(company_name=["株洲市轨维通科技有限公司"], intro=[intro]))
    j = seg(shipped, "rail", "maintenance")
    ranked = r.relevance if r.rank_relevance is None else r.rank_relevance  # it ranks as filed, not by weak words
    assert r.relevance[0, j] >= DEFAULTS.min_relevance and int(np.argmax(r.relevance[0])) == j
    assert ranked[0, j] >= DEFAULTS.min_relevance


def test_a_resold_words_strong_part_is_summed_afresh(shipped):
    """What is resold moves from strong to weak; the strong part left is the kept words' own sum, not the whole less
    the moved (whose float residues, 1e-7, counted as a strong word in the chain and so let the weak words count in
    full — for a company in some lists and not in others)."""
    from matcher.engine.match import FieldHits

    rng = np.random.default_rng(3)
    n, p = 40, shipped._pattern_keywords_.shape[0]
    strong = np.flatnonzero(np.asarray((shipped._pattern_keywords_ @ shipped.strong_weights_).sum(axis=1)).ravel() > 0)
    cols = rng.choice(strong, size=(n, 6))
    hits = sp.csr_matrix(
        (rng.uniform(0.3, 1.7, n * 6).astype(np.float32), (np.repeat(np.arange(n), 6), cols.ravel())), shape=(n, p)
    )
    sold_cols = cols[:, :3]  # half of each row's words resold
    resold = sp.csr_matrix(
        (np.ones(n * 3, dtype=np.float32), (np.repeat(np.arange(n), 3), sold_cols.ravel())), shape=(n, p)
    )
    resold.data[:] = 1
    counted = FieldHits(hits, None, None, resold)
    part, weak, moved = shipped._keyword_parts(counted, (hits @ shipped._pattern_keywords_).tocsr())
    kept = (hits - hits.multiply(resold)).tocsr()
    kept.eliminate_zeros()
    want = ((kept @ shipped._pattern_keywords_) @ shipped.strong_weights_).toarray()
    np.testing.assert_array_equal(part.toarray(), want)  # exactly: no residue where nothing is kept
    everything = FieldHits(hits, None, None, (hits > 0).astype(np.float32).tocsr())
    part, _, _ = shipped._keyword_parts(everything, (hits @ shipped._pattern_keywords_).tocsr())
    assert part.nnz == 0 or not part.toarray().any()


def test_a_business_the_intro_states_damps_the_registered_scope_and_code(shipped):
    """A 天眼查 row: the registered 经营范围 and 国标行业 of an app company read as software's, the 简介 says it is a
    learning app sold to parents — an education business: its scope and code count × vertical_factor, as its own
    words do. A vertical word in the name alone (甲乙教育科技) does not damp what the firm registered."""
    scope = "一般项目：软件开发；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；计算机系统服务"
    rows = frame(
        company_name=["北京甲乙科技有限公司", "北京甲乙科技有限公司", "北京甲乙教育科技有限公司"],
        scope=[scope] * 3,
        industry_code=["6513"] * 3,
        intro=[
            "甲乙是一家面向中小学生的教育公司，售卖线上课程，收入来自家长订阅。",
            "甲乙为制造企业开发生产排程软件。",
            None,
        ],
    )
    r = shipped.match(rows)
    rel = shipped.chain_relevance(r)
    assert rel.loc[0, "software"] < DEFAULTS.min_relevance <= rel.loc[1, "software"]
    assert rel.loc[2, "software"] >= DEFAULTS.min_relevance
    assert r.code_evidence[1].sum() > 0
    assert r.code_evidence[0].sum() == pytest.approx(DEFAULTS.vertical_factor * r.code_evidence[1].sum(), rel=1e-4)


def test_a_firms_job_advertisement_is_no_recruiting_business(shipped):
    """某某科技有限公司招聘Java后端开发工程师: the firm hires, it does not recruit for others — its statement of business
    is read in full; a recruiting platform or company (招聘平台, 招聘公司) is still a vertical business."""
    stated = "公司主营政务云平台运维、数据共享交换平台和一网通办系统开发。"
    rel = _chain_rel(
        shipped,
        frame(intro=["广西某某科技有限公司招聘Java后端开发工程师（政务大数据方向）。" + stated, stated]),
    )
    assert rel.loc[0, "software"] >= DEFAULTS.min_relevance
    assert rel.loc[0, "software"] == pytest.approx(rel.loc[1, "software"], abs=0.1)
    for platform in ("公司是一家AI驱动的招聘公司。", "公司是一家面向蓝领的招聘平台，通过AI智能匹配推荐岗位。"):
        assert _chain_rel(shipped, frame(intro=[platform])).loc[0, "ai"] < DEFAULTS.min_relevance, platform


@pytest.mark.parametrize(
    "tail",
    [
        "营销中心位于上海",  # the maker's own sales office
        "拥有自有物业厂房2万平方米",
        "核心团队具有名校教育背景",
        "员工500人，其中营销人员50人",
        "已通过IATF16949认证，在全国设有营销网点",
    ],
)
def test_a_vertical_word_after_the_business_statement_damps_nothing(shipped, tail):
    """A vertical word reveals a non-target business only in the clause that states the business (是一家…的营销
    公司) or in the list that clause opens (…，包括体检预约); in the clauses after it — the maker's sales office,
    premises, team — it says nothing of the trade."""
    lead = "公司是一家专业生产动力电池的企业"
    r = shipped.match(frame(intro=[lead + "。", lead + "，" + tail + "。"]))
    assert r.evidence[1].max() == pytest.approx(r.evidence[0].max(), rel=1e-4)
    r = shipped.match(frame(intro=["公司是一家动力电池营销公司。", "公司致力于为家庭提供预约服务，包括体检预约。"]))
    stated = shipped.match(frame(intro=["公司是一家动力电池公司。", "公司致力于为家庭提供预约服务。"]))
    assert r.evidence[0].max() < stated.evidence[0].max()  # stated: damped
    assert r.relevance[1].max() <= stated.relevance[1].max()


def test_an_item_that_only_sells_counts_less(shipped):
    """A 经营范围 that sells robots and makes none is a reseller's: its words count × scope_trade_factor; the
    maker's, which registers making and selling, counts in full, and so does a keyword that names trade
    itself (药品批发, pharmaceutical distribution)."""
    import matcher

    scopes = [
        "一般项目：工业机器人销售；智能机器人销售；五金产品批发。",
        "一般项目：工业机器人制造；工业机器人销售；智能机器人的研发。",
        "许可项目：药品批发；第三类医疗器械经营。",
    ]
    rel = _chain_rel(shipped, frame(scope=scopes))
    plain = SegmentMatcher(DEFAULTS.replace(scope_trade_factor=1.0)).fit(matcher.load_chains())
    full = plain.chain_relevance(plain.match(frame(scope=scopes)))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "ime"] < full.loc[0, "ime"] and rel.loc[0, "ime"] < t  # the reseller's words count less
    assert rel.loc[1, "ime"] == full.loc[1, "ime"] >= t
    assert rel.loc[2, "bio"] == full.loc[2, "bio"] > 0


@pytest.mark.parametrize(
    "intro, chain, filed",
    [
        ("公司是一家服务机器人研发商，主要产品为酒店送物机器人和餐饮机器人。", "ai", True),  # the robots' users
        ("公司是一家酒店管理公司，主要经营连锁酒店，提供客房和会议服务。", "software", False),
        ("公司是一家整合营销解决方案提供商，为品牌提供短视频投放服务。", "software", False),  # what a vertical sells
        ("公司专注于在线教育app的运营，提供少儿编程直播课。", "software", False),
        # 二手 describes the goods, not their users: a second-hand dealer is what the firm is (goods_words)
        ("公司主要从事二手工程机械的收购、翻新和销售，常备挖掘机、装载机现机。", "ime", False),
        # 专注 without 于 states the business as well: the school's course list is not its trade
        ("甲乙教育专注IT职业技能培训，开设Java开发、软件测试、大数据分析和人工智能算法课程。", "software", False),
        # a verb between them (开设, 销售 …) makes the product what the school or shop offers: 学校 names the business
        ("学校开设工业机器人操作与维护、数控机床编程等专业，与多家制造企业共建实训车间。", "ime", False),
    ],
)
def test_a_vertical_word_before_a_product_names_its_users(shipped, intro, chain, filed):
    """酒店 in 酒店送物机器人 says who uses the robot, not that the firm runs hotels; 营销 before 解决方案 and 教育 before
    app still say what the firm is."""
    rel = _intro_relevance(shipped, intro, chain)
    assert bool(rel >= DEFAULTS.min_relevance) is filed


@pytest.mark.parametrize(
    "intro, chain",
    [
        # a park, a fair and a fund are named by the trade they host (venue_words)
        ("这座由本地房企投资开发的人工智能产业园位于高新区核心地段，将重点打造大模型产业集群。", "ai"),
        ("目前每年在上海主办国际半导体设备与材料展览会、功率器件展等6个专业展会。", "ic"),
        ("集成电路产业投资基金管理公司，重点投向设备、材料和芯片设计领域的成长期企业。", "ic"),
        # a keyword listed before one that names the venue names it too
        (
            "公司主办的新能源汽车及智能网联汽车博览会已连续举办8届，展览面积10万平方米，每年吸引整车、电池、充电设施企业500余家参展。",
            "nev",
        ),
        # an opening clause with no cue names the business as a head clause does
        ("职业技能培训学校，开设工业机器人操作与运维、PLC编程、电工等培训课程，年培训学员5000人次。", "ime"),
        ("本所由律师和专利代理师组成，专注集成电路布图设计保护、半导体专利诉讼与337调查应对。", "ic"),
        ("本店为某品牌新能源汽车授权4S店，集新车销售、售后维修与充电桩安装服务于一体。", "nev"),  # 为: "is"
        # what a firm has bought and uses is its tools, not its trade
        ("公司是一家汽车座椅骨架生产企业，近年引进焊接机器人120台、AGV物流系统和数控机床。", "ime"),
        ("第三方仓储物流服务商，为电商客户提供仓储、分拣和配送，仓内部署了AGV和自动分拣线。", "ime"),
        (
            "顺通物流武汉仓启用200台AGV搬运机器人和自动分拣线，日处理包裹能力提升至80万件。公司主营快递分拨、仓储和城市配送业务。",
            "ime",
        ),
        # where a fund's money goes, what a firm says it does not do, the projects a contractor has built
        ("规模30亿元的产业基金在市内签约，基金将重点投向大模型、智能机器人和计算机视觉领域的早期项目。", "ai"),
        ("公司主营燃气发电和供热业务，报告期内未开展输配电、配电网运营及售电业务。", "grid"),
        (
            "公司是一家钢结构工程企业，主要产品包括桥梁钢结构和厂房网架，近年承接了多个高铁站房、动车段和地铁车辆段钢结构工程。",
            "rail",
        ),
        # a slogan opens the description; the statement after it names the business (培训中心)
        ("轨道交通人才从这里起航！城轨职业技能培训中心开设地铁列车司机、站务员和检修工培训。", "rail"),
    ],
)
def test_hosts_owners_and_advisers_of_a_trade_are_not_filed_by_it(shipped, intro, chain):
    """A park developer, a fair organiser, a fund, a school, a law firm, a factory that buys robots: the chain's
    words in their descriptions name what they host, teach, advise on or use, and do not file them."""
    rel = _intro_relevance(shipped, intro, chain)
    assert rel < DEFAULTS.min_relevance


@pytest.mark.parametrize(
    "intro, chain",
    [
        ("公司是一家工业机器人研发和生产企业，总部位于上海机器人产业园。", "ime"),  # its park is where it stands
        ("据当地媒体报道，这家疫苗企业专业研发的四价流感疫苗近日获批上市，另有狂犬病疫苗处于临床阶段。", "bio"),
        ("公司是由某汽车集团和两家创投基金共同成立的电动汽车整车企业，主要生产纯电动乘用车。", "nev"),
        ("公司是一家集成电路设计企业，专业研发电源管理芯片，获国家集成电路产业投资基金投资。", "ic"),
    ],
)
def test_a_maker_that_names_parks_media_or_funds_is_still_filed(shipped, intro, chain):
    """The venue after a keyword damps that keyword only; a report's source (据…媒体报道) states no business;
    a shareholder's 创投 and a fund that invested are not the firm's trade."""
    rel = _intro_relevance(shipped, intro, chain)
    assert rel >= DEFAULTS.min_relevance


def test_a_venue_damps_only_the_keyword_right_before_it(shipped):
    """_before_venue: a keyword followed by a venue word within VENUE_GAP characters of its clause, nothing else."""
    intros = [
        "公司入驻人工智能产业园。",
        "公司成立于2010年，生产工业机器人，位于城东新区产业园。",
        "公司成立于2010年，研发人工智能，，产业园位于城东。",
        "公司成立于2010年，研发人工智能并为城东多家企业建设产业园。",
    ]
    hits = shipped.match(frame(intro=intros)).hits["intro"].tocsr()
    k = shipped.vocabulary_.index("人工智能")
    r = shipped.vocabulary_.index("工业机器人")
    assert hits[0, k] == pytest.approx(DEFAULTS.application_factor)  # 人工智能产业园: a park
    assert hits[1, r] == pytest.approx(1.0)  # 工业机器人，…产业园: another clause
    assert hits[2, k] == pytest.approx(1.0)  # a break between
    assert hits[3, k] == pytest.approx(1.0)  # too far on


def test_a_scope_copied_into_the_intro_is_read_as_a_scope(shipped):
    """企查查 writes a 简介 for a company without one: "…成立于…，法定代表人为…。经营范围包括…". The copy is read as
    the 经营范围 it is (its AI boilerplate light, a resale item a resale), exactly as if exported in that column."""
    head = "深圳市某某科技有限公司成立于2021年03月15日，注册地位于深圳市南山区，法定代表人为张明。经营范围包括"
    scopes = [
        "一般经营项目是：人工智能应用软件开发；人工智能基础软件开发；物联网技术服务；电子产品销售；国内贸易。",
        "一般项目：工业机器人销售；智能机器人销售；电子产品销售；五金产品批发；日用百货销售。",
    ]
    names = ["深圳市某某科技有限公司", "上海某某商贸有限公司"]
    copied = _chain_rel(shipped, frame(company_name=names, intro=[head + s for s in scopes]))
    exported = _chain_rel(shipped, frame(company_name=names, scope=scopes))
    t = DEFAULTS.min_relevance
    assert copied.loc[0, "ai"] < t and copied.loc[1, "ime"] < t
    np.testing.assert_allclose(copied.to_numpy(), exported.to_numpy(), atol=1e-6)


def test_a_scope_without_a_code_carries_its_trade_in_its_main_items(shipped):
    """With no 国标行业 and no main item naming a 小类, a strong keyword in a main item that makes the product counts
    × scope_codeless_factor: "工业机器人的研发、生产、销售" alone files a robot maker. A code in the export or a main
    item's 小类 name, an item that only sells or serves (数控车床加工, 铁路运输辅助活动), and a weak word are read as
    before."""
    import matcher

    scopes = [
        "工业机器人的研发、生产、销售；技术服务。",  # no code anywhere
        "工业机器人的研发、生产、销售；技术服务。",  # the same with the export's 国标行业
        "工业机器人制造；技术服务。",  # the main item is the 小类 3491's name
        "一般项目：工业机器人销售；五金产品批发。",  # only sells
        "轴承、轴承配件生产、销售；钢材销售。",  # 轴承 is a weak word
        "精密五金件的加工；数控车床加工。",  # a job shop's service on CNC lathes, not a maker's (加工)
        "铁路运输辅助活动；国内货物运输代理。",  # a service, nothing made
    ]
    codes = [None, "3491", None, None, None, None, None]
    plain = SegmentMatcher(DEFAULTS.replace(scope_codeless_factor=1.0)).fit(matcher.load_chains())
    f = frame(scope=scopes, industry_code=codes)
    new, old = shipped.match(f), plain.match(f)
    t = DEFAULTS.min_relevance
    k_new, k_old = (shipped.chain_relevance(r)["ime"] for r in (new, old))
    assert k_old[0] < t <= k_new[0]  # filed only as a scope without a code
    for i in (1, 2, 3, 4, 5, 6):
        np.testing.assert_array_equal(new.evidence[i], old.evidence[i])
    assert old.evidence[5].max() > 0 and old.evidence[6].max() > 0  # they hold strong words all the same
    assert new.evidence[0].max() > old.evidence[0].max()
    # a main item naming a 小类 no segment lists (机械零部件加工: 3484) supports nothing: the text carries the trade
    f = frame(scope=["数控机床及配件的制造、销售；机械零部件加工。"])
    assert shipped.match(f).evidence[0].max() > plain.match(f).evidence[0].max()
    # the 小类 a main item names supports its own chain only: beside 信息系统集成服务 (software's 6531) a robot
    # maker's main item still carries the robot trade, and the software chain's evidence is read as before
    f = frame(scope=["工业机器人的研发、生产、销售；信息系统集成服务。"])
    new, old = shipped.match(f), plain.match(f)
    ime = shipped.segment_chain_ == shipped.chain_ids_.index("ime")
    soft = shipped.segment_chain_ == shipped.chain_ids_.index("software")
    assert new.evidence[0][ime].max() > old.evidence[0][ime].max()
    np.testing.assert_array_equal(new.evidence[0][soft], old.evidence[0][soft])
    assert shipped.chain_relevance(new).loc[0, "ime"] >= t
    # an export that gives only the 大类 (65) or 中类 (651) names no 小类 either: the main items carry the trade
    f = frame(scope=["一般项目：软件开发；软件销售；计算机系统服务。"] * 3, industry_code=["65", "651", "6513"])
    new, old = shipped.match(f), plain.match(f)
    assert new.evidence[0].max() > old.evidence[0].max() and new.evidence[1].max() > old.evidence[1].max()
    np.testing.assert_array_equal(new.evidence[2], old.evidence[2])


def test_a_keyword_naming_an_operated_business_carries_the_trade_of_a_codeless_scope(shipped):
    """A strong keyword that ends in an operated activity (operated_activities: 电动汽车充电基础设施运营) names the
    business a charging operator runs: in a main item of a scope without a code it counts × scope_codeless_factor
    as an item that makes its product does. The same activity after another item's object (健康资讯平台运营) does
    not: that scope's evidence is what it is without the factor."""
    import matcher

    operator = "一般项目：电动汽车充电基础设施运营；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广"
    f = frame(scope=[operator, "一般项目：健康体检预约APP及健康资讯平台运营；健康咨询服务（不含诊疗服务）"])
    plain = SegmentMatcher(DEFAULTS.replace(scope_codeless_factor=1.0)).fit(matcher.load_chains())
    new, old = shipped.match(f), plain.match(f)
    nev = shipped.segment_chain_ == shipped.chain_ids_.index("nev")
    assert new.evidence[0][nev].max() > old.evidence[0][nev].max() > 0
    np.testing.assert_array_equal(new.evidence[1], old.evidence[1])
    assert shipped._pattern_operated_[shipped.patterns_.index("电动汽车充电基础设施运营")]
    assert not shipped._pattern_operated_[shipped.patterns_.index("充电站")]


def test_a_scope_that_makes_nothing_ranks_what_it_sells_but_never_files_it(shipped):
    """A 经营范围 whose items only sell, lease or serve (no 制造 / 研发 / 开发 … item) is a reseller's: the products
    it names count as weak words (the company ranks in the chain, lower than a maker, and is not filed), however
    many sale items pile up. A scope that makes something keeps its sale items' evidence; a keyword that names
    trade as the business (药品批发) is read in full; service items (充电站运营) are not sales."""
    sells = "工业机器人销售；智能机器人销售；伺服控制机构销售；工业自动控制系统装置销售；机械设备销售"
    scopes = [
        sells,  # a reseller of robots
        "工业机器人制造；" + sells,  # a maker that sells them too
        "五金产品制造；" + sells,  # makes something else: its sales count as before
        "药品批发；药品零售",  # distribution is a segment of its own
        "充电桩销售；充电站运营；换电站建设",  # operates stations
    ]
    f = frame(scope=scopes, company_name=["甲乙有限公司"] * len(scopes))
    res = shipped.match(f)
    rel = shipped.chain_relevance(res)
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ime"] < t <= rel.loc[1, "ime"]
    assert res.evidence[2].max() > res.evidence[0].max()
    assert rel.loc[3, "bio"] >= t
    operated = shipped.match(frame(scope=["充电站运营；换电站建设"], company_name=["甲乙有限公司"]))
    assert res.evidence[4].max() >= operated.evidence[0].max() > 0  # the operator's own items count in full
    import matcher

    plain = SegmentMatcher(DEFAULTS.replace(scope_trade_factor=1.0)).fit(matcher.load_chains())
    assert plain.chain_relevance(plain.match(f)).loc[0, "ime"] >= t  # without the trade rules it would file


def test_a_scope_reads_nothing_in_a_bracket_that_excludes_it(shipped):
    """（不含职业中介活动、劳务派遣服务） is the catalogue's wording of 人力资源服务: what it names the company does not do,
    so neither its keywords nor its exclusion words count (an IT firm registering the item stays an IT firm); the
    same words outside such a bracket are read."""
    it = "信息系统运行维护服务；软件外包服务；软件开发；"
    scopes = [
        it + "人力资源服务（不含职业中介活动、劳务派遣服务）",
        it + "人力资源服务",
        "五金产品批发（不含工业机器人、伺服电机）；日用百货销售",
        "五金产品批发；工业机器人制造（象牙及其制品除外）",
        "五金产品批发；日用百货销售",
    ]
    rel = _chain_rel(shipped, frame(scope=scopes, company_name=["甲乙有限公司"] * len(scopes)))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "software"] >= t
    assert rel.loc[0, "software"] == pytest.approx(rel.loc[1, "software"], abs=0.05)
    assert rel.loc[2, "ime"] == pytest.approx(rel.loc[4, "ime"], abs=0.01)  # as if the bracket were not there
    assert rel.loc[3, "ime"] >= t  # the item before the bracket is read


def test_the_goods_a_bracket_names_after_a_sale_item_are_sold_too(shipped):
    """工业自动控制系统装置销售（代理西门子、三菱PLC及伺服驱动产品）: the bracket names what the dealer sells, so its words
    are a reseller's (ranked, not filed) as the item's are; the same words in a bracket after a making item count."""
    sold = "工业自动控制系统装置销售（代理西门子、三菱PLC及伺服驱动产品）；电气设备销售；电子元器件批发"
    made = "工业自动控制系统装置制造（PLC及伺服驱动产品）；电气设备销售"
    rel = _chain_rel(shipped, frame(scope=[sold, made], company_name=["甲乙有限公司"] * 2))
    assert 0 < rel.loc[0, "ime"] < DEFAULTS.min_relevance <= rel.loc[1, "ime"]


def test_a_park_operators_scope_is_not_filed_by_the_trades_it_hosts(shipped):
    """人工智能、集成电路、新能源汽车产业园的开发与运营: the chain words name the park's theme (a venue, read as a customer's
    word as in a text) and its item no 小类; a maker that rents space in such a park keeps its own items."""
    park = "园区管理服务；人工智能、集成电路、新能源汽车产业园的开发与运营；房地产开发经营；物业管理"
    maker = "集成电路设计；集成电路产业园内自有厂房租赁"
    rel = _chain_rel(shipped, frame(scope=[park, maker], company_name=["甲乙有限公司"] * 2))
    t = DEFAULTS.min_relevance
    assert (rel.loc[0] < t).all()
    assert rel.loc[1, "ic"] >= t


def test_an_elderly_care_home_is_not_filed_in_health(shipped):
    """养老 is a care service, not a medical one: a home registering 养老服务 and 健康咨询服务 is not filed in 医药与生命健康;
    智慧健康养老 products (the tech of elderly care) still count."""
    home = "一般项目：养老服务；护理机构服务（不含医疗服务）；健康咨询服务（不含诊疗服务）；康复辅具适配服务；家政服务；餐饮管理。"
    rel = _chain_rel(
        shipped,
        frame(
            company_name=["佛山市甲乙养老服务有限公司", "甲乙科技有限公司"], scope=[home, "智慧健康养老平台软件开发"]
        ),
    )
    assert rel.loc[0, "bio"] < DEFAULTS.min_relevance
    assert rel.loc[1, "bio"] > rel.loc[0, "bio"]


def test_an_old_style_scope_led_by_its_trade_sells_what_it_names(shipped):
    """销售：钢轨、道岔、轨道配件、型钢 (the older registration style: the trade, a colon, the goods) is a dealer's: its
    goods rank and are not filed; 生产、销售：钢轨扣件 makes them."""
    scopes = ["销售：钢轨、道岔、轨道配件、型钢、钢材、建筑材料；废旧钢材回收", "生产、销售：钢轨扣件、道岔配件"]
    rel = _chain_rel(shipped, frame(scope=scopes, company_name=["甲乙有限公司"] * 2))
    assert 0 < rel.loc[0, "rail"] < DEFAULTS.min_relevance <= rel.loc[1, "rail"]


def test_consumer_lithium_cells_are_no_power_batteries(shipped):
    """A maker of power banks, phone or power-tool cells is not filed in 新能源汽车 for its lithium cells; a power-battery
    maker is."""
    scopes = [
        "户外移动电源、便携式储能电源的研发与销售；锂离子电池制造",
        "生产、销售：聚合物锂离子电池（手机电池、数码电池）、电池保护板",
        "动力锂离子电池、电池模组及电池包的研发、生产与销售",
    ]
    rel = _chain_rel(shipped, frame(scope=scopes, company_name=["甲乙有限公司"] * 3))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "nev"] < t and rel.loc[1, "nev"] < t <= rel.loc[2, "nev"]


def test_the_channels_a_product_is_sold_through_are_not_the_trade(shipped):
    """产品通过连锁药房、电商平台销售: the pharmacies are a supplement maker's sales channel, a means as after 公司通过…, not
    its business (read at the head clause's weight they had filed it in 医药与生命健康)."""
    lead = "某某主营深海鱼油软胶囊、乳清蛋白粉、氨基葡萄糖等膳食营养补充剂，拥有保健食品GMP生产车间，"
    by_product = _intro_relevance(shipped, lead + "产品通过连锁药房、电商平台及会员制渠道销售。", "bio")
    by_firm = _intro_relevance(shipped, lead + "公司通过连锁药房、电商平台及会员制渠道销售。", "bio")
    assert by_product == pytest.approx(by_firm, abs=0.01)
    assert by_product < DEFAULTS.min_relevance


def test_a_coffee_chain_with_ai_in_its_shops_is_catering(shipped):
    """我们是一家精品咖啡连锁品牌: a coffee chain is catering, whatever AI its shops show; a vision-software firm that
    serves coffee chains keeps its own trade (the chain is its customer)."""
    shop = "在西湖区开了一家AI主题咖啡馆：机械臂现场拉花、AI生成专属拉花图案，店内还有AI绘画互动区。我们是一家精品咖啡连锁品牌。"
    vendor = "公司为咖啡连锁门店提供基于计算机视觉的客流分析系统。"
    assert _intro_relevance(shipped, shop, "ai") < DEFAULTS.min_relevance <= _intro_relevance(shipped, vendor, "ai")


def test_robot_education_and_educational_robots_are_told_apart(shipped):
    """A robotics-education firm (机器人教育科技: teaching, as 少儿编程) is filed nowhere by its robots; an educational or
    service robot maker is filed in 人工智能 (the labelling convention) and not in 智能制造装备 (industrial robots)."""
    names = [
        "北京甲乙机器人教育科技有限公司",
        "北京甲乙教育机器人有限公司",
        "北京甲乙服务机器人有限公司",
        "北京甲乙工业机器人有限公司",
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    t = DEFAULTS.min_relevance
    assert (rel.loc[0] < t).all()
    assert rel.loc[1, "ai"] >= t > rel.loc[1, "ime"] and rel.loc[2, "ai"] >= t > rel.loc[2, "ime"]
    assert rel.loc[3, "ime"] >= t


def test_a_garment_maker_registering_a_sale_of_manufacturing_equipment_is_not_filed(shipped):
    """智能基础制造装备销售 sells goods whose name holds 制造: a trade item beside the firm's own garments, not making."""
    scopes = [
        "服装制造；针纺织品销售；智能基础制造装备销售；服装服饰批发；货物进出口",
        "智能基础制造装备制造；智能基础制造装备销售",
    ]
    rel = _chain_rel(shipped, frame(scope=scopes, company_name=["甲乙有限公司"] * 2))
    assert rel.loc[0, "ime"] < DEFAULTS.min_relevance <= rel.loc[1, "ime"]


def test_what_a_firm_supplies_an_industry_is_its_own_product(shipped):
    """ "为锂电池和光伏行业提供机器视觉检测设备": the industries are the customers (application words), what follows
    the verb of supply is the firm's product, as with 为…企业提供 — the clause is not an application clause."""
    intros = [
        "公司为锂电池、光伏和3C电子行业提供机器视觉检测设备。",
        "公司为锂电池、光伏和3C电子企业提供机器视觉检测设备。",
    ]
    rel = _chain_rel(shipped, frame(intro=intros))
    assert (
        rel.loc[0, "ime"] == pytest.approx(rel.loc[1, "ime"], abs=0.01) and rel.loc[0, "ime"] >= DEFAULTS.min_relevance
    )
    assert rel.loc[0, "nev"] < DEFAULTS.min_relevance  # the customers' battery trade is not the firm's


def test_an_exclusion_word_inside_a_longer_pattern_still_excludes(shipped):
    """The longer pattern is matched in a shorter one's place, so it carries the shorter exclusion word's
    segments: 医疗美容 (the laser segment's exclusion) holds 美容 (the 医药与生命健康 chain's), and a
    medical-beauty clinic with code 8425 is not filed in bio; a keyword keeps its own segments (腔镜手术机器人
    holds 手术机器人, which AI and 智能制造装备 exclude: it is still a bio keyword)."""
    assert "医疗美容" not in matcher_chain_excludes("bio")
    t = DEFAULTS.min_relevance
    f = frame(scope=["医疗美容服务；医疗服务", "医疗服务"], industry_code=["8425", "8425"])
    rel = _chain_rel(shipped, f)
    assert rel.loc[0, "bio"] < t <= rel.loc[1, "bio"]
    rel = _chain_rel(shipped, frame(intro=["公司专业研发腔镜手术机器人。"]))
    assert rel.loc[0, "bio"] >= t > rel.loc[0, "ai"]


def matcher_chain_excludes(chain: str) -> tuple[str, ...]:
    import matcher

    return matcher.load_chains()[chain].exclude


def test_a_roster_name_ranks_by_how_much_its_industry_part_says(shipped):
    """On a roster (names only) 电气 says more of the grid than 电力 (often a power producer) or 电器 (appliances),
    and 电池 more of new-energy vehicles than 新能源 (often solar or wind power) or 动力 (engines): a weak word
    ranks above a hint, and neither files."""
    names = [
        "江苏甲乙电气股份有限公司",
        "江苏甲乙电力股份有限公司",
        "江苏甲乙电器股份有限公司",
        "江苏甲乙电池科技股份有限公司",
        "江苏甲乙新能源股份有限公司",
        "江苏甲乙动力股份有限公司",
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    assert rel.loc[0, "grid"] > rel.loc[1, "grid"] > 0 and rel.loc[0, "grid"] > rel.loc[2, "grid"] > 0
    assert rel.loc[3, "nev"] > rel.loc[4, "nev"] > 0 and rel.loc[3, "nev"] > rel.loc[5, "nev"] > 0
    assert (rel.to_numpy() < DEFAULTS.min_relevance).all()


@pytest.mark.parametrize(
    "intro, filed",
    [
        ("销售西门子、三菱PLC、变频器和伺服电机，常备现货库存。", False),
        ("公司是一家工控产品代理商，备有现货。", False),
        ("公司研发生产伺服电机和PLC。", True),
        ("公司研发生产伺服电机和PLC，并销售配套的变频器。", True),  # it makes what it sells
    ],
)
def test_a_name_beside_a_description_that_only_trades_ranks_but_never_files(shipped, intro, filed):
    """As beside a 经营范围 that makes nothing: 工控自动化设备 in the name of a firm whose 简介 opens selling PLCs is
    a reseller's goods."""
    rel = _chain_rel(shipped, frame(company_name=["星河工控自动化设备有限公司"], intro=[intro]))
    assert bool(rel.loc[0, "ime"] >= DEFAULTS.min_relevance) is filed
    assert rel.loc[0, "ime"] > 0


def test_a_traders_name_ranks_but_never_files(shipped):
    """An industry part that holds a trade word (trade_words of name_parts.yaml: 电线电缆批发, 新能源汽车销售服务) is a
    trader's: its chain words rank the company as weak words do and file nothing; the maker's name files."""
    names = [
        "广州甲乙电线电缆批发有限公司",
        "广州甲乙电线电缆有限公司",
        "上海甲乙新能源汽车销售服务有限公司",
        "上海甲乙新能源汽车有限公司",
        "苏州甲乙工业机器人租赁有限公司",  # a leasing firm lets others use what it names
        "苏州甲乙工业机器人有限公司",
        "深圳甲乙电力工程监理有限公司",  # a supervisor oversees what others build, as a consultancy advises
        "深圳甲乙电力设备有限公司",  # (a contractor, 电力工程, serves the chain: ranked, not filed by default)
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "grid"] < t <= rel.loc[1, "grid"]
    assert 0 < rel.loc[2, "nev"] < t <= rel.loc[3, "nev"]
    assert 0 < rel.loc[4, "ime"] < t <= rel.loc[5, "ime"]
    assert 0 < rel.loc[6, "grid"] < t <= rel.loc[7, "grid"]


def test_an_exclusion_word_the_firm_denies_excludes_nothing(shipped):
    """An exclusion word right after 不 / 未 / 非 or right before 以外 / 之外 names what the firm does not do ("不代运营",
    "主攻两轮车以外的乘用车市场"): it excludes nothing; the same word stated as the firm's own still excludes."""
    intros = [
        "甲乙云是面向品牌商的营销SaaS，提供会员积分和营销自动化工具。我们只提供软件，不代运营。",
        "甲乙云是面向品牌商的营销SaaS，提供会员积分和营销自动化工具，并提供代运营。",
        "公司主要研发和生产钠离子电池正极材料，主攻两轮车以外的乘用车市场。",
        "公司主要研发和生产钠离子电池正极材料，主攻两轮车市场。",
    ]
    rel = _chain_rel(shipped, frame(intro=intros))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "software"] >= t > rel.loc[1, "software"]
    assert rel.loc[2, "nev"] >= t > rel.loc[3, "nev"]


def test_a_traders_name_beside_a_scope_that_makes_ranks_it_only(shipped):
    """A name whose industry part is a trader's, an installer's, a carrier's or a farm's (read off the whole name, right
    before its form: 苍南县某某贸易有限公司, 某某电力安装工程有限公司) makes its 经营范围's making items and their code
    what the trader registers beside its trade: ranked, never filed; the same scope beside a maker's name files, and a
    distributor's trade keywords (第三类医疗器械经营, 药品批发) still file it in the chain that files distributors."""
    shell = "一般项目：日用百货销售；服装服饰批发；集成电路设计；电子产品销售；货物进出口。"
    grid = "许可项目：输电、供电、受电电力设施的安装、维修和试验；建设工程施工。一般项目：配电开关控制设备销售；电力设施器材销售；输配电及控制设备制造。"
    drugs = "许可项目：第三类医疗器械经营；药品批发。一般项目：第二类医疗器械销售；医用口罩批发。"
    f = frame(
        company_name=[
            "苍南县甲辰贸易有限公司",
            "苍南县甲辰电子科技有限公司",
            "信阳甲辰电力安装工程有限公司",
            "信阳甲辰电气设备有限公司",
            "沈阳甲辰医疗器械销售有限公司",
        ],
        scope=[shell, shell, grid, grid, drugs],
    )
    rel = _chain_rel(shipped, f)
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ic"] < t <= rel.loc[1, "ic"]
    assert 0 < rel.loc[2, "grid"] < t <= rel.loc[3, "grid"]
    assert rel.loc[4, "bio"] >= t


def test_a_carriers_name_ranks_but_never_files(shipped):
    """An industry part that ends with a carrier's word (service_endings of name_parts.yaml: 新能源汽车运输, 锂电池物流)
    names a carrier of what it names: ranked, never filed — and a leader's name there (a group's logistics arm) files
    nothing either. Only at the end: 智能物流装备 and 铁路运输设备 name what a maker makes."""
    names = [
        "合肥甲乙新能源汽车运输有限公司",
        "合肥甲乙新能源汽车有限公司",
        "宁德甲乙锂电池物流有限公司",
        "宁德甲乙锂电池有限公司",
        "芜湖奇瑞汽车零部件物流有限公司",  # a leader's name on its logistics arm
        "芜湖甲乙智能物流装备有限公司",
        "株洲甲乙铁路运输设备有限公司",
        "南京甲乙送变电工程有限公司",  # a contractor's ending: it builds with what others make
        "南京甲乙电力设备有限公司",
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "nev"] < t <= rel.loc[1, "nev"]
    assert 0 < rel.loc[2, "nev"] < t <= rel.loc[3, "nev"]
    assert rel.loc[4, "nev"] < t
    assert rel.loc[5, "ime"] >= t
    assert rel.loc[6, "rail"] >= t
    assert 0 < rel.loc[7, "grid"] < t <= rel.loc[8, "grid"]
    # read off a whole name (names without a chain keyword are not parsed): 生物工程 and 系统工程 are makers' endings
    assert shipped.trader_name_rx_.search("南京甲乙送变电工程有限公司")
    assert not shipped.trader_name_rx_.search("郑州甲乙生物工程股份有限公司")
    assert not shipped.trader_name_rx_.search("广州甲乙机器人系统工程有限公司")
    # the word a reason quotes is the one the pattern read, at its start (a trade word or a service ending)
    assert shipped.trader_word("南京甲乙送变电工程有限公司") == "变电工程"
    assert shipped.trader_word("某某电力安装工程有限公司") == "安装"
    assert shipped.trader_word("郑州甲乙生物工程股份有限公司") == "" and shipped.trader_word(None) == ""


def test_an_installers_or_a_transit_investors_name_ranks_but_never_files(shipped):
    """安装 (an installer) and 交通投资 (a transit investor) in a name's industry part are trade words: ranked, not filed."""
    names = [
        "许昌甲乙充电桩安装服务有限公司",
        "许昌甲乙充电桩有限公司",
        "资阳甲乙城市轨道交通投资有限公司",
        "资阳甲乙轨道交通装备有限公司",
    ]
    rel = _chain_rel(shipped, frame(company_name=names))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "nev"] < t <= rel.loc[1, "nev"]
    assert 0 < rel.loc[2, "rail"] < t <= rel.loc[3, "rail"]


def test_an_opening_that_only_trades_ranks_but_never_files(shipped):
    """A description that opens, with no cue, by what it leases, sells or installs ("挖掘机、汽车起重机租赁，…") is a
    lessor's or a trader's, as a head clause that only trades is: its products rank and do not file; the maker's files."""
    intros = [
        "挖掘机、汽车起重机、高空作业平台租赁，可配机手，服务本地工地。",
        "挖掘机、汽车起重机、高空作业平台研发制造，产品销往全国。",
    ]
    rel = _chain_rel(shipped, frame(intro=intros))
    assert 0 < rel.loc[0, "ime"] < DEFAULTS.min_relevance <= rel.loc[1, "ime"]


def test_a_later_clause_that_only_services_ranks_but_never_files(shipped):
    """A clause with no cue after the opening one that ends with a trade or service activity ("各类进口、国产数控系统维修")
    services what it names, as the opening does: a repair shop's list of what it repairs ranks and does not file it.
    Only the ending counts there: a later clause that opens with 零售 names a customer (零售门店客流统计…算法提供商)."""
    intros = [
        "数控机床维修：各类进口、国产数控系统维修，主轴、伺服驱动器维修，上门服务。",
        "数控机床研发制造：各类数控系统自主开发，主轴、伺服驱动器自产。",
        "甲乙科技：零售门店客流统计与商品识别视觉算法提供商。",
    ]
    rel = _chain_rel(shipped, frame(intro=intros))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ime"] < t <= rel.loc[1, "ime"]
    assert rel.loc[2, "ai"] >= t


def test_the_goods_listed_after_an_opening_that_trades_are_traded(shipped):
    """The clauses that go on, in its sentence, with an opening that only trades ("低压电器批发：断路器、接触器…，品牌齐全")
    list the goods it trades: they rank and do not file. A clause that makes something (…自主研发断路器) ends the list,
    and so does the sentence."""
    intros = [
        "低压电器批发：断路器、接触器、继电器、电线电缆，品牌齐全，工程项目可报价。",
        "低压电器批发：各品牌现货，另自主研发智能断路器、智能电表，已获多项专利。",
        "低压电器批发。断路器、智能电表、接触器、塑壳断路器均为自产。",
    ]
    rel = _chain_rel(shipped, frame(intro=intros))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "grid"] < t
    assert rel.loc[1, "grid"] >= t and rel.loc[2, "grid"] >= t


@pytest.mark.parametrize(
    "intro, filed",
    [
        ("我们是工控产品代理商，主营各品牌PLC、变频器、伺服驱动器及低压电器，库存充足。", False),
        ("我们是工控产品代理商，主营各品牌PLC、变频器，同时自主研发伺服驱动器和运动控制器。", True),
        ("我们不做工控产品代理，而是自主研发伺服驱动器、运动控制器和PLC。", True),
    ],
)
def test_a_firm_that_calls_itself_a_dealer_trades(shipped, intro, filed):
    """A description that opens by calling the firm a dealer (代理商 / 经销商 / 分销商 …) only trades, and so do the
    clauses that go on with it in its sentence, 主营… included; a clause that makes something, or turns (而是 / 同时 …),
    ends the list, and a statement of what the firm does not do (不做…) states no trade."""
    rel = _intro_relevance(shipped, intro, "ime")
    assert rel > 0
    assert bool(rel >= DEFAULTS.min_relevance) is filed


@pytest.mark.parametrize(
    "name, plain, chain",
    [
        ("襄阳甲乙新能源汽车产业园建设运营有限公司", "襄阳甲乙新能源汽车有限公司", "nev"),
        ("合肥甲乙集成电路产业投资基金管理有限公司", "合肥甲乙集成电路有限公司", "ic"),
        ("南京甲乙人工智能产业协会", "南京甲乙人工智能有限公司", "ai"),
    ],
)
def test_a_parks_funds_or_associations_name_is_not_its_themes_trade(shipped, name, plain, chain):
    """In a name, as in a text, a chain word before a venue word (产业园, 基金, 协会 …) names the park's, fund's or
    association's theme: its trade is what follows (建设运营, 管理), and the name is not filed by the theme."""
    rel = _chain_rel(shipped, frame(company_name=[name, plain]))
    assert rel.loc[0, chain] < DEFAULTS.min_relevance <= rel.loc[1, chain]


def test_a_consumer_learning_app_is_education_not_ai(shipped):
    """The labelling conventions count AI+education apps as education (a vertical): a learning app for pupils
    (学习App, 拍照搜题, 口语陪练) is not filed under 人工智能 by the AI it uses; a grading system sold to schools is."""
    intros = [
        "一款面向中小学生的AI学习App，提供拍照搜题和个性化错题本，注册用户超过300万。",
        "一款AI英语口语陪练应用，AI老师随时陪孩子练口语、纠发音。",
        "公司为中小学提供AI作业智能批改系统和自适应学习平台，已在300余所学校部署。",
    ]
    rel = _chain_rel(shipped, frame(intro=intros))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "ai"] < t and rel.loc[1, "ai"] < t <= rel.loc[2, "ai"]


@pytest.mark.parametrize(
    "intro, chain, filed",
    [
        ("36氪获悉，车载激光雷达企业「甲乙智感」完成B轮融资，本轮金额超5亿元。甲乙智感成立于2019年。", "nev", True),
        ("协作机器人厂商“甲乙科技”完成数亿元C轮融资，资金将用于扩产。", "ime", True),
        ("车载激光雷达企业甲乙智感完成B轮融资，本轮金额超5亿元。", "nev", False),  # no quoted name: no news form
        ("新能源汽车后市场服务商「甲乙管家」完成Pre-A轮融资，在长三角开设40余家快修门店。", "nev", False),
    ],
)
def test_the_news_form_names_the_kind_of_firm(shipped, intro, chain, filed):
    """Financing news names the firm by its kind before its quoted name (车载激光雷达企业「…」, 协作机器人厂商“…”): that
    phrase says what the firm is, as a core phrase does; an aftermarket service firm (后市场) is a vertical business."""
    rel = _intro_relevance(shipped, intro, chain)
    assert rel > 0
    assert bool(rel >= DEFAULTS.min_relevance) is filed


def test_portable_power_stations_and_e_bike_charging_are_not_the_grids(shipped):
    """A portable power station (户外电源 / 便携式储能) is a consumer good, not storage for the grid, and an e-bike's
    charging (电单车) is neither chain's; a grid-side storage integrator is filed."""
    intros = [
        "公司主要产品为户外电源和便携式储能电源，销往欧美露营市场。",
        "公司从事电网侧储能电站的系统集成，产品包括储能变流器和储能集装箱。",
    ]
    names = ["杭州甲乙电单车充电服务有限公司", None]
    rel = _chain_rel(shipped, frame(intro=intros))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "grid"] < t <= rel.loc[1, "grid"]
    rel = _chain_rel(shipped, frame(company_name=names))
    assert rel.loc[0, "nev"] < t and rel.loc[0, "grid"] < t


def test_a_logistics_equipment_makers_name_is_filed(shipped):
    """A roster name whose industry part is 智能仓储物流装备 / 物流装备 (AGVs, automated warehouses) is filed under
    智能制造装备; a plain logistics firm (物流) is not."""
    rel = shipped.chain_relevance(
        shipped.match(frame(company_name=["无锡甲乙智能仓储物流装备有限公司", "南京甲乙物流有限公司"]))
    )
    assert rel.loc[0, "ime"] >= DEFAULTS.min_relevance > rel.loc[1, "ime"]


def test_ndfeb_magnets_are_the_traction_motors(shipped):
    """The labelling conventions file NdFeB magnet makers under 新能源汽车: a roster name whose industry part is
    钕铁硼磁业 and a scope whose main item makes 烧结钕铁硼 are filed there; a ferrite 磁业 is not."""
    names = ["宁波甲乙钕铁硼磁业有限公司", "东阳甲乙磁业有限公司", "包头甲乙磁业有限公司"]
    scopes = [None, None, "烧结钕铁硼永磁材料及器件的研发、生产、销售；稀土金属及合金销售"]
    rel = _chain_rel(shipped, frame(company_name=names, scope=scopes))
    t = DEFAULTS.min_relevance
    assert rel.loc[0, "nev"] >= t > rel.loc[1, "nev"]
    assert rel.loc[2, "nev"] >= t


@pytest.mark.parametrize(
    "intro, chain, filed",
    [
        ("金属3D打印设备及球形粉末材料研发制造。", "ime", True),
        ("腔镜手术机器人研发，主从式四臂构型，已完成注册检验。", "bio", True),
        ("金属3D打印设备及球形粉末材料，最大成形尺寸800mm。", "ime", False),  # no making stated
        ("金属3D打印设备及球形粉末材料销售与研发。", "ime", False),  # trades as well
    ],
)
def test_an_opening_that_ends_with_its_making_names_the_business(shipped, intro, chain, filed):
    """A description that opens with what it makes and ends the clause with the making (…研发制造 / …研发) names the
    firm's business as a core phrase does: its one strong word files the company; the same words with no making, or
    with trade, do not by themselves."""
    rel = _intro_relevance(shipped, intro, chain)
    assert rel > 0
    assert bool(rel >= DEFAULTS.min_relevance) is filed


@pytest.mark.parametrize(
    "intro, chain, filed",
    [
        ("Six-axis industrial robots and cobots，本体、控制器全部自研，主打焊接与码垛。", "ime", True),  # plural forms
        ("专注10万元以下纯电微型车，在园区建有年产5万辆的整车工厂。", "nev", True),
        ("城轨智慧运维平台：列车在线监测、故障预测与健康管理，服务多个城市的地铁公司。", "rail", True),
        # a sorting and processing centre is no CNC machining centre; what a project is equipped with is its user's
        ("项目建设智能化立体冷库、分拣加工中心和冷链配送中心，配备AGV搬运机器人、穿梭车和仓储管理系统。", "ime", False),
    ],
)
def test_words_of_product_lists_and_projects(shipped, intro, chain, filed):
    """Words added from product lists (English plurals, car types, metro O&M) file their makers; a project's
    processing centre and the equipment it is fitted with (配备) do not make the project a maker."""
    rel = _intro_relevance(shipped, intro, chain)
    assert bool(rel >= DEFAULTS.min_relevance) is filed


@pytest.mark.parametrize(
    "intro, chain",
    [
        ("开设PLC编程、工业机器人操作与维护实训课程，面向在职电工和中职学生。", "ime"),
        ("高铁乘务、城市轨道交通运营管理专业招生，小班化教学，推荐就业。", "rail"),
    ],
)
def test_a_course_or_an_enrolment_is_teaching_not_making(shipped, intro, chain):
    """A statement that ends with 课程 or 招生 sells teaching about what it names, as one ending with 培训 does: a
    school's chain words rank it and do not file it."""
    rel = _intro_relevance(shipped, intro, chain)
    assert 0 < rel < DEFAULTS.min_relevance


@pytest.mark.parametrize("subject", ["", "公司", "该企业", "团队"])
def test_a_description_led_by_its_making_verb_states_the_business(shipped, subject):
    """A description that opens with its making verb states the business in full, with the subject left out or
    written as 公司 / 该企业 / 团队 alike (该企业研发的视觉识别算法…): a strong word in it files the company."""
    intro = f"{subject}研发的视觉识别算法能在工地自动识别未戴安全帽等行为。"
    rel = _intro_relevance(shipped, intro, "ai")
    assert rel >= DEFAULTS.min_relevance


def test_a_name_beside_a_scope_that_makes_nothing_ranks_but_never_files(shipped):
    """A 经营范围 that registers a business and makes nothing (物业管理；停车场服务, 变压器销售；电气设备销售) says the name's
    chain words are a landlord's or a trader's: they rank and do not file. Beside a scope that makes something, or one
    of boilerplate only (技术开发、技术服务…: no business registered), the name files as before."""
    name = "北京甲乙集成电路科技有限公司"
    scopes = [
        "物业管理；非居住房地产租赁；停车场服务；会议及展览服务",
        "集成电路设计；集成电路芯片及产品销售；物业管理",
        "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    ]
    rel = _chain_rel(shipped, frame(company_name=[name] * 3, scope=scopes))
    t = DEFAULTS.min_relevance
    assert 0 < rel.loc[0, "ic"] < t <= rel.loc[1, "ic"] and rel.loc[2, "ic"] >= t
    names = ["郑州甲乙电力设备有限公司"] * 2
    scopes = ["电力设施器材销售；变压器销售；电气设备销售；五金产品零售", "变压器制造；电力设施器材销售"]
    rel = _chain_rel(shipped, frame(company_name=names, scope=scopes))
    assert 0 < rel.loc[0, "grid"] < t <= rel.loc[1, "grid"]


def test_a_product_before_a_cue_of_use_is_the_firms(shipped):
    """ "公司生产的伺服电机广泛应用于工业机器人": the servo motors are the firm's product, the robots their use; the whole
    clause read as the application damped the product with its customers."""
    intro = "公司生产的伺服电机广泛应用于工业机器人和数控机床。"
    assert _intro_relevance(shipped, intro, "ime") >= DEFAULTS.min_relevance
    # a customer list closed by 等行业 still names customers
    assert _intro_relevance(shipped, "为新能源汽车、光伏等行业提供检测认证服务。", "nev") < DEFAULTS.min_relevance


@pytest.mark.parametrize(
    "intro, filed",
    [
        ("公司主营挖掘机、汽车起重机和高空作业车租赁，自有设备300余台，可配套持证操作手。", False),
        ("公司专业从事数控机床维修、机床大修改造和数控系统维护服务，工程师30余名。", False),
        ("公司主营挖掘机、装载机和汽车起重机的研发、制造和销售，年产整机3000台。", True),
        ("一家专注数控刀具与机床附件贸易的公司，代理日本和德国品牌的数控系统。", False),
        ("专业提供挖掘机、装载机和汽车起重机的维修保养，工程师30余名。", False),  # 保养 / 维保 service too
        ("某某工控自动化设备维修有限公司专业维修各品牌PLC、变频器、伺服驱动器和工控机，提供上门检修服务。", False),
        ("公司代理日本、德国多个品牌加工中心和数控车床的销售与售后服务，客户为汽车零部件企业。", False),
        ("公司经销多个品牌的工业机器人、协作机器人和伺服电机。", False),
        # upkeep listed apart after the goods: the goods are supplied, the statement does not only service them
        ("公司为汽车零部件企业提供伺服电机、伺服驱动器及维保服务。", True),
        ("公司主营伺服电机、伺服驱动器的销售及维修。", False),
    ],
)
def test_a_statement_that_only_trades_ranks_and_never_files(shipped, intro, filed):
    """The products of a 简介 statement that only leases, sells or repairs them move to weak evidence: they rank
    the company in the chain and never file it; a maker's statement files as before."""
    rel = _intro_relevance(shipped, intro, "ime")
    assert bool(rel >= DEFAULTS.min_relevance) is filed
    assert rel > 0
