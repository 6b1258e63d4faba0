"""The officer workbook read back into the 台账: its 跟进状态 / 负责人 / 备注 columns become leads.

`import_workbook(store, path, by)` reads every chain sheet of a workbook written by `matcher score …
-o X.xlsx` (the sheet names the chain, the 环节 column the segment) and, per row:

- a company × chain that has a lead: a 跟进状态 / 负责人 / 备注 that differs from the lead changes it
  (history source “workbook”); an empty cell changes nothing (clear a value in the app or the CLI);
- no lead yet and a 跟进状态 filled in: a new lead at that stage with the row's 负责人 and 备注;
- no lead and no 跟进状态: skipped.

跟进状态 may be a stage or one of its aliases (data/leads/stages.yaml: 已联系 → 已接洽, 已拜访 → 已考察 …).
Companies are found by credit code, else normalised name, among those the 台账 holds (record the run
with `matcher score … --save` first). All-or-nothing: a row that cannot be used (unknown stage,
company not in the 台账, a segment the chain does not have, a filled row on a sheet without a chain)
is reported with its reason and nothing is written, unless `partial=True`; the writes themselves are
one transaction. The result says, in Chinese, what changed and what was rejected and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import or_, select

from ..errors import InputFileError, MatcherError
from ..knowledge.chains import load_chains
from ..outputs.cells import is_formula_like
from ..outputs.workbook import FIXED_SHEETS, OFFICER_COLUMNS
from . import schema as S
from .db import Store, serialize, writing
from .leads import FIELD_LABELS, _shown, clean_changes, create_lead, update_lead
from .runs import company_keys, now

STATUS_COL, OWNER_COL, NOTES_COL = OFFICER_COLUMNS
NAME_COL, CODE_COL, SEGMENT_COL = "企业名称", "统一社会信用代码", "环节"
HEADER_SCAN = 5  # the header is in the first rows of a sheet
REPORT_COLUMNS = ["sheet", "row", "company_name", "chain_name", "action", "lead_id", "changes", "reason"]
ACTIONS = {
    "created": "新建线索",
    "updated": "更新线索",
    "unchanged": "无变化",
    "skipped": "跳过",
    "rejected": "未导入",
    "held": "未写入",  # usable, but not written because other rows were rejected
}


@dataclass
class WorkbookImport:
    """What `import_workbook` did: one report row per filled-in workbook row (REPORT_COLUMNS; `action`
    created / updated / unchanged / rejected, `changes` and `reason` in Chinese), and whether the
    changes were written. `action`: created / updated / unchanged / skipped / rejected / held (usable
    but not written because other rows were rejected)."""

    path: str
    rows: pd.DataFrame
    applied: bool

    def count(self, action: str) -> int:
        return int((self.rows["action"] == action).sum()) if len(self.rows) else 0

    @property
    def rejected(self) -> pd.DataFrame:
        return self.rows[self.rows["action"] == "rejected"].reset_index(drop=True)

    def summary(self) -> str:
        head = f"{Path(self.path).name}："
        counts = (
            f"新建线索 {self.count('created')}，更新线索 {self.count('updated')}，无变化 {self.count('unchanged')}，"
            f"未导入 {self.count('rejected')}"
        )
        if not self.applied and self.count("rejected"):
            return (
                f"{head}未导入 {self.count('rejected')} 行，可导入 {self.count('held')} 行；"
                "因有无法导入的行，未做任何修改（改正后重新导入）"
            )
        return head + counts

    def lines(self) -> list[str]:
        """One Chinese line per created, updated or rejected row (for printing)."""
        out = []
        for r in self.rows.itertuples():
            if r.action in ("created", "updated"):
                out.append(f"{ACTIONS[r.action]}：{r.sheet} 第 {r.row} 行 {r.company_name}：{r.changes}")
            elif r.action == "rejected":
                out.append(f"未导入：{r.sheet} 第 {r.row} 行 {r.company_name or ''}：{r.reason}")
        return out


def _plain(value):
    """A cell's text: empty as None, the inert-text quote the workbook writer added removed."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and is_formula_like(text[1:]):
        text = text[1:]
    return text or None


def _sheets(path: Path) -> dict[str, list[list]]:
    if not path.is_file():
        raise InputFileError(path, "文件不存在")
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    except Exception as exc:  # a corrupt or non-workbook file: one clear line
        raise InputFileError(
            path, f"无法读取工作簿（{type(exc).__name__}）：请给出 matcher score 输出的 .xlsx 招商工作簿"
        ) from None


def _header(grid: list[list]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(grid[:HEADER_SCAN]):
        names = [_plain(v) for v in row]
        if NAME_COL in names and STATUS_COL in names:
            return i, {n: j for j, n in enumerate(names) if n}
    return None


def _rows(path: Path, chains) -> list[dict]:
    """Every workbook row with something in 跟进状态 / 负责人 / 备注: sheet, Excel row, chain, facts, values."""
    by_name = {c.name: c for c in chains.values()}
    out = []
    for sheet, grid in _sheets(path).items():
        found = _header(grid)
        if found is None:
            continue
        head, cols = found
        chain = by_name.get(sheet)
        for i in range(head + 1, len(grid)):
            cells = grid[i]

            def cell(name, cells=cells, cols=cols):
                j = cols.get(name)
                return _plain(cells[j]) if j is not None and j < len(cells) else None

            values = {STATUS_COL: cell(STATUS_COL), OWNER_COL: cell(OWNER_COL), NOTES_COL: cell(NOTES_COL)}
            name = cell(NAME_COL)
            if not any(values.values()) or (name is None and not values[STATUS_COL]):
                continue
            out.append(
                {
                    "sheet": sheet,
                    "row": i + 1,
                    "chain": chain,
                    "known_sheet": sheet in FIXED_SHEETS,
                    "company_name": name,
                    "credit_code": cell(CODE_COL),
                    "segment": cell(SEGMENT_COL),
                    **values,
                }
            )
    return out


def _companies(conn, rows: list[dict]) -> list[int | None]:
    """The 台账's company id of each row (credit code, else normalised name), None when unknown."""
    codes, keys = company_keys([r["company_name"] or "" for r in rows], [r["credit_code"] for r in rows])
    want_codes = sorted({c for c in codes if c is not None})
    want_keys = sorted({k for k in keys if k is not None})
    by_code, by_name = {}, {}
    step = 500
    for start in range(0, max(len(want_codes), len(want_keys)), step):
        part_c, part_k = want_codes[start : start + step], want_keys[start : start + step]
        stmt = select(S.companies.c.id, S.companies.c.credit_code, S.companies.c.name_key).where(
            or_(S.companies.c.credit_code.in_(part_c), S.companies.c.name_key.in_(part_k))
        )
        for cid, code, key in conn.execute(stmt):
            if code is not None:
                by_code[code] = cid
            by_name.setdefault(key, cid)
    return [by_code.get(c) if c is not None and c in by_code else by_name.get(k) for c, k in zip(codes, keys)]


def import_workbook(
    store: Store, path, by: str, *, partial: bool = False, at: dt.datetime | None = None, chains=None
) -> WorkbookImport:
    """Read an officer workbook's 跟进状态 / 负责人 / 备注 back into leads (see the module docstring).
    `by`: who imports it (kept in the history, source “workbook”); `partial`: write the usable rows even
    when others are rejected; `at`: the moment of the changes (default now)."""
    path = Path(path)
    if not by or not str(by).strip():
        raise MatcherError("导入工作簿需要说明由谁导入（--by 姓名）")
    chains = chains if chains is not None else load_chains()
    at = at or now()
    rows = _rows(path, chains)
    report = []
    with writing(store) as conn:
        serialize(conn, "leads")  # before reading which leads exist
        ids = _companies(conn, rows) if rows else []
        leads = {}
        if any(i is not None for i in ids):
            known = sorted({i for i in ids if i is not None})
            for start in range(0, len(known), 500):
                stmt = select(S.leads).where(S.leads.c.company_id.in_(known[start : start + 500]))
                for lead in conn.execute(stmt).mappings():
                    leads.setdefault((lead["company_id"], lead["chain_id"]), dict(lead))
        seen, plan = set(), []
        for r, company_id in zip(rows, ids):
            entry = {
                "sheet": r["sheet"],
                "row": r["row"],
                "company_name": r["company_name"],
                "chain_name": r["chain"].name if r["chain"] else None,
                "lead_id": None,
                "changes": None,
                "reason": None,
            }

            def reject(reason, entry=entry):
                report.append({**entry, "action": "rejected", "reason": reason})

            if r["chain"] is None:
                reject(f"工作表“{r['sheet']}”不是产业链工作表：未入链企业不能建立线索")
                continue
            if r["company_name"] is None:
                reject("没有企业名称")
                continue
            if company_id is None:
                reject("台账中没有这家企业（先用 matcher score … --save 记录这次评分）")
                continue
            key = (company_id, r["chain"].id)
            if key in seen:
                reject("同一企业在本产业链重复出现，只导入第一行")
                continue
            seen.add(key)
            changes = {}
            try:
                if r[STATUS_COL]:
                    changes["stage"] = r[STATUS_COL]
                if r[OWNER_COL]:
                    changes["owner"] = r[OWNER_COL]
                if r[NOTES_COL]:
                    changes["notes"] = r[NOTES_COL]
                values = clean_changes(store, changes)
            except MatcherError as exc:
                reject(str(exc))
                continue
            lead = leads.get(key)
            if lead is None:
                if "stage" not in values:
                    report.append({**entry, "action": "skipped", "reason": "未填跟进状态，不建立线索"})
                    continue
                segment = next((s for s in r["chain"].segments if s.name == r["segment"] or s.id == r["segment"]), None)
                if segment is None:
                    reject(f"环节“{r['segment'] or ''}”不是产业链“{r['chain'].name}”的环节")
                    continue
                plan.append(("create", entry, company_id, r["chain"], segment, values))
                continue
            diff = {k: v for k, v in values.items() if v != lead[k]}
            entry["lead_id"] = lead["id"]
            if not diff:
                report.append({**entry, "action": "unchanged"})
                continue
            plan.append(("update", entry, lead, None, None, diff))
        if report and any(e["action"] == "rejected" for e in report) and not partial:
            for _kind, entry, *_ in plan:
                report.append({**entry, "action": "held", "reason": "因其他行无法导入，本行未写入"})
            return _result(path, report, applied=False)
        for kind, entry, target, chain, segment, values in plan:
            described = "；".join(f"{FIELD_LABELS[k]}：{_describe(target, k, v, kind)}" for k, v in values.items())
            if kind == "create":
                lead_id = create_lead(
                    store,
                    target,
                    chain.id,
                    segment.id,
                    chain_name=chain.name,
                    segment_name=segment.name,
                    by=by,
                    source="workbook",
                    at=at,
                    conn=conn,
                    **values,
                )
                report.append({**entry, "action": "created", "lead_id": lead_id, "changes": described})
            else:
                update_lead(
                    store, target["id"], target["version"], by=by, source="workbook", at=at, conn=conn, **values
                )
                report.append({**entry, "action": "updated", "changes": described})
    return _result(path, report, applied=True)


def _describe(lead, field: str, value, kind: str) -> str:
    new = _shown(value)
    if kind == "create":
        return new
    old = _shown(lead[field])
    return f"{old or '（空）'} → {new}"


def _result(path: Path, report: list[dict], applied: bool) -> WorkbookImport:
    frame = pd.DataFrame(report, columns=REPORT_COLUMNS)
    if len(frame):
        frame = frame.sort_values(["sheet", "row"], kind="stable").reset_index(drop=True)
    return WorkbookImport(str(path), frame, applied)
