"""Recording scoring runs in the 台账 and reading them back.

`save_run(store, result, inputs)` writes one run in one transaction: the run (date, inputs with their
SHA-256, zone snapshot, settings, row counts), the companies it scored (merged into the companies
already known: same credit code, else same normalised name — `matcher.ingest.dedupe`), one result
row per company (or company × chain) with its components, score, tier, status and its segment's gap
status, and the zone's gap status per segment. A 100,000-company run is written in bulk
(`matcher.store.bulk`). Every read of runs goes through `list_runs`, `get_run`, `run_results`,
`run_gaps`, `resolve_run` and `company_results`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, or_, select, update

from ..ingest.dedupe import code_keys, normalise_names
from ..knowledge.chains import segment_table, zone_to_yaml
from . import schema as S
from .bulk import allocate_ids, insert_rows
from .db import Store, StoreError, serialize, writing


class UnknownRunError(StoreError):
    """A run id (or latest / previous) that the 台账 does not hold."""


def now() -> dt.datetime:
    """The store's clock: naive UTC, to the second (one clock for SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def file_fingerprint(path) -> dict:
    """{"file": name, "sha256": hex, "bytes": size} of an input file (hash None when it cannot be read)."""
    p = Path(path)
    h = hashlib.sha256()
    try:
        with p.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return {"file": p.name, "sha256": h.hexdigest(), "bytes": p.stat().st_size}
    except OSError:
        return {"file": p.name, "sha256": None, "bytes": None}


def _texts(series: pd.Series) -> list:
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return values  # a string column holds text or missing values only
    if all(v is None or type(v) is str for v in values):
        return values
    return [v if v is None or isinstance(v, str) else str(v) for v in values]


def _floats(series: pd.Series) -> list:
    values = pd.to_numeric(series, errors="coerce").astype(float).tolist()
    return [None if v != v else v for v in values]  # NaN -> None


def company_keys(names, codes) -> tuple[np.ndarray, np.ndarray]:
    """(credit-code keys or None, normalised-name keys) — the 台账's merge rule, shared with the batch
    run's duplicate merging."""
    codes = code_keys(pd.Series(list(codes), dtype=object))
    keys = normalise_names(pd.Series(list(names), dtype=object)).to_numpy(dtype=object)
    return codes, keys


def _company_ids(
    conn, names: list, codes: np.ndarray, keys: np.ndarray, at: dt.datetime, run_id=None, status=None, status_raw=None
) -> np.ndarray:
    """The company id of each row: an existing company with the row's credit code, else one with its
    normalised name (and no other code), else a new company. Rows of one run that share a key share
    an id. New companies are inserted (with their status in run `run_id`, from the lists `status` /
    `status_raw`); a code learnt for a company known by name only is filled in."""
    known = conn.execute(select(S.companies.c.id, S.companies.c.credit_code, S.companies.c.name_key))
    by_code, by_name = {}, {}
    for cid, code, key in known:
        if code is not None:
            by_code[code] = cid
        prev = by_name.get(key)
        if prev is None or (prev[1] is not None and code is None):
            by_name[key] = (cid, code)  # prefer a name-only company for a code to attach to
    out = np.zeros(len(names), dtype=np.int64)
    new_rows, new_slot, fill_code = [], {}, {}
    for i, (code, key) in enumerate(zip(codes, keys)):
        if key is None:
            key = str(names[i])
        cid = by_code.get(code) if code is not None else None
        if cid is None:
            hit = by_name.get(key)
            if hit is not None and (code is None or hit[1] is None or hit[1] == code):
                cid = hit[0]
                if code is not None and hit[1] is None:
                    fill_code[cid] = code
                    by_name[key] = (cid, code)
                    by_code[code] = cid
        if cid is not None:
            out[i] = cid
            continue
        slot = ("c", code) if code is not None else ("n", key)
        if slot not in new_slot:
            new_slot[slot] = len(new_rows)
            new_rows.append(
                {
                    "credit_code": code,
                    "name_key": key,
                    "name": str(names[i]),
                    "created_at": at,
                    "last_run_id": run_id,
                    "last_status": status[i] if status is not None else None,
                    "last_status_raw": status_raw[i] if status_raw is not None else None,
                }
            )
            if code is None:
                by_name.setdefault(key, (None, None))
        out[i] = -1 - new_slot[slot]
    if fill_code:
        conn.execute(
            update(S.companies).where(S.companies.c.id == bindparam("cid")).values(credit_code=bindparam("code")),
            [{"cid": k, "code": v} for k, v in fill_code.items()],
        )
    if new_rows:
        ids = allocate_ids(conn, S.companies, len(new_rows))
        if ids is None:  # no fast path: let the database number them
            ids = conn.execute(
                S.companies.insert().returning(S.companies.c.id, sort_by_parameter_order=True), new_rows
            ).scalars()
            ids = list(ids)
        else:
            cols = ["id", *new_rows[0]]
            insert_rows(conn, S.companies, cols, ((i, *r.values()) for i, r in zip(ids, new_rows)))
        ids = np.asarray(ids, dtype=np.int64)
        fresh = out < 0
        out[fresh] = ids[-1 - out[fresh]]
    return out


def save_run(
    store: Store,
    result,
    inputs=(),
    *,
    run_date: dt.date | None = None,
    by: str | None = None,
    note: str | None = None,
    per_chain: bool | None = None,
    fail_after=None,
) -> int:
    """Record a scoring run (`matcher.ScoreResult`) and return its id. `inputs`: the input files (names
    and SHA-256 are kept; without them, the input sheets the result names); `run_date`: the day the scores were measured at (default today); `by`: who
    recorded it. Everything is written in one transaction: on any error nothing is kept.
    `fail_after` (tests only): a callable run inside the transaction after the results are written."""
    ranked = result.ranked
    at = now()
    run_date = run_date or at.date()
    per_chain = (
        bool(per_chain) if per_chain is not None else bool(ranked.duplicated(["company_name", "credit_code"]).any())
    )
    zone = result.zone
    zone_yaml = None
    if zone is not None:
        try:
            zone_yaml = zone_to_yaml(zone, result.chains)
        except Exception:  # a snapshot that cannot be rendered is left out, never the run
            zone_yaml = None
    run_row = {
        "created_at": at,
        "run_date": run_date,
        "created_by": by,
        "note": note,
        "zone_id": getattr(zone, "id", None),
        "zone_name": getattr(zone, "name", None),
        "zone_snapshot": zone_yaml,
        "settings": result.settings.as_dict() if result.settings is not None else None,
        "inputs": [file_fingerprint(p) for p in inputs]
        or [{"file": t.label, "sha256": None, "bytes": None} for t in (result.tables or [])],
        "counts": {k: int(v) for k, v in (result.counts or {}).items()},
        "per_chain": per_chain,
        "n_results": len(ranked),
    }
    names = ranked["company_name"].astype(object).to_numpy()
    codes, keys = company_keys(names, ranked["credit_code"] if "credit_code" in ranked else [None] * len(ranked))
    columns = {}
    for c in S.RESULT_TEXTS:
        columns[c] = _texts(ranked[c]) if c in ranked else [None] * len(ranked)
    for c in S.RESULT_FLOATS:
        columns[c] = _floats(ranked[c]) if c in ranked else [None] * len(ranked)
    gaps = _gap_rows(result)
    with writing(store) as conn:
        serialize(conn, "runs")
        run_id = conn.execute(S.runs.insert().returning(S.runs.c.id), run_row).scalar_one()
        ids = _company_ids(conn, list(names), codes, keys, at, run_id, columns["status"], columns["status_raw"])
        cols = ["run_id", "seq", "company_id", *S.RESULT_TEXTS, *S.RESULT_FLOATS]
        n = len(ranked)
        rows = zip(
            [run_id] * n,
            range(1, n + 1),
            ids.tolist(),
            *(columns[c] for c in S.RESULT_TEXTS),
            *(columns[c] for c in S.RESULT_FLOATS),
        )
        insert_rows(conn, S.run_results, cols, rows)
        if gaps:
            conn.execute(S.run_gaps.insert(), [{**g, "run_id": run_id} for g in gaps])
        _refresh_last_status(conn, run_id, run_date)
        if fail_after is not None:
            fail_after()
    return int(run_id)


def _refresh_last_status(conn, run_id: int, run_date: dt.date) -> None:
    """Companies whose status in this run differs from their recorded newest status take it (one
    UPDATE … FROM over the run's own rows, touching only the companies that changed; a company has
    one status per run). A run older than another that scored the company (a list recorded late)
    does not override it."""
    r, c = S.run_results, S.companies
    changed = or_(
        c.c.last_run_id.is_(None),
        c.c.last_status.is_distinct_from(r.c.status),
        c.c.last_status_raw.is_distinct_from(r.c.status_raw),
    )
    where = [r.c.run_id == run_id, r.c.company_id == c.c.id, changed]
    newest = conn.execute(select(func.max(S.runs.c.run_date)).where(S.runs.c.id != run_id)).scalar()
    if newest is not None and newest > run_date:  # only then can a newer run have scored the company
        r2 = S.run_results.alias("r2")
        later = (
            select(r2.c.company_id)
            .join(S.runs, S.runs.c.id == r2.c.run_id)
            .where(r2.c.company_id == c.c.id, S.runs.c.run_date > run_date)
        )
        where.append(~later.exists())
    stmt = update(c).where(*where).values(last_run_id=run_id, last_status=r.c.status, last_status_raw=r.c.status_raw)
    conn.execute(stmt)


def _gap_rows(result) -> list[dict]:
    if result.zone is None or not result.chains:
        return []
    table = segment_table(result.chains, result.zone)
    return [
        {
            "chain_id": r.chain_id,
            "segment_id": r.segment_id,
            "chain_name": r.chain_name,
            "segment_name": r.segment_name,
            "position": r.position,
            "status": r.status,
            "gap_weight": float(r.gap_weight),
            "assumed": bool(r.assumed),
            "computed": bool(r.computed),
        }
        for r in table.itertuples()
    ]


# ------------------------------------------------------------------------------------------------
# reading runs


def frame_of(rows, columns: list[str]) -> pd.DataFrame:
    """Rows as a DataFrame with missing text kept as None (pandas would turn it into NaN)."""
    cols = list(zip(*rows)) if rows else [()] * len(columns)
    data = {}
    for name, values in zip(columns, cols):
        text = any(isinstance(v, str) for v in values) or all(v is None for v in values)
        data[name] = pd.Series(values, dtype=object) if text else pd.Series(values)
    return pd.DataFrame(data, columns=columns)


RUN_COLUMNS = ["run_id", "run_date", "created_at", "created_by", "note", "zone_id", "zone_name", "inputs"]
RUN_COLUMNS += ["read", "scored", "merged", "rejected", "n_results", "per_chain"]


def list_runs(store: Store) -> pd.DataFrame:
    """Every recorded run, newest first: run_id, run_date, created_at, created_by, note, zone_id,
    zone_name, inputs (file names joined by “、”), read / scored / merged / rejected, n_results, per_chain."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(S.runs).order_by(S.runs.c.id.desc())).mappings().all()
    out = []
    for r in rows:
        counts = r["counts"] or {}
        out.append(
            {
                "run_id": r["id"],
                "run_date": r["run_date"],
                "created_at": r["created_at"],
                "created_by": r["created_by"],
                "note": r["note"],
                "zone_id": r["zone_id"],
                "zone_name": r["zone_name"],
                "inputs": "、".join(i["file"] for i in (r["inputs"] or [])),
                **{k: counts.get(k) for k in ("read", "scored", "merged", "rejected")},
                "n_results": r["n_results"],
                "per_chain": bool(r["per_chain"]),
            }
        )
    return pd.DataFrame(out, columns=RUN_COLUMNS)


def get_run(store: Store, run) -> dict:
    """One run's record (every column of `runs`; settings, inputs and counts as dicts / lists)."""
    run_id = resolve_run(store, run)
    with store.engine.connect() as conn:
        return dict(conn.execute(select(S.runs).where(S.runs.c.id == run_id)).mappings().one())


def resolve_run(store: Store, run) -> int:
    """A run id from an id (int or digits), "latest" / "最新" (the newest run) or "previous" / "上次" (the
    one before it). An unknown run raises UnknownRunError naming it."""
    word = str(run).strip()
    with store.engine.connect() as conn:
        if word.lower() in ("latest", "最新", "previous", "上次"):
            back = 0 if word.lower() in ("latest", "最新") else 1
            found = conn.execute(select(S.runs.c.id).order_by(S.runs.c.id.desc()).offset(back).limit(1)).scalar()
            if found is None:
                raise UnknownRunError(
                    "台账中还没有评分记录（先用 matcher score … --save 记录一次评分）"
                    if back == 0
                    else "台账中只有一次评分记录，没有上一次"
                )
            return int(found)
        if not word.isdigit():
            raise UnknownRunError(f"评分记录编号应为数字、latest 或 previous，而不是“{run}”")
        found = conn.execute(select(S.runs.c.id).where(S.runs.c.id == int(word))).scalar()
    if found is None:
        raise UnknownRunError(f"台账中没有编号为 {word} 的评分记录（matcher runs 列出全部记录）")
    return int(found)


RESULT_COLUMNS = ["run_id", "seq", "company_id", *S.RESULT_TEXTS, *S.RESULT_FLOATS]


def run_results(store: Store, run, chains=None, tiers=None) -> pd.DataFrame:
    """A recorded run's result rows in rank order (RESULT_COLUMNS), optionally only some chains / tiers."""
    run_id = resolve_run(store, run)
    t = S.run_results
    stmt = select(*(t.c[c] for c in RESULT_COLUMNS)).where(t.c.run_id == run_id)
    if chains:
        stmt = stmt.where(t.c.chain_id.in_(list(chains)))
    if tiers:
        stmt = stmt.where(t.c.tier.in_(list(tiers)))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.order_by(t.c.seq)).all()
    return frame_of(rows, RESULT_COLUMNS)


GAP_COLUMNS = ["run_id", "chain_id", "chain_name", "segment_id", "segment_name", "position", "status"]
GAP_COLUMNS += ["gap_weight", "assumed", "computed"]


def run_gaps(store: Store, run) -> pd.DataFrame:
    """The zone's gap status per chain segment as recorded with a run (GAP_COLUMNS)."""
    run_id = resolve_run(store, run)
    t = S.run_gaps
    with store.engine.connect() as conn:
        rows = conn.execute(select(*(t.c[c] for c in GAP_COLUMNS)).where(t.c.run_id == run_id)).all()
    return frame_of(rows, GAP_COLUMNS)


def company_results(store: Store, company_id: int, chain_id: str | None = None) -> pd.DataFrame:
    """A company's results over every run, oldest first (run_date beside the RESULT_COLUMNS): its score
    and tier over the runs, for a lead's history."""
    t = S.run_results
    stmt = (
        select(S.runs.c.run_date, *(t.c[c] for c in RESULT_COLUMNS))
        .join(S.runs, S.runs.c.id == t.c.run_id)
        .where(t.c.company_id == company_id)
    )
    if chain_id is not None:
        stmt = stmt.where(t.c.chain_id == chain_id)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.order_by(t.c.run_id, t.c.seq)).all()
    return frame_of(rows, ["run_date", *RESULT_COLUMNS])
