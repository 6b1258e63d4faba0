"""Traditional Chinese read as simplified, for matching.

The chain vocabulary is written in simplified characters; a description pasted from a Hong Kong or Taiwan site
("公司主要從事鋰離子動力電池的研發") must be read the same way. data/reference/traditional_chars.tsv lists the
traditional characters no simplified text uses (none of GB 2312) with their simplified form, one to one (built
from OpenCC by data/reference/build_traditional.py), so a text keeps its length and every character offset, and
mainland text is never changed. A matcher leaves out the characters its own vocabulary uses (昇 of 昇腾 is a
standard character outside GB 2312), so a word is always read as it is written. Only the matcher reads texts
this way; what an officer sees stays as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from ..errors import DataFileError
from .settings import REFERENCE_DIR

TRADITIONAL_FILE = REFERENCE_DIR / "traditional_chars.tsv"


@lru_cache(maxsize=4)
def traditional_table(path=TRADITIONAL_FILE) -> dict[int, str]:
    """{code point of a traditional character: its simplified character}, validated: each line is two
    different single characters separated by a tab; lines starting with # are comments."""
    table: dict[int, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, "(文件)", f"无法读取：{exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(len(p) == 1 for p in parts) or parts[0] == parts[1]:
            raise DataFileError(path, f"第 {number} 行", "应为“繁体字<Tab>简体字”，各一个字且不相同")
        table[ord(parts[0])] = parts[1]
    return table


class Simplifier:
    """Reads texts with the characters of `table` ({code point: simplified character}) simplified."""

    def __init__(self, table: dict[int, str]):
        self.table = dict(table)
        chars = "".join(re.escape(chr(c)) for c in sorted(self.table))
        self._finder = re.compile(f"[{chars}]") if chars else None

    @classmethod
    def keeping(cls, words=(), path=TRADITIONAL_FILE) -> Simplifier:
        """The file's table without the characters that `words` use (they are read as written)."""
        used = {ord(ch) for w in words for ch in w}
        return cls({c: s for c, s in traditional_table(path).items() if c not in used})

    def has_any(self, text: str) -> bool:
        return self._finder is not None and self._finder.search(text) is not None

    def text(self, text: str) -> str:
        """text with every character of the table simplified (the same length)."""
        # a mainland text has none: one regex scan finds that, and the translation (a dict lookup per
        # character) runs only where one is found
        return text.translate(self.table) if self.has_any(text) else text

    def columns(self, frame: pd.DataFrame, columns) -> pd.DataFrame:
        """frame with the text `columns` it has read as simplified (the same frame where none holds a
        character of the table)."""
        changed = {}
        for column in dict.fromkeys(columns):
            if column not in frame:
                continue
            values = frame[column]
            texts = values[values.notna()].tolist()
            # one scan of the whole column: a mainland list costs a join and a pass, nothing per text
            if not texts or not self.has_any("\x00".join(t if isinstance(t, str) else str(t) for t in texts)):
                continue
            changed[column] = values.map(lambda t: self.text(t) if isinstance(t, str) else t)
        return frame.assign(**changed) if changed else frame
