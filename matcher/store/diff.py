"""What changed between two scoring runs — recorded runs or two ranked files (.csv / .parquet).

`diff_runs(a, b, store)` compares run `a` (the earlier) with run `b` and returns a `RunDiff` of
DataFrames with fixed columns:

- new       targets in b that a did not have (company × chain; `NEW_COLUMNS`)
- dropped   targets of a that b no longer has (`NEW_COLUMNS`, a's values)
- tiers     the same target with another tier (A > B > C > no tier); `change` up / down (`TIER_COLUMNS`)
- status    companies whose registration status changed (存续 → 注销 …; `STATUS_COLUMNS`), once per company
- gaps      chain segments whose gap status changed (缺失 → 薄弱 …), `change` better / worse (`GAP_DIFF_COLUMNS`)

A target is a row with a chain. Companies are matched by their 台账 id when both runs are recorded,
else by credit code, else normalised name (the merge rule). A ranked file's gap statuses are those of
the segments it has rows in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..contract import TIERS
from ..errors import InputFileError, MatcherError
from ..knowledge.chains import STATUSES
from .runs import company_keys, get_run, run_gaps, run_results

NEW_COLUMNS = ["company_name", "credit_code", "chain_id", "chain_name", "segment_id", "segment_name"]
NEW_COLUMNS += ["score", "tier", "status_raw"]
TIER_COLUMNS = ["company_name", "credit_code", "chain_id", "chain_name", "segment_id", "segment_name"]
TIER_COLUMNS += ["tier_a", "tier_b", "score_a", "score_b", "change"]
STATUS_COLUMNS = ["company_name", "credit_code", "status_a", "status_b", "status_raw_a", "status_raw_b"]
GAP_DIFF_COLUMNS = ["chain_id", "chain_name", "segment_id", "segment_name", "status_a", "status_b", "change"]
KINDS = {
    "new": "新增目标",
    "dropped": "不再是目标",
    "tiers": "等级变化",
    "status": "登记状态变化",
    "gaps": "缺口状态变化",
}
_TIER_RANK = {t: len(TIERS) - i for i, t in enumerate(TIERS)}  # A 3, B 2, C 1; anything else 0
_GAP_RANK = {s: i for i, s in enumerate(STATUSES)}  # 优势 0 … 缺失 3: lower is better


@dataclass
class RunDiff:
    a: str  # labels of the two sides (run 3 (2026-09-01) or a file name)
    b: str
    new: pd.DataFrame
    dropped: pd.DataFrame
    tiers: pd.DataFrame
    status: pd.DataFrame
    gaps: pd.DataFrame
    counts: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """kind -> frame, in KINDS order."""
        return {k: getattr(self, k) for k in KINDS}

    def summary(self) -> str:
        up = int((self.tiers["change"] == "up").sum()) if len(self.tiers) else 0
        return (
            f"{self.a} → {self.b}：新增目标 {len(self.new)}，不再是目标 {len(self.dropped)}，"
            f"等级升 {up}、降 {len(self.tiers) - up}，登记状态变化 {len(self.status)}，缺口状态变化 {len(self.gaps)}"
        )


def _side(ref, store) -> tuple[str, pd.DataFrame, pd.DataFrame | None, bool]:
    """(label, result rows, gap rows or None, recorded?) of one side."""
    if isinstance(ref, pd.DataFrame):
        return "表格", ref.copy(), None, False
    path = Path(str(ref))
    text = str(ref).strip()
    if path.suffix.lower() in (".csv", ".parquet", ".xlsx", ".xls", ".txt", ".tsv") or (
        path.exists() and path.is_file()
    ):
        return path.name, _read_ranked(path), None, False
    if store is None:
        raise MatcherError(f"“{text}”既不是排名文件（.csv / .parquet），也没有打开台账可查评分记录")
    run = get_run(store, text)
    label = f"评分记录 {run['id']}（{run['run_date']:%Y-%m-%d}）"
    return label, run_results(store, run["id"]), run_gaps(store, run["id"]), True


def _read_ranked(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFileError(path, "文件不存在")
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".csv":
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False, na_values=[""])
        else:
            raise InputFileError(path, "比较排名文件请用 matcher score 输出的 .csv 或 .parquet 机器表")
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(path, f"无法读取排名文件（{type(exc).__name__}）") from None
    missing = [c for c in ("company_name", "chain_id", "tier", "score") if c not in frame.columns]
    if missing:
        raise InputFileError(path, f"不是 matcher score 输出的排名表（缺少列 {', '.join(missing)}）")
    return frame


def _prepare(frame: pd.DataFrame, by_id: bool) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for c in ("company_name", "credit_code", "chain_id", "chain_name", "segment_id", "segment_name", "tier"):
        out[c] = frame[c].astype(object).where(frame[c].notna(), None) if c in frame else None
    for c in ("status", "status_raw", "gap_status"):
        out[c] = frame[c].astype(object).where(frame[c].notna(), None) if c in frame else None
    out["score"] = pd.to_numeric(frame["score"], errors="coerce") if "score" in frame else np.nan
    out["tier"] = out["tier"].where(out["tier"].isin(TIERS), None)
    if by_id:
        out["key"] = "id:" + frame["company_id"].astype(str)
    else:
        codes, names = company_keys(out["company_name"].to_numpy(), out["credit_code"].to_numpy())
        out["key"] = [f"c:{c}" if c is not None else f"n:{n}" for c, n in zip(codes, names)]
    return out


def _gaps_of(frame: pd.DataFrame, recorded: pd.DataFrame | None) -> pd.DataFrame:
    if recorded is not None:
        return recorded[["chain_id", "chain_name", "segment_id", "segment_name", "status"]]
    rows = frame[frame["chain_id"].notna() & frame["segment_id"].notna() & frame["gap_status"].notna()]
    return rows.drop_duplicates(["chain_id", "segment_id"])[
        ["chain_id", "chain_name", "segment_id", "segment_name", "gap_status"]
    ].rename(columns={"gap_status": "status"})


def diff_runs(a, b, store=None) -> RunDiff:
    """Compare run `a` with the later run `b`. Each is a recorded run (an id, "latest" or "previous"; needs
    `store`), a ranked file from `matcher score` (.csv / .parquet) or a ranked DataFrame."""
    la, fa, ga, ra = _side(a, store)
    lb, fb, gb, rb = _side(b, store)
    by_id = ra and rb
    pa, pb = _prepare(fa, by_id), _prepare(fb, by_id)
    ta = pa[pa["chain_id"].notna()].drop_duplicates(["key", "chain_id"])
    tb = pb[pb["chain_id"].notna()].drop_duplicates(["key", "chain_id"])
    both = ta.merge(tb, on=["key", "chain_id"], how="outer", suffixes=("_a", "_b"), indicator=True)

    def side(rows, s):
        cols = {f"{c}_{s}": c for c in NEW_COLUMNS if c != "chain_id"}
        return rows[["chain_id", *cols]].rename(columns=cols)[NEW_COLUMNS].reset_index(drop=True)

    new = side(both[both["_merge"] == "right_only"], "b").sort_values(["chain_id", "score"], ascending=[True, False])
    dropped = side(both[both["_merge"] == "left_only"], "a").sort_values(["chain_id", "score"], ascending=[True, False])
    kept = both[both["_merge"] == "both"]
    ra_, rb_ = kept["tier_a"].map(_TIER_RANK).fillna(0), kept["tier_b"].map(_TIER_RANK).fillna(0)
    moved = kept[ra_ != rb_]
    tiers = pd.DataFrame(
        {
            "company_name": moved["company_name_b"],
            "credit_code": moved["credit_code_b"],
            "chain_id": moved["chain_id"],
            "chain_name": moved["chain_name_b"],
            "segment_id": moved["segment_id_b"],
            "segment_name": moved["segment_name_b"],
            "tier_a": moved["tier_a"],
            "tier_b": moved["tier_b"],
            "score_a": moved["score_a"],
            "score_b": moved["score_b"],
            "change": np.where(rb_[ra_ != rb_] > ra_[ra_ != rb_], "up", "down"),
        },
        columns=TIER_COLUMNS,
    ).sort_values(["chain_id", "change", "score_b"], ascending=[True, False, False])

    ca, cb = pa.drop_duplicates("key"), pb.drop_duplicates("key")
    companies = ca.merge(cb, on="key", suffixes=("_a", "_b"))
    sa = companies["status_raw_a"].fillna(companies["status_a"]).fillna("")
    sb = companies["status_raw_b"].fillna(companies["status_b"]).fillna("")
    changed = companies[(sa != sb) | (companies["status_a"].fillna("") != companies["status_b"].fillna(""))]
    status = pd.DataFrame(
        {
            "company_name": changed["company_name_b"],
            "credit_code": changed["credit_code_b"],
            "status_a": changed["status_a"],
            "status_b": changed["status_b"],
            "status_raw_a": changed["status_raw_a"],
            "status_raw_b": changed["status_raw_b"],
        },
        columns=STATUS_COLUMNS,
    )

    gaps_a, gaps_b = _gaps_of(pa, ga), _gaps_of(pb, gb)
    g = gaps_a.merge(gaps_b, on=["chain_id", "segment_id"], suffixes=("_a", "_b"))
    g = g[g["status_a"] != g["status_b"]]
    rank_a, rank_b = g["status_a"].map(_GAP_RANK), g["status_b"].map(_GAP_RANK)
    gaps = pd.DataFrame(
        {
            "chain_id": g["chain_id"],
            "chain_name": g["chain_name_b"],
            "segment_id": g["segment_id"],
            "segment_name": g["segment_name_b"],
            "status_a": g["status_a"],
            "status_b": g["status_b"],
            "change": np.where(rank_b < rank_a, "better", "worse"),
        },
        columns=GAP_DIFF_COLUMNS,
    )
    frames = {
        "new": new,
        "dropped": dropped,
        "tiers": tiers,
        "status": status,
        "gaps": gaps,
    }
    frames = {k: v.reset_index(drop=True) for k, v in frames.items()}
    return RunDiff(la, lb, counts={k: len(v) for k, v in frames.items()}, **frames)
