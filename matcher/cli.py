"""Command line: `matcher score …`, `matcher gaps …`, `matcher map …`, `matcher inspect …` and `matcher chains` — a thin shell over the public API.

Parses arguments (weight flags and their help come from `matcher.config`), calls the API, prints
counts on stdout and problems as one line on stderr. Exit codes: 0 success, 2 bad arguments or
unreadable input, 1 an unexpected internal error (reported on one line, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import matcher as api

PROGRESS_MIN_BYTES = 1_000_000


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"matcher: 参数错误: {message}\n")


def _progress(enabled: bool):
    start = time.perf_counter()
    tty = sys.stderr.isatty()

    def report(stage: str, frac: float):
        if not enabled:
            return
        bar = "#" * int(frac * 20)
        line = f"[{bar:<20}] {frac:4.0%} {stage} ({time.perf_counter() - start:.1f}s)"
        if tty:
            sys.stderr.write("\r" + line + ("\n" if frac >= 1 else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    return report


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="matcher", description="ChainMatch 产业链精准招商目标匹配：读取候选企业名单，按园区产业链缺口评分排名。"
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser(
        "score",
        help="对候选企业名单评分排名",
        description=(
            "读取一个或多个候选企业名单（.xlsx/.csv），按产业链缺口评分排名。输出 .xlsx 为招商工作簿，"
            ".csv/.parquet 为机器可读表；无法使用的行写入 <输出名>.rejected.csv。"
        ),
    )
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="候选企业名单文件")
    s.add_argument(
        "--zone",
        metavar="FILE",
        default=None,
        help=f"园区缺口配置 YAML（默认 {api.DEFAULT_ZONE.relative_to(api.DEFAULT_ZONE.parents[2])}）",
    )
    s.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default=None,
        help="输出文件：.xlsx / .csv / .parquet（默认 <第一个输入文件名>_ranked.xlsx）",
    )
    s.add_argument("--per-chain", action="store_true", help="每家企业在每条相关产业链各占一行（取该链最佳环节）")
    s.add_argument(
        "--chain",
        action="append",
        metavar="ID",
        default=[],
        help="只输出这些产业链（可重复）：" + " ".join(api.CHAIN_IDS),
    )
    s.add_argument(
        "--top",
        type=int,
        metavar="N",
        default=None,
        help="只输出前 N 名：.xlsx 工作簿中每条产业链工作表前 N 名；.csv/.parquet 为前 N 行（配合 --per-chain 时每条链前 N 名）。不影响行数统计",
    )
    s.add_argument(
        "--map",
        action="append",
        metavar="表头=字段",
        default=[],
        help='手工指定列映射，如 --map "注册金额=registered_capital"',
    )
    s.add_argument("--quiet", action="store_true", help="不显示进度")
    s.add_argument("--jobs", type=int, metavar="N", default=api.DEFAULT_JOBS, help=api.JOBS_HELP)
    s.add_argument(
        "--local",
        action="append",
        metavar="LOCAL",
        default=[],
        help="园区企业库文件（可重复）：名单中已在园区的企业（信用代码或名称相同）标为“本地”，得分 0，不作为补链目标",
    )
    g = s.add_argument_group("评分参数（默认值见括号）")
    for item in api.settings_help():
        g.add_argument(
            "--" + item["name"].replace("_", "-"),
            type=float,
            default=None,
            metavar="X",
            help=f"{item['label']}：{item['help']}（默认 {item['default']}，范围 {item['min']}–{item['max']}）",
        )

    gp = sub.add_parser(
        "gaps",
        help="根据园区企业库测算产业链缺口",
        description=(
            "读取园区企业库（.xlsx/.csv），按与候选企业相同的规则把企业归入产业链环节，统计各环节本地企业数与加权覆盖，"
            "对照目标数得出 优势 / 一般 / 薄弱 / 缺失；园区配置中人工设定的状态优先。输出 .csv 为缺口表，"
            ".yaml 为可供 score --zone 使用的园区配置，.xlsx 为缺口报告。"
        ),
    )
    gp.add_argument("inputs", nargs="+", metavar="LOCAL", help="园区企业库文件")
    gp.add_argument("--zone", metavar="FILE", default=None, help="园区缺口配置 YAML（其中人工设定的状态优先）")
    gp.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default=None,
        help="输出文件：.csv / .yaml / .xlsx（默认 <第一个输入文件名>_gaps.xlsx）",
    )
    gp.add_argument("--map", action="append", metavar="表头=字段", default=[], help="手工指定列映射")
    gp.add_argument("--quiet", action="store_true", help="不显示进度")

    mp = sub.add_parser(
        "map",
        help="生成招商地图（离线 HTML）",
        description=(
            "读取候选企业名单并评分，生成一个自带全部脚本与数据、可离线打开的 HTML 招商地图：产业链图（上游 → 中游 → 下游，"
            "按园区缺口状态着色，标注 A/B 类目标数）和地理分布图（按省份着色、按城市气泡，标出园区与配套半径）。"
        ),
    )
    mp.add_argument("inputs", nargs="+", metavar="INPUT", help="候选企业名单文件")
    mp.add_argument("--zone", metavar="FILE", default=None, help="园区缺口配置 YAML")
    mp.add_argument(
        "--chain",
        metavar="ID",
        default=None,
        help="只画这条产业链（默认：全部产业链总览加每条链）：" + " ".join(api.CHAIN_IDS),
    )
    mp.add_argument(
        "--radius",
        type=float,
        metavar="KM",
        default=api.DEFAULT_RADIUS_KM,
        help=f"配套半径（公里，默认 {api.DEFAULT_RADIUS_KM:g}；打开文件后也可修改）",
    )
    mp.add_argument(
        "--metric",
        choices=("count", "score"),
        default="count",
        help="省份着色依据：count 目标企业数（默认），score 目标得分合计",
    )
    mp.add_argument(
        "-o", "--output", metavar="OUT", default=None, help="输出 HTML 文件（默认 <第一个输入文件名>_map.html）"
    )
    mp.add_argument("--map", action="append", metavar="表头=字段", default=[], help="手工指定列映射")
    mp.add_argument("--quiet", action="store_true", help="不显示进度")
    mp.add_argument("--jobs", type=int, metavar="N", default=api.DEFAULT_JOBS, help=api.JOBS_HELP)

    ip = sub.add_parser(
        "inspect",
        help="查看文件的读取结果（表头、列映射、行数）",
        description=(
            "不评分，只显示每个文件、每个工作表读到了什么：表头在第几行、每一列对应的字段（未识别的列原样保留）、"
            "数据行数、忽略的工作表及原因。用 --map 试验列映射，--json 输出供脚本使用。"
        ),
    )
    ip.add_argument("inputs", nargs="+", metavar="FILE", help="候选企业名单或企业库文件")
    ip.add_argument("--json", action="store_true", help="以 JSON 输出")
    ip.add_argument("--map", action="append", metavar="表头=字段", default=[], help="手工指定列映射")

    add_report_parser(sub)
    sub.add_parser(
        "chains", help="列出产业链与环节", description="列出已加载的产业链、环节及园区缺口状态。"
    ).add_argument("--zone", metavar="FILE", default=None, help="园区缺口配置 YAML")
    return p


def _parse_map(items) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            raise api.MatcherError(f"--map “{item}”应写成 表头=字段")
        header, fieldname = item.split("=", 1)
        out[header.strip()] = fieldname.strip()
    return out


def cmd_score(args) -> int:
    chains = api.load_chains()
    unknown = [c for c in args.chain if c not in chains]
    if unknown:
        raise api.MatcherError(f"--chain: 未知的产业链 {', '.join(unknown)}（可用：{' '.join(chains)}）")
    if args.top is not None and args.top < 1:
        raise api.MatcherError("--top 应为正整数")
    overrides = {
        k["name"]: getattr(args, k["name"]) for k in api.settings_help() if getattr(args, k["name"]) is not None
    }
    settings = api.DEFAULTS.replace(**overrides)
    out = Path(args.output) if args.output else Path(Path(args.inputs[0]).stem + "_ranked.xlsx")
    if out.suffix.lower() not in (".xlsx", ".csv", ".parquet"):
        raise api.MatcherError(f"{out}: 不支持的输出格式“{out.suffix}”（支持 .xlsx .csv .parquet）")
    size = sum(Path(p).stat().st_size for p in args.inputs if Path(p).is_file())
    progress = _progress(not args.quiet and size >= PROGRESS_MIN_BYTES)
    write_output = api.write_output  # its module (and Arrow's parquet writer) loads while the inputs parse
    result = api.score_files(
        args.inputs,
        zone=args.zone,
        settings=settings,
        per_chain=args.per_chain,
        chains=chains,
        column_map=_parse_map(args.map),
        progress=progress,
        local=args.local or None,
        n_jobs=args.jobs,
    )
    written = write_output(result, out, chain_ids=args.chain, top=args.top, per_chain=args.per_chain)
    c = result.counts
    print(f"read {c['read']}, scored {c['scored']}, merged {c['merged']}, rejected {c['rejected']}")
    print(f"输出：{written['ranked']}；拒收行：{written['rejected']}")
    for t in result.tables:  # what the reader noticed: ignored sheets, a file read by its content …
        for note in t.notes:
            print(f"注：{t.label}：{note}")
    if args.local:
        print(f"本地企业（已在园区，不作为补链目标）：{int(result.ranked['is_local'].sum())} 家")
    return 0


def cmd_gaps(args) -> int:
    out = Path(args.output) if args.output else Path(Path(args.inputs[0]).stem + "_gaps.xlsx")
    if out.suffix.lower() not in (".csv", ".yaml", ".yml", ".xlsx"):
        raise api.MatcherError(f"{out}: 不支持的输出格式“{out.suffix}”（支持 .csv .yaml .xlsx）")
    size = sum(Path(p).stat().st_size for p in args.inputs if Path(p).is_file())
    progress = _progress(not args.quiet and size >= PROGRESS_MIN_BYTES)
    profile = api.gaps_files(args.inputs, zone=args.zone, column_map=_parse_map(args.map), progress=progress)
    written = api.write_gaps(profile, out)
    c = profile.counts
    print(f"read {c['read']}, scored {c['scored']}, merged {c['merged']}, rejected {c['rejected']}")
    print(profile.summary())
    print(f"输出：{written}")
    return 0


def cmd_map(args) -> int:
    out = Path(args.output) if args.output else Path(Path(args.inputs[0]).stem + "_map.html")
    if out.suffix.lower() not in (".html", ".htm"):
        raise api.MatcherError(f"{out}: 招商地图输出应为 .html 文件")
    if not args.radius > 0:
        raise api.MatcherError("--radius 应为正数（公里）")
    chains = api.load_chains()
    if args.chain is not None and args.chain not in chains:
        raise api.MatcherError(f"--chain: 未知的产业链 {args.chain}（可用：{' '.join(chains)}）")
    zone = api.load_zone(args.zone, chains=chains)
    size = sum(Path(p).stat().st_size for p in args.inputs if Path(p).is_file())
    progress = _progress(not args.quiet and size >= PROGRESS_MIN_BYTES)
    # per chain: a company that fits two chains is a target on both chains' maps
    result = api.score_files(
        args.inputs,
        zone=zone,
        chains=chains,
        per_chain=True,
        column_map=_parse_map(args.map),
        progress=progress,
        n_jobs=args.jobs,
    )
    written = api.write_map(
        out, result, chains=chains, zone=zone, chain_id=args.chain, radius_km=args.radius, metric=args.metric
    )
    c = result.counts
    print(f"read {c['read']}, scored {c['scored']}, merged {c['merged']}, rejected {c['rejected']}")
    print(f"输出：{written}")
    return 0


def cmd_chains(args) -> int:
    chains = api.load_chains()
    zone = api.load_zone(args.zone, chains=chains)
    table = api.segment_table(chains, zone)
    for cid, group in table.groupby("chain_id", sort=False):
        first = group.iloc[0]
        print(f"{cid}\t{first.chain_name}\t{first.priority_level}（优先级 {first.priority:.2f}）")
        for r in group.itertuples():
            print(f"  {r.segment_id}\t{r.position}\t{r.segment_name}\t{r.status}{'*' if r.assumed else ''}")
    return 0


def cmd_inspect(args) -> int:
    import json

    column_map = _parse_map(args.map)
    reports = [api.inspect_file(p, column_map) for p in args.inputs]
    if args.json:
        print(json.dumps(reports if len(reports) > 1 else reports[0], ensure_ascii=False, indent=2, default=str))
        return 0
    for rep in reports:
        print(f"文件 {rep['file']}：{rep['data_rows']} 行数据")
        for sh in rep["sheets"]:
            where = f"工作表“{sh['sheet']}”" if sh["sheet"] else "表格"
            head = f"表头在第 {sh['header_row']} 行" if sh["header_row"] else "无表头（按企业名称名单读取）"
            print(
                f"  {where}（{sh['format']}）：{head}；数据 {sh['data_rows']} 行（第 {sh['first_row']}–{sh['last_row']} 行），"
                f"其中无企业名称 {sh['rows_without_name']} 行；跳过空行 {sh['blank_rows_skipped']} 行"
            )
            for col in sh["columns"]:
                if col["field"]:
                    what = col["field"]
                elif col.get("superseded"):
                    what = f"（未采用：{col['superseded']['field']} 已取自“{col['superseded']['by']}”）"
                else:
                    what = "（未识别，原样保留）"
                print(f"    {col['header']} → {what}")
            for note in sh["notes"]:
                print(f"    注：{note}")
        for ig in rep["ignored_sheets"]:
            print(f"  已忽略工作表“{ig['sheet']}”：{ig['reason']}")
    return 0


def add_report_parser(sub) -> None:
    """`matcher report weekly|quarterly [--chain ID|中文名] [--as-of DATE] -o OUT [--db URL]`."""
    rp = sub.add_parser(
        "report",
        help="从台账生成周报（线索台账）或季度报告（链长调度会）",
        description=(
            "weekly：招商线索台账周报（.xlsx，按产业链列出全部在跟线索的阶段、负责人、最近跟进和三类三色）；"
            "quarterly：链长调度会季度报告，每条产业链一页（.xlsx 工作簿，或可打印的 .html / .pdf）。"
        ),
    )
    rp.add_argument("kind", choices=["weekly", "quarterly"], help="weekly 周报；quarterly 季度报告")
    rp.add_argument("--chain", action="append", metavar="链", default=[], help="只含这些产业链（编号或中文名，可重复）")
    rp.add_argument(
        "--as-of", metavar="日期", default=None, help="报告日期（如 2026-12-31；默认今天），三类三色按此日计算"
    )
    rp.add_argument("-o", "--output", metavar="OUT", required=True, help="输出文件：.xlsx（季度报告也可 .html / .pdf）")
    rp.add_argument("--db", metavar="URL", default=None, help=api.DB_HELP)


def cmd_report(args) -> int:
    import datetime as dt

    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of.strip().replace("/", "-"))
        except ValueError:
            raise api.MatcherError(f"报告日期“{args.as_of}”不是日期（如 2026-12-31）") from None
    with api.open_store(args.db) as store:
        out = api.write_report(store, args.kind, args.output, chain=args.chain or None, as_of=as_of)
    print(f"已生成 {out}")
    return 0


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "report":
        return _guarded(cmd_report, args)
    if args.command != "chains":  # parse the input workbooks while the engine loads
        api.prefetch_inputs(args.inputs)
    try:
        if args.command == "score":
            return cmd_score(args)
        if args.command == "gaps":
            return cmd_gaps(args)
        if args.command == "map":
            return cmd_map(args)
        if args.command == "inspect":
            return cmd_inspect(args)
        return cmd_chains(args)
    except api.MatcherError as exc:
        print(f"matcher: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("matcher: 已中断", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the officer; one line to report
        print(f"matcher: 内部错误 {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _guarded(command, args) -> int:
    try:
        return command(args)
    except api.MatcherError as exc:
        print(f"matcher: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for the officer; one line to report
        print(f"matcher: 内部错误 {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry: main(), then leave without tearing the heap down object by object
    (a 100,000-row run holds millions of objects; every output file is closed by now)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
