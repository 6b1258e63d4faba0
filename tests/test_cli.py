"""The batch contract, exercised through the console entry point on the bundled sample."""

import subprocess
import sys

import pandas as pd
import pytest

import matcher
from matcher.cli import main

SAMPLE = matcher.SAMPLE_FILE
TRUTH = SAMPLE.with_name("candidates_qcc_truth.csv")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "ranked.csv"
    assert main(["score", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    return out


def test_contract_columns_and_order(sample_run):
    t = pd.read_csv(sample_run, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(t.columns[: len(matcher.CONTRACT_COLUMNS)]) == matcher.CONTRACT_COLUMNS
    scores = t["score"].astype(float)
    assert scores.is_monotonic_decreasing
    assert set(t["status"]) <= {"active", "inactive", "unknown"}
    founded = t["founded"][t["founded"] != ""]
    assert founded.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert set(t["tier"]) <= {"A", "B", "C", ""}
    # every original column follows under its original header
    assert "经营范围" in t.columns and "法定代表人" in t.columns
    # every chain present, unmatched companies stay with an empty chain and score 0
    assert set(t["chain_id"]) - {""} == set(matcher.CHAIN_IDS)
    assert (scores[t["chain_id"] == ""] == 0).all()


def test_counts_add_up_and_rows_are_accounted_for(sample_run, capsys):
    ranked = pd.read_csv(sample_run, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rejected = pd.read_csv(sample_run.with_name("ranked.rejected.csv"), encoding="utf-8-sig", dtype=str)
    truth = pd.read_csv(TRUTH)
    rows = set()
    for merged in ranked["merged_rows"]:
        rows |= {int(x.rsplit(":", 1)[1]) for x in merged.split(";")}
    rows |= set(rejected["source_row"].astype(int))
    assert rows == set(truth["source_row"])  # every data row ends up scored, merged or rejected
    assert len(ranked) + len(rejected) + (sum(m.count(";") for m in ranked["merged_rows"])) == len(truth)
    assert set(truth.loc[truth.kind == "no_name", "source_row"]) == set(rejected["source_row"].astype(int))


def test_summary_line_printed(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["score", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    nums = dict(part.strip().split(" ") for part in line.split(","))
    assert int(nums["read"]) == int(nums["scored"]) + int(nums["merged"]) + int(nums["rejected"])
    assert pd.read_parquet(out).shape[0] == int(nums["scored"])


def test_per_chain_chain_and_top(tmp_path):
    out = tmp_path / "pc.csv"
    assert (
        main(
            [
                "score",
                str(SAMPLE),
                "-o",
                str(out),
                "--per-chain",
                "--chain",
                "nev",
                "--chain",
                "ic",
                "--top",
                "5",
                "--quiet",
            ]
        )
        == 0
    )
    t = pd.read_csv(out, encoding="utf-8-sig")
    assert set(t["chain_id"]) == {"nev", "ic"}
    assert t.groupby("chain_id").size().max() == 5


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl does not know the data-bar extension
def test_per_chain_has_every_chain_with_relevance_and_a_filed_column(tmp_path):
    out, wb = tmp_path / "pc.parquet", tmp_path / "pc.xlsx"
    assert main(["score", str(SAMPLE), "-o", str(out), "--per-chain", "--quiet"]) == 0
    assert main(["score", str(SAMPLE), "-o", str(wb), "--quiet"]) == 0
    t = pd.read_parquet(out)
    assert {"filed", "chain_level"} <= set(t.columns) and t["chain_id"].notna().all()
    assert (t["relevance"] > 0).all() and not t.duplicated(["company_name", "chain_id"]).any()
    near = t[~t["filed"]]
    assert len(near) and (near["relevance"] < matcher.DEFAULTS.min_relevance).all() and (near["score"] == 0).all()
    assert (t.loc[t["filed"], "relevance"] >= matcher.DEFAULTS.min_relevance).all()
    # the filed rows are the workbook's chain sheets, row for row
    import openpyxl

    book = openpyxl.load_workbook(wb, read_only=True)
    for chain in matcher.load_chains().values():
        rows = list(book[chain.name].iter_rows(min_row=2, max_col=2, values_only=True))
        sheet = sorted(name for _, name in rows if name)
        assert sheet == sorted(t.loc[t["filed"] & (t["chain_id"] == chain.id), "company_name"])


def test_weights_override_and_help(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["score", "--help"])
    assert exc.value.code == 0
    help_text = capsys.readouterr().out
    for item in matcher.settings_help():
        assert "--" + item["name"].replace("_", "-") in help_text
    out = tmp_path / "w.csv"
    assert (
        main(
            ["score", str(SAMPLE), "-o", str(out), "--w-fit", "0", "--w-strength", "1", "--w-distance", "0", "--quiet"]
        )
        == 0
    )
    t = pd.read_csv(out, encoding="utf-8-sig")
    targets = t[t.chain_id.notna() & (t.risk < 1)]
    assert (targets["score"] - (100 * targets["strength"] * (1 - targets["risk"])).round(1)).abs().max() < 0.11


@pytest.mark.parametrize(
    "args,needle",
    [
        (["score", "nope.xlsx"], "nope.xlsx"),
        (["score", str(SAMPLE), "-o", "x.txt"], "x.txt"),
        (["score", str(SAMPLE), "--chain", "moon"], "moon"),
        (["score", str(SAMPLE), "--w-fit", "7"], "w_fit"),
        (["score", str(SAMPLE), "--zone", "missing-zone.yaml"], "missing-zone.yaml"),
        (["score"], "参数错误"),
    ],
)
def test_bad_input_exit_2_one_line_no_traceback(args, needle, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "matcher.cli", *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and "Traceback" not in proc.stderr


def test_default_output_name(tmp_path):
    csv = tmp_path / "名单.csv"
    csv.write_text("企业名称\n甲芯片设计有限公司\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "score", str(csv), "--quiet"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "名单_ranked.xlsx").exists() and (tmp_path / "名单_ranked.rejected.csv").exists()


def test_name_only_roster_is_scored_from_names(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "参展企业\n南京芯动集成电路设计有限公司\n苏州锂能动力电池有限公司\n某某餐饮管理有限公司\n", encoding="utf-8"
    )
    result = matcher.score_files([roster])
    by_name = result.ranked.set_index("company_name")
    assert by_name.loc["南京芯动集成电路设计有限公司", "chain_id"] == "ic"
    assert by_name.loc["苏州锂能动力电池有限公司", "chain_id"] == "nev"
    assert pd.isna(by_name.loc["某某餐饮管理有限公司", "chain_id"])


# ------------------------------------------------------------------------------------------------
# the 招商台账: score --save, track, runs, diff, db — and one line on stderr for every bad input


def _err(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("matcher: ") and "Traceback" not in err, err
    return err


def test_track_commands_end_to_end(tmp_path, capsys):
    from tests.conftest import DATA

    db = str(tmp_path / "ledger.db")
    out = tmp_path / "r.csv"
    assert (
        main(["score", str(DATA / "candidates.csv"), "-o", str(out), "--quiet", "--save", "--db", db, "--by", "张"])
        == 0
    )
    assert "已记入招商台账：评分记录 1" in capsys.readouterr().out
    assert main(["runs", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("1\t")
    assert main(["track", "add", "--tier", "A,B", "--owner", "陈", "--db", db]) == 0
    added = int(capsys.readouterr().out.split("新建线索 ")[1].split(" ")[0])
    assert added > 0
    assert main(["track", "add", "--tier", "A,B", "--owner", "陈", "--db", db]) == 0  # nothing twice
    assert "新建线索 0 条" in capsys.readouterr().out
    assert (
        main(
            [
                "track",
                "set",
                "1",
                "--stage",
                "已联系",
                "--due",
                "2026-01-05",
                "--amount",
                "8000",
                "--by",
                "王",
                "--db",
                db,
            ]
        )
        == 0
    )
    assert "已更新为第 2 版：已接洽" in capsys.readouterr().out
    # a stale version, a bad stage, a bad date, an unknown lead: one line each, exit 2, nothing written
    for argv, words in [
        (["track", "set", "1", "--stage", "洽谈中", "--version", "1", "--by", "李"], "已被王于"),
        (["track", "set", "1", "--stage", "乱写", "--by", "李"], "“乱写”不是可用的跟进阶段"),
        (["track", "set", "1", "--due", "明天", "--by", "李"], "不是日期"),
        (["track", "set", "99", "--stage", "洽谈中", "--by", "李"], "没有编号为 99 的线索"),
        (["track", "set", "1", "--by", "李"], "没有要修改的内容"),
        (["track", "add", "--run", "7", "--owner", "陈"], "没有编号为 7 的评分记录"),
        (["track", "add", "--tier", "S", "--owner", "陈"], "--tier"),
        (["track", "list", "--colour", "紫"], "颜色应为"),
        (["diff", "1", "5"], "没有编号为 5 的评分记录"),
        (["track", "import", str(tmp_path / "missing.xlsx"), "--by", "李"], "文件不存在"),
    ]:
        assert main([*argv, "--db", db]) == 2, argv
        assert words in _err(capsys), argv
    assert main(["track", "history", "1", "--db", db]) == 0
    history = capsys.readouterr().out
    assert "王\t跟进阶段：线索 → 已接洽" in history and "预计投资额（万元）：（空） → 8000" in history
    assert main(["track", "list", "--overdue", "--as-of", "2026-02-01", "--db", db, "-o", str(tmp_path / "l.csv")]) == 0
    listed = pd.read_csv(tmp_path / "l.csv", encoding="utf-8-sig")
    assert listed["线索编号"].tolist() == [1] and listed["已逾期"].tolist() == ["是"]
    # a backup that opens on its own and holds the rows
    assert main(["db", "backup", str(tmp_path / "copy.db"), "--db", db]) == 0
    with matcher.open_store(tmp_path / "copy.db") as copy:
        assert matcher.count_leads(copy) == added and len(matcher.list_runs(copy)) == 1
        assert matcher.lead_history(copy, 1)["new_value"].tolist()[-1] == "8000"
    assert main(["db", "backup", db, "--db", db]) == 2
    assert "不能是台账数据库本身" in _err(capsys)
    assert main(["db", "upgrade", "--db", db]) == 0


def test_unreadable_workbook_and_store(tmp_path, capsys):
    db = str(tmp_path / "ledger.db")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is no workbook")
    assert main(["track", "import", str(bad), "--by", "李", "--db", db]) == 2
    assert "无法读取工作簿" in _err(capsys)
    notdb = tmp_path / "not.db"
    notdb.write_text("hello", encoding="utf-8")
    assert main(["runs", "--db", str(notdb)]) == 2
    assert "这个文件不是台账数据库" in _err(capsys)
    assert main(["runs", "--db", "postgresql://nobody:secret@127.0.0.1:1/none"]) == 2
    err = _err(capsys)
    assert "无法打开台账数据库 postgresql://nobody:***@127.0.0.1:1/none" in err and "secret" not in err
    assert main(["runs", "--db", "mysql://x/y"]) == 2
    assert "不支持的数据库地址" in _err(capsys)


def test_diff_of_two_ranked_files_from_the_command_line(tmp_path, capsys):
    from tests.conftest import DATA

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    lines = (DATA / "candidates.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "later.csv").write_text("\n".join(ln for ln in lines if "宁德" not in ln) + "\n", encoding="utf-8")
    assert main(["score", str(DATA / "candidates.csv"), "-o", str(a), "--quiet"]) == 0
    assert main(["score", str(tmp_path / "later.csv"), "-o", str(b), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["diff", str(a), str(b), "-o", str(tmp_path / "d.xlsx")]) == 0
    assert "不再是目标 1" in capsys.readouterr().out
    dropped = pd.read_excel(tmp_path / "d.xlsx", sheet_name="不再是目标", engine="calamine")
    assert dropped["企业名称"].tolist() == ["杭州宁德时代储能有限公司"]


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_backup_of_a_postgresql_store_says_pg_dump(store_url, capsys):
    assert main(["db", "backup", "x.db", "--db", store_url]) == 2
    assert "pg_dump" in _err(capsys)


def test_track_list_colour_thresholds_come_from_the_settings(tmp_path, capsys):
    from tests.conftest import DATA

    db = str(tmp_path / "ledger.db")
    assert (
        main(["score", str(DATA / "candidates.csv"), "-o", str(tmp_path / "r.csv"), "--quiet", "--save", "--db", db])
        == 0
    )
    assert main(["track", "add", "--tier", "A,B,C", "--owner", "陈", "--db", db]) == 0
    capsys.readouterr()
    later = (matcher.TRACK_DEFAULTS.yellow_days + 1) * 86400
    import datetime as dt

    day = (dt.date.today() + dt.timedelta(seconds=later)).isoformat()
    assert main(["track", "list", "--as-of", day, "--db", db]) == 0
    assert "\t黄\t" in capsys.readouterr().out
    assert main(["track", "list", "--as-of", day, "--yellow-days", "30", "--red-days", "45", "--db", db]) == 0
    assert "\t红\t" in capsys.readouterr().out
    assert main(["track", "list", "--red-days", "1000", "--db", db]) == 2
    assert "超出范围" in _err(capsys)
    help_text = build_parser_help()
    assert "黄色提醒天数" in help_text and "红色提醒天数" in help_text


def build_parser_help() -> str:
    from matcher.cli import build_parser

    parser = build_parser()
    track = parser._subparsers._group_actions[0].choices["track"]
    return track._subparsers._group_actions[0].choices["list"].format_help()


def _register_folder(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    pd.DataFrame(
        {
            "企业名称": ["甲芯片设计有限公司", "乙电池有限公司", "甲芯片设计有限公司"],
            "经营范围": ["集成电路设计", "锂离子电池制造", None],
        }
    ).to_csv(folder / "a.csv", index=False)
    pd.DataFrame({"企业名称": ["丙软件有限公司"], "经营范围": ["软件开发"]}).to_csv(
        folder / "b.csv", index=False, encoding="gbk"
    )
    return folder


def test_register_folder_is_streamed_into_a_parquet_folder(tmp_path):
    folder = _register_folder(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "score", str(folder), "-o", "out.parquet", "--jobs", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "read 4, scored 3, merged 1, rejected 0"
    assert "预计还需" in proc.stderr or "完成" in proc.stderr  # progress with the time left, on stderr
    ranked = matcher.read_ranking(tmp_path / "out.parquet")
    assert sorted(ranked["company_name"]) == ["丙软件有限公司", "乙电池有限公司", "甲芯片设计有限公司"]
    assert list(ranked.columns[: len(matcher.CONTRACT_COLUMNS)]) == matcher.CONTRACT_COLUMNS


@pytest.mark.parametrize(
    "case, needle",
    [
        ("empty folder", "没有 .parquet 或 .csv 分片"),
        ("unreadable shard", "c.parquet: 无法读取"),
        ("output exists", "已存在"),
        ("not a parquet folder", ".parquet"),
        ("top", "--top"),
    ],
)
def test_register_bad_input_exit_2_one_line(case, needle, tmp_path):
    folder = _register_folder(tmp_path)
    out = ["-o", "out.parquet"]
    if case == "empty folder":
        folder = tmp_path / "empty"
        folder.mkdir()
    elif case == "unreadable shard":
        (folder / "c.parquet").write_bytes(b"this is not parquet at all")
    elif case == "output exists":
        (tmp_path / "out.parquet").mkdir()
    elif case == "not a parquet folder":
        out = ["-o", "out.csv"]
    elif case == "top":
        out += ["--top", "5"]
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "score", str(folder), *out, "--quiet", "--jobs", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and "Traceback" not in proc.stderr, proc.stderr
    if case != "output exists":
        assert not (tmp_path / "out.parquet").exists()  # nothing half-written
