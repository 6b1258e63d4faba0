"""Generate a synthetic national business register (工商登记库) in shards, for register-sized runs.

ALL DATA ARE SYNTHETIC (合成数据): names are composed as 行政区划 + 字号 + 行业 + 组织形式 from word
lists, credit codes are computed (valid check digits) from a running number; any resemblance to a
real company is coincidental. Scopes, 国标行业 names, capital, dates and staff come from a pool made
by the sample generator (`data/samples/make_sample.py`), GB/T 4754 names from
`data/reference/gbt4754_2017_codes.csv`, cities from `data/reference/admin_divisions_prefecture.csv`.

What a register holds, and what this writes (shares of the rows):
- companies (the rest), about 8 % of them deregistered or revoked (注销 / 吊销 …);
- duplicates of a company in another shard (3 %): the same row, or its name with a full-width space,
  or without its credit code;
- older records under a former name (1 %): the old name without a code, while the company's own row
  lists it as 曾用名;
- branches (1 %): `<parent>南京分公司`, with their own code and 企业类型 …分公司;
- unusable rows (0.2 %): no name, or a dash.
Rows are shuffled over the shards, so duplicates cross shards. Deterministic by seed.

    python benchmarks/make_register.py 1 benchmarks/_work/register-1m --shards 20          # 1 million rows
    python benchmarks/make_register.py 0.01 /tmp/reg --shards 4 --format csv --gbk-every 2  # CSV, some GBK
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
POOL_ROWS = 20_000
SEED = 20261203

SHARE_DUP, SHARE_OLD, SHARE_BRANCH, SHARE_BAD = 0.03, 0.01, 0.01, 0.002
INACTIVE = ["注销", "吊销，未注销", "吊销", "撤销", "迁出"]
ACTIVE = ["存续", "在业", "开业", "存续（在营、开业、在册）"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "科技有限公司", "技术有限公司", "集团有限公司"]
COLUMNS = [
    "企业名称",
    "统一社会信用代码",
    "登记状态",
    "注册资本",
    "成立日期",
    "所属省份",
    "所属城市",
    "国标行业小类",
    "参保人数",
    "企业类型",
    "曾用名",
    "经营范围",
    "企业简介",
]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])


def _pool(seed: int, rows: int = POOL_ROWS):
    sys.path.insert(0, str(ROOT / "data" / "samples"))
    import make_sample

    df = make_sample.generate(rows, seed=seed)
    df = df[df["_kind"].isin(["normal", "near_miss", "inactive"])].reset_index(drop=True)
    text = lambda c: [None if v in (None, "-", "") or v != v else str(v) for v in df[c]]  # noqa: E731
    return {
        c: pa.array(text(c), pa.string())
        for c in ("国标行业小类", "经营范围", "企业简介", "注册资本", "成立日期", "参保人数", "企业类型")
    }


def _industry_words(names: pa.Array) -> pa.Array:
    """行业 part of a name from the 国标行业 name: 锂离子电池制造 -> 锂离子电池."""
    out = pc.replace_substring_regex(names, r"(制造|服务|业|批发|零售|销售)$", "")
    out = pc.replace_substring_regex(out, r"^(其他|其它)", "")
    out = pc.replace_substring_regex(out, r"[、，,及和与（(].*$", "")
    out = pc.utf8_slice_codeunits(out, 0, 8)
    return pc.if_else(pc.less(pc.utf8_length(out).fill_null(0), 2), pa.scalar("科技"), out)


def _cities():
    import pandas as pd

    admin = pd.read_csv(REFERENCE / "admin_divisions_prefecture.csv", dtype=str)
    prov = admin[admin["level"] == "province"].set_index("province_code")["name"]
    cities = admin[admin["level"] != "province"].reset_index(drop=True)
    short = [n[:-1] if n.endswith("市") and len(n) > 2 else n[:2] for n in cities["name"]]
    return (
        pa.array(short, pa.string()),
        pa.array(cities["name"].tolist(), pa.string()),
        pa.array([prov.get(c, None) for c in cities["province_code"]], pa.string()),
        cities["code"].str[:6].to_numpy(),
    )


def _uscc(region: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Valid 统一社会信用代码 for registration-authority 9 / type 1, a region code and an organisation number."""
    n = len(number)
    chars = np.zeros((n, 18), dtype=np.int64)
    chars[:, 0], chars[:, 1] = 9, 1
    reg = np.asarray([list(map(int, r)) for r in region], dtype=np.int64) if n else np.zeros((0, 6), np.int64)
    chars[:, 2:8] = reg
    num = number.astype(np.int64).copy()
    for j in range(7, -1, -1):  # 8 characters of the organisation code (0-9, A-Z values 0-35 → digits only here)
        chars[:, 8 + j] = num % 10
        num //= 10
    org_w = np.array([3, 7, 9, 10, 5, 8, 4, 2])
    c9 = 11 - (chars[:, 8:16] * org_w).sum(axis=1) % 11
    chars[:, 16] = np.where(c9 == 11, 0, np.where(c9 == 10, 30, c9))  # 10 is written X (value 30)
    check = (31 - (chars[:, :17] * _USCC_WEIGHTS).sum(axis=1) % 31) % 31
    chars[:, 17] = check
    alphabet = np.array(list(_USCC_ALPHABET))
    return np.array(["".join(r) for r in alphabet[chars]], dtype=object)


def plan(n_rows: int, seed: int = SEED) -> dict:
    """Index arrays for every row (which company, what kind), shuffled; nothing materialised yet."""
    rng = np.random.default_rng(seed)
    n_dup, n_old, n_branch, n_bad = (int(n_rows * s) for s in (SHARE_DUP, SHARE_OLD, SHARE_BRANCH, SHARE_BAD))
    n_comp = n_rows - n_dup - n_old - n_branch - n_bad
    kind = np.concatenate(
        [
            np.zeros(n_comp, np.int8),
            np.full(n_dup, 1, np.int8),
            np.full(n_old, 2, np.int8),
            np.full(n_branch, 3, np.int8),
            np.full(n_bad, 4, np.int8),
        ]
    )
    company = np.concatenate([np.arange(n_comp), rng.integers(0, n_comp, n_dup + n_old + n_branch + n_bad)])
    renamed = np.zeros(n_comp, dtype=bool)
    renamed[company[kind == 2]] = True
    order = rng.permutation(n_rows)
    return {
        "kind": kind[order],
        "company": company[order],
        "row_no": np.arange(n_rows)[order],
        "renamed": renamed,
        "n_comp": n_comp,
    }


def write_register(
    n_rows: int,
    out_dir,
    shards: int = 10,
    seed: int = SEED,
    fmt: str = "parquet",
    gbk_every: int = 0,
    pool_rows: int = POOL_ROWS,
) -> list[Path]:
    """Write n_rows register rows into `shards` files in out_dir (parquet, or csv — every gbk_every-th
    shard in GBK). Returns the files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    p = plan(n_rows, seed)
    pool = _pool(seed, pool_rows)
    n_pool = len(pool["经营范围"])
    words = _industry_words(pool["国标行业小类"])
    short, city, province, region = _cities()
    zihao = __import__("make_sample").ZIHAO_LIST
    rng = np.random.default_rng(seed + 1)
    n_comp = p["n_comp"]
    c_pool = rng.integers(0, n_pool, n_comp)
    c_city = rng.integers(0, len(city), n_comp)
    c_z1, c_z2, c_z3 = (rng.integers(0, len(zihao), n_comp) for _ in range(3))
    c_form = rng.integers(0, len(FORMS), n_comp)
    c_inactive = rng.random(n_comp) < 0.08
    c_status = np.where(c_inactive, rng.integers(0, len(INACTIVE), n_comp), rng.integers(0, len(ACTIVE), n_comp))
    statuses = pa.array(ACTIVE + INACTIVE, pa.string())
    zh = pa.array(zihao, pa.string())
    forms = pa.array(FORMS, pa.string())
    files = []
    bounds = np.linspace(0, n_rows, shards + 1).astype(int)
    for s in range(shards):
        rows = slice(bounds[s], bounds[s + 1])
        kind, comp, row_no = p["kind"][rows], p["company"][rows], p["row_no"][rows]
        take = lambda arr, idx: arr.take(pa.array(idx))  # noqa: E731
        base = pc.binary_join_element_wise(
            take(short, c_city[comp]),
            take(zh, c_z1[comp]),
            take(zh, c_z2[comp]),
            take(words, c_pool[comp]),
            take(forms, c_form[comp]),
            "",
        )
        old = pc.binary_join_element_wise(
            take(short, c_city[comp]),
            take(zh, c_z3[comp]),
            take(zh, c_z1[comp]),
            take(words, c_pool[comp]),
            take(forms, c_form[comp]),
            "",
        )
        branch_name = pc.binary_join_element_wise(base, pa.scalar("南京分公司"), "")
        dup_variant = row_no % 3  # 0 same row, 1 name with a full-width space, 2 without its code
        spaced = pc.binary_join_element_wise(
            take(short, c_city[comp]), pa.scalar("\u3000"), pc.utf8_slice_codeunits(base, 2), ""
        )
        name = pc.if_else(
            pa.array(kind == 2),
            old,
            pc.if_else(
                pa.array(kind == 3), branch_name, pc.if_else(pa.array((kind == 1) & (dup_variant == 1)), spaced, base)
            ),
        )
        name = pc.if_else(pa.array(kind == 4), pa.array(np.where(row_no % 2 == 0, None, "-"), pa.string()), name)
        number = np.where(kind == 3, n_rows + row_no, comp) * 7 + 1000003  # branch: its own number
        codes = _uscc(region[c_city[comp]], number)
        codes[(kind == 2) | ((kind == 1) & (dup_variant == 2)) | (kind == 4)] = None
        status = take(statuses, np.where(c_inactive[comp], len(ACTIVE), 0) + c_status[comp])
        former = pc.if_else(pa.array((kind == 0) & p["renamed"][comp]), old, pa.nulls(len(comp), pa.string()))
        ctype = pc.if_else(pa.array(kind == 3), pa.scalar("有限责任公司分公司"), take(pool["企业类型"], c_pool[comp]))
        table = pa.table(
            {
                "企业名称": name,
                "统一社会信用代码": pa.array(codes, pa.string()),
                "登记状态": status,
                "注册资本": take(pool["注册资本"], c_pool[comp]),
                "成立日期": take(pool["成立日期"], c_pool[comp]),
                "所属省份": take(province, c_city[comp]),
                "所属城市": take(city, c_city[comp]),
                "国标行业小类": take(pool["国标行业小类"], c_pool[comp]),
                "参保人数": take(pool["参保人数"], c_pool[comp]),
                "企业类型": ctype,
                "曾用名": former,
                "经营范围": take(pool["经营范围"], c_pool[comp]),
                "企业简介": take(pool["企业简介"], c_pool[comp]),
            }
        )
        if fmt == "parquet":
            path = out_dir / f"register-{s:04d}.parquet"
            pq.write_table(table, path)
        else:
            path = out_dir / f"register-{s:04d}.csv"
            if gbk_every and s % gbk_every == gbk_every - 1:
                table.to_pandas().to_csv(path, index=False, encoding="gbk", errors="replace")
            else:
                pcsv.write_csv(table, path)
        files.append(path)
    return files


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("millions", type=float, help="rows, in millions (0.01 = 10,000)")
    ap.add_argument("out_dir")
    ap.add_argument("--shards", type=int, default=10)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--gbk-every", type=int, default=0, help="with --format csv: every k-th shard in GBK")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    files = write_register(
        int(args.millions * 1_000_000), args.out_dir, args.shards, args.seed, args.format, args.gbk_every
    )
    print(
        f"{len(files)} shards, {int(args.millions * 1_000_000):,} rows in {args.out_dir} ({time.perf_counter() - t:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
