"""`write_report(store, kind, out, chain=…, as_of=…, principal=…)`: the weekly or quarterly report into a
file whose suffix says the form (.xlsx; the quarterly report also .html / .pdf). The file is written
beside the target and renamed into place, so a failure never leaves half a report.

With a `principal` (the signed-in officer; the desktop app passes `desktop_principal()`), every report
function checks the role's right to reports and covers only the chains the role may read (只读 and 管理员
every chain, 链长 and 招商专员 their own); a written report is audited (who, which file, how many leads).
Without one they act for whoever holds the database (the command line), as the store's functions do."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..accounts.access import require, visible_chains
from ..accounts.audit import record
from ..accounts.users import Principal
from ..errors import MatcherError
from ..store.db import Store
from . import page, xlsx
from .data import ChainQuarter, WeeklyReport, quarterly_chains, quarterly_data, report_runs, resolve_chain, weekly_data

KINDS = {"weekly": "招商线索台账周报", "quarterly": "链长调度会季度报告"}
FORMS = {"weekly": (".xlsx",), "quarterly": (".xlsx", ".html", ".pdf")}


def _zone_name(store: Store, as_of: dt.date) -> str:
    run, _ = report_runs(store, as_of)
    return str(run.get("zone_name") or "") if run else ""


def report_title(store: Store, kind: str, as_of: dt.date) -> str:
    zone = _zone_name(store, as_of)
    return f"{zone + ' ' if zone else ''}{KINDS[kind]}（截至 {as_of:%Y-%m-%d}）"


def _chains(store: Store, chain) -> list[str] | None:
    if chain is None or chain == [] or chain == ():
        return None
    items = [chain] if isinstance(chain, str) else list(chain)
    return [resolve_chain(store, c) for c in items]


def _scoped(store: Store, chain, principal: Principal | None, source: str) -> list[str] | None:
    """The chains a report covers: the asked ones (None: every chain), cut down to those the principal
    may read; PermissionDenied (audited) when the principal's role makes no reports."""
    ids = _chains(store, chain)
    if principal is None:
        return ids
    require(store, principal, "reports", target="报告", source=source)
    visible = visible_chains(principal)
    if visible is None:
        return ids
    return [c for c in (ids if ids is not None else visible) if c in visible]


def weekly_report(
    store: Store, *, chain=None, as_of: dt.date | None = None, principal: Principal | None = None, source="api"
) -> WeeklyReport:
    """The weekly 台账's content (every active lead of `chain` — an id, a Chinese name or a list — or of
    every chain), limited to the chains `principal` may read."""
    return weekly_data(store, as_of or dt.date.today(), _scoped(store, chain, principal, source))


def quarterly_report(
    store: Store, *, chain=None, as_of: dt.date | None = None, principal: Principal | None = None, source="api"
) -> list[ChainQuarter]:
    """The quarterly 链长调度会 report's content, one ChainQuarter per chain (`chain`: an id, a Chinese
    name or a list; default every chain in the newest run or with leads), limited to the chains
    `principal` may read (an empty list when it may read none of them)."""
    as_of = as_of or dt.date.today()
    ids = _scoped(store, chain, principal, source)
    if ids is None:
        ids = quarterly_chains(store, as_of)
    elif chain is None:  # a principal's own chains: those with a run or leads
        ids = [c for c in quarterly_chains(store, as_of) if c in ids]
    return [quarterly_data(store, c, as_of) for c in ids]


def report_rows(content) -> int:
    """How many leads a report's content lists (the audit trail's row count)."""
    if isinstance(content, WeeklyReport):
        return len(content.leads)
    return sum(int(q.totals.get("leads", 0)) for q in content)


def report_bytes(
    store: Store,
    kind: str,
    suffix: str,
    *,
    principal: Principal,
    chain=None,
    as_of: dt.date | None = None,
    source: str = "app",
) -> bytes:
    """The `kind` report as the bytes of a `suffix` file (".xlsx", ".html", ".pdf"), scoped to and audited
    for `principal` (for a download in the app)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{KINDS.get(kind, 'report')}{suffix}"
        write_report(store, kind, out, chain=chain, as_of=as_of, principal=principal, source=source)
        return out.read_bytes()


def write_report(
    store: Store,
    kind: str,
    out,
    *,
    chain=None,
    as_of: dt.date | None = None,
    principal: Principal | None = None,
    source: str = "api",
) -> Path:
    """Write the `kind` report ("weekly" or "quarterly") to `out` (.xlsx; quarterly also .html / .pdf),
    limited to the chains `principal` may read and audited for it (see the module's docstring)."""
    if kind not in KINDS:
        raise MatcherError(f"报告类型应为 weekly（周报）或 quarterly（季度报告），而不是“{kind}”")
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMS[kind]:
        raise MatcherError(f"{out.name}：{KINDS[kind]}可输出为 {' / '.join(FORMS[kind])} 文件")
    if out.is_dir():
        raise MatcherError(f"{out}：是一个文件夹，请给出报告文件名")
    as_of = as_of or dt.date.today()
    title = report_title(store, kind, as_of)
    scope = {"chain": chain, "as_of": as_of, "principal": principal, "source": source}
    content = weekly_report(store, **scope) if kind == "weekly" else None
    chains = quarterly_report(store, **scope) if kind == "quarterly" else None
    if chains == []:
        raise MatcherError("您可查看的产业链中没有评分记录或线索，无法生成季度报告")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MatcherError(f"{out}：无法写入（{exc.strerror or exc}）") from None
    tmp = out.with_name(f".{out.stem}.part{suffix}")
    try:
        if kind == "weekly":
            xlsx.write_weekly_xlsx(content, tmp, title)
        elif suffix == ".xlsx":
            xlsx.write_quarterly_xlsx(chains, tmp, title)
        elif suffix == ".html":
            page.write_html(chains, tmp, title)
        else:
            page.write_pdf(chains, tmp, title)
        os.replace(tmp, out)
    except OSError as exc:
        raise MatcherError(f"{out}：无法写入（{exc.strerror or exc}）") from None
    finally:
        tmp.unlink(missing_ok=True)
    if principal is not None:
        rows = report_rows(content if kind == "weekly" else chains)
        record(store, principal.username, "report", target=out.name, detail=KINDS[kind], n_rows=rows, source=source)
    return out
