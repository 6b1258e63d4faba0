"""Guard every word: no leader stem or strong keyword of data/chains/*.yaml may fire on an ordinary company.

tests/data/ordinary_companies.yaml holds legal names, 经营范围 phrases and a few 简介 of companies in none of
the chains (food, clothing, property, mining, catering, education, logistics, retail …). Every leader name
(matched against names, as the engine does) and every strong keyword and core word (matched against names,
scopes and descriptions) is run over them the way the engine matches words: NFKC and lower case, a word inside a longer
vocabulary word does not count, an ASCII word needs word boundaries, and a hit is void where an exclusion
word of the same segment or chain is in the text. Each hit must be fixed in the chain data (a longer form,
an exclusion) or allowed in tests/data/vocabulary_guard_allow.yaml with the reason it is harmless.
"""

import unicodedata
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import pytest
import yaml

import matcher
from matcher.knowledge.words import boundary_words

DATA = Path(__file__).resolve().parents[1] / "data"
ORDINARY = yaml.safe_load((DATA / "ordinary_companies.yaml").read_text(encoding="utf-8"))
ALLOW_FILE = DATA / "vocabulary_guard_allow.yaml"
ALLOWED = yaml.safe_load(ALLOW_FILE.read_text(encoding="utf-8"))
ALLOW = ALLOWED["hits"]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=1)
def _vocabulary():
    """(leaders, strong words, exclusions, every pattern): word -> {(chain, segment)}; exclusions
    (chain, segment) -> words."""
    leaders, strong, exclusions, every = {}, {}, {}, set()
    for chain in matcher.load_chains().values():
        for seg in chain.segments:
            key = (chain.id, seg.id)
            for w in seg.leaders:
                leaders.setdefault(_norm(w), set()).add(key)
            for w in seg.keywords:
                strong.setdefault(_norm(w), set()).add(key)
            exclusions[key] = {_norm(w) for w in (*seg.exclude, *chain.exclude)}
            every.update(_norm(w) for w in (*seg.weak_keywords, *seg.exclude))
        for w, sid in chain.core_keywords:
            strong.setdefault(_norm(w), set()).add((chain.id, sid))
        every.update(_norm(w) for w in chain.exclude)
    every.update(leaders, strong)
    every.update(_norm(w) for w in boundary_words())  # they keep a keyword read across two words from counting
    return leaders, strong, exclusions, sorted(every)


@lru_cache(maxsize=1)
def _automaton():
    return ahocorasick_rs.AhoCorasick(_vocabulary()[3], matchkind=ahocorasick_rs.MatchKind.Standard)


def _found(text: str) -> set[str]:
    """Vocabulary words in text as the engine finds them (no word inside a longer one found there; ASCII
    words on word boundaries)."""
    patterns = _vocabulary()[3]
    matches = sorted(_automaton().find_matches_as_indexes(text, overlapping=True), key=lambda m: (m[1], -m[2]))
    out, reach = set(), -1
    for p, start, end in matches:
        if end <= reach:
            continue  # inside a longer match
        reach = end
        word = patterns[p]
        if word.isascii() and any(c.isalnum() for c in word):
            left = text[start - 1] if start else " "
            right = text[end] if end < len(text) else " "
            if (left.isascii() and left.isalnum()) or (right.isascii() and right.isalnum()):
                continue
        out.add(word)
    return out


def hits(text: str, kinds=("leader", "keyword")) -> list[tuple[str, str, str]]:
    """(kind, word, 'chain.segment …') for every leader or strong word that would be evidence in text."""
    leaders, strong, exclusions, _ = _vocabulary()
    found = _found(_norm(text))
    out = []
    for kind, table in (("leader", leaders), ("keyword", strong)):
        if kind not in kinds:
            continue
        for word in sorted(found & set(table)):
            live = sorted(k for k in table[word] if not (exclusions[k] & found))
            if live:
                out.append((kind, word, " ".join(f"{c}.{s}" for c, s in live)))
    return out


def _all_hits() -> list[tuple[str, str, str, str]]:
    """(text, kind, word, segments) over the whole ordinary list."""
    out = []
    for name in ORDINARY["names"]:
        out += [(name, *h) for h in hits(name)]
    for text in ORDINARY["scopes"] + ORDINARY["intros"]:
        out += [(text, *h) for h in hits(text, kinds=("keyword",))]
    return out


def _allowed(text: str, word: str) -> bool:
    return any(_norm(a["word"]) == word and a["text"] in text for a in ALLOW)


def test_the_ordinary_list_is_broad():
    assert len(ORDINARY["names"]) >= 200 and len(ORDINARY["scopes"]) >= 100


def test_the_guard_sees_what_the_engine_would():
    assert ("keyword", "敞车", "rail.vehicles") in hits("铁路敞车、棚车的修理")
    assert [w for _, w, _ in hits("江苏电动自行车电池销售有限公司")] == []  # void: the chain excludes 电动自行车
    assert _found(_norm("Redis缓存")) >= {"redis"} and "redis" not in _found(_norm("Redisson"))
    assert _found(_norm("集成电路设计")) == {"集成电路设计"}  # a word inside a longer one is not found


def test_no_chain_word_fires_on_an_ordinary_company():
    found = _all_hits()
    report = [f"{kind} “{word}” → {segs}: {text}" for text, kind, word, segs in found if not _allowed(text, word)]
    assert report == [], (
        "chain vocabulary fires on ordinary companies (fix the data or allow with a reason in "
        f"{ALLOW_FILE.name}):\n" + "\n".join(report)
    )


def test_every_allowance_is_used_and_explained():
    found = {(text, word) for text, _, word, _ in _all_hits()}
    stale = [a for a in ALLOW if not any(_norm(a["word"]) == w and a["text"] in t for t, w in found)]
    assert stale == [], f"allowances that no longer match a hit: {stale}"
    assert all(str(a.get("reason", "")).strip() for a in ALLOW)


def test_every_short_leader_is_justified():
    """A leader of one or two characters matches inside ordinary names (南瑞 in 海南瑞丰): each that stays is
    listed with its reason; the others are written in their registered form."""
    short = {w for c in matcher.load_chains().values() for s in c.segments for w in s.leaders if len(w) <= 2}
    listed = {a["leader"]: a.get("reason", "") for a in ALLOWED["short_leaders"]}
    assert sorted(short - set(listed)) == []
    assert sorted(set(listed) - short) == []  # no stale entries
    assert all(str(r).strip() for r in listed.values())


def _place_leaders() -> set[str]:
    """Leaders read as a place and a 字号 of one or two characters with no industry part (厦门金鹭)."""
    from matcher.ingest.names import default_parser

    parser, out = default_parser(), set()
    for chain in matcher.load_chains().values():
        for seg in chain.segments:
            for w in seg.leaders:
                parts = parser.parse(w + "有限公司")
                if parts.region and not parts.industry and len(parts.brand) <= 2:
                    out.add(w)
    return out


def test_a_leader_with_a_place_name_carries_its_industry_part():
    """厦门金鹭 (a tool maker's place and 字号) filed 厦门金鹭服装有限公司 under 智能制造装备: a place and a short 字号 are
    an ordinary brand. Each leader of that form is written with its registered industry part (厦门金鹭特种合金) or
    listed with the reason no ordinary company carries it."""
    listed = {a["leader"]: a.get("reason", "") for a in ALLOWED["place_leaders"]}
    assert sorted(_place_leaders() - set(listed)) == []
    assert sorted(set(listed) - _place_leaders()) == []  # no stale entries
    assert all(str(r).strip() for r in listed.values())


def test_the_place_leader_check_catches_one():
    from matcher.ingest.names import default_parser

    parts = default_parser().parse("厦门金鹭有限公司")
    assert (parts.region, parts.brand, parts.industry) == ("厦门", "金鹭", "")
    assert default_parser().parse("厦门金鹭特种合金有限公司").industry


@pytest.mark.parametrize(
    "text, word",
    [
        ("江西萤石矿业有限公司", "萤石"),
        ("宁波杉杉服饰有限公司", "杉杉"),
        ("宽敞车间、仓库出租", "敞车"),
        ("冷藏药品、冷冻食品的仓储与配送", "藏药"),
        ("网店后台使用Redis、MongoDB缓存商品数据", "redis"),
        ("网店后台使用Redis、MongoDB缓存商品数据", "mongodb"),
        ("海南瑞丰建材有限公司", "南瑞"),
        ("杭州鸿蒙茶业有限公司", "鸿蒙"),
        ("广州飞腾物流有限公司", "飞腾"),
        ("湖南威高饲料有限公司", "威高"),
    ],
)
def test_the_known_offenders_of_issue_14_no_longer_fire(text, word):
    assert word not in {w for _, w, _ in hits(text)}


def _name_term_hits() -> list[tuple[str, str, str]]:
    """(name, industry-part word, chain) for every strong name term (data/reference/name_parts.yaml) that
    would file an ordinary roster name: the word read in the name's industry part, as the engine reads it (a
    trader's industry part, 电线电缆批发, ranks and files nothing: its words are weak there; a name that holds an
    exclusion word of the segment or its chain, 医疗美容诊所, is not filed there either)."""
    from matcher.engine.match import SegmentMatcher
    from matcher.ingest.names import name_parts_data

    chains = matcher.load_chains()
    m = SegmentMatcher().fit(chains)
    terms = m.name_terms_
    chain_of = m.segments_["chain_id"].to_numpy()
    excluded = [
        (*c.exclude, *s.exclude) for c in chains.values() for s in c.segments
    ]  # segments_ lists the chains' segments in this order
    assert len(excluded) == len(chain_of)
    trade = name_parts_data()["trade_words"]
    out = []
    for name in ORDINARY["names"]:
        part = m.name_parser_.parse(name).industry
        if not part or any(w in part for w in trade):
            continue
        for t, _, _ in m.name_term_automaton_.find_matches_as_indexes(_norm(part)):
            for seg in m.name_term_strong_[t].indices:
                if not any(_norm(w) in _norm(name) for w in excluded[seg]):
                    out.append((name, terms[t], chain_of[seg]))
    return out


def test_no_strong_name_term_files_an_ordinary_roster_name():
    report = [f"“{w}” → {c}: {n}" for n, w, c in _name_term_hits() if not _allowed(n, w)]
    assert report == [], "a strong industry-part word of name_parts.yaml fires on ordinary names:\n" + "\n".join(report)


def test_no_scope_item_names_a_chain_subclass_in_an_ordinary_scope():
    """The 经营范围 items of ordinary companies name no GB/T 小类 a chain segment lists
    (matcher.ingest.scope.item_codes: 矿山机械租赁 is not 矿山机械制造)."""
    from matcher.ingest.scope import item_codes, parse_scope

    listed = {code for c in matcher.load_chains().values() for s in c.segments for code in s.industry_codes}
    report = [
        f"{code}: {item.text}"
        for text in ORDINARY["scopes"]
        for item in parse_scope(text).items
        for code in item_codes(item.text)
        if code in listed
    ]
    assert report == [], "scope items name a chain's 小类 in ordinary scopes:\n" + "\n".join(report)
