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
