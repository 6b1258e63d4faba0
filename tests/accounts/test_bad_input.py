"""Bad input fails cleanly: SQL and formula text in names and notes, a 10,000-character note, path-like
export names, SQL in a login name — stored as text or refused with a Chinese message, nothing leaks."""

import pytest

import matcher

from .conftest import PASSWORD, T0

SQL = "x'); DROP TABLE users; --"
FORMULA = '=HYPERLINK("http://evil","点我")'


def test_sql_and_formula_text_in_names_and_notes(store, team, tmp_path):
    with pytest.raises(matcher.AccountError, match="账号名只能由"):
        matcher.add_user(store, SQL, PASSWORD, role="只读", by=team.admin)
    shown = matcher.add_user(store, "formula", PASSWORD, role="只读", display_name=FORMULA, by=team.admin)
    assert shown.display_name == FORMULA
    with pytest.raises(matcher.AccountError, match="账号或密码错误"):
        matcher.authenticate(store, SQL, "' OR '1'='1")
    lead = matcher.list_leads_for(store, team.nev_chief, as_of=T0.date()).iloc[0]
    note = FORMULA + " " + SQL + " " + "长" * 10_000
    after = matcher.update_lead_as(store, team.nev_chief, lead.lead_id, lead.version, notes=note)
    assert after["notes"] == note  # kept whole, as text
    assert len(matcher.list_users(store)) == 5 and matcher.count_leads(store) == 4  # no table dropped
    matcher.export_leads_for(store, team.nev_chief, tmp_path / "nev.csv")
    text = (tmp_path / "nev.csv").read_text(encoding="utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text  # neutralised in the export
    entry = matcher.list_audit(store, action="lead_change").iloc[-1]
    assert entry["detail"] == "notes" and "长" * 100 not in str(entry["target"])  # the log names the field


def test_path_like_export_names_are_refused_or_kept_inside(store, team, tmp_path):
    for name in ("nev.txt", "nev.csv.exe", "nev"):
        with pytest.raises(matcher.StoreError, match=".csv 或 .xlsx"):
            matcher.export_leads_for(store, team.nev_chief, tmp_path / name)
    with pytest.raises(matcher.StoreError, match="无法写入"):
        matcher.export_leads_for(store, team.nev_chief, tmp_path / "no-such-folder" / "x.csv")
    audit = matcher.list_audit(store, action="export")
    assert audit.empty  # a refused export leaves no 'export' entry
    n = matcher.export_leads_for(store, team.nev_chief, tmp_path / "..%2Fnev.csv")
    assert n == 2 and (tmp_path / "..%2Fnev.csv").exists()  # a literal name, not a way out of the folder
