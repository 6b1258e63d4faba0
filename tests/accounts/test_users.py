"""Accounts: the first one is an administrator, passwords only as Argon2 hashes, lock-out that grows."""

import datetime as dt

import pytest
from sqlalchemy import select

import matcher
from matcher.accounts.users import LOCK_AFTER, lock_seconds
from matcher.store import schema as S

from .conftest import PASSWORD


def test_first_account_must_be_an_administrator(store):
    with pytest.raises(matcher.AccountError, match="第一个账号必须是管理员"):
        matcher.add_user(store, "chief", PASSWORD, role="链长", chains=["nev"])
    assert matcher.count_users(store) == 0
    admin = matcher.add_user(store, "admin", PASSWORD, role="管理员")
    assert admin.role == "管理员" and matcher.count_users(store) == 1
    with pytest.raises(matcher.PermissionDenied):  # later accounts need an administrator
        matcher.add_user(store, "chief", PASSWORD, role="链长", chains=["nev"])
    chief = matcher.add_user(store, "chief", PASSWORD, role="专班负责人", chains=["新能源汽车"], by=admin)
    assert chief.role == "链长" and chief.chains == ("nev",)
    with pytest.raises(matcher.PermissionDenied):
        matcher.add_user(store, "x", PASSWORD, role="只读", by=chief)
    with pytest.raises(matcher.AccountError, match="已存在"):
        matcher.add_user(store, "chief", PASSWORD, role="只读", by=admin)
    with pytest.raises(matcher.AccountError, match="不是已知的产业链"):
        matcher.add_user(store, "y", PASSWORD, role="只读", chains=["鞋帽"], by=admin)
    with pytest.raises(matcher.AccountError, match="至少 8"):
        matcher.add_user(store, "z", "short", role="只读", by=admin)
    users = matcher.list_users(store)
    assert users["username"].tolist() == ["admin", "chief"] and "password_hash" not in users.columns


def test_password_is_stored_only_as_argon2_hash(store):
    matcher.add_user(store, "admin", PASSWORD, role="管理员")
    with store.engine.connect() as conn:
        stored = conn.execute(select(S.users.c.password_hash)).scalar_one()
        everything = " ".join(str(v) for t in (S.users, S.audit_log) for r in conn.execute(select(t)) for v in r)
    assert stored.startswith("$argon2id$") and PASSWORD not in everything


def test_login_lock_out_grows_and_reset_lifts_it(store):
    admin = matcher.add_user(store, "admin", PASSWORD, role="管理员")
    t = dt.datetime(2026, 6, 1, 9, 0)
    assert matcher.authenticate(store, "admin", PASSWORD, at=t) == admin
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(matcher.AccountError, match="账号或密码错误"):
            matcher.authenticate(store, "admin", "wrong password", at=t)
    with pytest.raises(matcher.AccountError, match=f"锁定 {lock_seconds(LOCK_AFTER)} 秒"):
        matcher.authenticate(store, "admin", "wrong password", at=t)
    with pytest.raises(matcher.AccountError, match="已锁定"):  # even the right password while locked
        matcher.authenticate(store, "admin", PASSWORD, at=t + dt.timedelta(seconds=5))
    later = t + dt.timedelta(seconds=lock_seconds(LOCK_AFTER) + 1)
    with pytest.raises(matcher.AccountError, match=f"锁定 {lock_seconds(LOCK_AFTER + 1)} 秒"):
        matcher.authenticate(store, "admin", "wrong again!", at=later)
    assert lock_seconds(LOCK_AFTER + 1) == 2 * lock_seconds(LOCK_AFTER)
    matcher.reset_password(store, "admin", "a new password 2")
    assert matcher.authenticate(store, "admin", "a new password 2", at=later).username == "admin"
    with pytest.raises(matcher.AccountError, match="账号或密码错误"):  # unknown name: the same words
        matcher.authenticate(store, "nobody", PASSWORD, at=later)
    matcher.disable_user(store, "admin")
    with pytest.raises(matcher.AccountError, match="账号或密码错误"):
        matcher.authenticate(store, "admin", "a new password 2", at=later)
    actions = matcher.list_audit(store)["action"].tolist()
    assert actions.count("login") == 2 and actions.count("login_failed") == LOCK_AFTER + 3
    assert "login_locked" in actions and "password_reset" in actions and "user_disable" in actions
