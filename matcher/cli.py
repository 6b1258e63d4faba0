"""Command line: `matcher score …`, `matcher gaps …`, `matcher map …`, `matcher brief …`, `matcher inspect …`,
`matcher chains` and the 招商台账's `matcher track …`, `matcher runs`, `matcher diff …`, `matcher db …`; accounts and
a team server: `matcher users …`, `matcher audit export`, `matcher serve` — a thin shell over the public API.

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
    s.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="候选企业名单文件；或工商登记库分片（.parquet/.csv）所在的文件夹、通配符：整库分批流式评分，输出须为 .parquet 文件夹",
    )
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
    s.add_argument(
        "--per-chain",
        action="store_true",
        help="机器表中每家企业在每条有相关度的产业链各占一行（取该链最佳环节）；filed 列标明是否达到入链门槛",
    )
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
        "--cluster",
        metavar="ADDRESS",
        default=None,
        help="整库评分在 Dask 集群上运行：local:N 为本机 N 个进程，或调度器地址（如 tcp://10.0.0.5:8786）；需安装 chainmatch[cluster]",
    )
    s.add_argument(
        "--batch-rows",
        type=int,
        metavar="N",
        default=None,
        help="整库评分（输入为文件夹或通配符）每批读取的行数，决定内存占用（默认 50000）",
    )
    s.add_argument(
        "--local",
        action="append",
        metavar="LOCAL",
        default=[],
        help="园区企业库文件（可重复）：名单中已在园区的企业（信用代码或名称相同）标为“本地”，得分 0，不作为补链目标",
    )
    s.add_argument(
        "--save", action="store_true", help="把这次评分记入招商台账（之后可用 track add 建立线索、用 diff 比较）"
    )
    s.add_argument("--by", metavar="NAME", default=None, help="记录人（与 --save 一起使用）")
    s.add_argument("--note", metavar="TEXT", default=None, help="这次评分的说明（与 --save 一起使用）")
    _db_option(s)
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

    bp = sub.add_parser(
        "brief",
        help="生成企业简报（每家企业一页，PDF 或 HTML）",
        description=(
            "为名单中的企业各生成一页企业简报：企业做什么、为什么推荐、基本情况与联系方式、风险提示、"
            "在产业链中的位置和走访记录栏。多家企业写入同一个文件，每家一页。"
        ),
    )
    bp.add_argument("companies", nargs="+", metavar="企业", help="企业名称或统一社会信用代码（可多个）")
    bp.add_argument(
        "--input",
        dest="inputs",
        action="append",
        metavar="FILE",
        required=True,
        help="候选企业名单（.xlsx/.csv，先评分）或已评分的排名表（.parquet）；可重复",
    )
    bp.add_argument("--zone", metavar="FILE", default=None, help="园区缺口配置 YAML")
    bp.add_argument("-o", "--output", metavar="OUT", required=True, help="输出文件：.pdf 或 .html")
    bp.add_argument("--map", action="append", metavar="表头=字段", default=[], help="手工指定列映射")

    add_report_parser(sub)
    sub.add_parser(
        "chains", help="列出产业链与环节", description="列出已加载的产业链、环节及园区缺口状态。"
    ).add_argument("--zone", metavar="FILE", default=None, help="园区缺口配置 YAML")
    _track_parsers(sub)
    return p


def _db_option(p) -> None:
    p.add_argument("--db", metavar="URL", default=None, help=api.DB_HELP)


def _track_parsers(sub) -> None:
    """matcher track …, runs, diff and db: the 招商台账."""
    tp = sub.add_parser(
        "track",
        help="招商线索台账：建立、查看、更新线索",
        description="招商线索台账：从评分记录建立线索，按产业链 / 负责人 / 阶段 / 颜色查看，更新跟进情况，导入工作簿中的跟进记录。",
    )
    tsub = tp.add_subparsers(dest="track_command", required=True, parser_class=_Parser)
    stages = "、".join(api.load_stages().names)

    add = tsub.add_parser(
        "add", help="从评分记录建立线索", description="把一次评分记录中的目标企业建为线索（已有线索的企业不重复建立）。"
    )
    add.add_argument(
        "--run", metavar="ID", default="latest", help="评分记录编号，或 latest（最新，默认）/ previous（上一次）"
    )
    add.add_argument(
        "--chain",
        action="append",
        metavar="ID",
        default=[],
        help="只取这些产业链（可重复）：" + " ".join(api.CHAIN_IDS),
    )
    add.add_argument("--tier", metavar="A,B", default="A,B", help="只取这些等级（逗号分隔，默认 A,B）")
    add.add_argument("--owner", metavar="NAME", required=True, help="线索负责人")
    add.add_argument("--stage", metavar="STAGE", default=None, help=f"起始阶段（默认 {api.load_stages().first}）")
    add.add_argument("--by", metavar="NAME", default=None, help="操作人（默认同负责人）")
    _db_option(add)

    ls = tsub.add_parser(
        "list", help="查看线索", description="列出线索及其提醒：本阶段天数、三类三色、逾期、企业已注销/吊销。"
    )
    ls.add_argument("--chain", action="append", metavar="ID", default=[], help="产业链（可重复）")
    ls.add_argument("--owner", action="append", metavar="NAME", default=[], help="负责人（可重复）")
    ls.add_argument("--stage", action="append", metavar="STAGE", default=[], help=f"跟进阶段（可重复）：{stages}")
    ls.add_argument(
        "--colour", "--color", action="append", metavar="颜色", default=[], help="三类三色：绿 / 黄 / 红（可重复）"
    )
    ls.add_argument("--overdue", action="store_true", help="只看下一步工作已逾期的")
    ls.add_argument("--closed", action="store_true", help="只看企业已注销/吊销的")
    ls.add_argument("--company", metavar="TEXT", default=None, help="企业名称包含的文字")
    ls.add_argument("--as-of", metavar="DATE", default=None, help="按哪一天计算天数和颜色（默认今天，如 2026-12-31）")
    ls.add_argument("--limit", type=int, metavar="N", default=None, help="最多列出 N 条")
    ls.add_argument("-o", "--output", metavar="OUT", default=None, help="写入文件：.xlsx / .csv")
    for item in api.track_settings_help():
        ls.add_argument(
            "--" + item["name"].replace("_", "-"),
            type=int,
            default=None,
            metavar="N",
            help=f"{item['label']}：{item['help']}（默认 {item['default']}，范围 {item['min']}–{item['max']}）",
        )
    _db_option(ls)

    st = tsub.add_parser(
        "set",
        help="更新一条线索",
        description="更新线索的跟进阶段、负责人、下一步工作、完成期限、预计投资额或备注；每项修改都记入历史。",
    )
    st.add_argument("lead", metavar="LEAD", help="线索编号（track list 可查）")
    st.add_argument("--stage", metavar="STAGE", default=None, help=f"跟进阶段：{stages}")
    st.add_argument("--owner", metavar="NAME", default=None, help="负责人")
    st.add_argument("--next-action", metavar="TEXT", default=None, help="下一步工作")
    st.add_argument("--due", metavar="DATE", default=None, help="完成期限（如 2026-12-31）")
    st.add_argument("--amount", metavar="万元", default=None, help="预计投资额（万元，也可写 1.2亿）")
    st.add_argument("--note", metavar="TEXT", default=None, help="备注")
    st.add_argument(
        "--version", type=int, metavar="N", default=None, help="你读取到的版本号：若他人已修改，本次修改不保存"
    )
    st.add_argument("--by", metavar="NAME", required=True, help="修改人")
    _db_option(st)

    hi = tsub.add_parser(
        "history", help="查看线索的修改历史", description="列出一条线索的全部修改：何时、何人、改了什么。"
    )
    hi.add_argument("lead", metavar="LEAD", help="线索编号")
    _db_option(hi)

    im = tsub.add_parser(
        "import",
        help="导入工作簿中的跟进记录",
        description="读取招商工作簿各产业链工作表的 跟进状态 / 负责人 / 备注：已有线索按工作簿更新，填了跟进状态的新企业建为线索。"
        "有无法导入的行时不做任何修改（除非 --partial）。",
    )
    im.add_argument("workbook", metavar="WORKBOOK", help="matcher score 输出并由经办人填写过的 .xlsx 工作簿")
    im.add_argument("--by", metavar="NAME", required=True, help="导入人")
    im.add_argument("--partial", action="store_true", help="有无法导入的行时，仍导入其余各行")
    _db_option(im)

    rp = sub.add_parser(
        "runs", help="列出台账中的评分记录", description="列出招商台账中记录的每次评分（score --save）。"
    )
    _db_option(rp)

    dp = sub.add_parser(
        "diff",
        help="比较两次评分",
        description="比较两次评分记录（编号、latest、previous），或两个 matcher score 输出的 .csv/.parquet 排名表："
        "新增目标、不再是目标、等级升降、登记状态变化、环节缺口状态变化。",
    )
    dp.add_argument("a", metavar="RUN_A", help="较早的评分记录编号或排名文件")
    dp.add_argument("b", metavar="RUN_B", help="较新的评分记录编号或排名文件")
    dp.add_argument("-o", "--output", metavar="OUT", default=None, help="写入文件：.xlsx（每类变化一个工作表）/ .csv")
    _db_option(dp)

    db = sub.add_parser("db", help="台账数据库：备份、升级", description="招商台账数据库的维护。")
    dsub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    bk = dsub.add_parser(
        "backup",
        help="备份台账（SQLite）",
        description="在台账使用中把 SQLite 台账完整复制到一个文件；PostgreSQL 请用 pg_dump。",
    )
    bk.add_argument("out", metavar="OUT", help="备份文件")
    _db_option(bk)
    up = dsub.add_parser(
        "upgrade",
        help="把台账升级到当前版本",
        description="把台账数据库的结构升级到本程序的版本（打开台账时也会自动升级）。",
    )
    _db_option(up)

    us = sub.add_parser(
        "users",
        help="账号：新建、列出、停用、重设密码",
        description="多人使用时的账号管理。密码从提示输入（或从标准输入读一行），不在命令行中给出。"
        "台账里还没有账号时，先用 matcher users add 账号名 --role 管理员 建立第一个管理员。",
    )
    usub = us.add_subparsers(dest="users_command", required=True, parser_class=_Parser)
    ua = usub.add_parser("add", help="新建账号", description="新建一个账号（密码随后提示输入）。")
    ua.add_argument("username", metavar="账号名")
    ua.add_argument("--role", required=True, help="角色：管理员 / 链长（专班负责人）/ 招商专员 / 只读")
    ua.add_argument("--name", default=None, help="显示的姓名（默认同账号名）；招商专员的线索按负责人姓名认定")
    ua.add_argument("--chains", default="", help="所在产业链（编号或名称，逗号分隔），如 nev,集成电路")
    _db_option(ua)
    ul = usub.add_parser("list", help="列出账号")
    _db_option(ul)
    ud = usub.add_parser("disable", help="停用账号（记录保留）")
    ud.add_argument("username", metavar="账号名")
    _db_option(ud)
    ur = usub.add_parser("reset-password", help="重设密码（并解除锁定）")
    ur.add_argument("username", metavar="账号名")
    _db_option(ur)

    sv = sub.add_parser(
        "serve",
        help="多人使用：在局域网地址上启动网页（需登录）",
        description="为招商局多人使用启动网页：每个页面需登录，限制上传大小，开启跨站请求防护，不收集使用统计。"
        "台账放在 --data 文件夹中；先用 matcher users add 建立第一个管理员。",
    )
    sv.add_argument("--address", default="0.0.0.0", help="监听地址（默认 0.0.0.0，即所有网卡）")
    sv.add_argument("--port", type=int, default=8501, help="端口（默认 8501）")
    sv.add_argument("--data", required=True, metavar="DIR", help="可写的数据文件夹（台账数据库放在其中）")
    sv.add_argument("--max-upload-mb", type=int, default=200, help="单个上传文件的大小上限（MB，默认 200）")

    au = sub.add_parser("audit", help="审计记录：导出", description="导出全部审计记录（登录、线索修改、导出、报告）。")
    asub = au.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    ae = asub.add_parser("export", help="导出审计记录为 .csv 或 .xlsx")
    ae.add_argument("-o", "--output", required=True, metavar="OUT", help="输出文件（.csv / .xlsx）")
    _db_option(ae)


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
    if args.cluster or api.is_register_input(args.inputs):
        return _score_register(args, settings)
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
    if args.save:
        with api.open_store(args.db) as store:
            run_id = api.save_run(store, result, args.inputs, by=args.by, note=args.note)
            print(f"已记入招商台账：评分记录 {run_id}（{store.label}）")
    return 0


def _score_register(args, settings) -> int:
    """A register (folder or glob of shards): streamed into a .parquet folder, or on a Dask cluster."""
    if not args.output or Path(args.output).suffix.lower() != ".parquet":
        raise api.MatcherError("整库评分（输入为文件夹或通配符）须用 -o 指定 .parquet 输出文件夹，如 -o 结果.parquet")
    if args.top is not None:
        raise api.MatcherError("整库评分不支持 --top：结果按批写出，请读取输出后再取前 N 名")
    if args.batch_rows is not None and args.batch_rows < 1:
        raise api.MatcherError("--batch-rows 应为正整数")
    options = {"batch_rows": args.batch_rows} if args.batch_rows else {}
    if _OWN_PROCESS and not args.cluster:  # a fresh process every RESTART_ROWS rows keeps the peak flat
        options["restart_after_rows"] = api.RESTART_ROWS

    def register_run():
        return api.score_register(
            args.inputs,
            args.output,
            progress=_progress(not args.quiet),
            cluster=args.cluster,
            zone=args.zone,
            settings=settings,
            per_chain=args.per_chain,
            chain_ids=args.chain,
            column_map=_parse_map(args.map),
            local=args.local or None,
            n_jobs=args.jobs,
            **options,
        )

    try:
        counts = register_run()
    except api.RestartRun:
        api.restart_process()  # the same command, afresh: it resumes the run from its manifest
        options.pop("restart_after_rows")  # no restart possible: finish in this process
        counts = register_run()
    stem = Path(args.output).with_suffix("")
    print(f"read {counts['read']}, scored {counts['scored']}, merged {counts['merged']}, rejected {counts['rejected']}")
    print(f"输出：{args.output}；拒收行：{stem}.rejected.csv；合并记录：{stem}.merges.csv")
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
    # the map draws the result per chain: a company that fits two chains is a target on both chains' maps
    result = api.score_files(
        args.inputs,
        zone=zone,
        chains=chains,
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


def cmd_brief(args) -> int:
    out = Path(args.output)
    fmt = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(out.suffix.lower())
    if fmt is None:
        raise api.MatcherError(f"{out}: 企业简报输出应为 .pdf 或 .html 文件")
    ranked = [p for p in args.inputs if Path(p).suffix.lower() == ".parquet"]
    if ranked and len(ranked) < len(args.inputs):
        raise api.MatcherError("--input: 已评分的排名表（.parquet）不能与待评分的名单混用")
    chains = api.load_chains()
    zone = api.load_zone(args.zone, chains=chains)
    if ranked:
        import pandas as pd

        frames = []
        for p in ranked:
            try:
                frames.append(pd.read_parquet(p))
            except (OSError, ValueError) as exc:
                raise api.MatcherError(f"{p}: 无法读取排名表（{type(exc).__name__}）") from None
        source = pd.concat(frames, ignore_index=True)
    else:
        source = api.score_files(args.inputs, zone=zone, chains=chains, column_map=_parse_map(args.map))
    data = api.brief_bytes(source, args.companies, fmt=fmt, chains=chains, zone=zone)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise api.MatcherError(f"{out}: 无法写入（{exc.strerror or exc}）") from None
    print(f"企业简报：{len(args.companies)} 家，每家一页；输出：{out}")
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
        api.record_audit(store, _console().username, "report", target=Path(out).name, detail=args.kind, source="cli")
    print(f"已生成 {out}")
    return 0


def _parse_date(text, flag):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise api.MatcherError(f"{flag}：“{text}”不是日期（如 2026-12-31）") from None


def _print_leads(leads) -> None:
    table = api.lead_table(leads)
    if table.empty:
        print("没有符合条件的线索")
        return
    keep = [
        "线索编号",
        "企业名称",
        "产业链",
        "环节",
        "跟进阶段",
        "本阶段天数",
        "三类三色",
        "负责人",
        "下一步工作",
        "完成期限",
    ]
    for r in table.itertuples(index=False):
        row = dict(zip(table.columns, r))
        marks = [
            m for m, flag in (("逾期", row["已逾期"] == "是"), ("企业已注销/吊销", row["已注销/吊销"] == "是")) if flag
        ]
        parts = [str(row[k]) if row[k] is not None and row[k] == row[k] else "" for k in keep]
        print("\t".join(parts + ["、".join(marks)]))


def cmd_track(args) -> int:
    overrides = {
        k["name"]: getattr(args, k["name"])
        for k in api.track_settings_help()
        if getattr(args, k["name"], None) is not None
    }
    settings = api.TRACK_DEFAULTS.replace(**overrides) if overrides else None
    with api.open_store(args.db, settings=settings) as store:
        if args.track_command == "add":
            tiers = [t.strip().upper() for t in args.tier.split(",") if t.strip()]
            bad = [t for t in tiers if t not in api.TIERS]
            if bad or not tiers:
                raise api.MatcherError(f"--tier：等级应为 A、B、C，用逗号分隔，而不是“{args.tier}”")
            unknown = [c for c in args.chain if c not in api.CHAIN_IDS]
            if unknown:
                raise api.MatcherError(f"--chain: 未知的产业链 {', '.join(unknown)}（可用：{' '.join(api.CHAIN_IDS)}）")
            added = api.add_leads(
                store,
                args.run,
                chains=args.chain or None,
                tiers=tiers,
                owner=args.owner,
                stage=args.stage,
                by=args.by or args.owner,
                source="cli",
            )
            print(f"新建线索 {len(added)} 条（评分记录 {api.resolve_run(store, args.run)}，负责人 {args.owner}）")
            return 0
        if args.track_command == "list":
            as_of = _parse_date(args.as_of, "--as-of") if args.as_of else None
            leads = api.list_leads(
                store,
                chain=args.chain or None,
                owner=args.owner or None,
                stage=args.stage or None,
                colour=args.colour or None,
                overdue=True if args.overdue else None,
                closed=True if args.closed else None,
                company=args.company,
                as_of=as_of,
                limit=args.limit,
            )
            if args.output:
                written = api.write_tables(args.output, {"线索台账": api.lead_table(leads)})
                print(f"线索 {len(leads)} 条；输出：{written}")
            else:
                _print_leads(leads)
            return 0
        if args.track_command == "set":
            changes = {
                k: v
                for k, v in (
                    ("stage", args.stage),
                    ("owner", args.owner),
                    ("next_action", args.next_action),
                    ("due_date", args.due),
                    ("amount_wan", args.amount),
                    ("notes", args.note),
                )
                if v is not None
            }
            if not changes:
                raise api.MatcherError("没有要修改的内容（--stage、--owner、--next-action、--due、--amount、--note）")
            lead = api.get_lead(store, args.lead)
            version = args.version if args.version is not None else int(lead["version"])
            after = api.update_lead(store, lead["lead_id"], version, by=args.by, source="cli", **changes)
            print(f"线索 {lead['lead_id']}（{lead['company_name']}）已更新为第 {after['version']} 版：{after['stage']}")
            return 0
        if args.track_command == "history":
            lead = api.get_lead(store, args.lead)
            print(f"线索 {lead['lead_id']}：{lead['company_name']} · {lead['chain_name']} · {lead['segment_name']}")
            for h in api.lead_history(store, lead["lead_id"]).itertuples():
                label = api.FIELD_LABELS.get(h.field, h.field)
                print(
                    f"{h.at:%Y-%m-%d %H:%M}\t{h.by_user or ''}\t{label}：{h.old_value or '（空）'} → {h.new_value or '（空）'}"
                )
            return 0
        done = api.import_workbook(store, args.workbook, args.by, partial=args.partial)
        for line in done.lines():
            print(line)
        if not done.applied:
            raise api.MatcherError(done.summary())
        print(done.summary())
        return 0


def cmd_runs(args) -> int:
    with api.open_store(args.db) as store:
        runs = api.list_runs(store)
    if runs.empty:
        print("台账中还没有评分记录（matcher score … --save 记录一次评分）")
    for r in runs.itertuples():
        print(
            f"{r.run_id}\t{r.run_date:%Y-%m-%d}\t{r.zone_name or ''}\t{r.inputs}\t"
            f"评分 {r.scored} 家（读取 {r.read}，合并 {r.merged}，拒收 {r.rejected}）\t{r.created_by or ''}\t{r.note or ''}"
        )
    return 0


def _is_file(ref: str) -> bool:
    return Path(ref).suffix.lower() in (".csv", ".parquet", ".xlsx", ".xls") or Path(ref).is_file()


def cmd_diff(args) -> int:
    if _is_file(args.a) and _is_file(args.b):
        diff = api.diff_runs(args.a, args.b)
    else:
        with api.open_store(args.db) as store:
            diff = api.diff_runs(args.a, args.b, store)
    print(diff.summary())
    if args.output:
        print(f"输出：{api.write_tables(args.output, api.diff_tables(diff.tables()), kind_header='变化类别')}")
    return 0


def cmd_db(args) -> int:
    with api.open_store(args.db) as store:
        if args.db_command == "backup":
            out = api.backup(store, args.out)
            print(f"已备份台账到 {out}")
        else:
            print(f"台账已是当前版本（{store.label}）")
    return 0


def _read_password() -> str:
    """A password from a prompt (asked twice) or one line of stdin — never from argv."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != first:
            raise api.AccountError("两次输入的密码不一致")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _console() -> api.Principal:
    """The command line acts for whoever holds the database (the server's operator), as an administrator;
    the audit trail names the operating-system user."""
    import getpass

    try:
        who = getpass.getuser()
    except Exception:
        who = "unknown"
    return api.Principal(f"命令行:{who}", f"命令行:{who}", api.load_roles().admin().name, ())


def cmd_users(args) -> int:
    with api.open_store(args.db) as store:
        if args.users_command == "add":
            first = api.count_users(store) == 0
            chains = [c for c in args.chains.replace("，", ",").split(",") if c.strip()]
            user = api.add_user(
                store,
                args.username,
                _read_password(),
                role=args.role,
                display_name=args.name,
                chains=chains,
                by=None if first else _console(),
            )
            print(f"已新建账号 {user.username}（{user.display_name}，{user.role}）")
        elif args.users_command == "list":
            users = api.list_users(store)
            if users.empty:
                print("还没有账号（matcher users add 账号名 --role 管理员 建立第一个管理员）")
            for u in users.itertuples():
                state = "正常" if u.active else "已停用"
                print(f"{u.username}\t{u.display_name}\t{u.role}\t{'、'.join(u.chains) or '全部/无'}\t{state}")
        elif args.users_command == "disable":
            api.disable_user(store, args.username, by=_console())
            print(f"已停用账号 {args.username}")
        else:
            api.reset_password(store, args.username, _read_password(), by=_console())
            print(f"已重设账号 {args.username} 的密码")
    return 0


def serve_command(address: str, port: int, data, max_upload_mb: int = 200) -> tuple[list[str], dict]:
    """The streamlit command line and environment of a team server (login on, XSRF on, no statistics)."""
    from pathlib import Path

    app = Path(__file__).resolve().parents[1] / "serve_app.py"  # the repository root, beside matcher/
    if not app.exists():
        raise api.MatcherError(f"找不到网页程序 {app}（请在 ChainMatch 源码目录中安装）")
    folder = Path(data).expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise api.MatcherError(f"数据文件夹 {folder} 不可写：{exc.strerror or exc}") from None
    env = {**os.environ, "CHAINMATCH_LOGIN": "1"}
    env.setdefault(api.DB_ENV, str(folder / "chainmatch.db"))
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", address,
        "--server.port", str(int(port)),
        "--server.maxUploadSize", str(int(max_upload_mb)),
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return cmd, env


def cmd_serve(args) -> int:
    cmd, env = serve_command(args.address, args.port, args.data, args.max_upload_mb)
    with api.open_store(env[api.DB_ENV]) as store:
        if api.count_users(store) == 0:
            raise api.AccountError("台账中还没有账号：请先运行 matcher users add 账号名 --role 管理员 建立第一个管理员")
    print(f"ChainMatch 多人模式：http://{args.address}:{args.port}（需登录；台账 {env[api.DB_ENV]}）", flush=True)
    os.execvpe(cmd[0], cmd, env)
    return 0


def cmd_audit(args) -> int:
    with api.open_store(args.db) as store:
        n = api.export_audit(store, args.output, by=_console().username, source="cli")
    print(f"已导出审计记录 {n} 条到 {args.output}")
    return 0


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("score", "gaps", "map", "inspect"):  # parse the input workbooks while the engine loads
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
        if args.command == "track":
            return cmd_track(args)
        if args.command == "runs":
            return cmd_runs(args)
        if args.command == "diff":
            return cmd_diff(args)
        if args.command == "db":
            return cmd_db(args)
        if args.command == "users":
            return cmd_users(args)
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "brief":
            return cmd_brief(args)
        if args.command == "report":
            return cmd_report(args)
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


_OWN_PROCESS = False  # True when the process is this command (run()), so a register run may restart it


def run() -> None:
    """Console-script entry: main(), then leave without tearing the heap down object by object
    (a 100,000-row run holds millions of objects; every output file is closed by now)."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
