"""The unit every reader produces and every later stage consumes: one sheet (or CSV) as read.

A leaf of the ingest layer, so the reader, the normaliser and the session helpers can share it without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class RawTable:
    """One sheet (or CSV) as read: original columns, canonical mapping, row provenance."""

    path: str
    sheet: str | None
    header_row: int | None  # 1-based row number of the header as Excel shows it; None = no header
    frame: pd.DataFrame  # original columns (unique headers), values as read
    mapping: dict[str, str]  # original header -> canonical field
    source_rows: list[int]  # Excel row number for every frame row
    notes: list[str] = field(default_factory=list)
    blank_rows: int = 0  # rows below the header with nothing in them (skipped, not data rows)
    format: str = ""  # what the content turned out to be: xlsx, xls, csv (gb18030), html ...

    @property
    def label(self) -> str:
        name = Path(self.path).name
        return f"{name}#{self.sheet}" if self.sheet else name
