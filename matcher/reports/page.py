"""The quarterly 链长调度会 report as a printable page: HTML with print CSS, one A4 page per chain, and
the same page as PDF (WeasyPrint, with the system's Noto CJK fonts). Long lists are cut to the rows a
page holds, with a line saying how many more the workbook has."""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from ..errors import MatcherError
from ..knowledge.chains import STATUS_COLOURS
from .data import ChainQuarter
from .sections import COLOUR_FILLS, heading, key_figures, quarter_sections

CSS = """
@page { size: A4 portrait; margin: 11mm 12mm 12mm 12mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 8pt; color: #666; } }
html { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; font-size: 8pt; line-height: 1.25; color: #222; }
body { margin: 0; }
section.chain { page-break-after: always; break-after: page; }
section.chain:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 13pt; margin: 0 0 0.8mm 0; }
p.sub { margin: 0 0 1mm 0; color: #555; }
p.figures { margin: 0 0 1mm 0; padding: 0.8mm 2mm; background: #F2F6FB; border-left: 2px solid #2F5597; }
h2 { font-size: 9pt; margin: 1.6mm 0 0.5mm 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #BFBFBF; padding: 0.2mm 1mm; text-align: left; vertical-align: top;
  white-space: nowrap; }
th { background: #DDEBF7; font-weight: bold; }
td.num { text-align: right; }
table.halves, table.halves > tbody > tr > td { border: none; padding: 0; }
table.halves > tbody > tr > td { width: 50%; }
table.halves > tbody > tr > td:first-child { padding-right: 1.5mm; }
p.more, p.empty { margin: 0.3mm 0 0 0; color: #777; font-style: italic; }
@media screen { body { max-width: 200mm; margin: 8mm auto; } section.chain { border-bottom: 1px dashed #999;
  padding-bottom: 6mm; margin-bottom: 6mm; } }
"""


SIDE_BY_SIDE = 8  # a gap map longer than this prints in two columns
CELL_CHARS = 26  # longer text is cut on the printed page (one line per row); the workbook has it whole


def _cell(value) -> tuple[str, bool]:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "", False
    if isinstance(value, bool):
        return ("是" if value else ""), False
    if isinstance(value, int):
        return f"{value:,}", True
    if isinstance(value, float):
        return (f"{value:,.1f}" if value % 1 else f"{value:,.0f}"), True
    text = str(value)
    if len(text) > CELL_CHARS:
        text = text[: CELL_CHARS - 1] + "…"
    return html.escape(text), False


def _style(text: str) -> str:
    colours = COLOUR_FILLS.get(text) or (
        (STATUS_COLOURS[text].fill, STATUS_COLOURS[text].text) if text in STATUS_COLOURS else None
    )
    return f' style="background:{colours[0]};color:{colours[1]}"' if colours else ""


def _table(frame: pd.DataFrame, colour_columns=()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    colour_at = {j for j, c in enumerate(frame.columns) if c in colour_columns}
    body = []
    for values in frame.itertuples(index=False):
        cells = []
        for j, v in enumerate(values):
            text, numeric = _cell(v)
            style = _style(text) if j in colour_at else ""
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}{style}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _stage_row(frame: pd.DataFrame) -> str:
    """The leads-by-stage table turned on its side: one column per stage (fits one line)."""
    head = "<th></th>" + "".join(f"<th>{html.escape(s)}</th>" for s in frame["跟进阶段"])
    counts = "<td>线索数</td>" + "".join(f'<td class="num">{_cell(int(v))[0]}</td>' for v in frame["线索数"])
    amounts = "<td>预计投资额（万元）</td>" + "".join(
        f'<td class="num">{_cell(v)[0]}</td>' for v in frame["预计投资额（万元）"]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody><tr>{counts}</tr><tr>{amounts}</tr></tbody></table>"


def chain_page(q: ChainQuarter) -> str:
    """One chain's report as an HTML <section> (one printed page)."""
    title, sub = heading(q)
    parts = [
        '<section class="chain">',
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="sub">{html.escape(sub)}</p>',
        f'<p class="figures">{html.escape(key_figures(q))}</p>',
    ]
    for s in quarter_sections(q):
        parts.append(f"<h2>{html.escape(s.title)}</h2>")
        if s.table.empty:
            parts.append(f'<p class="empty">{html.escape(s.empty)}</p>')
            continue
        if "线索数" in s.table.columns:
            parts.append(_stage_row(s.table))
            continue
        shown = s.table if s.limit is None else s.table.head(s.limit)
        if "位置" in shown.columns and len(shown) > SIDE_BY_SIDE:  # a long gap map: two halves side by side
            half = (len(shown) + 1) // 2
            left, right = _table(shown.iloc[:half], s.colour_columns), _table(shown.iloc[half:], s.colour_columns)
            parts.append(f'<table class="halves"><tr><td>{left}</td><td>{right}</td></tr></table>')
            continue
        parts.append(_table(shown, s.colour_columns))
        if len(shown) < len(s.table):
            parts.append(f'<p class="more">另有 {len(s.table) - len(shown)} 条，见季度报告工作簿。</p>')
    parts.append("</section>")
    return "\n".join(parts)


def quarterly_html(chains: list[ChainQuarter], title: str) -> str:
    """The printable report: one page per chain."""
    body = "\n".join(chain_page(q) for q in chains)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def write_html(chains: list[ChainQuarter], out: Path, title: str) -> Path:
    out.write_text(quarterly_html(chains, title), encoding="utf-8")
    return out


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Pango / HarfBuzz system libraries are missing
        return False
    return True


def write_pdf(chains: list[ChainQuarter], out: Path, title: str) -> Path:
    """The printable report as PDF (WeasyPrint); a clear message when it cannot be made here."""
    try:
        import weasyprint
    except (ImportError, OSError):
        raise MatcherError("本机无法生成 PDF（缺少 WeasyPrint 或其系统库）；请改为输出 .html，用浏览器打印") from None
    weasyprint.HTML(string=quarterly_html(chains, title)).write_pdf(str(out))
    return out
