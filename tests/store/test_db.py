"""Opening the 台账: which database, SQLite's pragmas, clear errors; a crash mid-import changes nothing."""

from pathlib import Path

import pytest
from sqlalchemy import text

import matcher
from matcher.store import db


def test_database_from_argument_env_or_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINMATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert db.resolve_url() == f"sqlite:///{tmp_path / 'xdg' / 'chainmatch' / 'chainmatch.db'}"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert db.resolve_url() == f"sqlite:///{tmp_path / 'home' / '.local' / 'share' / 'chainmatch' / 'chainmatch.db'}"
    monkeypatch.setenv("CHAINMATCH_DB", str(tmp_path / "env.db"))
    assert db.resolve_url() == f"sqlite:///{tmp_path / 'env.db'}"
    assert db.resolve_url("postgresql://u:p@h/d") == "postgresql+psycopg://u:p@h/d"
    assert db.resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(matcher.StoreError, match="不支持的数据库地址“mysql://…”"):
        db.resolve_url("mysql://h/d")


def test_default_store_is_created_with_its_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINMATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with matcher.open_store() as store:
        assert store.label == str(tmp_path / "xdg" / "chainmatch" / "chainmatch.db")
        assert matcher.list_runs(store).empty
    assert (tmp_path / "xdg" / "chainmatch" / "chainmatch.db").is_file()


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    with matcher.open_store(tmp_path / "s.db") as store, store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert set(db.table_names(matcher.open_store(tmp_path / "s.db"))) >= {"leads", "lead_history", "runs"}


def test_foreign_keys_hold_on_both_databases(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO lead_history (lead_id, at, source, field, version) "
                "VALUES (12345, CURRENT_TIMESTAMP, 'cli', 'stage', 1)"
            )
        )


def test_a_crash_mid_import_leaves_the_store_as_it_was(store, fixture_result, fixture_chains, tmp_path, monkeypatch):
    import openpyxl

    from matcher.store import workbook as wb_import

    run = matcher.save_run(store, fixture_result)
    matcher.add_leads(store, run, tiers=["A"], chains=["nev"], owner="陈")
    path = tmp_path / "w.xlsx"
    matcher.write_workbook(fixture_result, path, chains=fixture_chains, zone=fixture_result.zone)
    book = openpyxl.load_workbook(path)
    for sheet, status in (("新能源汽车", "已接洽"), ("集成电路", "洽谈中")):
        ws = book[sheet]
        head = [c.value for c in ws[1]]
        ws.cell(2, head.index("跟进状态") + 1).value = status
    book.save(path)
    before = (matcher.list_leads(store), matcher.lead_history(store))
    calls = []
    real = wb_import.update_lead

    def crash_after_first_write(*args, **kwargs):
        calls.append(1)
        real(*args, **kwargs)  # written in the import's transaction …
        raise OSError("disk full")  # … then the process fails

    monkeypatch.setattr(wb_import, "update_lead", crash_after_first_write)
    with pytest.raises(OSError):
        matcher.import_workbook(store, path, "李", chains=fixture_chains)
    assert calls
    after = (matcher.list_leads(store), matcher.lead_history(store))
    assert after[0].equals(before[0]) and after[1].equals(before[1])


def test_backup_copies_a_store_in_use(tmp_path, fixture_result):
    with matcher.open_store(tmp_path / "live.db") as store:
        run = matcher.save_run(store, fixture_result)
        matcher.add_leads(store, run, tiers=["A", "B"], owner="陈")
        out = matcher.backup(store, tmp_path / "copies" / "b.db")  # while the store stays open
        matcher.update_lead(store, 1, 1, by="王", stage="已接洽")  # later changes are not in the copy
    assert out == tmp_path / "copies" / "b.db" and not Path(str(out) + ".part").exists()
    with matcher.open_store(out) as copy:
        assert matcher.count_leads(copy) == 3 and matcher.get_lead(copy, 1)["stage"] == "线索"
        assert len(matcher.run_results(copy, run)) == len(fixture_result.ranked)
    with matcher.open_store(tmp_path / "live.db") as store, pytest.raises(matcher.StoreError, match="是一个文件夹"):
        matcher.backup(store, tmp_path)
