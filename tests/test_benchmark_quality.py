"""The quality benchmark's own checks: the leak check over the test data (on made-up sets; the labelled sets are
read by the benchmark only)."""

from pathlib import Path

import pandas as pd

from tests.conftest import benchmark

ROOT = Path(__file__).resolve().parents[1]
quality = benchmark("quality")


def test_the_leak_check_finds_a_dev_name_in_the_test_data(tmp_path, capsys):
    """A development-set company named whole in tests/data is reported (the sets are made up here)."""
    import csv

    first = next(csv.DictReader((ROOT / "tests" / "data" / "made_up_companies.csv").open(encoding="utf-8")))
    planted = first["企业名称"]
    for spec in quality.SETS.values():
        names = [planted] if spec.key == "names" else ["某某不存在的公司名称有限公司"]
        pd.DataFrame({spec.name_column: names}).to_csv(tmp_path / spec.file, index=False)
    assert quality.leak_report(tmp_path) >= 1
    assert planted in capsys.readouterr().out
    pd.DataFrame({"企业名称": ["某某不存在的公司名称有限公司"]}).to_csv(
        tmp_path / quality.SETS["names"].file, index=False
    )
    assert quality.leak_report(tmp_path) == 0
