"""Accounts: who may sign in, with which role and chains; passwords only as Argon2id hashes.

Lock-out: after LOCK_AFTER failed logins in a row an account is locked for LOCK_BASE seconds, doubled
with every further failure (capped at LOCK_MAX); a success resets the count. Every login attempt goes to
the audit trail (never the password). A password is never taken from argv: the CLI prompts or reads stdin.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update

from ..errors import MatcherError
from ..knowledge.roles import Roles, load_roles
from ..store import schema as S
from ..store.db import Store, writing
from ..store.runs import frame_of, now
from .audit import record

LOCK_AFTER = 5
LOCK_BASE = 30  # seconds
LOCK_MAX = 3600
MIN_PASSWORD = 8
USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,40}$")
USER_COLUMNS = ["user_id", "username", "display_name", "role", "chains", "active", "locked_until", "created_at"]

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# a hash to verify against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY = _hasher.hash("chainmatch-no-such-user")


class AccountError(MatcherError):
    """An account cannot be created, changed or signed in as asked (a message for the officer)."""


class PermissionDenied(AccountError):
    """The signed-in user's role or chains do not allow this."""


@dataclass(frozen=True)
class Principal:
    """Who is asking: the user's name, display name, role and chains. Every scoped read and checked write
    of `matcher.accounts.access` takes one."""

    username: str
    display_name: str
    role: str
    chains: tuple[str, ...]

    def rights(self, roles: Roles | None = None):
        return (roles or load_roles()).resolve(self.role)


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 256:
        raise AccountError("密码太长（最多 256 个字符）")


def _check_username(username) -> str:
    name = str(username or "").strip()
    if not USERNAME.match(name):
        raise AccountError("账号名只能由 1–40 个汉字、字母、数字或 _ . - 组成")
    return name


def _check_chains(chains) -> list[str]:
    from ..knowledge.chains import load_chains

    known = {cid: c.name for cid, c in load_chains().items()}
    by_name = {v: k for k, v in known.items()}
    out = []
    for c in chains or []:
        c = str(c).strip()
        if c in known:
            out.append(c)
        elif c in by_name:
            out.append(by_name[c])
        else:
            raise AccountError(f"“{c}”不是已知的产业链（可用：{'、'.join(known.values())}）")
    return sorted(set(out))


def count_users(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(S.users)).scalar_one())


def add_user(
    store: Store,
    username: str,
    password: str,
    *,
    role: str,
    display_name: str | None = None,
    chains=(),
    by: Principal | None = None,
    source: str = "cli",
) -> Principal:
    """Create an account. The first account of a store must be an administrator (and needs no `by`);
    later ones need `by` with the right to manage users."""
    roles = load_roles()
    the_role = roles.resolve(role)
    name = _check_username(username)
    _check_password(password)
    chain_ids = _check_chains(chains)
    shown = str(display_name or name).strip()[:40] or name
    at = now()
    with writing(store) as conn:
        first = conn.execute(select(func.count()).select_from(S.users)).scalar_one() == 0
        if first and "users" not in the_role.may:
            raise AccountError(f"第一个账号必须是{roles.admin().name}（matcher users add --role {roles.admin().name}）")
        if not first:
            _require(by, "users", roles)
        if conn.execute(select(S.users.c.id).where(S.users.c.username == name)).first():
            raise AccountError(f"账号“{name}”已存在")
        conn.execute(
            insert(S.users),
            {
                "username": name,
                "display_name": shown,
                "role": the_role.name,
                "chains": chain_ids,
                "password_hash": _hasher.hash(password),
                "active": True,
                "failed_logins": 0,
                "locked_until": None,
                "created_at": at,
                "password_changed_at": at,
            },
        )
        record(
            store,
            by.username if by else name,
            "user_add",
            target=name,
            detail=f"{the_role.name}；产业链：{'、'.join(chain_ids) or '无'}",
            source=source,
            conn=conn,
        )
    return Principal(name, shown, the_role.name, tuple(chain_ids))


def _require(by: Principal | None, right: str, roles: Roles | None = None) -> None:
    if by is None or right not in by.rights(roles).may:
        raise PermissionDenied("没有管理账号的权限（需要管理员）")


def list_users(store: Store) -> pd.DataFrame:
    u = S.users
    stmt = select(
        u.c.id, u.c.username, u.c.display_name, u.c.role, u.c.chains, u.c.active, u.c.locked_until, u.c.created_at
    ).order_by(u.c.id)
    with store.engine.connect() as conn:
        return frame_of(conn.execute(stmt).all(), USER_COLUMNS)


def _set(store, username, values, action, by, source, detail=None) -> None:
    name = str(username or "").strip()
    with writing(store) as conn:
        done = conn.execute(update(S.users).where(S.users.c.username == name).values(**values)).rowcount
        if not done:
            raise AccountError(f"没有账号“{name}”（matcher users list 列出全部账号）")
        record(store, by.username if by else None, action, target=name, detail=detail, source=source, conn=conn)


def disable_user(store: Store, username: str, *, by: Principal | None = None, source: str = "cli") -> None:
    """Disable an account (it can no longer sign in; its history stays)."""
    if by is not None:
        _require(by, "users")
    _set(store, username, {"active": False}, "user_disable", by, source)


def reset_password(
    store: Store, username: str, password: str, *, by: Principal | None = None, source: str = "cli"
) -> None:
    """Set a new password (and lift a lock-out)."""
    if by is not None:
        _require(by, "users")
    _check_password(password)
    values = {
        "password_hash": _hasher.hash(password),
        "failed_logins": 0,
        "locked_until": None,
        "password_changed_at": now(),
    }
    _set(store, username, values, "password_reset", by, source)


def lock_seconds(failures: int) -> int:
    """How long an account stays locked after `failures` failed logins in a row (0: not locked)."""
    if failures < LOCK_AFTER:
        return 0
    return min(LOCK_MAX, LOCK_BASE * 2 ** (failures - LOCK_AFTER))


def authenticate(
    store: Store, username: str, password: str, *, source: str = "app", at: dt.datetime | None = None
) -> Principal:
    """The Principal for a right name and password; AccountError (one message for a wrong name or
    password, another while locked) otherwise. Every attempt is audited."""
    at = at or now()
    name = str(username or "").strip()[:80]
    wrong = AccountError("账号或密码错误")
    with writing(store) as conn:
        row = conn.execute(select(S.users).where(S.users.c.username == name)).mappings().first()
        if row is None or not row["active"]:
            try:
                _hasher.verify(_DUMMY, str(password or "x"))
            except VerificationError:
                pass
            record(store, None, "login_failed", target=name, detail="账号不存在或已停用", source=source, conn=conn)
            outcome = wrong
        elif row["locked_until"] is not None and row["locked_until"] > at:
            wait = int((row["locked_until"] - at).total_seconds()) + 1
            record(store, name, "login_locked", target=name, source=source, conn=conn)
            outcome = AccountError(f"密码错误次数过多，账号已锁定，请 {wait} 秒后再试")
        else:
            try:
                ok = _hasher.verify(row["password_hash"], str(password or ""))
            except (VerificationError, InvalidHashError):
                ok = False
            if ok:
                values = {"failed_logins": 0, "locked_until": None}
                if _hasher.check_needs_rehash(row["password_hash"]):
                    values["password_hash"] = _hasher.hash(password)
                conn.execute(update(S.users).where(S.users.c.id == row["id"]).values(**values))
                record(store, name, "login", target=name, source=source, conn=conn)
                return Principal(name, row["display_name"], row["role"], tuple(row["chains"] or ()))
            failures = row["failed_logins"] + 1
            locked = lock_seconds(failures)
            conn.execute(
                update(S.users)
                .where(S.users.c.id == row["id"])
                .values(failed_logins=failures, locked_until=at + dt.timedelta(seconds=locked) if locked else None)
            )
            detail = f"连续第 {failures} 次" + (f"，锁定 {locked} 秒" if locked else "")
            record(store, name, "login_failed", target=name, detail=detail, source=source, conn=conn)
            outcome = wrong if not locked else AccountError(f"密码错误次数过多，账号已锁定 {locked} 秒")
    raise outcome


def principal_of(store: Store, username: str) -> Principal:
    """The Principal of an active account (for a trusted single-sign-on header); AccountError otherwise."""
    with store.engine.connect() as conn:
        row = conn.execute(select(S.users).where(S.users.c.username == str(username).strip())).mappings().first()
    if row is None or not row["active"]:
        raise AccountError("账号不存在或已停用")
    return Principal(row["username"], row["display_name"], row["role"], tuple(row["chains"] or ()))
