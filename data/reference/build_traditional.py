"""Build traditional_chars.tsv: traditional Chinese characters and their simplified forms, one pair a line.

A description pasted from a Hong Kong or Taiwan site ("公司主要從事鋰離子動力電池的研發") must be read as the chain
vocabulary is written (simplified). The table is OpenCC's character conversion (t2s, Apache-2.0,
https://github.com/BYVoid/OpenCC), kept to the characters no simplified text uses: a character of GB 2312
(the simplified standard set: 著, 乾, 于 …) is never converted, since mainland text uses it as it is; only
one-to-one conversions into a GB 2312 character are kept (rare characters whose simplified form is rare too
are left as they are), so a text keeps its length and every offset.

    pip install opencc==1.4.2    # only to rebuild; the engine reads the table, not OpenCC
    python data/reference/build_traditional.py
"""

from __future__ import annotations

from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parent / "traditional_chars.tsv"
HEADER = (
    "# traditional -> simplified, one character each (built by build_traditional.py from OpenCC t2s; "
    "GB 2312 characters are never converted, only those into one)\n"
)


def in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def pairs() -> list[tuple[str, str]]:
    t2s = opencc.OpenCC("t2s")
    out = []
    for cp in list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)) + list(range(0xF900, 0xFB00)):
        ch = chr(cp)
        if in_gb2312(ch):
            continue
        s = t2s.convert(ch)
        if len(s) == 1 and s != ch and in_gb2312(s):
            out.append((ch, s))
    return out


def main() -> None:
    rows = pairs()
    OUT.write_text(HEADER + "".join(f"{t}\t{s}\n" for t, s in rows), encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} characters)")


if __name__ == "__main__":
    main()
