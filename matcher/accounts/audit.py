"""The audit trail: who did what, when, to what, how many rows — append-only.

The API has no update or delete; the database refuses them too (a trigger, see migration 0003).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import insert, select

from ..store import schema as S
from ..store.db import Store, StoreError, writing
from ..store.runs import frame_of, now

AUDIT_COLUMNS = ["audit_id", "at", "username", "action", "target", "detail", "n_rows", "source"]
# the actions as an administrator reads them
ACTION_LABELS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "login_locked": "登录被锁定",
    "logout": "退出登录",
    "lead_change": "修改线索",
    "lead_create": "新建线索",
    "export": "导出",
    "report": "生成报告",
    "user_add": "新建账号",
    "user_disable": "停用账号",
    "password_reset": "重设密码",
    "profile_change": "修改园区画像",
    "settings_change": "修改设置",
    "denied": "越权被拒绝",
}
_LONG = 2000  # a detail longer than this is cut (a 10,000-character note is not copied into the log)


def _cut(value) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= _LONG else text[:_LONG] + f"…（共 {len(text)} 字）"


def record(
    store: Store,
    username: str | None,
    action: str,
    *,
    target=None,
    detail=None,
    n_rows: int | None = None,
    source: str = "api",
    at: dt.datetime | None = None,
    conn=None,
) -> None:
    """Append one entry. With `conn`, in the caller's transaction (so the change and its entry commit
    together or not at all)."""
    row = {
        "at": at or now(),
        "username": username,
        "action": action,
        "target": _cut(target),
        "detail": _cut(detail),
        "n_rows": None if n_rows is None else int(n_rows),
        "source": source,
    }
    if conn is not None:
        conn.execute(insert(S.audit_log), row)
        return
    with writing(store) as c:
        c.execute(insert(S.audit_log), row)


def list_audit(
    store: Store, *, username: str | None = None, action: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    """The audit trail (AUDIT_COLUMNS), oldest first; `limit` keeps the newest N."""
    a = S.audit_log
    stmt = select(a.c.id, a.c.at, a.c.username, a.c.action, a.c.target, a.c.detail, a.c.n_rows, a.c.source)
    if username is not None:
        stmt = stmt.where(a.c.username == username)
    if action is not None:
        stmt = stmt.where(a.c.action == action)
    stmt = stmt.order_by(a.c.id.desc() if limit else a.c.id)
    if limit:
        stmt = stmt.limit(int(limit))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = frame_of(rows, AUDIT_COLUMNS)
    return frame.iloc[::-1].reset_index(drop=True) if limit else frame


def audit_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The audit trail with Chinese headers and action names (for the app and the export)."""
    out = frame.copy()
    out["action"] = out["action"].map(lambda a: ACTION_LABELS.get(a, a))
    out["source"] = out["source"].map({"cli": "命令行", "app": "网页", "api": "程序接口"}).fillna(out["source"])
    return out.rename(
        columns={
            "audit_id": "序号",
            "at": "时间",
            "username": "账号",
            "action": "操作",
            "target": "对象",
            "detail": "内容",
            "n_rows": "行数",
            "source": "途径",
        }
    )


def export_audit(store: Store, out, *, by: str | None = None, source: str = "cli") -> int:
    """Write the whole audit trail to `out` (.csv or .xlsx, formula text neutralised); the export is
    itself recorded. Returns the number of entries written."""
    from ..outputs.cells import safe_frame

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise StoreError(f"{out}：审计记录只能导出为 .csv 或 .xlsx 文件")
    frame = audit_table(list_audit(store))
    safe = safe_frame(frame)
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            safe.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            safe.to_excel(tmp, index=False, engine="openpyxl")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{out}：无法写入（{exc.strerror or exc}）") from None
    record(store, by, "export", target=out.name, detail="审计记录", n_rows=len(frame), source=source)
    return len(frame)


record_audit = record  # the public API's name for it
