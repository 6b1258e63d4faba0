"""`write_report(store, kind, out, chain=…, as_of=…)`: the weekly or quarterly report into a file whose
suffix says the form (.xlsx; the quarterly report also .html / .pdf). The file is written beside the
target and renamed into place, so a failure never leaves half a report."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

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


def weekly_report(store: Store, *, chain=None, as_of: dt.date | None = None) -> WeeklyReport:
    """The weekly 台账's content (every active lead of `chain` — an id, a Chinese name or a list — or of every chain)."""
    return weekly_data(store, as_of or dt.date.today(), _chains(store, chain))


def quarterly_report(store: Store, *, chain=None, as_of: dt.date | None = None) -> list[ChainQuarter]:
    """The quarterly 链长调度会 report's content, one ChainQuarter per chain (`chain`: an id, a Chinese
    name or a list; default every chain in the newest run or with leads)."""
    as_of = as_of or dt.date.today()
    ids = _chains(store, chain) or quarterly_chains(store, as_of)
    return [quarterly_data(store, c, as_of) for c in ids]


def write_report(store: Store, kind: str, out, *, chain=None, as_of: dt.date | None = None) -> Path:
    """Write the `kind` report ("weekly" or "quarterly") to `out` (.xlsx; quarterly also .html / .pdf)."""
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
    content = weekly_report(store, chain=chain, as_of=as_of) if kind == "weekly" else None
    chains = quarterly_report(store, chain=chain, as_of=as_of) if kind == "quarterly" else None
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
    return out
