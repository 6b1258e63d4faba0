"""Candidates already in the zone: matched against the zone's own enterprise list (企业库) by credit code,
else by normalised name (the merge rule of `matcher.ingest.dedupe`).

A candidate found there is a 强链 partner, not a 补链 target: `mark_local` gives it tier 本地 and score 0
(it keeps its chain and segment) and records which local company it matched (`local_name`) and how
(`local_match`). It writes no text: the 本地 wording of the reasons is rendered by `matcher.engine.explain`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import LOCAL_TIER
from ..errors import MatcherError
from .dedupe import code_keys, normalise_names


def local_matches(frame: pd.DataFrame, local) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(is_local, how it matched — 统一社会信用代码 / 企业名称 / '', the local company's name) for every
    row of `frame` (any frame with company_name and credit_code). `local` is a frame like
    `read_companies(...).companies` or anything with such a frame as `.companies` (a gap profile); local
    rows marked inactive (注销 / 迁出 …) do not count: they are no longer in the zone."""
    if not isinstance(local, pd.DataFrame):
        local = local.companies
    for c in ("company_name", "credit_code"):
        if c not in local:
            raise MatcherError(f"园区企业库缺少“{c}”列，无法识别本地企业")
    if "status" in local:
        local = local[local["status"] != "inactive"]
    local = local[local["company_name"].notna() | local["credit_code"].notna()]
    by_code = dict(zip(code_keys(local["credit_code"]), local["company_name"]))
    by_code = {k: v for k, v in by_code.items() if isinstance(k, str)}
    by_name = {k: v for k, v in zip(normalise_names(local["company_name"]), local["company_name"]) if k}
    codes = pd.Series(
        code_keys(frame["credit_code"]) if "credit_code" in frame else None, index=frame.index, dtype=object
    )
    code_hit = codes.map(lambda k: by_code.get(k) if isinstance(k, str) else None)
    name_hit = normalise_names(frame["company_name"]).map(lambda k: by_name.get(k) if k else None)
    is_code = code_hit.notna().to_numpy()
    is_name = ~is_code & name_hit.notna().to_numpy()
    how = np.select([is_code, is_name], ["统一社会信用代码", "企业名称"], "").astype(object)
    return is_code | is_name, how, np.where(is_code, code_hit.to_numpy(dtype=object), name_hit.to_numpy(dtype=object))


def mark_local(ranked: pd.DataFrame, local) -> pd.DataFrame:
    """Flag candidates already in the zone's enterprise list (see `local_matches`).

    Adds the columns `is_local`, `local_match` (how it matched) and `local_name` (the local company it
    matched); local rows get tier 本地 and score 0 (they keep chain and segment: 强链 partners, not 补链
    targets). Row order and reasons are left as they are (`matcher.pipeline.mark_local` words and sorts).
    """
    is_local, how, matched = local_matches(ranked, local)
    out = ranked.copy()
    out["is_local"] = is_local
    out["local_match"] = how
    out["local_name"] = np.where(is_local, matched, None)
    if is_local.any():
        out.loc[is_local, "score"] = 0.0
        out.loc[is_local, "tier"] = LOCAL_TIER
    return out
