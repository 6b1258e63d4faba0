"""Every Chinese reason (推荐理由) a ranking shows, rendered in one place from columns.

The scorer keeps what a reason is made of as columns of the component table (the matched words,
whether the industry code counted, the segment's gap facts, the company's strength and risk facts,
the 本地 marking); this module turns them into text. Nothing downstream parses a reason: the app's
detail view asks `reason_parts` for the parts, and re-ranking re-renders what depends on its settings.

The template — the parts of a reason, in this order (a part a row does not have is left out; the
items of a part are those it has, in this order; the wording is in the constants below):

    本地   本地企业（园区企业库已有“{local_name}”，按{local_match}匹配）：强链对象，不作为补链目标
    匹配   【{chain_name}·{segment_name}（{position}）】相关度{relevance}：items
               名称含“…” / 简介含“…” / 经营范围含“…” / 名称含龙头企业“…” / 国标行业{industry_code}{小类名称}
               (国标行业 missing, the code read from a main item of the 经营范围:
               经营范围主营项目对应国标行业{scope_code}{小类名称})
               / 文本模型判断与该产业链相符（相关度提高{model_support}） / 文本模型判断与该产业链
               相符程度较低（相关度降低{-model_support}）: only when the learned model changed the
               relevance by MODEL_MATERIAL or more, or decided whether the company is filed
           no chain: 未匹配到任何产业链环节（最高相关度{relevance}，低于门槛）
               + （文本模型判断不符，相关度降低{-model_support}） when the knowledge alone would have filed it
    缺口   缺口：items
               园区该环节{gap_status}（待核实），缺口权重{gap_weight} / {priority_level}重点链，优先级{priority}
    实力   实力：items (none: 无公开实力信息（按中性计）), then 实力分{strength} as the last item
               注册资本{registered_capital_wan} / 参保{employees}人 / 成立{age_years}年 / 上市企业 / {qualifications}
               / 融资：{financing}
    风险   风险：items
               登记状态为“{status_raw}”，不作为招商目标 / 列入经营异常（扣减{penalty_abnormal}）
               / 失信被执行（扣减{penalty_dishonest}）

The separator rule: PART_SEP (" | ") joins the parts present; ITEM_SEP[part] joins the items within a
part ("，" for 实力, "；" elsewhere). Every reason has its 匹配 part, so a part before it ends with
PART_SEP and a part after it starts with PART_SEP: a row's parts are joined by one concatenation,
without empty pieces. The penalties are rank settings (RANK_WORDING): `reword` re-renders the rows
that name them when re-ranking changes them.

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
from ..knowledge.settings import Settings
from .match import FIELD_LABELS, FIELDS, MatchResult, SegmentMatcher

# ---- the template ------------------------------------------------------------------------------
PARTS = ("local", "match", "gap", "strength", "risk")  # the order of the parts in a reason
PART_SEP = " | "
ITEM_SEP = {"match": "；", "gap": "；", "strength": "，", "risk": "；"}

LOCAL = "本地企业（园区企业库已有“{name}”，按{how}匹配）：强链对象，不作为补链目标"
HEAD = "【{chain}·{segment}（{position}）】"
RELEVANCE = "相关度{:.2f}："
UNMATCHED = "未匹配到任何产业链环节"
BELOW = "（最高相关度{:.2f}，低于门槛）"
WORDS = "{field}含"  # + the quoted words; leader names: "名称含龙头企业" + quoted names
LEADER_WORDS = "名称含龙头企业"
CODE = "国标行业{code}{label}"
SCOPE_CODE = "经营范围主营项目对应国标行业{code}{label}"  # the code came from a 经营范围 item (国标行业 missing)
MODEL_UP = "文本模型判断与该产业链相符（相关度提高{:.2f}）"
MODEL_DOWN = "文本模型判断与该产业链相符程度较低（相关度降低{:.2f}）"
MODEL_UNMATCHED = "（文本模型判断不符，相关度降低{:.2f}）"
MODEL_MATERIAL = 0.05  # a change of the relevance by the learned model this large is worth saying
GAP_LABEL = "缺口："
GAP_ITEMS = ("园区该环节{status}{assumed}，缺口权重{gap_weight:.2f}", "{level}重点链，优先级{priority:.2f}")
ASSUMED = "（待核实）"
STRENGTH_LABEL = "实力："
FACT_ITEMS = {
    "capital": "注册资本{}",
    "employees": "参保{}人",
    "age": "成立{:.0f}年",
    "listed": "上市企业",
    "qualifications": "{}",
    "financing": "融资：{}",
}
NO_FACTS = "无公开实力信息（按中性计）"
STRENGTH_SCORE = "实力分{:.2f}"
RISK_LABEL = "风险："
RISK_ITEMS = {
    "inactive": "登记状态为“{}”，不作为招商目标",
    "abnormal": "列入经营异常（扣减{:.0%}）",
    "dishonest": "失信被执行（扣减{:.0%}）",
}

# The columns a reason is rendered from (component-table columns; `_segment` keys the segment facts).
EVIDENCE_COLUMNS = ["evidence_words", "code_counted", "scope_code", "model_support", "gap_assumed", "priority_level"]
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
]
LOCAL_COLUMNS = ["is_local", "local_match", "local_name"]
# settings the wording depends on that `rank` applies: re-ranking with new values re-renders (see reword)
RANK_WORDING = ("penalty_abnormal", "penalty_dishonest")


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
    if v >= 10000:
        return f"{v / 10000:.4g}亿元"
    return f"{v:.6g}万元"


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


def evidence_text(
    matcher: SegmentMatcher,
    result: MatchResult,
    rows: np.ndarray,
    segments: np.ndarray,
    max_words: int = 6,
    prefixed: bool = False,
) -> pa.Array:
    """For each (row, segment) pair, the words that matched as Chinese text, e.g.
    '名称含“动力电池”；经营范围含“电芯”“BMS”；名称含龙头企业“宁德时代”' ('' when none), as an
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
    for f in FIELDS:
        h = result.hits[f][rows]
        row = np.repeat(np.arange(n), np.diff(h.indptr))
        kind = m._word_kind_[segments[row], h.indices]  # is each word found strong or weak for the row's segment?
        on = kind > 0
        row, col = row[on], h.indices[on] + k * (kind[on] == 2)  # [strong | weak] columns: strong words first
        order = np.argsort(row * (2 * k) + col, kind="stable")
        both = sp.csr_matrix(
            (np.ones(len(col), dtype=np.int8), col[order], np.r_[0, np.cumsum(np.bincount(row, minlength=n))]),
            shape=(n, 2 * k),
        )
        parts.append(_join_words(both, quoted, max_words, sep + WORDS.format(field=FIELD_LABELS[f])))
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
) -> dict:
    """The columns a reason is rendered from, beside the component table's own, for the component rows
    `rows` (positions in frame) filed under segments `best` (`has_chain`: whether the row has a chain;
    `segments`: the scorer's segment table): EVIDENCE_COLUMNS (the matched words, whether the industry
    code counted, the 经营范围 item's code where it stood in for a missing 国标行业, the segment's 待核实
    mark and priority level) and REASON_FACTS (the company's facts,
    each in its column's own dtype). Texts are Arrow arrays (rendered from as they are; `_as_str` makes
    them a pandas column)."""
    n = len(rows)
    whole = n == len(frame) and bool((rows == np.arange(n)).all())
    j = np.flatnonzero(has_chain)
    found = evidence_text(matcher, result, rows[j], best[j]) if len(j) else pa.array([], type=pa.string())
    at = np.full(n, len(j))  # a row without a chain takes the trailing ''
    at[j] = np.arange(len(j))
    words = pa.concat_arrays([found, pa.array([""], type=pa.string())]).take(pa.array(at, type=pa.int64()))
    code = np.zeros(n, dtype=bool)
    if len(j):  # (found words and code evidence only for rows with a chain)
        code[j] = np.asarray(result.code_evidence[rows[j], best[j]]).ravel() > 0
    scope_code = np.full(n, None, dtype=object)
    scope_code[code] = result.scope_code[rows[code]]
    out = {
        "evidence_words": words,
        "code_counted": code,
        "scope_code": scope_code,
        "model_support": model_support(result, rows, best, has_chain),
        "gap_assumed": np.where(has_chain, segments["assumed"].to_numpy(dtype=bool)[best], False),
        # taken as Arrow strings: pandas would convert an object column of them row by row
        "priority_level": pa.array(segments["priority_level"].to_numpy(dtype=object), type=pa.string()).take(
            pa.array(best, mask=~has_chain)
        ),
    }
    for c in REASON_FACTS:
        if c == "age_years":
            out[c] = np.asarray(age_years, dtype=float)
        elif c in frame:  # a Series keeps the column's dtype: the ranked table takes these
            out[c] = frame[c] if whole else frame[c].iloc[rows]  # no copy when every row is a component row
        else:
            out[c] = np.full(n, None, dtype=object)
    return out


# ---- the parts, rendered from columns ------------------------------------------------------------
def _support(t) -> np.ndarray:
    """The learned model's change to the relevance shown (0 where the table has none)."""
    return np.nan_to_num(_num(t, "model_support"), nan=0.0)


def _unmatched(t, settings: Settings) -> pa.Array:
    """The 匹配 part of a row without a chain (computed for every row, replaced where there is one); the
    model is named when the knowledge alone would have filed the row."""
    rel, support = _num(t, "relevance"), _support(t)
    said = (support < 0) & (rel - support >= settings.min_relevance)
    return concat_texts(
        UNMATCHED,
        _fmt_unique(np.where(rel > 0, rel, np.nan), BELOW.format),
        _fmt_unique(np.where(said, -support, np.nan), MODEL_UNMATCHED.format),
    )


def _model_item(value: float) -> str:
    return MODEL_UP.format(value) if value > 0 else MODEL_DOWN.format(-value)


def _filed(t, j: np.ndarray, before: str, settings: Settings) -> tuple[pa.Array, ...]:
    """For the rows j that have a chain: the pieces of their 匹配 part (head, relevance, words, code, the
    model's item: to be concatenated) and their 缺口 part (which starts with `before`)."""
    segment = np.asarray(t["_segment"])[j].astype(float)  # the key of a segment's facts (numbers factorise fast)
    facts = {
        c: t[c]
        for c in (
            "chain_name",
            "segment_name",
            "position",
            "gap_status",
            "gap_assumed",
            "gap_weight",
            "priority_level",
            "priority",
        )
    }

    def gap(r):
        assumed = ASSUMED if pd.notna(r["gap_assumed"]) and bool(r["gap_assumed"]) else ""
        return (
            before
            + GAP_LABEL
            + ITEM_SEP["gap"].join(
                [
                    GAP_ITEMS[0].format(status=r["gap_status"], assumed=assumed, gap_weight=float(r["gap_weight"])),
                    GAP_ITEMS[1].format(level=r["priority_level"], priority=float(r["priority"])),
                ]
            )
        )

    head, gap = _fmt_keyed(
        segment,
        facts,
        lambda r: HEAD.format(chain=r["chain_name"], segment=r["segment_name"], position=r["position"]),
        gap,
        rows=j,
    )
    sep = ITEM_SEP["match"]
    words = _arrow_text(t["evidence_words"]).take(pa.array(j))
    counted = _flag(t, "code_counted")[j]
    codes = np.where(counted, _col(t, "industry_code")[j], None)
    from_scope = counted & pd.notna(_col(t, "scope_code")[j])
    codes[from_scope] = [_SCOPE_KEY + str(c) for c in _col(t, "scope_code")[j][from_scope]]
    # the items: the words, then the code (with its separator only after words)
    has_words = pc.not_equal(words, "").to_numpy(zero_copy_only=False)
    code = _fmt_unique(codes, _code_item, sep, has_words)
    # the model's item: when it moved the relevance materially or decided the filing
    rel, support = _num(t, "relevance")[j], _support(t)[j]
    decided = (support > 0) & (rel - support < settings.min_relevance)
    said = (np.abs(support) >= MODEL_MATERIAL - 1e-9) | decided
    model = _fmt_unique(np.where(said, support, np.nan), _model_item, sep, has_words | pd.notna(codes))
    return head, _fmt_unique(rel, RELEVANCE.format), words, code, model, gap


_SCOPE_KEY = "scope:"  # marks a code read from the 经营范围 among the codes formatted once each


def _code_item(key) -> str:
    """The code item of a reason: CODE for an exported 国标行业, SCOPE_CODE for a code read from the 经营范围."""
    key = str(key)
    template = SCOPE_CODE if key.startswith(_SCOPE_KEY) else CODE
    code = key.removeprefix(_SCOPE_KEY)
    return template.format(code=code, label=industry_codes().get(code, ""))


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
            _fmt_unique(np.round(_num(t, "age_years")), f["age"].format, sep),
            _where(_flag(t, "listed"), sep + f["listed"]),
            _fmt_unique(_col(t, "qualifications"), f["qualifications"].format, sep),
            _fmt_unique(_col(t, "financing"), f["financing"].format, sep),
        ],
        sep,
    )
    facts = pc.if_else(pc.equal(facts, ""), NO_FACTS, facts)
    return concat_texts(
        before + STRENGTH_LABEL, facts, _fmt_unique(_num(t, "strength"), lambda v: sep + STRENGTH_SCORE.format(v))
    )


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
    *match, gap = _filed(t, j, sep, settings)
    match = concat_texts(*match)
    risks = _risk_items(t, settings)
    return {
        "local": _local_part(t, sep),
        "match": _filled(n, j, match, _unmatched(t, settings)),
        "gap": _filled(n, j, gap, ""),
        "strength": _strength_part(t, sep),
        "risk": pc.if_else(pc.not_equal(risks, ""), concat_texts(sep + RISK_LABEL, risks), ""),
    }


# ---- reasons -------------------------------------------------------------------------------------
def reasons(t, settings: Settings) -> pa.Array:
    """The reason of every row of t (a component table, or a mapping of its columns) as Arrow strings:
    the parts of `_parts` concatenated in PARTS order (the same texts; rows without a part skip it)."""
    j = np.flatnonzero(_present(t, "chain_id"))
    filed = concat_texts(*_filed(t, j, PART_SEP, settings))  # 匹配 and 缺口 parts in one concatenation
    out = concat_texts(_filled(_len(t), j, filed, _unmatched(t, settings)), _strength_part(t, PART_SEP))
    risks = _risk_items(t, settings)  # few rows have a risk or are local: only theirs are concatenated again
    out = _concat_where(pc.not_equal(risks, "").to_numpy(zero_copy_only=False), out, out, PART_SEP + RISK_LABEL, risks)
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


def reason_parts(row, settings: Settings) -> list[str]:
    """The parts of one row's reason in PARTS order, without separators (PART_SEP.join(parts) is its
    reason): for a detail view. `row`: a component-table row (`ScoreResult.components`, same rows and
    order as the ranked table); `settings`: the ones the row was ranked with (penalties are worded)."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    names = [
        "_segment",
        "chain_id",
        "chain_name",
        "segment_name",
        "position",
        "gap_status",
        "gap_weight",
        "priority",
        "relevance",
        "strength",
        *EVIDENCE_COLUMNS,
        *REASON_FACTS,
        *LOCAL_COLUMNS,
    ]
    t = {c: np.array([get(c)], dtype=object) for c in names}  # one row, rendered as every row is
    parts = _parts(t, settings, sep="")
    return [text for name in PARTS if (text := parts[name][0].as_py())]


def reword(components: pd.DataFrame, settings: Settings, before: Settings | None = None) -> pd.Series | None:
    """The `reasons` of a component table under new rank settings: the rows whose wording names a rank
    setting (RANK_WORDING: the 经营异常 / 失信 penalties) rendered again, the rest kept. None when
    nothing changes: `before` (the settings the reasons were rendered with) words the penalties alike,
    no row names them, or the table lacks the columns to render from."""
    if before is not None and all(getattr(before, k) == getattr(settings, k) for k in RANK_WORDING):
        return None
    if not set(EVIDENCE_COLUMNS) <= set(components.columns) or "reasons" not in components:
        return None
    mask = _flag(components, "abnormal") | _flag(components, "dishonest")
    if not mask.any():
        return None
    text = pc.replace_with_mask(_arrow_text(components["reasons"]), pa.array(mask), reasons(components[mask], settings))
    return pd.Series(_as_str(text), index=components.index, name="reasons")
