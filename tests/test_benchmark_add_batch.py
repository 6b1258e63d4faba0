"""benchmarks/add_batch.py: a batch joins the held-out or the training file with every row accounted for, never a
company already written or a development set's stem; a read held-out batch moves into training whole."""

import pandas as pd
import pytest

from tests.conftest import benchmark

ab = benchmark("add_batch")

TRAINING = pd.DataFrame(
    {
        "企业名称": ["苏州甲乙机器人有限公司"],
        "经营范围": ["工业机器人制造"],
        "国标行业": [""],
        "公司介绍": [""],
        "label": ["ime"],
        "secondary": [""],
        "kind": ["scope"],
    }
)


@pytest.fixture
def files(tmp_path):
    training, held = tmp_path / "written.csv.gz", tmp_path / "held.csv.gz"
    ab._write(TRAINING, training)
    ab._write(
        TRAINING.assign(企业名称="无锡丙丁电池有限公司", label="nev").assign(batch="aa")[["batch", *ab.COLUMNS]], held
    )
    return training, held


def batch(*rows):
    return pd.DataFrame([dict(zip(ab.COLUMNS, r, strict=True)) for r in rows])


def test_a_batch_is_added_with_every_row_accounted_for(files):
    training, held = files
    table = batch(
        ("杭州戊己芯片有限公司", "集成电路设计", "", "", "ic", "", "scope"),
        (" 杭州戊己芯片有限公司 ", "集成电路设计", "", "", "ic", "", "scope"),  # the same company, spaced
        ("苏州甲乙机器人有限公司", "工业机器人制造", "", "", "ime", "", "scope"),  # in training
        ("无锡丙丁电池有限公司", "电池制造", "", "", "nev", "", "scope"),  # held out already
        ("北京庚辛软件有限公司", "软件开发", "", "", "software", "", "scope"),  # a development set's stem
        ("", "软件开发", "", "", "none", "", "scope"),
        ("上海壬癸餐饮有限公司", "餐饮服务", "", "", "none", "", "lookalike"),
    )
    counts = ab.add(table, "b.csv", "held-out", "ab", {"庚辛"}, training, held)
    assert counts == {
        "rows": 7,
        "no name": 1,
        "twice in the batch": 1,
        "already written": 2,
        "a development set's stem": 1,
        "added": 2,
    }
    assert counts["rows"] == sum(v for k, v in counts.items() if k != "rows")
    out = ab._read(held)
    assert out[out["batch"] == "ab"]["企业名称"].tolist() == ["杭州戊己芯片有限公司", "上海壬癸餐饮有限公司"]
    assert ab._read(training).equals(TRAINING)  # the training file untouched
    again = ab.add(table, "b.csv", "training", None, {"庚辛"}, training, held)
    assert again["added"] == 0 and again["already written"] == 4  # nothing is written twice


def test_a_batch_name_a_label_and_a_column_are_checked(files):
    training, held = files
    row = ("杭州戊己芯片有限公司", "集成电路设计", "", "", "ic", "", "scope")
    with pytest.raises(ValueError, match=r"b\.csv: a held-out batch needs a new --batch name \(taken: aa\)"):
        ab.add(batch(row), "b.csv", "held-out", "aa", set(), training, held)
    with pytest.raises(ValueError, match="b.csv: column label holds unknown value"):
        ab.add(batch((*row[:4], "chips", "", "scope")), "b.csv", "training", None, set(), training, held)
    with pytest.raises(ValueError, match="b.csv: missing column"):
        ab.add(batch(row).drop(columns="kind"), "b.csv", "training", None, set(), training, held)


def test_a_read_held_out_batch_moves_into_training(files, capsys):
    training, held = files
    assert ab.move("aa", training, held) == 1
    assert ab._read(training)["企业名称"].tolist() == ["苏州甲乙机器人有限公司", "无锡丙丁电池有限公司"]
    assert ab._read(held).empty
    with pytest.raises(ValueError, match="held.csv.gz: no batch 'aa'"):
        ab.move("aa", training, held)


def test_the_cli_says_what_is_wrong_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(ab, "dev_stems", lambda: pytest.fail("the batch is checked first"))
    bad = tmp_path / "b.csv"
    bad.write_text("企业名称,label\n甲,ai\n", encoding="utf-8")
    assert ab.main([str(bad), "--batch", "zz"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("add_batch: b.csv: missing column") and err.count("\n") == 1
