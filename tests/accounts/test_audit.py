"""The audit trail is append-only (the database refuses UPDATE and DELETE) and exports as data."""

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

import matcher
from matcher.store import schema as S


def test_audit_log_refuses_update_and_delete(store):
    matcher.record_audit(store, "admin", "report", target="缺口报告", n_rows=3)
    for stmt in (update(S.audit_log).values(username="someone else"), delete(S.audit_log)):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(stmt)
    assert matcher.list_audit(store)["username"].tolist() == ["admin"]


def test_audit_export_neutralises_formulas_and_cuts_long_text(store, tmp_path):
    matcher.record_audit(store, "=cmd|' /C calc'!A0", "lead_change", target="1", detail="x" * 10_000, n_rows=1)
    n = matcher.export_audit(store, tmp_path / "audit.csv", by="admin")
    text = (tmp_path / "audit.csv").read_text(encoding="utf-8-sig")
    assert n == 1 and "'=cmd" in text and ",=cmd" not in text and "共 10000 字" in text
    assert "修改线索" in text and "lead_change" not in text
    assert matcher.list_audit(store)["action"].tolist() == ["lead_change", "export"]  # the export is audited
    with pytest.raises(matcher.StoreError, match=".csv 或 .xlsx"):
        matcher.export_audit(store, tmp_path / "audit.txt")
