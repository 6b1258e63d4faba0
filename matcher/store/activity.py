"""Summaries of the 台账 that the 线索台账 page and the reports read: each lead's latest change, the
owners in use, leads per chain and stage. Queries only (every filter in SQL, so they stay fast on
100,000 leads and 1,000,000 history rows); the reads of leads themselves are in leads.py.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from . import runs as _runs
from . import schema as S
from .db import Store
from .leads import _as_list

SOURCE_LABELS = {"cli": "命令行", "app": "线索台账页面", "workbook": "工作簿导入", "api": "程序"}


def store_today():
    """Today on the store's clock (`matcher.store.runs.now`): the day flags are computed at by default."""
    return _runs.now().date()


LAST_CHANGE_COLUMNS = ["lead_id", "at", "by_user", "source", "field", "old_value", "new_value"]


def last_changes(store: Store, lead_ids=None, *, chain=None) -> pd.DataFrame:
    """The newest history row of each lead (LAST_CHANGE_COLUMNS): of `lead_ids`, of the leads of
    `chain` (an id or a list), or of every lead. A lead's 最近跟进 in the weekly 台账."""
    h, ld = S.lead_history, S.leads
    newest = select(h.c.lead_id, func.max(h.c.id).label("hid")).group_by(h.c.lead_id)
    if lead_ids is not None:
        newest = newest.where(h.c.lead_id.in_([int(i) for i in _as_list(lead_ids)]))
    if chain is not None:
        newest = newest.where(h.c.lead_id.in_(select(ld.c.id).where(ld.c.chain_id.in_(_as_list(chain)))))
    newest = newest.subquery()
    stmt = select(h.c.lead_id, h.c.at, h.c.by_user, h.c.source, h.c.field, h.c.old_value, h.c.new_value).join(
        newest, newest.c.hid == h.c.id
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=LAST_CHANGE_COLUMNS)


def lead_owners(store: Store, chain=None) -> list[str]:
    """The owners (负责人) named on leads, sorted: the choices of the owner filter."""
    ld = S.leads
    stmt = select(ld.c.owner).where(ld.c.owner.is_not(None)).distinct()
    if chain is not None:
        stmt = stmt.where(ld.c.chain_id.in_(_as_list(chain)))
    with store.engine.connect() as conn:
        return sorted(conn.execute(stmt).scalars())


def lead_chains(store: Store) -> pd.DataFrame:
    """The chains that have leads: chain_id, chain_name, leads (how many)."""
    ld = S.leads
    stmt = (
        select(ld.c.chain_id, func.max(ld.c.chain_name), func.count()).group_by(ld.c.chain_id).order_by(ld.c.chain_id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["chain_id", "chain_name", "leads"])


def stage_counts(store: Store, chain=None) -> pd.DataFrame:
    """Leads per chain and stage (chain_id, stage, leads, amount_wan: the expected investment summed)."""
    ld = S.leads
    stmt = select(ld.c.chain_id, ld.c.stage, func.count(), func.sum(ld.c.amount_wan)).group_by(
        ld.c.chain_id, ld.c.stage
    )
    if chain is not None:
        stmt = stmt.where(ld.c.chain_id.in_(_as_list(chain)))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.order_by(ld.c.chain_id, ld.c.stage)).all()
    return pd.DataFrame(rows, columns=["chain_id", "stage", "leads", "amount_wan"])
