"""What a spreadsheet cell may hold: the formula-safety rule shared by every writer (CSV, workbook, gap
report).

Every text cell that Excel or WPS would evaluate (starting with `=`, `+`, `-`, `@`, a tab or a carriage
return, or raw rich-text XML, including text from the input files) is written as inert text — a leading
apostrophe, as Excel itself marks text.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Text a spreadsheet would evaluate (=, +, -, @, tab, CR first), or that xlsxwriter would copy
    into the file as raw rich-text XML (`<r>…</r>`), which can smuggle a formula cell in."""
    return isinstance(value, str) and (
        value.startswith(FORMULA_START) or (value.startswith("<r>") and value.endswith("</r>"))
    )


def neutralise(value):
    """Text that a spreadsheet would run as code, made inert by a leading apostrophe-like quote.

    A leading single quote is what Excel itself uses to mark text; spreadsheets show the rest as-is.
    """
    if is_formula_like(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of frame with formula-like strings neutralised in every object column."""
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            mask = col.map(is_formula_like).astype(bool)
            if mask.any():
                out[c] = col.where(~mask, col[mask].map(neutralise))
    return out
