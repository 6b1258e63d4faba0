"""Migrations: a database made by the first schema, with data in it, is upgraded to head on open and
keeps its data; head equals the tables in schema.py."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import matcher
from matcher.store import db
from matcher.store.schema import metadata

FIRST = "0001"


def _first_schema_with_data(url):
    engine = db.make_engine(url)
    db.upgrade(engine, FIRST)
    assert db.current_revision(engine) == FIRST
    assert "last_status" not in {c["name"] for c in inspect(engine).get_columns("companies")}
    at = dt.datetime(2026, 3, 1, 8, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO runs (id, created_at, run_date, per_chain, n_results) VALUES "
                "(1, :at, :d1, false, 1), (2, :at, :d2, false, 1)"
            ),
            {"at": at, "d1": dt.date(2026, 3, 1), "d2": dt.date(2026, 6, 1)},
        )
        conn.execute(
            text(
                "INSERT INTO companies (id, credit_code, name_key, name, created_at) VALUES (1, NULL, '甲公司', '甲公司', :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO run_results (run_id, seq, company_id, company_name, chain_id, segment_id, status, "
                "status_raw, score, tier) VALUES (1, 1, 1, '甲公司', 'nev', 'battery', 'active', '存续', 70, 'A'), "
                "(2, 1, 1, '甲公司', 'nev', 'battery', 'inactive', '吊销', 0, NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO leads (id, company_id, chain_id, segment_id, stage, owner, version, created_at, "
                "updated_at, stage_since, source_run_id) VALUES (1, 1, 'nev', 'battery', '已接洽', '陈', 2, :at, :at, :at, 1)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO lead_history (lead_id, at, by_user, source, field, old_value, new_value, version) "
                "VALUES (1, :at, '陈', 'cli', 'stage', '线索', '已接洽', 2)"
            ),
            {"at": at},
        )
    engine.dispose()


def test_first_schema_upgrades_on_open_and_keeps_its_data(store_url):
    _first_schema_with_data(store_url)
    store = matcher.open_store(store_url)  # upgrades to head
    try:
        assert db.current_revision(store.engine) == db.head_revision() != FIRST
        lead = matcher.get_lead(store, 1, as_of=dt.date(2026, 6, 2))
        assert (lead["company_name"], lead["stage"], lead["owner"], lead["version"]) == ("甲公司", "已接洽", "陈", 2)
        # the migration filled the newest status from the runs already recorded
        assert lead["company_closed"] and lead["company_status_raw"] == "吊销"
        assert matcher.lead_history(store, 1)["new_value"].tolist() == ["已接洽"]
        # and the store works on: a change goes through the version check
        matcher.update_lead(store, 1, 2, by="刘", stage="已考察")
        with pytest.raises(matcher.StaleLeadError):
            matcher.update_lead(store, 1, 2, by="王", stage="洽谈中")
        assert {"ix_leads_owner", "ix_leads_stage_since"} <= {
            i["name"] for i in inspect(store.engine).get_indexes("leads")
        }
    finally:
        store.close()


def test_head_matches_the_tables_in_schema_py(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_opening_twice_is_harmless_and_downgrade_reaches_the_first_schema(store_url):
    matcher.open_store(store_url).close()
    store = matcher.open_store(store_url)
    try:
        assert db.current_revision(store.engine) == db.head_revision()
        from alembic import command

        with store.engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), FIRST)
        assert db.current_revision(store.engine) == FIRST
    finally:
        store.close()
