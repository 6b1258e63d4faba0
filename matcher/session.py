"""What an interactive session needs beyond a batch run: pure functions over results, zones and tables.

Owns the app's engine side, so the Streamlit pages stay thin: reading several inputs each with its
own column mapping and scoring them while collecting per-file errors (`score_inputs`), which settings
re-rank stored components and which need a new match (`RANK_SETTINGS`, `match_key`), re-ranking a
whole `ScoreResult` under new weights without re-reading or re-matching (`rerank`, which rewords what
the new settings change), filtering a ranked table (chain, segment, tier, province / city, minimum
capital, maximum distance, active only, name), the column-mapping table of a read sheet, a company's
score broken into the points each component contributes (`score_parts`, from `total_score`), and the
officer workbook and tables as bytes. The zone profile as editable tables lives in
`matcher.knowledge.zone_edit`, the per-input row accounting in `matcher.pipeline`. Nothing here knows
about the UI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import tier_labels
from .errors import MatcherError
from .ingest.read import column_synonyms
from .ingest.table import RawTable
from .knowledge.chains import Chain, Zone, load_chains
from .knowledge.settings import DATA_DIR, DEFAULTS, MATCH, PACKAGE_DIR, RANK, Settings, stage_settings
from .pipeline import ReadResult, ScoreResult, read_companies, score_frame

# The engine (rank, reword, total_score) and the writers load on first use, inside the functions that
# need them: the app's first page opens a stored result and its stored ranking without them.

# Settings that `rank` applies to stored components (stage RANK): changing them re-ranks without a new
# match. Every other setting (stage MATCH: evidence weights, min relevance) needs a new match. Both
# follow from each setting's declared stage (knowledge/settings.py).
RANK_SETTINGS = stage_settings(RANK)

# Chinese labels of the canonical fields (the column-mapping editor); a field missing here is shown
# under its first synonym in data/reference/columns.yaml.
FIELD_LABELS = {
    "company_name": "企业名称",
    "input_name": "输入企业名称（批量查询）",
    "match_status": "匹配结果（批量查询）",
    "credit_code": "统一社会信用代码",
    "status": "登记状态",
    "registered_capital": "注册资本",
    "paid_capital": "实缴资本",
    "capital_currency": "注册资本币种",
    "founded": "成立日期",
    "province": "省份",
    "city": "城市",
    "district": "区县",
    "region": "所属地区",
    "industry_small": "国标行业小类",
    "industry_mid": "国标行业中类",
    "industry_big": "国标行业大类",
    "industry_section": "国标行业门类",
    "industry": "行业 / 行业代码",
    "employees": "参保人数",
    "size": "企业规模",
    "company_type": "企业类型",
    "scope": "经营范围",
    "intro": "企业简介",
    "products": "主营业务 / 产品",
    "address": "地址",
    "legal_rep": "法定代表人",
    "former_names": "曾用名",
    "branches": "分支机构",
    "website": "网址",
    "email": "邮箱",
    "phone": "电话",
    "listing": "上市信息",
    "qualifications": "企业资质",
    "financing": "融资轮次",
    "abnormal": "经营异常",
    "dishonest": "失信被执行",
}


# --------------------------------------------------------------------------------------------
# settings


def match_key(settings: Settings) -> tuple:
    """The values of every setting that changes matching (stage MATCH): equal keys, equal match."""
    return tuple((k, getattr(settings, k)) for k in stage_settings(MATCH, settings))


def rank_key(settings: Settings) -> tuple:
    """The values of the settings `rerank` applies (stage RANK)."""
    return tuple((k, getattr(settings, k)) for k in stage_settings(RANK, settings))


# --------------------------------------------------------------------------------------------
# reading and scoring several inputs


def field_labels() -> dict[str, str]:
    """Canonical field -> Chinese label, for every field the reader recognises."""
    return {f: FIELD_LABELS.get(f, syn[0]) for f, syn in column_synonyms().items()}


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def state_key(*parts) -> str:
    """A short stable digest of JSON-able parts (file digests, column maps, zone YAML, settings ...)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def combine_reads(reads: Iterable[ReadResult]) -> ReadResult:
    """One ReadResult from several (as if `read_companies` had read all their files at once)."""
    reads = list(reads)
    companies = [r.companies for r in reads if len(r.companies.columns)]
    originals = [r.originals for r in reads if len(r.originals.columns)]
    return ReadResult(
        pd.concat(companies, ignore_index=True) if companies else pd.DataFrame(),
        pd.concat(originals, ignore_index=True) if originals else pd.DataFrame(),
        [t for r in reads for t in r.tables],
    )


def score_inputs(
    files: Iterable[tuple],
    zone: Zone,
    settings: Settings = DEFAULTS,
    chains: dict[str, Chain] | None = None,
    local: Iterable | None = None,
    progress=None,
    as_of=None,
) -> tuple[ScoreResult | None, list[tuple[str, str]]]:
    """Read every input with its own column mapping and score the readable ones together.

    `files`: (path, column_map or None) pairs. Returns (result, errors): errors lists (file name,
    Chinese message) for every input that could not be read; result is None when none could.
    `local` lists the zone's own enterprise files (candidates found there become 本地).
    """
    chains = chains if chains is not None else load_chains()
    progress = progress or (lambda stage, frac: None)
    files = list(files)
    reads, errors = [], []
    for i, (path, column_map) in enumerate(files):
        progress(f"读取 {Path(path).name}", 0.3 * i / max(len(files), 1))
        try:
            reads.append(read_companies([Path(path)], column_map or None))
        except MatcherError as exc:
            errors.append((Path(path).name, _message(exc, [path])))
    local_companies = None
    if local:
        try:
            local_companies = read_companies([Path(p) for p in local]).companies
        except MatcherError as exc:
            errors.append(("园区企业库", _message(exc, local)))
    if not reads:
        return None, errors
    result = score_frame(
        combine_reads(reads), chains, zone, settings, progress=progress, as_of=as_of, local=local_companies
    )
    return result, errors


def _message(exc: Exception, paths) -> str:
    """The error's message with the (temporary) paths shown by file name only."""
    text = str(exc)
    for p in paths:
        text = text.replace(str(Path(p)), Path(p).name)
    return text


def mapping_table(table: RawTable, examples: int = 1) -> pd.DataFrame:
    """One row per original column of a read sheet: header, the canonical field it was mapped to
    (None = passed through untouched) and an example value."""
    rows = []
    for h in table.frame.columns:
        col = table.frame[h]
        filled = col[col.notna() & (col.astype(str).str.strip() != "")]
        example = "；".join(str(v)[:40] for v in filled.head(examples))
        rows.append({"header": str(h), "field": table.mapping.get(h), "example": example})
    return pd.DataFrame(rows, columns=["header", "field", "example"])


def mapping_overrides(edited: pd.DataFrame, table: RawTable) -> dict[str, str]:
    """The column_map (header -> field) that turns the reader's mapping of `table` into `edited`'s:
    every row whose field was changed to another field. A field given to a changed row moves there from
    the column the reader had given it (the reader keeps each field on one column). Raises MatcherError
    for an unknown field or a field given to two changed columns."""
    known = column_synonyms()
    chosen: dict[str, str] = {}
    for r in edited.itertuples(index=False):
        field = r.field if isinstance(r.field, str) and r.field.strip() else None
        if field is None or table.mapping.get(r.header) == field:
            continue
        if field not in known:
            raise MatcherError(f"未知字段“{field}”（可用：{', '.join(known)}）")
        if field in chosen:
            raise MatcherError(f"字段“{field_labels()[field]}”同时指定给了“{chosen[field]}”和“{r.header}”两列")
        chosen[field] = r.header
    return {header: field for field, header in chosen.items()}


# --------------------------------------------------------------------------------------------
# re-ranking and filtering


def rerank(result: ScoreResult, settings: Settings) -> ScoreResult:
    """The result under new total-score settings (RANK_SETTINGS): `rank` on the stored components, the
    ranked table put in the new order with its score, tier, proximity and risk updated (and the reasons
    whose risk wording names a changed penalty rendered again), and the result's settings replaced.
    Nothing is re-read or re-matched; `result` is not modified."""
    from .engine.explain import reword
    from .engine.score import rank

    comp = rank(result.components, settings)
    reworded = reword(comp, settings, result.settings)  # the risk wording follows the penalties rank applied
    if reworded is not None:
        comp["reasons"] = reworded
    order = comp.index.to_numpy()
    ranked = result.ranked.take(order)
    ranked = ranked.assign(**{c: comp[c].to_numpy() for c in ("score", "tier", "proximity", "risk") if c in ranked})
    ranked["reasons"] = comp["reasons"].array  # rank re-words the A-floor notes, reword the penalties
    fields = {f.name for f in dataclasses.fields(result)}
    context = {"settings": settings} if "settings" in fields else {}
    others = getattr(result, "chain_rows", None)
    if others is not None and len(others):  # every other chain a company serves is re-ranked alike
        others = rank(others, settings)
        reworded = reword(others, settings, result.settings)
        if reworded is not None:
            others["reasons"] = reworded
        context["chain_rows"] = others.reset_index(drop=True)
    return dataclasses.replace(
        result, ranked=ranked.reset_index(drop=True), components=comp.reset_index(drop=True), **context
    )


def filter_ranked(
    ranked: pd.DataFrame,
    *,
    chain_ids: Iterable[str] | None = None,
    segments: Iterable[tuple[str, str]] | None = None,
    tiers: Iterable[str] | None = None,
    provinces: Iterable[str] | None = None,
    cities: Iterable[str] | None = None,
    min_capital_wan: float | None = None,
    max_distance_km: float | None = None,
    active_only: bool = False,
    matched_only: bool = False,
    name_contains: str | None = None,
) -> pd.DataFrame:
    """Rows of a ranked table that pass every given filter (order kept; an empty or None filter passes
    everything). segments: (chain_id, segment_id) pairs; tiers: labels of `tier_labels`; a minimum
    capital or maximum distance drops rows where that fact is unknown; active_only drops companies
    known to be inactive (注销 / 吊销 / 迁出 …; an unknown status stays); matched_only drops companies
    that fit no chain."""
    keep = np.ones(len(ranked), dtype=bool)
    chain = ranked["chain_id"].astype(object)
    chain_ids = list(chain_ids or [])
    if chain_ids:
        keep &= chain.isin(chain_ids).to_numpy()
    segments = [tuple(s) for s in (segments or [])]
    if segments:
        pairs = pd.MultiIndex.from_arrays([chain, ranked["segment_id"].astype(object)])
        keep &= pairs.isin(segments)
    tiers = list(tiers or [])
    if tiers:
        keep &= tier_labels(ranked).isin(tiers).to_numpy()
    for column, values in (("province", provinces), ("city", cities)):
        values = list(values or [])
        if values:
            keep &= ranked[column].isin(values).to_numpy()
    if min_capital_wan:
        capital = pd.to_numeric(ranked["registered_capital_wan"], errors="coerce")
        keep &= (capital >= float(min_capital_wan)).to_numpy()
    if max_distance_km is not None and "distance_km" in ranked:
        distance = pd.to_numeric(ranked["distance_km"], errors="coerce")
        keep &= (distance <= float(max_distance_km)).to_numpy()
    if active_only:
        keep &= (ranked["status"] != "inactive").to_numpy()
    if matched_only:
        keep &= chain.notna().to_numpy()
    if name_contains and str(name_contains).strip():
        keep &= ranked["company_name"].astype(str).str.contains(str(name_contains).strip(), regex=False).to_numpy()
    return ranked[keep]


def score_parts(row, settings: Settings) -> dict[str, float]:
    """The points (out of 100) each component adds to one company's score before risk, and the points
    its risk withholds (negative), as `total_score` computes them, so the parts add up to the score
    (up to rounding). `row`: a ranked-table row (fit, strength, proximity, risk, chain_id); a missing
    strength or proximity counts as neutral (0.5), a missing fit or risk as 0."""
    from .engine.score import total_score  # the parts of the score as rank computes it

    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    chain_id = get("chain_id")
    if chain_id is None or (isinstance(chain_id, float) and math.isnan(chain_id)):
        return {"fit": 0.0, "strength": 0.0, "distance": 0.0, "risk": 0.0}

    def value(name, default):
        v = get(name, default)
        return np.array([default if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)])

    parts = total_score(
        value("fit", 0.0),
        value("strength", 0.5),
        value("risk", 0.0),
        np.array([True]),
        settings,
        value("proximity", 0.5),
    )
    out = {k: round(float(getattr(parts, k)[0]), 2) for k in ("fit", "strength", "distance")}
    out["risk"] = round(float(parts.risk[0]), 2) + 0.0  # never -0.0
    return out


# --------------------------------------------------------------------------------------------
# downloads


def workbook_bytes(result: ScoreResult, **kwargs) -> bytes:
    """The officer workbook (`write_workbook(result, path, **kwargs)`) as bytes, for a download."""
    from .outputs.workbook import write_workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ranked.xlsx"
        write_workbook(result, path, **kwargs)
        return path.read_bytes()


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM, formula-like text made inert), as `write_table` writes it."""
    from .outputs.table import write_table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        write_table(frame, path)
        return path.read_bytes()


# --------------------------------------------------------------------------------------------
# scored results kept on disk (the app's first page after a restart needs no new scoring)

_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of the matcher package's source and its data files: everything a score depends on
    besides its inputs, zone, settings and the day. A change to either changes every key made with it,
    so a stored result never outlives the code or knowledge that made it. Read once per process."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        h = hashlib.sha256()
        for root in (PACKAGE_DIR, DATA_DIR):
            for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                h.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
        _CODE_DIGEST = h.hexdigest()[:20]
    return _CODE_DIGEST


def stored_result_key(*parts) -> str:
    """The key of a stored result: the caller's input key, the code digest and today's date (company
    ages are counted to today)."""
    return state_key(*parts, code_digest(), dt.date.today().isoformat())


class ResultStore:
    """Scored results pickled in a folder of the user's own cache, by key. `get` gives None for a
    missing or unreadable entry (a damaged one is removed); `put` writes a temporary file and renames
    it into place, so a crash never leaves a half-written entry. The `keep` newest entries stay."""

    def __init__(self, folder, keep: int = 4):
        self.folder = Path(folder)
        self.keep = keep

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def get(self, key: str):
        path = self._path(key)
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception:  # damaged or written by another version: score again
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, value) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(key))
        except OSError:  # a read-only or full disk only costs the next start its speed
            if "tmp" in locals():
                Path(tmp).unlink(missing_ok=True)
            return
        entries = sorted(self.folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[self.keep :]:
            old.unlink(missing_ok=True)


def result_store() -> ResultStore | None:
    """The store of scored results: the folder in CHAINMATCH_CACHE, else ~/.cache/chainmatch;
    CHAINMATCH_CACHE=off turns it off."""
    where = os.environ.get("CHAINMATCH_CACHE", "")
    if where.strip().lower() in ("off", "0", "no", "false"):
        return None
    folder = Path(where) if where.strip() else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return ResultStore(folder if where.strip() else folder / "chainmatch")
