"""Every Chinese reason (推荐理由) a ranking shows, rendered in one place from columns.

The scorer keeps what a reason is made of as columns of the component table (the matched words,
whether the industry code counted, the segment's gap facts, the company's strength and risk facts,
the 本地 marking); this module turns them into text. Nothing downstream parses a reason: the app's
detail view asks `reason_parts` for the parts, and re-ranking re-renders what depends on its settings.

The template — the parts of a reason, in this order, written for an officer to read aloud: what the
company does and which gap it fills, its facts in officer units, its risks, and why a strong score is
not A (a part a row does not have is left out; the wording is in the constants below). No engine
figure (relevance, gap weight, strength score) is worded: those stay in their own columns.

    本地   本地企业（园区企业库已有“{local_name}”，按{local_match}匹配）：强链对象，不作为补链目标
    匹配   items, then 对应园区{gap_status}环节“{segment_name}”
               主营“…” (简介 / 主营) / 名称含“…” / 经营范围含“…” / 名称含龙头企业“…” / 所属行业为{小类名称}
               (国标行业 missing, the code read from a main item of the 经营范围: 经营范围主营项目属{小类名称})
               / 经营范围所列业务属{小类名称、…} (the other 经营范围 items naming a 小类 of the segment)
               / 文本模型判断与该产业链相符 / 文本模型判断与该产业链相符程度较低: only when the learned model
               changed the relevance by MODEL_MATERIAL or more, or decided whether the company is filed
               (the change itself stays in the model_support column)
           chain level (no text names a segment): 属{chain_name}产业链，文字未指明具体环节，环节待核实
               （国标行业对应环节：…） in place of the gap item
           a --per-chain row of a chain the company is not filed in: items, then
               与{chain_name}相关，但名称、简介和经营范围中的直接证据不足，未达入链门槛 (a reseller's:
               与{chain_name}相关，但经营范围只登记相关产品的销售、租赁、安装维修或培训，未见生产、研发条目，按经销或服务商处理，未达入链门槛;
               a trader by its 国标行业 or name (resale_by): NEAR_MISS_CODED / NEAR_MISS_NAMED)
           no chain: 未匹配到园区重点产业链的环节 (+ when only the industry code pointed at a chain:
               ；仅国标行业代码指向{chain}，企业名称、简介和经营范围中没有相应内容，不据此入链;
               when a 经营范围 that makes nothing sells a chain's products:
               ；经营范围只登记{chain}相关产品的销售、租赁、安装维修或培训，未见生产、研发条目，按经销或服务商处理，不据此入链;
               by its 国标行业 or name: RESALE_CODED / RESALE_NAMED)
               + （文本模型判断不符，未予归入） when the knowledge alone would have filed it
    实力   注册资本{2.4亿元 | 400万元} / 参保{employees}人 / 成立{age_years}年 / 上市 / {qualifications}
               / 已获{latest round}融资  (none: 未查到注册资本、参保人数等规模信息)
    风险   风险：items
               登记状态为“{status_raw}”，不作为招商目标 / 列入经营异常名录（得分扣减{penalty_abnormal}）
               / 失信被执行人（得分扣减{penalty_dishonest}）
    等级   得分达A类，但{参保人数不足10人、注册资本不足100万元、成立不满1年、为分公司或分支机构、
               登记状态为“…”}，列为B类   (the A floors the row fails: `below_a_floor`, settings a_min_…)

The separator rule: PART_SEP (" | ") joins the parts present; ITEM_SEP[part] joins the items within a
part ("；" for 风险, "，" elsewhere). Every reason has its 匹配 part, so a part before it ends with
PART_SEP and a part after it starts with PART_SEP: a row's parts are joined by one concatenation,
without empty pieces. The penalties and the A floors are rank settings (RANK_WORDING): `reword` and
`matcher.engine.score.rank` re-render the rows that name them when re-ranking changes them.

Speed: reasons are on the hot path of a 100,000-row run. Texts are Arrow strings: each distinct value
(a segment, a capital, a relevance) is formatted once in Python, rows take theirs and are joined in C.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ..distinct import distinct_codes
from ..knowledge.chains import industry_codes
from ..knowledge.settings import A_FLOORS, Settings
from .learned import reaches
from .match import FIELD_LABELS, FIELDS, MatchResult, SegmentMatcher

# ---- the template ------------------------------------------------------------------------------
PARTS = ("local", "match", "strength", "risk", "tier")  # the order of the parts in a reason
PART_SEP = " | "
ITEM_SEP = {"match": "，", "strength": "，", "risk": "；"}

LOCAL = "本地企业（园区企业库已有“{name}”，按{how}匹配）：强链对象，不作为补链目标"
UNMATCHED = "未匹配到园区重点产业链的环节"
FIELD_WORDS = {"intro": "主营", "name": "名称含", "scope": "经营范围含"}  # + the quoted words; else "{label}含"
LEADER_WORDS = "名称含龙头企业"
_FIELD_ORDER = ("intro", "name", "scope")  # the order fields are worded in (a word is named once, where first)
CODE = "所属行业为{label}"
SCOPE_CODE = "经营范围主营项目属{label}"  # the code came from a 经营范围 item (国标行业 missing)
SCOPE_ITEMS = "经营范围所列业务属{labels}"  # the 经营范围 items naming 小类 of the segment (scope_code_support)
BARE_CODE = "国标行业{code}"  # a code the reference table does not name
GAP = "对应园区{status}环节“{segment}”"  # (an assumed status is marked where the statuses are listed: 汇总, 地图)
# … a segment that serves the chain (`serves` in the chain files): its companies rank after the makers
SERVES = "；该环节为产业链配套服务（工程施工、运营或分销），相关度按服务企业折算，排在生产企业之后"
STATUS_WORDS = {"一般": "基础一般的"}  # how a gap status reads before 环节 (others as they are)
# the industry code named a chain, but no text did: not filed on the code alone
CODE_ALONE = "；仅国标行业代码指向{chain}，企业名称、简介和经营范围中没有相应内容，不据此入链"
# the 经营范围 names a chain's products only in items that sell or lease them, and makes nothing: a reseller
RESALE_ALONE = (
    "；经营范围只登记{chain}相关产品的销售、租赁、安装维修或培训，未见生产、研发条目，按经销或服务商处理，不据此入链"
)
# … or the export files it under a trade, repair, lease, construction, business- or household-service code (its
# scope's making items and its description's goods only rank it)
RESALE_CODED = "；国标行业为{label}，属批发零售、修理、租赁、建筑安装、商务服务或居民服务类，{chain}相关产品按经销或服务商处理，不据此入链"
# … or its name is a trader's, installer's or adviser's (贸易, 安装, 咨询 before the form): NAMED_TRADE quotes its word
RESALE_NAMED = "；{named}，{chain}相关产品按经销或服务商处理，不据此入链"
NAMED_TRADE = "企业名称含“{word}”，表明其主业为贸易或服务"
NAMED_TRADE_PLAIN = "企业名称表明其主业为贸易或服务"  # no word at hand (a table saved without resale_word)
# what named the chain is a segment that serves it (construction, operation, distribution) and the setting ranks such
# companies without filing them (service_ceiling below min_relevance, the default)
SERVE_ALONE = "；主要业务属{chain}产业链的配套服务（工程施工、运营或分销），按当前设置只排名、不入链"
# filed at chain level: the text and the code place the company in the chain, but no text names its segment
CHAIN_LEVEL = "属{chain}产业链，文字未指明具体环节，环节待核实"
CHAIN_LEVEL_CODE = "（国标行业对应环节：{}）"
# a --per-chain row of a chain the company is not filed in: what is missing is direct evidence (the model,
# when it rated the chain higher, is named before it; it never files a company by itself)
NEAR_MISS = "与{chain}相关，但名称、简介和经营范围中的直接证据不足，未达入链门槛"
# … and what named the chain is a 经营范围 that only sells, leases, installs or repairs its products (resale_chain)
NEAR_MISS_RESALE = "与{chain}相关，但经营范围只登记相关产品的销售、租赁、安装维修或培训，未见生产、研发条目，按经销或服务商处理，未达入链门槛"
NEAR_MISS_CODED = "与{chain}相关，但国标行业为{label}，属批发零售、修理、租赁、建筑安装、商务服务或居民服务类，按经销或服务商处理，未达入链门槛"
NEAR_MISS_NAMED = "与{chain}相关，但{named}，按经销或服务商处理，未达入链门槛"
# … and what named the chain is a segment that serves it, ranked without filing by the setting (serve_chain)
NEAR_MISS_SERVE = "与{chain}相关，但主要业务属产业链的配套服务（工程施工、运营或分销），按当前设置只排名、不入链"
MODEL_UP = "文本模型判断与该产业链相符"
MODEL_DOWN = "文本模型判断与该产业链相符程度较低"
MODEL_UNMATCHED = "（文本模型判断不符，未予归入）"
MODEL_MATERIAL = 0.05  # a change of the relevance by the learned model this large is worth saying
FACT_ITEMS = {
    "capital": "注册资本{}",
    "employees": "参保{}人",
    "age": "成立{}年",
    "listed": "上市",
    "qualifications": "{}",
    "financing": "已获{}",
}
YOUNG = "成立不满1年"
NO_FACTS = "未查到注册资本、参保人数等规模信息"
RISK_LABEL = "风险："
RISK_ITEMS = {
    "inactive": "登记状态为“{}”，不作为招商目标",
    "abnormal": "列入经营异常名录（得分扣减{:.0%}）",
    "dishonest": "失信被执行人（得分扣减{:.0%}）",
}
TIER_NOTE = "得分达A类，但{}，列为B类"
FLOOR_ITEMS = {  # why a row is not A, by A floor (matcher.knowledge.settings.A_FLOORS)
    "employees": "参保人数不足{:g}人",
    "capital": "注册资本不足{}",
    "age": "成立不满{:g}年",
    "branch": "为分公司或分支机构",
    "active": "登记状态为“{}”",
}

# The columns a reason is rendered from (component-table columns; `_segment` keys the segment facts).
EVIDENCE_COLUMNS = [
    "evidence_words",
    "code_counted",
    "scope_code",
    "model_support",  # the learned model's change to the relevance (0: none, or the model is off)
    "scope_code_support",  # the evidence the 经营范围 items' GB/T 小类 gave the segment (0: none)
    "scope_item_codes",  # those 小类 codes, joined by ; (None: none)
    "gap_assumed",
    "priority_level",
    "level_segments",  # a chain-level filing: the segments its industry code lists (None: the code lists none)
    "code_chain",  # a company not filed: the chain its industry code alone pointed at (None otherwise)
    # a company not filed (or a --per-chain row of a chain it is not filed in): the chain whose goods its 经营范围
    # only sells, leases, installs or repairs (None otherwise)
    "resale_chain",
    # why that chain's goods are a reseller's: "code" (the 国标行业 is a trade, repair, lease, construction, business-
    # or household-service code),
    # "name" (the name is a trader's), None (the 经营范围 makes nothing) — MatchResult.trade_cause
    "resale_by",
    "resale_word",  # … and where the name says so, its trade word (贸易, 安装工程: name_parts.yaml), else None
    # a company not filed (or a --per-chain row of a chain it is not filed in) that a segment serving the chain would
    # have filed, ranked only by the setting service_ceiling: that chain (None otherwise)
    "serve_chain",
]
REASON_FACTS = [
    "industry_code",
    "registered_capital_wan",
    "employees",
    "age_years",
    "listed",
    "qualifications",
    "financing",
    "status",
    "status_raw",
    "abnormal",
    "dishonest",
    "is_branch",
]
LOCAL_COLUMNS = ["is_local", "local_match", "local_name"]
# settings the wording depends on that `rank` applies: re-ranking with new values re-renders (see reword)
RANK_WORDING = ("penalty_abnormal", "penalty_dishonest")  # (the A floors: see tier_notes)


# ---- Arrow text helpers --------------------------------------------------------------------------
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # what pandas makes of a column of Python strings


def _as_str(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    """An Arrow string array as pandas' default string column (no copy)."""
    return pd.array(values, dtype=_STR)


def _arrow_text(values) -> pa.Array:
    """A text column as an Arrow string array ('' for missing); an Arrow-backed column is not copied."""
    if isinstance(values, pa.Array):
        return values
    if isinstance(values, pd.Series):
        values = values.array
    if hasattr(values, "__arrow_array__") and pd.api.types.is_string_dtype(values.dtype):
        arr = pa.chunked_array(values.__arrow_array__()).combine_chunks().cast(pa.string())  # pandas keeps large_string
    else:
        arr = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    return arr.fill_null("") if arr.null_count else arr


def _len(frame) -> int:
    return len(next(iter(frame.values()))) if isinstance(frame, Mapping) else len(frame)


def _col(frame, name: str) -> np.ndarray:
    """A column of frame (a table or a mapping of columns) as a NumPy array (object for text); all
    missing where there is no such column."""
    if name not in frame:
        return np.full(_len(frame), None, dtype=object)
    values = frame[name]
    return values if isinstance(values, np.ndarray) else values.to_numpy(dtype=object)


def _num(frame, name: str) -> np.ndarray:
    return np.asarray(frame[name], dtype=float) if name in frame else np.full(_len(frame), np.nan)


def _flag(frame, name: str) -> np.ndarray:
    """A yes / no column as booleans (missing: no)."""
    if name not in frame:
        return np.zeros(_len(frame), dtype=bool)
    values = np.asarray(frame[name])
    if values.dtype == bool:
        return values
    return pd.array(values, dtype="boolean").fillna(False).to_numpy(dtype=bool)


def concat_texts(*parts) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and constant strings."""
    return pc.binary_join_element_wise(*parts, "")


def join_prefixed(parts: list, sep: str) -> pa.Array:
    """Element-wise join of equal-length Arrow string arrays by sep, skipping empty strings ('' where
    all are), for parts whose every non-empty string already starts with sep (formatted so once per
    distinct value): one concatenation in Arrow's C++ kernels, then the leading sep cut off."""
    return pc.utf8_slice_codeunits(concat_texts(*parts), len(sep))


def _fmt_unique(values, fmt, prefix: str = "", where: np.ndarray | None = None) -> pa.Array:
    """prefix + fmt applied once per distinct non-missing value ('' for missing), as Arrow strings; with
    `where` (booleans), the prefix only where it holds (both forms formatted once, one take)."""
    codes, uniques = distinct_codes(values)
    texts = [fmt(v) for v in uniques]
    table = [prefix + t if t else "" for t in texts] + [""]
    if where is not None:
        table += texts + [""]  # the bare forms, after the prefixed ones
        codes = codes + np.where(where, 0, len(texts) + 1)
    return pa.array(table, type=pa.string()).take(pa.array(codes, type=pa.int64()))  # missing: a trailing ""


def _fmt_keyed(keys, frame, *fmts, rows: np.ndarray | None = None) -> list[pa.Array]:
    """For every fmt: fmt(row) once per distinct key ('' for a missing key), fmt reading the key's first
    row of frame (a mapping of columns): for facts that are functions of the key (a segment's names).
    `rows`: the rows of frame the keys belong to (default: all, in order)."""
    codes, uniques = distinct_codes(keys)
    # codes are numbered in order of first appearance: a row is a key's first where its code passes
    # every earlier code (no sort needed)
    valid = np.where(codes < len(uniques), codes, -1)
    first = np.flatnonzero(valid > np.maximum.accumulate(np.r_[-1, valid[:-1]]))
    at = first if rows is None else rows[first]
    read = {c: _take(v, at) for c, v in frame.items()}  # only those rows are read (no column is converted)
    at = pa.array(codes, type=pa.int64())
    return [
        pa.array([fmt({c: v[i] for c, v in read.items()}) for i in range(len(first))] + [""], type=pa.string()).take(at)
        for fmt in fmts
    ]


def _take(values, rows: np.ndarray) -> np.ndarray:
    """values (a column: Series, array) at positions rows, as a NumPy array."""
    if isinstance(values, pd.Series):
        return values.iloc[rows].to_numpy(dtype=object)
    if isinstance(values, pa.Array):
        return values.take(pa.array(rows, type=pa.int64())).to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=object)[rows] if not isinstance(values, np.ndarray) else values[rows]


def _present(frame, name: str) -> np.ndarray:
    """Where a column of frame has a value (a missing column: nowhere)."""
    if name not in frame:
        return np.zeros(_len(frame), dtype=bool)
    values = frame[name]
    return values.notna().to_numpy() if isinstance(values, pd.Series) else pd.notna(np.asarray(values))


def _where(cond: np.ndarray, text: str) -> pa.Array:
    """text where cond, '' elsewhere."""
    return pc.if_else(pa.array(cond, type=pa.bool_()), text, "")


def _fmt_wan(v: float) -> str:
    """An amount in 万元 as an officer says it: 2.4亿元, 400万元, 12.5万元 (no needless decimals)."""
    if v >= 10000:
        return f"{round(v / 10000, 2):g}亿元"
    return f"{round(v):g}万元" if v >= 100 else f"{round(v, 1):g}万元"


def _fmt_age(v: float) -> str:
    return YOUNG if v < 1 else FACT_ITEMS["age"].format(f"{v:.0f}")


def _fmt_financing(v) -> str:
    """The latest financing round: Pre-A、A轮 -> 已获A轮融资, 战略融资 -> 已获战略融资."""
    last = _fmt_list(v).split("、")[-1]
    if not last:
        return ""
    return FACT_ITEMS["financing"].format(last if last.endswith(("融资", "增发")) else last + "融资")


def _fmt_list(v) -> str:
    """A list of tags as one item run: 高新技术企业；专精特新 -> 高新技术企业、专精特新."""
    parts = [p.strip() for p in str(v).replace("；", ";").replace("，", ";").replace(",", ";").split(";")]
    return "、".join(p for p in parts if p)


def _concat_where(rows: np.ndarray, other: pa.Array, *parts) -> pa.Array:
    """concat_texts(*parts) on the rows where `rows` (booleans) holds, `other` elsewhere: for a rare
    part (本地, 风险) only the few rows that have it are concatenated again."""
    k = np.flatnonzero(rows)
    if not len(k):
        return other
    k = pa.array(k)
    joined = concat_texts(*(p.take(k) if isinstance(p, pa.Array) else p for p in parts))
    return pc.replace_with_mask(other, pa.array(rows, type=pa.bool_()), joined)


# ---- evidence: what matching found, as text ------------------------------------------------------
def _join_words(m: sp.csr_matrix, words: pa.Array, max_words: int, prefix: str) -> pa.Array:
    """prefix + the words (by column index of a CSR matrix) of the first max_words entries of every
    row, concatenated ('' for empty rows)."""
    counts = np.diff(m.indptr)
    rank = np.arange(m.nnz) - np.repeat(m.indptr[:-1], counts)
    picked = words.take(pa.array(m.indices[rank < max_words], type=pa.int64()))
    counts = np.minimum(counts, max_words)
    lists = pa.ListArray.from_arrays(pa.array(np.r_[0, np.cumsum(counts)], type=pa.int32()), picked)
    return pc.if_else(pa.array(counts > 0), concat_texts(prefix, pc.binary_join(lists, "")), "")


def _name_terms(m: SegmentMatcher, result: MatchResult, rows: np.ndarray, segments: np.ndarray):
    """n × T the name terms counted for each (row, segment) pair, or None; builds the tables once per matcher."""
    if result.name_terms is None or not result.name_terms.nnz:
        return None
    if "_quoted_terms_" not in m.__dict__:
        k = len(m.vocabulary_)
        m._quoted_terms_ = pa.array([f"“{w}”" for w in m.name_terms_], type=pa.string())
        m._term_segments_ = ((m.name_term_strong_ + m.name_term_weak_) > 0).T.tocsr().astype(np.float32)
        # keyword × term where one holds the other (机器人 and 机器人, 集成电路设计 and 集成电路, 语音 and 语音技术)
        pairs = [(i, j) for j, t in enumerate(m.name_terms_) for i, w in enumerate(m.vocabulary_) if t in w or w in t]
        longer = np.array([len(m.vocabulary_[i]) >= len(m.name_terms_[j]) for i, j in pairs], dtype=bool)
        ij = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
        shape = (k, len(m.name_terms_))
        m._term_in_word_ = sp.csr_matrix((longer.astype(np.float32), tuple(ij)), shape=shape)
        m._word_in_term_ = sp.csr_matrix(((~longer).astype(np.float32), tuple(ij)), shape=shape)
    nt = result.name_terms[rows].multiply(m._term_segments_[segments]).tocsr()
    nt.eliminate_zeros()
    return nt if nt.nnz else None


def _with_terms(m: SegmentMatcher, row: np.ndarray, col: np.ndarray, terms: sp.csr_matrix, quoted: pa.Array):
    """(rows, columns, words) of a name's keywords and industry-part terms as one list (terms after the keywords,
    at columns 2K + term): a term the same as or inside a keyword found is left out, and a keyword inside a
    term found gives way to the term (名称含“语音技术”, not 名称含“语音”，名称含“语音技术”). Terms count for a
    roster row alone (name only), so no earlier field names them."""
    k, n = len(m.vocabulary_), terms.shape[0]
    found = sp.csr_matrix((np.ones(len(row), dtype=np.float32), (row, col % k)), shape=(n, k))
    terms = (terms - terms.multiply((found @ m._term_in_word_) > 0)).tocsr()
    terms.eliminate_zeros()
    inside = (terms @ m._word_in_term_.T).tocsr()  # n × K: keywords some term of the row holds
    keep = ~np.asarray(inside[row, col % k]).ravel().astype(bool) if len(row) else np.zeros(0, dtype=bool)
    t_row = np.repeat(np.arange(n), np.diff(terms.indptr))
    row = np.r_[row[keep], t_row]
    col = np.r_[col[keep], 2 * k + terms.indices]
    return row, col, pa.concat_arrays([quoted, m._quoted_terms_])


def evidence_text(
    matcher: SegmentMatcher,
    result: MatchResult,
    rows: np.ndarray,
    segments: np.ndarray,
    max_words: int = 3,
    prefixed: bool = False,
) -> pa.Array:
    """For each (row, segment) pair, the words that matched as Chinese text, e.g.
    '名称含“动力电池”，经营范围含“电芯”“BMS”，名称含龙头企业“宁德时代”' ('' when none), as an
    Arrow string array, from a fitted matcher's `result`. Vectorised: a segment × word table says which
    words found count (strong words first, then weak ones), Arrow joins them. With `prefixed` every
    non-empty text keeps a leading ITEM_SEP['match'], ready for join_prefixed."""
    sep = ITEM_SEP["match"]
    m = matcher
    quoted = m.__dict__.get("_quoted_")
    if quoted is None:  # built once per fitted matcher, kept on it; a word's column in [strong | weak]: id or id + K
        quoted = m._quoted_ = pa.array([f"“{w}”" for w in m.vocabulary_] * 2, type=pa.string())
        m._quoted_leaders_ = pa.array([f"“{w}”" for w in m.leaders_], type=pa.string())
        m._word_kind_ = (m._strong_mask_.toarray() > 0).astype(np.int8) + 2 * (m._weak_mask_.toarray() > 0).astype(
            np.int8
        )  # S × K: 1 strong, 2 weak, 0 neither
    k = len(m.vocabulary_)
    n = len(rows)
    parts = []
    shown = np.zeros(0, dtype=np.int64)  # row * k + word of the words an earlier field already names
    terms = _name_terms(m, result, rows, segments)  # n × T a roster name's industry-part words (名称含“轨道装备”)
    for f in sorted(FIELDS, key=lambda f: _FIELD_ORDER.index(f) if f in _FIELD_ORDER else len(_FIELD_ORDER)):
        h = result.hits[f][rows]
        row = np.repeat(np.arange(n), np.diff(h.indptr))
        kind = m._word_kind_[segments[row], h.indices]  # is each word found strong or weak for the row's segment?
        on = (kind > 0) & ~np.isin(row * k + h.indices, shown)
        row, col = row[on], h.indices[on] + k * (kind[on] == 2)  # [strong | weak] columns: strong words first
        words = quoted
        if f == "name" and terms is not None:  # the name's words and its industry-part terms in one list
            row, col, words = _with_terms(m, row, col, terms, quoted)
        order = np.argsort(row * len(words) + col, kind="stable")
        counts = np.bincount(row, minlength=n)
        both = sp.csr_matrix(
            (np.ones(len(col), dtype=np.int8), col[order], np.r_[0, np.cumsum(counts)]), shape=(n, len(words))
        )
        first = (np.arange(len(col)) - np.repeat(both.indptr[:-1], counts) < max_words) & (both.indices < 2 * k)
        shown = np.r_[shown, row[order][first] * k + both.indices[first] % k]
        phrase = FIELD_WORDS.get(f, FIELD_LABELS[f] + "含")
        parts.append(_join_words(both, words, max_words, sep + phrase))
    lh = result.leader_hits[rows].multiply(m.leader_segments_.T.tocsr()[segments]).tocsr()
    lh.sort_indices()
    parts.append(_join_words(lh, m._quoted_leaders_, max_words, sep + LEADER_WORDS))
    joined = concat_texts(*parts)
    return joined if prefixed else pc.utf8_slice_codeunits(joined, len(sep))


def model_support(result: MatchResult, rows: np.ndarray, best: np.ndarray, has_chain: np.ndarray) -> np.ndarray:
    """What the learned model changed in the relevance a reason shows (4 decimals; 0 without a model):
    for a row with a chain, its segment's relevance minus the knowledge's; for a row without, its
    highest relevance minus the knowledge's highest."""
    k = result.knowledge_relevance
    if k is None:
        return np.zeros(len(rows))
    rel = result.relevance
    support = rel[rows, best].astype(float) - k[rows, best]
    j = np.flatnonzero(~has_chain)
    if len(j):
        support[j] = rel[rows[j]].max(axis=1) - k[rows[j]].max(axis=1)
    return np.round(support, 4)


def evidence_columns(
    matcher: SegmentMatcher,
    segments: pd.DataFrame,
    frame: pd.DataFrame,
    result: MatchResult,
    rows: np.ndarray,
    best: np.ndarray,
    has_chain: np.ndarray,
    age_years: np.ndarray,
    shown: np.ndarray | None = None,
    word_segments: np.ndarray | None = None,
) -> dict:
    """The columns a reason is rendered from, beside the component table's own, for the component rows
    `rows` (positions in frame) filed under segments `best` (`has_chain`: whether the row is filed in
    a chain; `shown`: whether it names a chain, filed or not — default has_chain; `word_segments`: the
    segment whose matched words to quote — default best; `segments`: the scorer's segment table):
    EVIDENCE_COLUMNS (the matched words, whether the industry code counted, the 经营范围 item's code
    where it stood in for a missing 国标行业, the segment's 待核实 mark and priority level, and for a
    company left out on its industry code alone the chain the code named) and REASON_FACTS (the
    company's facts, each in its column's own dtype); for a company left out whose 经营范围 only sells a chain's
    goods, that chain. Texts are Arrow arrays (rendered from as they
    are; `_as_str` makes them a pandas column)."""
    n = len(rows)
    shown = has_chain if shown is None else shown
    word_segments = best if word_segments is None else word_segments
    whole = n == len(frame) and bool((rows == np.arange(n)).all())
    code = np.zeros(n, dtype=bool)
    if n:
        code = np.asarray(result.code_evidence[rows, best]).ravel() > 0
    # words for rows that name a chain, and for rows left out whose code named one (is there text?)
    j = np.flatnonzero(shown | code)
    found = evidence_text(matcher, result, rows[j], word_segments[j]) if len(j) else pa.array([], type=pa.string())
    at = np.full(n, len(j))  # a row without a chain takes the trailing ''
    at[j] = np.arange(len(j))
    words = pa.concat_arrays([found, pa.array([""], type=pa.string())]).take(pa.array(at, type=pa.int64()))
    no_words = pc.equal(words, "").to_numpy(zero_copy_only=False)
    code_chain = np.full(n, None, dtype=object)
    alone = code & ~shown & no_words
    code_chain[alone] = segments["chain_name"].to_numpy(dtype=object)[best[alone]]
    resale_chain = np.full(n, None, dtype=object)
    moved = result.resold_evidence  # a reseller's goods: the chain they belong to, for a row left out
    left, near = np.flatnonzero(~shown), np.flatnonzero(shown & ~has_chain)
    chain_names = segments["chain_name"].to_numpy(dtype=object)
    if moved is not None and moved.nnz and len(left):
        m = moved[rows[left]].tocsr()
        has = np.diff(m.indptr) > 0
        top = np.asarray(m.argmax(axis=1)).ravel()
        resale_chain[left[has]] = chain_names[top[has]]
    if moved is not None and moved.nnz and len(near):  # a near miss in a chain whose goods it only resells
        m = moved[rows[near]].tocsr()
        at = np.repeat(np.arange(len(near)), np.diff(m.indptr))
        chain_of = matcher.segment_chain_
        same = chain_of[m.indices] == chain_of[best[near]][at]
        hit = np.bincount(at[same], minlength=len(near)) > 0
        resale_chain[near[hit]] = chain_names[best[near[hit]]]
    unlisted = result.code_unlisted  # a code naming a making beside a 经营范围 that makes nothing: a reseller too
    if unlisted is not None and n:
        said = unlisted[rows] & code & ~has_chain & ~no_words  # the code alone says so (CODE_ALONE)
        resale_chain[said] = chain_names[best[said]]
        code_chain[said] = None
    resale_by = np.full(n, None, dtype=object)
    if result.trade_cause is not None and n:
        cause = result.trade_cause[rows]
        resale_by = np.where(pd.notna(resale_chain), cause, None)
    resale_word = np.full(n, None, dtype=object)
    named = np.flatnonzero(resale_by == "name")
    if len(named) and "company_name" in frame:
        names = frame["company_name"].to_numpy(dtype=object)[rows[named]]
        resale_word[named] = [matcher.trader_word(v) or None for v in names]
    serve_chain = np.full(n, None, dtype=object)
    s, serving = matcher.settings, matcher.serving_
    if n and len(serving) and 0 < s.service_ceiling < s.min_relevance:  # serving segments rank and do not file
        on = np.flatnonzero(np.isin(best, serving) & ~has_chain)
        # the relevance before the setting pressed it (SegmentMatcher._serve_below_makers) reached min_relevance
        before = matcher.served_before(result.relevance[rows[on], best[on]])
        said = on[reaches(before, s.min_relevance)]
        serve_chain[said] = chain_names[best[said]]
        resale_chain[said] = code_chain[said] = resale_by[said] = resale_word[said] = None
    code &= shown  # the code item is quoted for rows with a chain
    broad = result.broad_code_evidence  # a 大类 / 中类 supported the chain (only where it has text)
    if broad is not None and broad.nnz and n:
        code |= shown & (np.asarray(broad[rows, best]).ravel() > 0)
    scope_code = np.full(n, None, dtype=object)
    scope_code[code] = result.scope_code[rows[code]]
    item_support, item_codes = scope_item_columns(matcher, result, rows, best, shown)
    out = {
        "evidence_words": pc.if_else(pa.array(shown, type=pa.bool_()), words, ""),
        "code_counted": code,
        "scope_code": scope_code,
        "model_support": model_support(result, rows, best, has_chain),
        "scope_code_support": item_support,
        "scope_item_codes": item_codes,
        "gap_assumed": np.where(has_chain, segments["assumed"].to_numpy(dtype=bool)[best], False),
        # taken as Arrow strings: pandas would convert an object column of them row by row
        "priority_level": pa.array(segments["priority_level"].to_numpy(dtype=object), type=pa.string()).take(
            pa.array(best, mask=~has_chain)
        ),
        "level_segments": np.full(n, None, dtype=object),
        "code_chain": code_chain,
        "resale_chain": resale_chain,
        "resale_by": resale_by,
        "resale_word": resale_word,
        "serve_chain": serve_chain,
    }
    for c in REASON_FACTS:
        if c == "age_years":
            out[c] = np.asarray(age_years, dtype=float)
        elif c in frame:  # a Series keeps the column's dtype: the ranked table takes these
            out[c] = frame[c] if whole else frame[c].iloc[rows]  # no copy when every row is a component row
        else:
            out[c] = np.full(n, None, dtype=object)
    return out


def scope_item_columns(
    matcher: SegmentMatcher, result: MatchResult, rows: np.ndarray, best: np.ndarray, shown: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(support, codes) for the rows that name a chain: the evidence the 经营范围 items' GB/T 小类 gave
    the segment `best` (result.scope_code_support) and those of the row's item codes the segment lists,
    joined by ; (None where there are none)."""
    n = len(rows)
    support = np.zeros(n, dtype=np.float64)
    codes = np.full(n, None, dtype=object)
    m = result.scope_code_support
    if m is None or not m.nnz or not n:
        return support, codes
    support = np.where(shown, np.asarray(m[rows, best]).ravel().astype(np.float64), 0.0)
    listed = matcher.code_segments_
    for k in np.flatnonzero(support > 0).tolist():
        own = [c for c in matcher.scope_item_codes_of(result, rows[k]) if best[k] in listed.get(c, ())]
        codes[k] = ";".join(own) or None
    return np.round(support, 4), codes


# ---- the parts, rendered from columns ------------------------------------------------------------
def _support(t) -> np.ndarray:
    """The learned model's change to the relevance shown (0 where the table has none)."""
    return np.nan_to_num(_num(t, "model_support"), nan=0.0) if "model_support" in t else np.zeros(_len(t))


def _unmatched(t, settings: Settings) -> pa.Array:
    """The 匹配 part of a row without a chain (computed for every row, replaced where there is one); the
    model is named when the knowledge alone would have filed the row."""
    rel, support = _num(t, "relevance"), _support(t)
    said = (support < 0) & reaches(rel - support, settings.min_relevance)
    # a reseller's, a service firm's or a code's relevance ranks the row and never filed it: the reason says why
    said &= pd.isna(_col(t, "resale_chain")) & pd.isna(_col(t, "serve_chain")) & pd.isna(_col(t, "code_chain"))
    return concat_texts(
        UNMATCHED,
        _fmt_unique(_col(t, "code_chain"), lambda c: CODE_ALONE.format(chain=c)),
        _fmt_unique(_resale_keys(t), _resale_alone),
        _fmt_unique(_col(t, "serve_chain"), lambda c: SERVE_ALONE.format(chain=c)),
        _where(said, MODEL_UNMATCHED),
    )


def _resale_keys(t, rows: np.ndarray | None = None) -> np.ndarray:
    """Per row (of `rows`), what its resale wording is made of — chain, cause and the exported code or the name's
    trade word, joined by NUL — or None where the row names no chain it only resells (resale_chain)."""
    n = _len(t)

    def column(name: str) -> pd.Series:
        return pd.Series(_col(t, name) if name in t else np.full(n, None, dtype=object), dtype=object)

    chain, by, code, word = (column(c) for c in ("resale_chain", "resale_by", "industry_code", "resale_word"))
    if rows is not None:
        chain, by, code, word = (s.iloc[rows].reset_index(drop=True) for s in (chain, by, code, word))
    keys = np.full(len(chain), None, dtype=object)
    on = np.flatnonzero(chain.notna().to_numpy())  # only the resellers' rows are joined
    if len(on):
        by = by.iloc[on].where(by.iloc[on].isin(("code", "name")), "")
        what = code.iloc[on].where((by == "code") & code.iloc[on].notna(), "").astype(str)
        named = ((by == "name") & word.iloc[on].notna()).to_numpy()
        what[named] = word.iloc[on][named].astype(str)
        keys[on] = (chain.iloc[on].astype(str) + "\x00" + by + "\x00" + what).to_numpy(dtype=object)
    return keys


def _resale_wording(key: str, by_scope: str, by_code: str, by_name: str) -> str:
    """A resale key (_resale_keys) in one of the three wordings, by its cause."""
    chain, cause, what = key.split("\x00")
    if cause == "code":
        label = industry_codes().get(what, "") or BARE_CODE.format(code=what)
        return by_code.format(chain=chain, label=f"“{label}”")
    if cause == "name":
        named = NAMED_TRADE.format(word=what) if what else NAMED_TRADE_PLAIN
        return by_name.format(chain=chain, named=named)
    return by_scope.format(chain=chain)


def _resale_alone(key: str) -> str:
    return _resale_wording(key, RESALE_ALONE, RESALE_CODED, RESALE_NAMED)


def _model_item(value: float) -> str:
    return MODEL_UP if value > 0 else MODEL_DOWN


def _filed_rows(t) -> np.ndarray:
    """Where a row is filed in its chain (a per-chain row of a chain the company is not filed in names
    the chain but is not)."""
    has = _present(t, "chain_id")
    return has & _flag(t, "filed") if "filed" in t else has


def _filed(t, j: np.ndarray, settings: Settings) -> pa.Array:
    """The 匹配 part of the rows j that name a chain: the evidence items (words, then the industry) and
    the gap the segment is (a chain-level filing and a near miss say so instead)."""
    filed = _filed_rows(t)[j]
    level = _flag(t, "chain_level")[j]
    # the key of a row's segment facts (numbers factorise fast): its segment, a near miss apart, a
    # chain-level filing by its chain and the segments its code lists
    key = np.asarray(t["_segment"])[j].astype(float)
    key[~filed] = -1.0 - key[~filed]
    resold = ~filed & pd.notna(_col(t, "resale_chain")[j])  # a reseller's near miss reads otherwise
    resale = _resale_keys(t, j)
    key[resold] -= 1e7 + 1e3 * pd.factorize(resale[resold])[0]  # … by its cause and code (segment keys are < 1e3)
    key[~filed & pd.notna(_col(t, "serve_chain")[j])] -= 1e9  # and a service firm's ranked only
    if level.any():
        names = _col(t, "chain_name")[j][level].astype(str) + "\x00" + _col(t, "level_segments")[j][level].astype(str)
        key[level] = 1e6 + pd.factorize(names)[0]
    facts = {
        c: t[c] if c in t else np.full(_len(t), None, dtype=object)
        for c in (
            "chain_name",
            "segment_name",
            "gap_status",
            "gap_assumed",
            "chain_level",
            "filed",
            "level_segments",
            "resale_chain",
            "serve_chain",
            "_serves",
        )
    }
    facts["_resale"] = np.full(_len(t), None, dtype=object)
    facts["_resale"][j] = resale

    def given(v) -> bool:
        return v is not None and not pd.isna(v)

    def gap(r):
        if given(r["filed"]) and not bool(r["filed"]):
            if given(r["serve_chain"]):
                return NEAR_MISS_SERVE.format(chain=r["chain_name"])
            if given(r["_resale"]):
                return _resale_wording(r["_resale"], NEAR_MISS_RESALE, NEAR_MISS_CODED, NEAR_MISS_NAMED)
            return NEAR_MISS.format(chain=r["chain_name"])
        if given(r["chain_level"]) and bool(r["chain_level"]):
            listed = r["level_segments"]
            code = CHAIN_LEVEL_CODE.format(listed) if isinstance(listed, str) and listed else ""
            return CHAIN_LEVEL.format(chain=r["chain_name"]) + code
        serves = SERVES if given(r["_serves"]) and bool(r["_serves"]) else ""
        return GAP.format(status=STATUS_WORDS.get(r["gap_status"], r["gap_status"]), segment=r["segment_name"]) + serves

    (gap,) = _fmt_keyed(key, facts, gap, rows=j)
    sep = ITEM_SEP["match"]
    words = _arrow_text(t["evidence_words"]).take(pa.array(j))
    counted = _flag(t, "code_counted")[j]
    codes = np.where(counted, _col(t, "industry_code")[j], None)
    from_scope = counted & pd.notna(_col(t, "scope_code")[j])
    codes[from_scope] = [_SCOPE_KEY + str(c) for c in _col(t, "scope_code")[j][from_scope]]
    # the items: the words, then the code (with its separator only after words), then the gap
    has_words = pc.not_equal(words, "").to_numpy(zero_copy_only=False)
    code = _fmt_unique(codes, _code_item, sep, has_words)
    has_code = has_words | pd.notna(codes)
    items = _col(t, "scope_item_codes")[j]
    items_text = _fmt_unique(items, _scope_items, sep, has_code)
    has_code |= pd.notna(items)
    # the model's item: when it moved the relevance materially or decided the filing
    rel, support = _num(t, "relevance")[j], _support(t)[j]
    decided = (support > 0) & ~reaches(rel - support, settings.min_relevance)
    said = (np.abs(support) >= MODEL_MATERIAL - 1e-9) | decided
    model = _fmt_unique(np.where(said, support, np.nan), _model_item, sep, has_code)
    evidence = concat_texts(words, code, items_text, model)
    lead = pc.if_else(pc.not_equal(evidence, ""), sep, "")
    return concat_texts(evidence, lead, gap)


_SCOPE_KEY = "scope:"  # marks a code read from the 经营范围 among the codes formatted once each


def _code_item(key) -> str:
    """The code item of a reason: CODE for an exported 国标行业, SCOPE_CODE for a code read from the 经营范围."""
    key = str(key)
    code = key.removeprefix(_SCOPE_KEY)
    label = industry_codes().get(code, "")
    if not label:
        return BARE_CODE.format(code=code)
    return (SCOPE_CODE if key.startswith(_SCOPE_KEY) else CODE).format(label=label)


def _scope_items(key) -> str:
    """The 经营范围 items' 小类 (codes joined by ;) as a reason item: SCOPE_ITEMS with their names."""
    names = [industry_codes().get(c, "") or BARE_CODE.format(code=c) for c in str(key).split(";") if c]
    return SCOPE_ITEMS.format(labels="、".join(names)) if names else ""


def _filled(n: int, j: np.ndarray, values: pa.Array, other: pa.Array | str) -> pa.Array:
    """values on the rows j of n, `other` (an array of n, or a constant) elsewhere."""
    mask = np.zeros(n, dtype=bool)
    mask[j] = True
    if isinstance(other, str):
        other = pc.if_else(pa.array(np.zeros(n, dtype=bool)), "", other)
    return pc.replace_with_mask(other, pa.array(mask), values)


def _strength_part(t, before: str) -> pa.Array:
    sep = ITEM_SEP["strength"]  # every item starts with it (see join_prefixed)
    f = FACT_ITEMS
    facts = join_prefixed(
        [
            _fmt_unique(_num(t, "registered_capital_wan"), lambda v: f["capital"].format(_fmt_wan(v)), sep),
            _fmt_unique(_num(t, "employees"), lambda v: f["employees"].format(int(v)), sep),
            _fmt_unique(_num(t, "age_years"), _fmt_age, sep),
            _where(_flag(t, "listed"), sep + f["listed"]),
            _fmt_unique(_col(t, "qualifications"), lambda v: f["qualifications"].format(_fmt_list(v)), sep),
            _fmt_unique(_col(t, "financing"), _fmt_financing, sep),
        ],
        sep,
    )
    return concat_texts(before, pc.if_else(pc.equal(facts, ""), NO_FACTS, facts))


def _risk_items(t, settings: Settings) -> pa.Array:
    sep = ITEM_SEP["risk"]  # every item starts with it (see join_prefixed)
    inactive = _col(t, "status") == "inactive"
    return join_prefixed(
        [
            _fmt_unique(np.where(inactive, _col(t, "status_raw"), None), RISK_ITEMS["inactive"].format, sep),
            _where(_flag(t, "abnormal"), sep + RISK_ITEMS["abnormal"].format(settings.penalty_abnormal)),
            _where(_flag(t, "dishonest"), sep + RISK_ITEMS["dishonest"].format(settings.penalty_dishonest)),
        ],
        sep,
    )


def _floor_item(floor: str, settings: Settings, status_raw) -> str:
    value = getattr(settings, A_FLOORS[floor])
    if floor == "capital":
        return FLOOR_ITEMS[floor].format(_fmt_wan(value))
    if floor == "active":
        return FLOOR_ITEMS[floor].format(status_raw if isinstance(status_raw, str) and status_raw else "未知")
    return FLOOR_ITEMS[floor].format(value)


def tier_notes(t, settings: Settings) -> pa.Array:
    """The 等级 part of every row of t ('' for most): why a row whose score reaches A is B — the A floors
    it fails (`below_a_floor`, bits in A_FLOORS order), worded with the floors of `settings`. Local rows
    (tier 本地) and rows without a chain or score have none."""
    n = _len(t)
    bits = np.nan_to_num(_num(t, "below_a_floor")).astype(np.int64)
    capped = (bits != 0) & (_num(t, "score") >= settings.tier_a) & _present(t, "chain_id") & ~_flag(t, "is_local")
    k = np.flatnonzero(capped)
    if not len(k):
        return pa.array([""] * n, type=pa.string())
    raw = _col(t, "status_raw")[k]
    keys = np.array([f"{b}\x00{r if isinstance(r, str) else ''}" for b, r in zip(bits[k], raw)], dtype=object)
    codes, uniques = distinct_codes(keys)
    texts = []
    for key in uniques:
        b, r = key.split("\x00")
        items = [_floor_item(f, settings, r) for i, f in enumerate(A_FLOORS) if int(b) >> i & 1]
        texts.append(TIER_NOTE.format("、".join(items)))
    notes = pa.array(texts, type=pa.string()).take(pa.array(codes, type=pa.int64()))
    return _filled(n, k, notes, "")


def _local_part(t, after: str) -> pa.Array:
    is_local = _flag(t, "is_local")
    facts = {"name": _col(t, "local_name"), "how": _col(t, "local_match")}
    keys = np.full(len(is_local), None, dtype=object)
    keys[is_local] = [f"{a}\x00{b}" for a, b in zip(facts["name"][is_local], facts["how"][is_local])]
    return _fmt_keyed(keys, facts, lambda r: LOCAL.format(name=r["name"], how=r["how"]) + after)[0]


def _parts(t, settings: Settings, sep: str = PART_SEP) -> dict[str, pa.Array]:
    """Every part of the template for every row of t ('' where a row has none). A part present carries
    sep on its side facing the 匹配 part, which every row has (a part before it ends with sep, a part
    after it starts with sep), so a row's parts are joined by concatenation."""
    n = _len(t)
    j = np.flatnonzero(_present(t, "chain_id"))
    risks = _risk_items(t, settings)
    notes = tier_notes(t, settings)
    return {
        "local": _local_part(t, sep),
        "match": _filled(n, j, _filed(t, j, settings), _unmatched(t, settings)),
        "strength": _strength_part(t, sep),
        "risk": pc.if_else(pc.not_equal(risks, ""), concat_texts(sep + RISK_LABEL, risks), ""),
        "tier": pc.if_else(pc.not_equal(notes, ""), concat_texts(sep, notes), ""),
    }


# ---- reasons -------------------------------------------------------------------------------------
def reasons(t, settings: Settings) -> pa.Array:
    """The reason of every row of t (a component table, or a mapping of its columns) as Arrow strings:
    the parts of `_parts` concatenated in PARTS order (the same texts; rows without a part skip it)."""
    j = np.flatnonzero(_present(t, "chain_id"))
    out = concat_texts(
        _filled(_len(t), j, _filed(t, j, settings), _unmatched(t, settings)), _strength_part(t, PART_SEP)
    )
    risks = _risk_items(t, settings)  # few rows have a risk, a note or are local: only theirs are concatenated again
    out = _concat_where(pc.not_equal(risks, "").to_numpy(zero_copy_only=False), out, out, PART_SEP + RISK_LABEL, risks)
    notes = tier_notes(t, settings)
    out = _concat_where(pc.not_equal(notes, "").to_numpy(zero_copy_only=False), out, out, PART_SEP, notes)
    return _local_before(t, out)


def _local_before(t, text: pa.Array) -> pa.Array:
    """text with the 本地 part placed before it on the local rows of t."""
    is_local = _flag(t, "is_local")
    return _concat_where(is_local, text, _local_part(t, PART_SEP), text) if is_local.any() else text


def with_local(table: pd.DataFrame) -> pd.api.extensions.ExtensionArray:
    """The `reasons` of a table (rendered by `reasons`) with the 本地 part placed before them on the rows
    `matcher.ingest.local.mark_local` marked local (from its columns is_local, local_match, local_name):
    what `reasons` gives for those rows, without rendering the rest again."""
    return _as_str(_local_before(table, _arrow_text(table["reasons"])))


_ROW_COLUMNS = [
    "_segment",
    "_serves",
    "chain_id",
    "chain_name",
    "segment_name",
    "filed",
    "chain_level",
    "position",
    "gap_status",
    "gap_weight",
    "priority",
    "relevance",
    "strength",
    "score",
    "below_a_floor",
    *EVIDENCE_COLUMNS,
    *REASON_FACTS,
    *LOCAL_COLUMNS,
]


def named_reason_parts(row, settings: Settings) -> dict[str, str]:
    """The parts of one row's reason by name (PARTS; only those the row has), without separators."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    t = {c: np.array([get(c)], dtype=object) for c in _ROW_COLUMNS}  # one row, rendered as every row is
    parts = _parts(t, settings, sep="")
    return {name: text for name in PARTS if (text := parts[name][0].as_py())}


def reason_parts(row, settings: Settings) -> list[str]:
    """The parts of one row's reason in PARTS order, without separators (PART_SEP.join(parts) is its
    reason): for a detail view. `row`: a component-table row (`ScoreResult.components`, same rows and
    order as the ranked table); `settings`: the ones the row was ranked with (penalties and A floors are
    worded)."""
    return list(named_reason_parts(row, settings).values())


def split_named(text) -> dict[str, str]:
    """A reason's parts by name, read from its text by the separator rule (for a table that kept only the
    text, e.g. a saved ranking): 本地 first when present, then 匹配 and 实力, then 风险 and 等级 by their
    lead words."""
    out: dict[str, str] = {}
    if not isinstance(text, str):
        return out
    rest = [p for p in text.split(PART_SEP) if p]
    if rest and rest[0].startswith(LOCAL.split("（")[0]):
        out["local"] = rest.pop(0)
    for name in ("match", "strength"):
        if rest and not rest[0].startswith((RISK_LABEL, TIER_NOTE.split("{")[0])):
            out[name] = rest.pop(0)
    for p in rest:
        out["risk" if p.startswith(RISK_LABEL) else "tier"] = p
    return out


def wan_text(v: float) -> str:
    """An amount in 万元 as every output words it (2.4亿元, 400万元)."""
    return _fmt_wan(v)


def reword(components: pd.DataFrame, settings: Settings, before: Settings | None = None) -> pd.Series | None:
    """The `reasons` of a component table under new rank settings: the rows whose wording names a rank
    setting (RANK_WORDING: the 经营异常 / 失信 penalties) rendered again, the rest kept. None when
    nothing changes: `before` (the settings the reasons were rendered with) words the penalties alike,
    no row names them, or the table lacks the columns to render from. (The A-floor notes follow the
    tiers: `matcher.engine.score.rank` re-renders those rows itself.)"""
    if before is not None and all(getattr(before, k) == getattr(settings, k) for k in RANK_WORDING):
        return None
    if not set(EVIDENCE_COLUMNS) <= set(components.columns) or "reasons" not in components:
        return None
    mask = _flag(components, "abnormal") | _flag(components, "dishonest")
    if not mask.any():
        return None
    text = pc.replace_with_mask(_arrow_text(components["reasons"]), pa.array(mask), reasons(components[mask], settings))
    return pd.Series(_as_str(text), index=components.index, name="reasons")
