"""`matcher users …`, `matcher audit export` and `matcher serve`'s checks: passwords from stdin (never
argv), one Chinese line on stderr and a non-zero exit for bad input."""

import io
import sys

import pytest

import matcher
from matcher import cli


def _run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_users_and_audit_commands(monkeypatch, capsys, tmp_path):
    db = str(tmp_path / "s.db")
    code, _, err = _run(
        monkeypatch, capsys, ["users", "add", "chief", "--role", "链长", "--chains", "nev", "--db", db], "pw-12345678\n"
    )
    assert code == 2 and err.count("\n") == 1 and "第一个账号必须是管理员" in err
    code, out, _ = _run(
        monkeypatch,
        capsys,
        ["users", "add", "admin", "--role", "管理员", "--name", "王局长", "--db", db],
        "pw-12345678\n",
    )
    assert code == 0 and "已新建账号 admin（王局长，管理员）" in out
    code, out, _ = _run(
        monkeypatch,
        capsys,
        ["users", "add", "chief", "--role", "专班负责人", "--chains", "nev,集成电路", "--db", db],
        "pw-12345678\n",
    )
    assert code == 0
    code, out, _ = _run(monkeypatch, capsys, ["users", "list", "--db", db])
    assert "chief\tchief\t链长\tic、nev\t正常" in out and "pw-12345678" not in out
    code, _, err = _run(monkeypatch, capsys, ["users", "reset-password", "chief", "--db", db], "short\n")
    assert code == 2 and "至少 8" in err
    code, _, err = _run(monkeypatch, capsys, ["users", "disable", "nobody", "--db", db])
    assert code == 2 and "没有账号“nobody”" in err
    assert _run(monkeypatch, capsys, ["users", "disable", "chief", "--db", db])[0] == 0
    code, out, _ = _run(monkeypatch, capsys, ["audit", "export", "-o", str(tmp_path / "a.csv"), "--db", db])
    assert code == 0 and "已导出审计记录 3 条" in out
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    assert "新建账号" in text and "停用账号" in text and "pw-12345678" not in text
    with pytest.raises(SystemExit):  # no --password option exists
        cli.build_parser().parse_args(["users", "add", "x", "--role", "只读", "--password", "p"])


def test_serve_checks_before_starting(monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = _run(monkeypatch, capsys, ["serve", "--data", str(blocker / "sub")])
    assert code == 2 and "不可写" in err
    code, _, err = _run(monkeypatch, capsys, ["serve", "--data", str(tmp_path / "data")])
    assert code == 2 and "还没有账号" in err
    monkeypatch.delenv(matcher.DB_ENV, raising=False)
    cmd, env = cli.serve_command("0.0.0.0", 8600, tmp_path / "data", 50)
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags["--server.enableXsrfProtection"] == "true" and flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.maxUploadSize"] == "50" and flags["--server.address"] == "0.0.0.0"
    assert env["CHAINMATCH_LOGIN"] == "1" and env[matcher.DB_ENV] == str(
        (tmp_path / "data" / "chainmatch.db").resolve()
    )


def test_a_report_from_the_command_line_is_audited(monkeypatch, capsys, tmp_path):
    db = str(tmp_path / "s.db")
    code, out, err = _run(monkeypatch, capsys, ["report", "weekly", "-o", str(tmp_path / "周报.xlsx"), "--db", db])
    assert code == 0, err
    with matcher.open_store(db) as store:
        entry = matcher.list_audit(store).iloc[-1]
    assert entry["action"] == "report" and entry["target"] == "周报.xlsx" and entry["detail"] == "weekly"
