"""Leads (招商线索): company × chain × segment under follow-up, their changes and their flags.

Writes: `add_leads` (from a recorded run, by chain / tier), `create_lead` (one company), `update_lead`
(optimistic concurrency: the caller passes the `version` it read; a stale version raises
`StaleLeadError` and nothing is written). Every change is appended to `lead_history` (who, when,
field, from → to, source cli / app / workbook / api) in the same transaction as the change.

Reads go through `list_leads` / `count_leads` (filters in SQL, so they stay fast on 100,000 leads),
`get_lead` and `lead_history`. Flags, computed as of a day (`as_of`, default today; thresholds in
`TrackSettings`): days in stage; the 三类三色 colour — green, yellow after `yellow_days` in the same
stage without progress, red after `red_days` (only stages marked `timed` in data/leads/stages.yaml);
overdue next action (due date passed in a timed stage); the company deregistered / revoked (注销 /
吊销 …) in the newest run that scored it.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, or_, select, update

from ..errors import MatcherError
from ..knowledge.stages import COLOUR_LABELS
from . import schema as S
from .bulk import allocate_ids, insert_rows
from .db import Store, StoreError, serialize, writing
from .runs import frame_of, now, resolve_run

EDITABLE = ("stage", "owner", "next_action", "due_date", "amount_wan", "notes")
FIELD_LABELS = {
    "stage": "跟进阶段",
    "owner": "负责人",
    "next_action": "下一步工作",
    "due_date": "完成期限",
    "amount_wan": "预计投资额（万元）",
    "notes": "备注",
}
COLOURS = ("green", "yellow", "red")
SOURCES = ("cli", "app", "workbook", "api")

LEAD_COLUMNS = [
    "lead_id",
    "company_id",
    "company_name",
    "credit_code",
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "stage",
    "owner",
    "next_action",
    "due_date",
    "amount_wan",
    "notes",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "stage_since",
    "source_run_id",
    "score",
    "tier",
    "company_status",
    "company_status_raw",
    # flags
    "days_in_stage",
    "colour",
    "overdue",
    "company_closed",
]
HISTORY_COLUMNS = ["history_id", "lead_id", "at", "by_user", "source", "field", "old_value", "new_value", "version"]


class UnknownLeadError(StoreError):
    """A lead id the 台账 does not hold."""


class StaleLeadError(StoreError):
    """Someone changed the lead after the caller read it: nothing was written."""

    def __init__(self, lead_id: int, read_version: int, current: int, who: str | None, when):
        self.lead_id, self.read_version, self.current = lead_id, read_version, current
        by = who or "他人"
        at = f"于 {when:%Y-%m-%d %H:%M} " if when else ""
        super().__init__(
            f"线索 {lead_id} 已被{by}{at}修改（你读取的是第 {read_version} 版，现在是第 {current} 版）；"
            "本次修改没有保存，请刷新后再改"
        )


# ------------------------------------------------------------------------------------------------
# values


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def parse_due(value) -> dt.date | None:
    """A due date from a date, a datetime or text (2026-12-31, 2026/12/31, 2026年12月31日, 20261231)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise MatcherError(f"完成期限“{value}”不是日期（如 2026-12-31）")


def parse_amount(value) -> float | None:
    """Expected investment in 万元 (a number ≥ 0; 1.2亿 and 5000万 are read too)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)):
        amount = float(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if not text:
            return None
        scale = 1.0
        for unit, factor in (("亿元", 1e4), ("亿", 1e4), ("万元", 1.0), ("万", 1.0)):
            if text.endswith(unit):
                text, scale = text[: -len(unit)].strip(), factor
                break
        try:
            amount = float(text) * scale
        except ValueError:
            raise MatcherError(f"预计投资额“{value}”不是数字（单位万元）") from None
    if not math.isfinite(amount) or amount < 0:
        raise MatcherError(f"预计投资额“{value}”应为不小于 0 的数字（单位万元）")
    return amount


def clean_changes(store: Store, changes: dict) -> dict:
    """Validated values for the editable fields (stage names its stage or an alias; empty text clears)."""
    out = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            raise MatcherError(f"线索没有可修改的字段 {name}（可修改：{'、'.join(FIELD_LABELS[f] for f in EDITABLE)}）")
        if name == "stage":
            stage = store.stages.resolve(value)
            if stage is None:
                raise MatcherError("跟进阶段不能为空")
            out[name] = stage
        elif name == "due_date":
            out[name] = parse_due(value)
        elif name == "amount_wan":
            out[name] = parse_amount(value)
        else:
            out[name] = _text(value)
    return out


def _shown(value) -> str | None:
    """A value as the history keeps it (text; dates ISO; amounts without a trailing .0)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    return str(value)


def _source(source: str) -> str:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r} (one of {SOURCES})")
    return source


# ------------------------------------------------------------------------------------------------
# writes


def _insert_leads(conn, rows: list[dict], by: str | None, source: str, at: dt.datetime) -> list[int]:
    """Insert new leads (dicts of lead columns) and their creation history; returns the new ids."""
    if not rows:
        return []
    serialize(conn, "leads")
    for r in rows:
        r.update(version=1, created_at=at, created_by=by, updated_at=at, stage_since=at)
    ids = allocate_ids(conn, S.leads, len(rows))
    if ids is None:  # no fast path: let the database number them
        ids = list(conn.execute(S.leads.insert().returning(S.leads.c.id, sort_by_parameter_order=True), rows).scalars())
    else:
        cols = list(rows[0])
        insert_rows(conn, S.leads, ["id", *cols], ((i, *(r[c] for c in cols)) for i, r in zip(ids, rows)))
    history = []
    for lead_id, r in zip(ids, rows):
        for f in EDITABLE:
            if r.get(f) is not None:
                history.append((lead_id, at, by, source, f, None, _shown(r[f]), 1))
    insert_rows(
        conn,
        S.lead_history,
        ["lead_id", "at", "by_user", "source", "field", "old_value", "new_value", "version"],
        history,
    )
    return ids


def add_leads(
    store: Store,
    run="latest",
    *,
    chains=None,
    tiers=("A", "B"),
    owner: str | None = None,
    stage: str | None = None,
    by: str | None = None,
    source: str = "cli",
    at: dt.datetime | None = None,
) -> pd.DataFrame:
    """New leads from a recorded run: every company of `tiers` (default A, B) in `chains` (default all)
    that is not deregistered and has no lead in that chain yet, at `stage` (default the first stage)
    with `owner`. Returns the new leads (list_leads columns); existing ones are left as they are."""
    source = _source(source)
    run_id = resolve_run(store, run)
    stage = store.stages.resolve(stage) if stage is not None else store.stages.first
    if stage is None:
        raise MatcherError("跟进阶段不能为空")
    at = at or now()
    t, c = S.run_results, S.companies
    stmt = (
        select(
            t.c.company_id,
            t.c.chain_id,
            t.c.chain_name,
            t.c.segment_id,
            t.c.segment_name,
            c.c.name,
            c.c.credit_code,
            t.c.score,
            t.c.tier,
            c.c.last_status,
            c.c.last_status_raw,
        )
        .join(c, c.c.id == t.c.company_id)
        .where(
            t.c.run_id == run_id,
            t.c.chain_id.is_not(None),
            t.c.segment_id.is_not(None),
            or_(t.c.status.is_(None), t.c.status != "inactive"),
        )
    )
    if chains:
        stmt = stmt.where(t.c.chain_id.in_(list(chains)))
    if tiers:
        stmt = stmt.where(t.c.tier.in_(list(tiers)))
    with writing(store) as conn:
        serialize(conn, "leads")  # before reading which leads exist
        candidates = conn.execute(stmt.order_by(t.c.seq)).all()
        have = {
            (cid, ch)
            for cid, ch in conn.execute(
                select(S.leads.c.company_id, S.leads.c.chain_id).where(
                    S.leads.c.company_id.in_(select(t.c.company_id).where(t.c.run_id == run_id))
                )
            )
        }
        rows, shown = [], []
        for company_id, chain_id, chain_name, segment_id, segment_name, *facts in candidates:
            if (company_id, chain_id) in have:
                continue
            have.add((company_id, chain_id))
            rows.append(
                {
                    "company_id": company_id,
                    "chain_id": chain_id,
                    "chain_name": chain_name,
                    "segment_id": segment_id,
                    "segment_name": segment_name,
                    "stage": stage,
                    "owner": _text(owner),
                    "source_run_id": run_id,
                }
            )
            shown.append(facts)
        ids = _insert_leads(conn, rows, by, source, at)
    # the new leads as list_leads shows them, from what was just written (no second query)
    out = []
    for lead_id, r, (name, code, score, tier, status, status_raw) in zip(ids, rows, shown):
        out.append(
            [lead_id, r["company_id"], name, code, r["chain_id"], r["chain_name"], r["segment_id"], r["segment_name"]]
            + [r["stage"], r["owner"], None, None, None, None, 1, at, by, at, at, run_id]
            + [score, tier, status, status_raw]
        )
    return _with_flags(store, frame_of(out, LEAD_COLUMNS[:-4]), at.date())[LEAD_COLUMNS]


def create_lead(
    store: Store,
    company_id: int,
    chain_id: str,
    segment_id: str,
    *,
    chain_name: str | None = None,
    segment_name: str | None = None,
    by: str | None = None,
    source: str = "api",
    at: dt.datetime | None = None,
    run_id: int | None = None,
    conn=None,
    **fields,
) -> int:
    """One new lead for a company already in the 台账 (stage default the first one); returns its id.
    `fields`: stage, owner, next_action, due_date, amount_wan, notes. With `conn`, runs in the
    caller's transaction."""
    source = _source(source)
    values = clean_changes(store, fields)
    values.setdefault("stage", store.stages.first)
    row = {
        "company_id": int(company_id),
        "chain_id": chain_id,
        "chain_name": chain_name,
        "segment_id": segment_id,
        "segment_name": segment_name,
        "source_run_id": run_id,
        **values,
    }
    if conn is not None:
        return _insert_leads(conn, [row], by, source, at or now())[0]
    with writing(store) as c:
        return _insert_leads(c, [row], by, source, at or now())[0]


def _last_change(conn, lead_id: int):
    h = S.lead_history
    return conn.execute(
        select(h.c.by_user, h.c.at).where(h.c.lead_id == lead_id).order_by(h.c.id.desc()).limit(1)
    ).first()


def update_lead(
    store: Store,
    lead_id: int,
    version: int,
    *,
    by: str | None,
    source: str = "api",
    at: dt.datetime | None = None,
    conn=None,
    **changes,
) -> dict:
    """Change a lead's editable fields (stage, owner, next_action, due_date, amount_wan, notes) if it is
    still at `version` (the version the caller read); each changed field goes to the history with `by`,
    `source` and `at` (default now). Returns the lead as it is now (a dict of lead columns). A stale
    version raises StaleLeadError and nothing is written; a change to the same values writes nothing.
    With `conn`, runs in the caller's transaction."""
    source = _source(source)
    values = clean_changes(store, changes)
    if conn is None:
        with writing(store) as c:
            return _update(store, c, int(lead_id), int(version), by, source, at or now(), values)
    return _update(store, conn, int(lead_id), int(version), by, source, at or now(), values)


def _update(store, conn, lead_id, version, by, source, at, values) -> dict:
    current = conn.execute(select(S.leads).where(S.leads.c.id == lead_id)).mappings().first()
    if current is None:
        raise UnknownLeadError(f"台账中没有编号为 {lead_id} 的线索")
    if current["version"] != version:
        last = _last_change(conn, lead_id)
        raise StaleLeadError(lead_id, version, current["version"], *(last or (None, None)))
    changed = {k: values[k] for k in EDITABLE if k in values and values[k] != current[k]}
    if not changed:
        return dict(current)
    new_version = version + 1
    sets = {**changed, "version": new_version, "updated_at": at}
    if "stage" in changed:
        sets["stage_since"] = at
    done = conn.execute(
        update(S.leads).where(S.leads.c.id == lead_id, S.leads.c.version == version).values(**sets)
    ).rowcount
    if done != 1:  # changed between our read and our write
        last = _last_change(conn, lead_id)
        now_version = conn.execute(select(S.leads.c.version).where(S.leads.c.id == lead_id)).scalar()
        raise StaleLeadError(lead_id, version, now_version, *(last or (None, None)))
    insert_rows(
        conn,
        S.lead_history,
        ["lead_id", "at", "by_user", "source", "field", "old_value", "new_value", "version"],
        [(lead_id, at, by, source, f, _shown(current[f]), _shown(v), new_version) for f, v in changed.items()],
    )
    return {**dict(current), **sets}


# ------------------------------------------------------------------------------------------------
# reads


def _as_list(value):
    if value is None:
        return None
    if isinstance(value, (str, int, np.integer)):
        return [value]
    return list(value)


def _cut(as_of: dt.date, days: int) -> dt.datetime:
    """Leads that entered their stage before this moment have been in it at least `days` days on as_of."""
    return dt.datetime.combine(as_of - dt.timedelta(days=days - 1), dt.time())


def _lead_query(store: Store, as_of: dt.date):
    ld, c, r = S.leads, S.companies, S.run_results
    newest = (
        select(r.c.score, r.c.tier)
        .where(r.c.company_id == ld.c.company_id, r.c.chain_id == ld.c.chain_id)
        .order_by(r.c.run_id.desc(), r.c.seq)
        .limit(1)
    )
    columns = [
        ld.c.id.label("lead_id"),
        ld.c.company_id,
        c.c.name.label("company_name"),
        c.c.credit_code,
        ld.c.chain_id,
        ld.c.chain_name,
        ld.c.segment_id,
        ld.c.segment_name,
        ld.c.stage,
        ld.c.owner,
        ld.c.next_action,
        ld.c.due_date,
        ld.c.amount_wan,
        ld.c.notes,
        ld.c.version,
        ld.c.created_at,
        ld.c.created_by,
        ld.c.updated_at,
        ld.c.stage_since,
        ld.c.source_run_id,
        newest.with_only_columns(r.c.score).scalar_subquery().label("score"),
        newest.with_only_columns(r.c.tier).scalar_subquery().label("tier"),
        c.c.last_status.label("company_status"),
        c.c.last_status_raw.label("company_status_raw"),
    ]
    return select(*columns).select_from(ld.join(c, c.c.id == ld.c.company_id))


def _filters(
    store: Store,
    as_of: dt.date,
    chain=None,
    owner=None,
    stage=None,
    colour=None,
    overdue=None,
    closed=None,
    company=None,
    lead_ids=None,
    company_id=None,
) -> list:
    ld, c = S.leads, S.companies
    where = []
    if (chains := _as_list(chain)) is not None:
        where.append(ld.c.chain_id.in_(chains))
    if (owners := _as_list(owner)) is not None:
        where.append(ld.c.owner.in_(owners))
    if (stages := _as_list(stage)) is not None:
        where.append(ld.c.stage.in_([store.stages.resolve(s) for s in stages]))
    if lead_ids is not None:
        where.append(ld.c.id.in_([int(i) for i in _as_list(lead_ids)]))
    if company_id is not None:
        where.append(ld.c.company_id.in_([int(i) for i in _as_list(company_id)]))
    if company:
        where.append(c.c.name.contains(str(company).strip(), autoescape=True))
    timed = store.stages.timed()
    if (colours := _as_list(colour)) is not None:
        bad = [x for x in colours if x not in COLOURS and x not in COLOUR_LABELS.values()]
        if bad:
            raise MatcherError(f"颜色应为 绿 / 黄 / 红，而不是“{'、'.join(map(str, bad))}”")
        wanted = {next((k for k, v in COLOUR_LABELS.items() if v == x), x) for x in colours}
        red, yellow = _cut(as_of, store.settings.red_days), _cut(as_of, store.settings.yellow_days)
        parts = []
        if "red" in wanted:
            parts.append(ld.c.stage_since < red)
        if "yellow" in wanted:
            parts.append(and_(ld.c.stage_since < yellow, ld.c.stage_since >= red))
        if "green" in wanted:
            parts.append(ld.c.stage_since >= yellow)
        where.append(and_(ld.c.stage.in_(timed), or_(*parts)))
    if overdue is not None:
        late = and_(ld.c.stage.in_(timed), ld.c.due_date.is_not(None), ld.c.due_date < as_of)
        where.append(late if overdue else ~late)
    if closed is not None:
        dead = func.coalesce(c.c.last_status, "") == "inactive"
        where.append(dead if closed else ~dead)
    return where


def _with_flags(store: Store, frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    since = pd.to_datetime(frame["stage_since"])
    days = (pd.Timestamp(as_of) - since.dt.normalize()).dt.days
    frame["days_in_stage"] = days.astype("Int64")
    timed = frame["stage"].isin(store.stages.timed())
    s = store.settings
    timed, days = timed.to_numpy(), days.to_numpy()
    colour = np.full(len(frame), None, dtype=object)
    colour[timed] = "green"
    colour[timed & (days >= s.yellow_days)] = "yellow"
    colour[timed & (days >= s.red_days)] = "red"
    frame["colour"] = pd.Series(colour, index=frame.index, dtype=object)
    due = pd.to_datetime(frame["due_date"])
    frame["overdue"] = (timed & due.notna() & (due < pd.Timestamp(as_of))).astype(bool)
    frame["company_closed"] = (frame["company_status"] == "inactive").astype(bool)
    return frame


ORDERS = {
    "id": [S.leads.c.id],
    "updated": [S.leads.c.updated_at.desc(), S.leads.c.id],
    "due": [S.leads.c.due_date.is_(None), S.leads.c.due_date, S.leads.c.id],  # no due date last, on both databases
    "stage_since": [S.leads.c.stage_since, S.leads.c.id],
}


def list_leads(
    store: Store,
    *,
    chain=None,
    owner=None,
    stage=None,
    colour=None,
    overdue: bool | None = None,
    closed: bool | None = None,
    company: str | None = None,
    lead_ids=None,
    company_id=None,
    as_of: dt.date | None = None,
    order: str = "id",
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """Leads as a DataFrame (LEAD_COLUMNS) with their flags as of `as_of` (default today). Filters (each
    a value or a list; filtered in the database): chain (ids), owner, stage (names or aliases), colour
    (green / yellow / red or 绿 / 黄 / 红), overdue, closed (company deregistered in its newest run),
    company (part of the name), lead_ids, company_id. `order`: id, updated (newest first), due,
    stage_since; `limit` / `offset` page through the result."""
    as_of = as_of or now().date()
    where = _filters(store, as_of, chain, owner, stage, colour, overdue, closed, company, lead_ids, company_id)
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r} (one of {', '.join(ORDERS)})")
    stmt = _lead_query(store, as_of).where(*where).order_by(*ORDERS[order])
    if limit is not None:
        stmt = stmt.limit(int(limit))
    if offset:
        stmt = stmt.offset(int(offset))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = frame_of(rows, LEAD_COLUMNS[:-4])
    return _with_flags(store, frame, as_of)[LEAD_COLUMNS]


def count_leads(store: Store, *, as_of: dt.date | None = None, **filters) -> int:
    """How many leads `list_leads` with the same filters returns (for paging)."""
    as_of = as_of or now().date()
    where = _filters(store, as_of, **filters)
    ld, c = S.leads, S.companies
    stmt = select(func.count()).select_from(ld.join(c, c.c.id == ld.c.company_id)).where(*where)
    with store.engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def get_lead(store: Store, lead_id: int, as_of: dt.date | None = None) -> dict:
    """One lead (list_leads columns as a dict); UnknownLeadError when there is none."""
    try:
        key = int(lead_id)
    except (TypeError, ValueError):
        raise UnknownLeadError(f"线索编号应为数字，而不是“{lead_id}”") from None
    frame = list_leads(store, lead_ids=[key], as_of=as_of)
    if frame.empty:
        raise UnknownLeadError(f"台账中没有编号为 {lead_id} 的线索（matcher track list 列出全部线索）")
    return frame.iloc[0].to_dict()


def lead_history(
    store: Store, lead_id=None, *, since: dt.datetime | None = None, limit: int | None = None
) -> pd.DataFrame:
    """The append-only change history (HISTORY_COLUMNS), oldest first: of one lead (or a list of
    leads), or of every lead; `since` keeps changes at or after a moment, `limit` the newest N."""
    h = S.lead_history
    stmt = select(
        h.c.id.label("history_id"),
        h.c.lead_id,
        h.c.at,
        h.c.by_user,
        h.c.source,
        h.c.field,
        h.c.old_value,
        h.c.new_value,
        h.c.version,
    )
    if lead_id is not None:
        stmt = stmt.where(h.c.lead_id.in_([int(i) for i in _as_list(lead_id)]))
    if since is not None:
        stmt = stmt.where(h.c.at >= since)
    if limit is not None:
        stmt = stmt.order_by(h.c.id.desc()).limit(int(limit))
        with store.engine.connect() as conn:
            rows = conn.execute(stmt).all()[::-1]
    else:
        with store.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(h.c.id)).all()
    return frame_of(rows, HISTORY_COLUMNS)
