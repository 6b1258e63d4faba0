"""Merging duplicate companies and accounting for every input row.

Owns the rule that decides when two rows are the same company — same 统一社会信用代码; else the same
normalised name where at most one of them carries a code; else a 曾用名 (former name) of one row
equal to another row's name, unless both carry different codes — which row survives (the richest;
the current name before a former one), how missing fields are filled from the rows merged into it,
and the `merged_rows` record (`file:row;file:row`) that lets an officer trace a company back to
every source row. A branch (`…分公司`, `…分支机构`, see `branch_suffixes` in
`data/reference/values.yaml`) rolls up into its parent when the parent is in the run (counted as
merged, logged as 分支机构, its facts not mixed into the parent's) and is flagged `is_branch`
otherwise. Every match is an exact hash lookup on a key, so a merge pass is linear in the rows:
nothing is compared pairwise. Also owns the row-level rejection rules (no company name, a name that
is not a name, a 批量查询 row the vendor could not match, a repeated header or a title line).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

# whitespace (Python's and RE2's definitions both covered) and punctuation that vendors vary
_DROP = r"[\t\n\v\f\r \x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}·.,，、'\"“”‘’]"
_NOT_A_NAME = re.compile(r"^[\d\W_]+$")
# how a parent's name ends, where a branch's label starts ("甲科技有限公司|南京分公司")
_PARENT_END = re.compile(r"(?:公司|集团|厂|院|所|中心|银行|合作社|\))$")
# how a real name ends: a line holding a note word is a note only when its end is not one of these
_NAME_END = r"(?:公司|集团|厂|院|所|中心|银行|合作社|社|部|店|馆|站|行|室|场|处|园|合伙\))$"
_FORMER_SPLIT = r"[;；、,，\n\r\t|/]+|\s{2,}|(?<=[公司厂院所心行社部店)）])\s+"
LOG_COLUMNS = [
    "source_file",
    "source_row",
    "company_name",
    "merged_into_file",
    "merged_into_row",
    "merged_into_name",
    "match_key",
]


def normalise_name(name) -> str | None:
    """Key for comparing company names: NFKC, lower case, brackets unified, spaces and
    punctuation dropped. (One value; `normalise_names` does a whole column.)"""
    return normalise_names(pd.Series([name], dtype=object)).iloc[0]


def normalise_names(names: pd.Series) -> pd.Series:
    """normalise_name over a column, vectorised (Arrow string kernels)."""
    import pyarrow.compute as pc

    arr = pc.utf8_lower(pc.utf8_normalize(_arrow(names), form="NFKC"))
    for old, new in (("（", "("), ("）", ")"), ("【", "("), ("】", ")"), ("[", "("), ("]", ")")):
        arr = pc.replace_substring(arr, old, new)
    arr = pc.replace_substring_regex(arr, _DROP, "")
    out = pd.Series(arr.to_pylist(), index=names.index, dtype=object)
    return out.where(out != "", None)


@lru_cache(maxsize=1)
def _words():
    from .normalize import value_aliases
    from .read import column_synonyms

    a = value_aliases()

    def alt(ws):
        return "|".join(re.escape(unicodedata.normalize("NFKC", w)) for w in sorted(ws, key=len, reverse=True))

    synonyms = column_synonyms()
    headers = {unicodedata.normalize("NFKC", h) for h in synonyms["company_name"] + synonyms.get("input_name", [])}
    return {
        "unmatched": alt(a["unmatched_words"]),
        "note": alt(a["note_words"]),
        "branch_name": "(?:" + alt(a["branch_suffixes"]) + r")\)?$",
        "branch_type": alt(a["branch_types"]),
        "headers": list(headers | {h.lower() for h in headers}),
    }


MIN_CODE_LENGTH = 15  # shorter "codes" (typos, fragments) are too unreliable to identify a company


def code_keys(codes) -> np.ndarray:
    """Credit codes usable as identity keys: stripped, upper case; None where missing or shorter than
    MIN_CODE_LENGTH. Used to merge duplicates and to recognise candidates already in the zone."""
    import pyarrow.compute as pc

    arr = pc.utf8_upper(pc.utf8_trim_whitespace(_arrow(codes)))
    ok = pc.utf8_length(arr).fill_null(0).to_numpy(zero_copy_only=False) >= MIN_CODE_LENGTH
    keys = np.asarray(arr.to_pylist(), dtype=object)
    keys[~ok] = None
    return keys


def _arrow(values):
    """An Arrow string array of a column (anything that is not text as its str(); missing as null)."""
    import pyarrow as pa

    values = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers or other objects among the texts
        return pa.array([None if pd.isna(v) else str(v) for v in values], type=pa.string())


def _matches(values, pattern: str) -> np.ndarray:
    """Boolean mask: the RE2 pattern found in the text (False where missing). One Arrow pass."""
    import pyarrow.compute as pc

    return pc.match_substring_regex(_arrow(values), pattern).fill_null(False).to_numpy(zero_copy_only=False)


def reject_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usable rows, rejected rows with a `reason`). A row is rejected when the vendor's 批量查询 found
    no company for it (the reason is the vendor's words, e.g. 未匹配到相关企业), when it has no company
    name, when the name is too short or only digits and symbols, when it repeats the header, or when
    it is a title / watermark / footer line rather than a name."""
    import pyarrow.compute as pc

    words = _words()
    names = frame["company_name"].to_numpy(dtype=object)
    arr = _arrow(names)
    reason = np.full(len(frame), None, dtype=object)
    if "match_status" in frame:
        status = frame["match_status"].to_numpy(dtype=object)
        hit = _matches(status, words["unmatched"])
        reason[hit] = status[hit]
    hit = pd.isna(reason) & _matches(names, words["unmatched"])
    reason[hit] = names[hit]  # 系统匹配企业名称 itself says 未匹配到相关企业
    missing = pd.isna(names)
    reason[pd.isna(reason) & missing] = "缺少企业名称"
    length = pc.utf8_length(arr).fill_null(0).to_numpy(zero_copy_only=False)
    reason[pd.isna(reason) & ~missing & (length < 2)] = "企业名称过短，无法识别"
    # only digits and symbols: no letter of any script (checked by RE2), then Python's definition
    open_ = pd.isna(reason) & ~missing
    maybe = np.flatnonzero(open_ & ~_matches(names, r"\pL"))
    if len(maybe):
        bad = maybe[[bool(_NOT_A_NAME.match(str(names[i]))) for i in maybe]]
        reason[bad] = "企业名称只含数字或符号"
    open_ = pd.isna(reason) & ~missing
    reason[
        open_
        & pc.is_in(arr, value_set=_arrow(np.asarray(words["headers"], dtype=object)))
        .fill_null(False)
        .to_numpy(zero_copy_only=False)
    ] = "重复的表头行"
    open_ = pd.isna(reason) & ~missing
    note = open_ & _matches(names, words["note"])
    if note.any():
        note &= ~_matches(names, _NAME_END)
        reason[note] = "不是企业名称（标题、水印或说明文字）"
    rejected_mask = pd.notna(reason)
    rejected = frame[rejected_mask].copy()
    rejected["reason"] = reason[rejected_mask]
    return frame[~rejected_mask], rejected


def _richness(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    columns = [c for c in columns if c in frame]
    return frame[columns].notna().sum(axis=1).to_numpy() if columns else np.zeros(len(frame), dtype=np.int64)


def branch_mask(frame: pd.DataFrame, name_keys: pd.Series | None = None) -> np.ndarray:
    """True for rows that are branches: the name ends in a branch suffix (…分公司, …分支机构) or the
    企业类型 says so (有限责任公司分公司)."""
    words = _words()
    keys = normalise_names(frame["company_name"]) if name_keys is None else name_keys
    out = _matches(keys, words["branch_name"])
    if "company_type" in frame:
        out |= _matches(frame["company_type"], words["branch_type"])
    return out


class _Groups:
    """Union-find over merge keys that never joins two different credit codes."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, k):
        path = []
        while k in self.parent:
            path.append(k)
            k = self.parent[k]
        for p in path:
            self.parent[p] = k
        return k

    def _coded(self, root) -> bool:
        """Whether a root key is a credit code (a name key starts with "N:")."""
        return not str(root).startswith("N:")

    def union(self, a, b) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        coded_a, coded_b = self._coded(ra), self._coded(rb)
        if coded_a and coded_b:
            return False  # two companies with their own codes: a reused name, not a rename
        if coded_b and not coded_a:
            ra, rb = rb, ra
        self.parent[rb] = ra  # the coded root (if any) names the group
        return True


def _former_links(former: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, name keys) of every 曾用名 a row lists (several per cell: '；', '、', new lines)."""
    has = former.notna().to_numpy()
    if not has.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    pos = np.flatnonzero(has)
    parts = pd.Series(former.to_numpy()[pos], index=pos, dtype=object).astype(str).str.split(_FORMER_SPLIT, regex=True)
    parts = parts.explode()
    keys = normalise_names(parts)
    keys = keys[keys.notna() & (keys.str.len() >= 4)]
    return keys.index.to_numpy(dtype=np.int64), keys.to_numpy(dtype=object)


def _parent_prefixes(keys: np.ndarray, branch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row positions, candidate parent names) for branch rows: every prefix of the name that ends like
    a company ('甲科技有限公司' of '甲科技有限公司南京分公司'), longest first."""
    pos, cands = [], []
    for i in np.flatnonzero(branch):
        k = keys[i]
        if not isinstance(k, str):
            continue
        for end in range(len(k) - 2, 3, -1):
            prefix = k[:end]
            if _PARENT_END.search(prefix):
                pos.append(i)
                cands.append(prefix)
    return np.asarray(pos, dtype=np.int64), np.asarray(cands, dtype=object)


def _name_lookup(nk: np.ndarray, keys: np.ndarray, usable: np.ndarray, wanted: np.ndarray) -> dict:
    """name key -> merge key, for the wanted names only (a hash semi-join, never a scan per name); a name
    two companies with different codes share links nothing."""
    hit = usable & pd.Series(nk, dtype=object).isin(set(wanted)).to_numpy()
    if not hit.any():
        return {}
    pairs = pd.DataFrame({"n": nk[hit], "k": keys[hit]}, dtype=object).drop_duplicates()
    pairs = pairs[~pairs["n"].duplicated(keep=False)]
    return dict(zip(pairs["n"], pairs["k"]))


def _provenance(frame: pd.DataFrame) -> np.ndarray:
    """'file:row' for every row (one vectorised Arrow join)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    files = pa.array(frame["source_file"], type=pa.string(), from_pandas=True)
    rows = pc.cast(pa.array(frame["source_row"].to_numpy(), from_pandas=True), pa.string())
    return pc.binary_join_element_wise(files, rows, ":").to_numpy(zero_copy_only=False).astype(object)


@dataclass
class KeyParts:
    """What the merge rule reads of each row, computed from that row alone (so a register can compute
    it batch by batch and resolve the groups on disk, see `matcher.stream`): name key, credit-code key,
    branch flag, richness, and the names a row links to (its 曾用名; a branch's candidate parent names,
    longest first) as (row position, name key) pairs."""

    name_keys: np.ndarray
    codes: np.ndarray
    branch: np.ndarray
    richness: np.ndarray
    former_pos: np.ndarray
    former_names: np.ndarray
    prefix_pos: np.ndarray
    prefix_names: np.ndarray


@dataclass
class MergeKeys:
    """Per row: the key it first got (`keys`: code, a same-name row's code, or N:name), the rule that
    gave it (`how`), the group it ends in (`final`), whether it is a branch rolled into its parent
    (`rolled`), whether its name is another row's 曾用名 (`old_name`) and the branch flag."""

    keys: np.ndarray
    how: np.ndarray
    final: np.ndarray
    rolled: np.ndarray
    old_name: np.ndarray
    branch: np.ndarray


def key_parts(frame: pd.DataFrame, fact_columns: list[str]) -> KeyParts:
    """The row-local inputs of the merge rule for every row of frame."""
    name_key = normalise_names(frame["company_name"])
    nk = name_key.to_numpy(dtype=object)
    branch = branch_mask(frame, name_key)
    f_pos, f_names = (
        _former_links(frame["former_names"].reset_index(drop=True))
        if "former_names" in frame
        else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))
    )
    b_pos, b_names = _parent_prefixes(nk, branch)
    return KeyParts(
        nk, code_keys(frame["credit_code"]), branch, _richness(frame, fact_columns), f_pos, f_names, b_pos, b_names
    )


def resolve_keys(parts: KeyParts) -> MergeKeys:
    """The groups of the merge rule over all rows at once (in memory; `matcher.stream.keys` does the same
    with DuckDB over key parts on disk)."""
    nk, keys, branch = parts.name_keys, parts.codes.copy(), parts.branch
    n = len(nk)
    has_code = pd.notna(keys)
    # a row without a code takes the code another row with the same name carries
    coded = pd.DataFrame({"n": nk[has_code], "c": keys[has_code]}, dtype=object).drop_duplicates("n")
    name_code = dict(zip(coded["n"], coded["c"]))
    via_name = np.full(n, None, dtype=object)
    need = np.flatnonzero(~has_code & pd.notna(nk))
    if len(need) and name_code:
        via_name[need] = [name_code.get(k) for k in nk[need]]
    has_via = pd.notna(via_name)
    keys[has_via] = via_name[has_via]
    plain = ~(has_code | has_via)
    keys[plain] = ["N:" + str(k) for k in nk[plain]]
    how = np.where(has_code, "统一社会信用代码", np.where(has_via, "企业名称（对应信用代码）", "企业名称"))

    # second pass, only when there is something to link: 曾用名 and branches, by exact name lookups
    final = keys
    rolled = np.zeros(n, dtype=bool)
    old_name = np.zeros(n, dtype=bool)
    f_pos, f_names, b_pos, b_names = parts.former_pos, parts.former_names, parts.prefix_pos, parts.prefix_names
    if len(f_pos) or len(b_pos):
        lookup = _name_lookup(nk, keys, ~branch & pd.notna(nk), np.concatenate([f_names, b_names]))
        groups = _Groups()
        matched = set()
        for p, name in zip(f_pos, f_names):
            t = lookup.get(name)
            if t is not None and keys[p] != t and groups.union(keys[p], t):
                matched.add(name)
        if matched:
            old_name = pd.Series(nk, dtype=object).isin(matched).to_numpy(copy=True)
        parents = {}
        for p, name in zip(b_pos, b_names):  # longest candidate first per row
            if p not in parents and name in lookup:
                parents[int(p)] = lookup[name]
        if groups.parent or parents:
            final = keys.copy()
            if groups.parent:
                moved = pd.Series(keys, dtype=object).isin(list(groups.parent)).to_numpy()
                final[moved] = [groups.find(k) for k in keys[moved]]
            for p, t in parents.items():
                final[p] = groups.find(t)
                rolled[p] = True
    return MergeKeys(keys, how, final, rolled, old_name & ~rolled, branch)


def merge_duplicates(frame: pd.DataFrame, fact_columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per company with `merged_rows` and `is_branch`, merge log: one row per merged-away
    input row with the rule that matched it in `match_key`).

    The surviving row is the richest of its group (most non-empty facts; a row carrying the current
    name before one carrying a former name; never a rolled-up branch); its empty cells are filled from
    the other rows of the group, in order of richness (a branch's facts are its own, not its parent's).
    """
    if frame.empty:
        return merge_groups(frame, fact_columns, None)
    return merge_groups(frame, fact_columns, resolve_keys(key_parts(frame, fact_columns)))


def merge_groups(
    frame: pd.DataFrame, fact_columns: list[str], mk: MergeKeys | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`merge_duplicates` once the groups are known: the rows of each group (`mk.final`) become one, in
    the rule's order (rolled branch last, former name after current, richest first, then input order)."""
    if frame.empty:
        out = frame.copy()
        out["merged_rows"] = pd.Series(dtype=object)
        out["is_branch"] = pd.Series(dtype=bool)
        return out, pd.DataFrame(columns=LOG_COLUMNS)
    n = len(frame)
    index = frame.index
    keys, how, final, rolled, old_name, branch = mk.keys, mk.how, mk.final, mk.rolled, mk.old_name, mk.branch

    # group order: key, then (rolled branch last, former name after current, richest first), then input order
    gid = pd.factorize(final)[0]
    prio = rolled.astype(np.int64) * 4096 + old_name.astype(np.int64) * 2048 - _richness(frame, fact_columns)
    order = np.lexsort((np.arange(n), prio, gid))
    gid_sorted = gid[order]
    dup = (np.bincount(gid) > 1)[gid_sorted]
    provenance = _provenance(frame)
    is_branch = branch & ~rolled

    if not dup.any():
        out = frame.copy()
        out["merged_rows"] = provenance
        out["is_branch"] = is_branch
        return out, pd.DataFrame(columns=LOG_COLUMNS)

    multi = order[dup]  # positions in group order, head first
    multi_gid = gid_sorted[dup]
    first_of_group = np.r_[True, multi_gid[1:] != multi_gid[:-1]]
    heads = multi[first_of_group]
    group_no = np.cumsum(first_of_group) - 1  # group number of every member of multi
    head_of = heads[group_no]  # head position for every member

    # the surviving row: first non-empty value of each column over the group's own rows (richest first)
    own = ~rolled[multi]
    merged = frame.iloc[multi[own]].groupby(group_no[own], sort=True).first()
    merged.index = index[heads]
    merged["merged_rows"] = pd.Series(provenance[multi], dtype=object).groupby(group_no).agg(";".join).to_numpy()
    merged["is_branch"] = is_branch[heads]
    singles = np.sort(order[~dup])
    keep_single = frame.iloc[singles].copy()
    keep_single["merged_rows"] = provenance[singles]
    keep_single["is_branch"] = is_branch[singles]
    out = pd.concat([keep_single, merged])
    out = out.iloc[np.argsort(np.r_[singles, heads], kind="stable")]  # back in input order

    away = multi[~first_of_group]
    away_head = head_of[~first_of_group]
    rule = np.where(rolled[away], "分支机构", np.where(keys[away] != keys[away_head], "曾用名", how[away]))
    take = lambda col, pos: frame[col].iloc[pos].to_numpy()  # noqa: E731
    log = pd.DataFrame(
        {
            "source_file": take("source_file", away),
            "source_row": take("source_row", away),
            "company_name": take("company_name", away),
            "merged_into_file": take("source_file", away_head),
            "merged_into_row": take("source_row", away_head),
            "merged_into_name": take("company_name", away_head),
            "match_key": rule,
        }
    )
    return out, log
