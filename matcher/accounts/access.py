"""Scoped reads and checked writes: every multi-user read of leads, runs and exports takes a
`Principal` and returns only what its role and chains allow; every write checks the role first.

- 管理员: reads all chains; manages accounts, the zone profile and settings; changes no lead.
- 链长 / 专班负责人: reads and changes everything in their chains; reports and exports.
- 招商专员: reads their chains; changes only leads they own.
- 只读: reads all chains, changes nothing; reports.
(The rights themselves are data: data/accounts/roles.yaml.) A refused write raises PermissionDenied
with a Chinese message and leaves an entry in the audit trail; nothing is written.

The 线索台账 page reads only through these functions (leads, their count, owners and chains, one lead's
history and scores, the runs and the diff of two runs), as the signed-in officer in team mode and as
`desktop_principal()` (every chain) in the single-user desktop mode.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select

from ..knowledge.roles import Role, load_roles
from ..store import schema as S
from ..store.activity import lead_chains, lead_owners
from ..store.db import Store, StoreError, writing
from ..store.diff import RunDiff, diff_runs
from ..store.leads import UnknownLeadError, count_leads, create_lead, lead_history, list_leads, update_lead
from ..store.runs import RESULT_COLUMNS, company_results, frame_of, list_runs, resolve_run, run_results
from .audit import record
from .users import PermissionDenied, Principal


def role_of(principal: Principal) -> Role:
    if not isinstance(principal, Principal):
        raise PermissionDenied("请先登录")
    return load_roles().resolve(principal.role)


def desktop_principal() -> Principal:
    """Who the single-user desktop mode acts as (no login: bound to this computer only): every chain,
    with the rights of the role that manages accounts (reports, exports)."""
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # no user name in this environment: still one local officer
        who = "本机"
    return Principal(f"本机:{who}", "本机用户", load_roles().admin().name, ())


def visible_chains(principal: Principal) -> list[str] | None:
    """The chains whose data the principal may read (None: every chain)."""
    return None if role_of(principal).read == "all" else list(principal.chains)


def _scope(principal: Principal, chain=None) -> list[str] | None:
    """The chain filter of a read: the asked chains cut down to the visible ones."""
    visible = visible_chains(principal)
    if chain is None:
        return visible
    asked = [chain] if isinstance(chain, str) else list(chain)
    return asked if visible is None else [c for c in asked if c in visible]


def _deny(store: Store, principal: Principal, message: str, target, source: str):
    record(store, getattr(principal, "username", None), "denied", target=target, detail=message, source=source)
    return PermissionDenied(message)


def require(store: Store, principal: Principal, right: str, *, target=None, source: str = "api") -> None:
    """PermissionDenied (audited) unless the principal's role has `right` (users, profile, settings,
    reports, export, audit, runs)."""
    labels = {
        "users": "管理账号",
        "profile": "修改园区画像",
        "settings": "修改设置",
        "reports": "生成报告",
        "export": "导出数据",
        "audit": "查看审计记录",
        "runs": "记录评分",
    }
    if right not in role_of(principal).may:
        raise _deny(store, principal, f"“{principal.role}”角色没有{labels.get(right, right)}的权限", target, source)


def list_leads_for(store: Store, principal: Principal, **filters) -> pd.DataFrame:
    """`matcher.store.list_leads` limited to the chains the principal may read."""
    filters["chain"] = _scope(principal, filters.get("chain"))
    return list_leads(store, **filters)


def count_leads_for(store: Store, principal: Principal, **filters) -> int:
    """`matcher.store.count_leads` limited to the chains the principal may read (for paging)."""
    filters["chain"] = _scope(principal, filters.get("chain"))
    return count_leads(store, **filters)


def lead_chains_for(store: Store, principal: Principal) -> pd.DataFrame:
    """The chains with leads that the principal may read (chain_id, chain_name, leads)."""
    chains = lead_chains(store)
    visible = visible_chains(principal)
    return chains if visible is None else chains[chains["chain_id"].isin(visible)].reset_index(drop=True)


def lead_owners_for(store: Store, principal: Principal) -> list[str]:
    """The owners named on the leads the principal may read (the owner filter's choices)."""
    return lead_owners(store, chain=visible_chains(principal))


def get_lead_for(store: Store, principal: Principal, lead_id, as_of=None) -> dict:
    """One lead the principal may read; UnknownLeadError otherwise (the same message whether it does not
    exist or is in another chain, so nothing leaks)."""
    try:
        key = int(lead_id)
    except (TypeError, ValueError):
        raise UnknownLeadError(f"线索编号应为数字，而不是“{str(lead_id)[:40]}”") from None
    frame = list_leads_for(store, principal, lead_ids=[key], as_of=as_of)
    if frame.empty:
        raise UnknownLeadError(f"没有编号为 {key} 的线索，或不在您负责的产业链内")
    return frame.iloc[0].to_dict()


def lead_history_for(store: Store, principal: Principal, lead_id) -> pd.DataFrame:
    """One lead's change history, if the principal may read the lead (UnknownLeadError otherwise)."""
    lead = get_lead_for(store, principal, lead_id)
    return lead_history(store, int(lead["lead_id"]))


def company_results_for(store: Store, principal: Principal, company_id: int, chain_id: str) -> pd.DataFrame:
    """A company's scores over the runs in one chain, if the principal may read that chain (else none)."""
    scope = _scope(principal, chain_id)
    if not scope:
        return frame_of([], ["run_date", *RESULT_COLUMNS])
    return company_results(store, int(company_id), scope[0])


def list_runs_for(store: Store, principal: Principal) -> pd.DataFrame:
    """The recorded runs (`matcher.store.list_runs`). A principal limited to some chains does not see the
    whole register's counts (rows read, scored, merged, rejected, results): those cover every chain."""
    runs = list_runs(store)
    if visible_chains(principal) is not None:
        for c in ("read", "scored", "merged", "rejected", "n_results"):
            runs[c] = None
    return runs


def diff_runs_for(store: Store, principal: Principal, before, after) -> RunDiff:
    """What changed between two recorded runs (`matcher.store.diff_runs`), limited to the chains the
    principal may read: targets and gaps of those chains, status changes of companies that are targets
    there in either run."""
    diff = diff_runs(before, after, store)
    visible = visible_chains(principal)
    if visible is None:
        return diff
    frames = dict(diff.tables())
    for k in ("new", "dropped", "tiers", "gaps"):
        frames[k] = frames[k][frames[k]["chain_id"].isin(visible)].reset_index(drop=True)
    seen = pd.concat([run_results_for(store, principal, r) for r in (before, after)])
    codes = set(seen["credit_code"].dropna())
    names = set(seen["company_name"].dropna())
    status = frames["status"]
    mine = status["credit_code"].isin(codes) | (status["credit_code"].isna() & status["company_name"].isin(names))
    frames["status"] = status[mine].reset_index(drop=True)
    return RunDiff(diff.a, diff.b, counts={k: len(v) for k, v in frames.items()}, **frames)


def _own(principal: Principal, owner) -> bool:
    return owner is not None and str(owner).strip() in {principal.username, principal.display_name}


def _may_change(principal: Principal, chain_id: str, owner) -> str | None:
    """Why the principal may not change a lead of `chain_id` owned by `owner` (None: it may)."""
    rights = role_of(principal).leads
    if rights == "none":
        return f"“{principal.role}”角色不能修改线索"
    if rights == "all":
        return None
    if chain_id not in principal.chains:
        return "这条线索不在您负责的产业链内，不能修改"
    if rights == "own" and not _own(principal, owner):
        return "只能修改自己负责的线索"
    return None


def update_lead_as(
    store: Store, principal: Principal, lead_id, version: int, *, source: str = "app", **changes
) -> dict:
    """`matcher.store.update_lead` if the principal may change this lead (and, for a 招商专员, keeps it
    their own); the change and its audit entry commit together."""
    try:
        key = int(lead_id)
    except (TypeError, ValueError):
        raise UnknownLeadError(f"线索编号应为数字，而不是“{str(lead_id)[:40]}”") from None
    with store.engine.connect() as conn:
        row = conn.execute(select(S.leads.c.chain_id, S.leads.c.owner).where(S.leads.c.id == key)).first()
    visible = visible_chains(principal)
    if row is None or (visible is not None and row.chain_id not in visible):
        raise _deny(store, principal, f"没有编号为 {key} 的线索，或不在您负责的产业链内", key, source)
    why = _may_change(principal, row.chain_id, row.owner)
    if why is None and role_of(principal).leads == "own" and "owner" in changes:
        if not _own(principal, changes["owner"]):
            why = "招商专员不能把线索转给别人（请联系链长）"
    if why:
        raise _deny(store, principal, why, key, source)
    with writing(store) as conn:
        after = update_lead(store, key, version, by=principal.display_name, source=source, conn=conn, **changes)
        fields = "、".join(sorted(k for k in changes))
        record(store, principal.username, "lead_change", target=key, detail=fields, n_rows=1, source=source, conn=conn)
    return after


def create_lead_as(
    store: Store, principal: Principal, company_id: int, chain_id: str, segment_id: str, *, source="app", **fields
) -> int:
    """`matcher.store.create_lead` if the principal may change leads of `chain_id` (a 招商专员's new lead
    is their own)."""
    if role_of(principal).leads == "own":
        fields["owner"] = principal.display_name
    why = _may_change(principal, chain_id, fields.get("owner"))
    if why:
        raise _deny(store, principal, why, f"{company_id}/{chain_id}/{segment_id}", source)
    with writing(store) as conn:
        lead_id = create_lead(
            store, company_id, chain_id, segment_id, by=principal.display_name, source=source, conn=conn, **fields
        )
        record(store, principal.username, "lead_create", target=lead_id, n_rows=1, source=source, conn=conn)
    return lead_id


def run_results_for(store: Store, principal: Principal, run, chains=None, tiers=None) -> pd.DataFrame:
    """A recorded run's results, limited to the chains the principal may read (its targets)."""
    scope = _scope(principal, chains)
    if scope is not None and not scope:
        resolve_run(store, run)  # an unknown run is still an error
        return frame_of([], RESULT_COLUMNS)
    return run_results(store, run, chains=scope, tiers=tiers)


def export_leads_for(store: Store, principal: Principal, out, *, source: str = "app", **filters) -> int:
    """Write the leads the principal may read to `out` (.csv or .xlsx, formula text neutralised), if
    the role may export; audited with the row count. Returns the number of rows written."""
    from ..outputs.cells import safe_frame

    require(store, principal, "export", target=Path(str(out)).name, source=source)
    out = Path(out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise StoreError(f"{out.name}：只能导出为 .csv 或 .xlsx 文件")
    frame = safe_frame(list_leads_for(store, principal, **filters))
    tmp = out.with_name(out.name + ".part")
    try:
        if out.suffix.lower() == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            frame.to_excel(tmp, index=False, engine="openpyxl")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{out.name}：无法写入（{exc.strerror or exc}）") from None
    record(store, principal.username, "export", target=out.name, detail="线索台账", n_rows=len(frame), source=source)
    return len(frame)


def report_done(store: Store, principal: Principal, what: str, n_rows: int, *, source: str = "app") -> None:
    """Check the right to make reports and record one (what, how many rows)."""
    require(store, principal, "reports", target=what, source=source)
    record(store, principal.username, "report", target=what, n_rows=n_rows, source=source)
