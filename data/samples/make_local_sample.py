"""Generate ChainMatch's synthetic enterprise list (企业库) of the sample zone, 南京经济技术开发区.

ALL DATA PRODUCED BY THIS SCRIPT ARE SYNTHETIC (示例数据，合成，非真实企业).  Rows are built with
``generate()`` from ``make_sample.py`` (same word lists, same blocked brand names), every company
placed in 南京市 (栖霞区 mostly, where the zone is); any resemblance to a real company is
coincidental.

Output (default run, no arguments): ``data/samples/local_enterprises_nanjing.csv`` — UTF-8 with
BOM; line 1 is a 声明 line saying the data are synthetic, line 2 the header, then about 300
companies.  The mix is deliberate, so that ``matcher gaps`` has something to find:

* strong coverage of some segments (动力电池, 电驱, 充换电, 轨道交通车辆配套, 软件与信息服务,
  电网保护与调度 …), none at all of others (正负极材料, 电解液, 隔膜, 电池回收, 激光雷达与智能
  座舱, 大模型, 服务机器人, 晶圆制造, 半导体设备与材料, 疫苗, 细胞与基因治疗 …);
* a few deregistered (注销 / 吊销) companies in segments that are otherwise empty — they must not
  count as coverage;
* about a third of the list are companies outside the eight chains (restaurants, trade, property …);
* ``OVERLAP`` companies are copied unchanged (same name and credit code) from the synthetic
  candidate list ``candidates_qcc.xlsx`` (its rows located in 南京市), so that
  ``matcher score candidates_qcc.xlsx --local local_enterprises_nanjing.csv`` has local
  candidates to flag.

Deterministic: the fixed ``SEED`` (and the fixed seed of the candidate sample) give the same file
byte for byte.  Run: ``python data/samples/make_local_sample.py [--out FILE]``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_sample as ms  # noqa: E402  (sibling script: generate(), word lists, row builder)

SEED = 20261128
POOL_ROWS = 6000
DEFAULT_OUT = HERE / "local_enterprises_nanjing.csv"
DISCLAIMER = (
    "声明：南京经济技术开发区企业库（示例数据，合成，非真实企业；由 make_local_sample.py 生成），"
    "如与真实企业雷同纯属巧合。"
)
COLUMNS = [
    "企业名称",
    "统一社会信用代码",
    "登记状态",
    "注册资本",
    "成立日期",
    "所属省份",
    "所属城市",
    "所属区县",
    "企业类型",
    "国标行业小类",
    "参保人数",
    "企业规模",
    "企业地址",
    "经营范围",
    "企业简介",
    "上市状态",
    "企业资质",
    "融资轮次",
]

# active companies per (chain, generator sub-sector); a sub-sector left out has no local company
QUOTAS = {
    "ai": {"computer_vision": 8, "speech_nlp": 4, "compute": 3, "data_labeling": 2, "industry_ai": 6, "biometrics": 2},
    "nev": {"cell_pack": 7, "bms": 2, "e_drive": 4, "charging": 5, "vehicle": 3, "thermal_body": 3},
    "ime": {
        "industrial_robot": 4,
        "cnc": 2,
        "servo": 1,
        "plc_control": 3,
        "machine_vision": 2,
        "laser_equipment": 3,
        "smart_logistics": 2,
        "instrument": 2,
        "line_integration": 4,
    },
    "rail": {
        "vehicle_parts": 6,
        "signalling": 3,
        "traction_power": 2,
        "urban_rail": 3,
        "track": 1,
        "interior": 2,
        "rail_om": 2,
    },
    "bio": {"chem_drug": 4, "api_cdmo": 2, "biologics": 2, "ivd": 3, "device": 3, "consumables": 2, "tcm": 1, "cro": 3},
    "ic": {"chip_design": 5, "packaging": 1, "power_semi": 1, "eda_ip": 2},
    "software": {
        "enterprise_saas": 6,
        "industrial_software": 3,
        "security": 4,
        "cloud_idc": 3,
        "big_data": 4,
        "it_services": 6,
        "fintech": 2,
        "basic_software": 1,
        "digital_content": 2,
        "iot_platform": 2,
        "gis": 2,
    },
    "grid": {
        "smart_meter": 3,
        "transformer": 2,
        "switchgear": 3,
        "protection": 4,
        "storage_pcs": 2,
        "cable": 2,
        "dispatch_software": 3,
        "inspection": 2,
        "power_electronics": 1,
        "insulator": 1,
    },
}
# deregistered companies (kind "inactive"): in segments that are otherwise empty, plus a few others
INACTIVE = {
    ("nev", "cathode"): 2,
    ("nev", "recycling"): 1,
    ("ic", "foundry"): 1,
    ("ai", "foundation_models"): 1,
    ("software", "it_services"): 2,
    ("ime", "cnc"): 1,
    ("bio", "chem_drug"): 1,
}
NONE_NORMAL = 85  # companies outside the chains
NONE_NEAR_MISS = 20  # outside the chains but with chain-like words (LED lighting, e-bikes …)
BRANCHES = 3  # 分公司 of chain companies, located in the zone
OVERLAP = 20  # rows copied from the candidate sample (its 南京市 chain companies)

# 南京市 districts; the zone lies in 栖霞区
DISTRICTS = [
    ("栖霞区", "320113", 70),
    ("江宁区", "320115", 6),
    ("玄武区", "320102", 3),
    ("秦淮区", "320104", 3),
    ("建邺区", "320105", 3),
    ("鼓楼区", "320106", 3),
    ("浦口区", "320111", 3),
    ("雨花台区", "320114", 4),
    ("六合区", "320116", 3),
    ("溧水区", "320117", 1),
    ("高淳区", "320118", 1),
]


class _NanjingGen(ms._Gen):
    """The sample generator with every company (and every parent of a branch) in 南京市."""

    def location(self):
        rng = self.rng
        district, dcode, _ = rng.choices(DISTRICTS, weights=[w for *_, w in DISTRICTS])[0]
        region = dcode if rng.random() < 0.65 else "320100"
        return {
            "prov": "江苏省",
            "city": "南京市",
            "district": district,
            "region": region,
            "city_stem": "南京",
            "prov_stem": "江苏",
            "area": ms.AREA_CODES["南京市"],
        }


@contextlib.contextmanager
def _nanjing_generator():
    original = ms._Gen
    ms._Gen = _NanjingGen
    try:
        yield
    finally:
        ms._Gen = original


def _take(pool, chain: str, key: str | None, kind: str, n: int, used: set, label: str) -> list:
    rows = [
        r
        for r in pool
        if r["_true_chain"] == chain
        and r["_kind"] == kind
        and (key is None or r["_subsector"] == key)
        and r["企业名称"] not in used
    ]
    if len(rows) < n:
        raise SystemExit(f"pool too small for {label}: {len(rows)} < {n} (raise POOL_ROWS)")
    used.update(r["企业名称"] for r in rows[:n])
    return rows[:n]


def build() -> list[dict]:
    """The local enterprise list as a list of row dicts (export columns plus '_' truth columns)."""
    with _nanjing_generator():
        pool = ms.generate(POOL_ROWS, seed=SEED).to_dict("records")
    candidates = ms.generate(ms.DEFAULT_ROWS, seed=ms.DEFAULT_SEED).to_dict("records")

    quotas = {(c, k): n for c, subs in QUOTAS.items() for k, n in subs.items()}
    used: set = set()
    rows = []
    # local companies that also appear in the candidate list: only in sub-sectors the zone covers
    overlap = [
        r
        for r in candidates
        if r["所属城市"] == "南京市"
        and r["_kind"] == "normal"
        and r["_code_ok"]
        and quotas.get((r["_true_chain"], r["_subsector"]), 0) > 0
    ][:OVERLAP]
    for r in overlap:
        quotas[(r["_true_chain"], r["_subsector"])] -= 1
        used.add(r["企业名称"])
        rows.append({**r, "_overlap": True})
    for (chain, key), n in quotas.items():
        rows += _take(pool, chain, key, "normal", n, used, f"{chain}/{key}")
    for (chain, key), n in INACTIVE.items():
        rows += _take(pool, chain, key, "inactive", n, used, f"inactive {chain}/{key}")
    rows += _take([r for r in pool if r["_true_chain"] != "none"], "nev", None, "branch", 1, used, "branch")
    rows += _take(
        [r for r in pool if r["_true_chain"] != "none"], "software", None, "branch", BRANCHES - 1, used, "branch"
    )
    rows += _take(pool, "none", None, "normal", NONE_NORMAL, used, "none")
    rows += _take(pool, "none", None, "near_miss", NONE_NEAR_MISS, used, "near miss")
    # a stable order that mixes chains, as a register sorted by credit code would be
    return sorted(rows, key=lambda r: (str(r["统一社会信用代码"] or "~"), r["企业名称"]))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def write_csv(rows: list[dict], path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([DISCLAIMER])
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in COLUMNS])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write the synthetic 企业库 of the sample zone (示例数据，合成).")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output .csv")
    args = ap.parse_args(argv)
    rows = build()
    write_csv(rows, args.out)
    by_chain: dict = {}
    for r in rows:
        by_chain[r["_true_chain"]] = by_chain.get(r["_true_chain"], 0) + 1
    print(
        f"wrote {args.out}: {len(rows)} companies "
        f"({', '.join(f'{c} {n}' for c, n in sorted(by_chain.items()))}; "
        f"{sum(1 for r in rows if r.get('_overlap'))} also in the candidate sample)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
