"""Reading spreadsheets while the program is still starting.

Owns one thing: `prefetch_inputs(paths)` starts a background thread that opens every Excel
workbook among the inputs and parses its worksheets with calamine, which releases the
interpreter lock while it parses, so the parse runs while the command loads pandas, the chain
data and the scorer. `take(path)` hands the reader the opened workbook and its parsed sheets (or
None, and the reader opens the file itself — errors are always reported by the reader, never
here). This module imports nothing heavy, so the CLI can call it before anything else loads.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"  # how every xlsx / xlsm file starts (a zip archive)
_pending: dict[tuple, tuple[threading.Thread, dict]] = {}
_lock = threading.Lock()


def _key(path) -> tuple:
    """The file as it is now: a file rewritten after its prefetch is not taken for the old one."""
    st = os.stat(path)
    return os.path.realpath(path), st.st_mtime_ns, st.st_size


def _parse(key: tuple, out: dict) -> None:
    path = key[0]
    try:
        from python_calamine import CalamineWorkbook

        from .sheetparts import parse_sheet

        wb = CalamineWorkbook.from_path(path)
        kinds = {m.name: str(m.typ) for m in wb.sheets_metadata}
        sheets = {}
        for name in wb.sheet_names:
            if "WorkSheet" in kinds.get(name, "WorkSheet"):
                try:  # a large worksheet parses in parts on every core (matcher.sheetparts)
                    sheets[name] = parse_sheet(wb, path, name)
                except Exception:  # the reader reads this sheet itself and reports the problem
                    pass
        out["result"] = (wb, sheets)
    except Exception:  # unreadable: the reader reports it
        out["result"] = None


def prefetch_inputs(paths) -> None:
    """Start parsing the Excel workbooks among paths in the background (others are ignored)."""
    todo = []
    for p in paths:
        p = Path(p)
        try:
            if p.suffix.lower() not in _SUFFIXES or not p.is_file():
                continue
            with open(p, "rb") as fh:
                if fh.read(4) != ZIP_MAGIC:
                    continue
        except OSError:
            continue
        todo.append(_key(p))
    if not todo:
        return

    results = {k: {} for k in todo}

    def work():
        for k in todo:
            _parse(k, results[k])

    thread = threading.Thread(target=work, name="prefetch", daemon=True)
    with _lock:
        for k in todo:
            _pending[k] = (thread, results[k])
    thread.start()


def take(path):
    """(workbook, {sheet name: parsed sheet}) for a prefetched file, waiting for the parse; None
    when the file was not prefetched or could not be parsed. Each prefetch is handed out once."""
    try:
        key = _key(path)
    except OSError:
        return None
    with _lock:
        entry = _pending.pop(key, None)
    if entry is None:
        return None
    thread, out = entry
    thread.join()
    return out.get("result")
