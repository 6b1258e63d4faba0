"""A Chinese company name read as a name: 行政区划 + 字号 + 行业或经营特点 + 组织形式.

Under the enterprise-name registration rules a name is a region (青岛), a 字号 (四方, the brand), the industry
or business character (轨道装备) and the organisational form (有限公司), with an optional branch after the form
(…有限公司南京分公司) and bracketed parts anywhere (联影智融（武汉）医疗科技, …（集团）有限公司). `NameParser`
splits a name into those parts from data: region names (data/reference/admin_divisions_prefecture.csv, with
their short forms, plus the `regions` of data/reference/name_parts.yaml), organisational forms, branch words
and industry words (name_parts.yaml; the matcher adds the chain vocabulary to the industry words). The
industry part is the longest run of industry words at the end of the name before its form; what stands
between the region and the industry part is the 字号 (at least one character when no region precedes it).

The industry part says what a company does and is evidence for matching; the 字号 is a brand and is not
(matcher/engine/match.py). The parts always concatenate back to the name, and parsing never raises on text.
`industry_parts` reads a column once per distinct name.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..distinct import map_distinct
from ..errors import DataFileError
from ..knowledge.chains import read_yaml
from ..knowledge.settings import REFERENCE_DIR

NAME_PARTS_FILE = REFERENCE_DIR / "name_parts.yaml"
DIVISIONS_FILE = REFERENCE_DIR / "admin_divisions_prefecture.csv"
KINDS = ("region", "brand", "industry", "form", "branch", "other")
_LIST_KEYS = ("regions", "forms", "branches", "industry_words")
TERM_LEVELS = ("strong", "weak", "hint")  # how much an industry-part word says about a chain (name_parts.yaml)
_DIVISION_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|盟|省|市)$")
_OPEN, _CLOSE = "（(", "）)"
# a former name in brackets after the name (…有限公司（原…有限公司） / （曾用名：…）): a note, read as no part of the name
_FORMER_RX = re.compile(r"[（(](?:原名|原|曾用名)[:：]?[^（()）]+[）)]\s*$")
_SHORT_FORMS = ("厂",)  # one-character forms (name_parts.yaml lists words of two characters or more)
_MIN_BRAND = 1  # the registration rules ask for two, but a one-character 字号 (甲, 乙 in examples) is read too


@dataclass(frozen=True)
class NameParts:
    """A name as (kind, text) spans in order; the texts concatenate back to the name."""

    spans: tuple[tuple[str, str], ...]
    industry_words: tuple[str, ...] = ()  # the industry part as the words it was read as, in order

    def part(self, kind: str) -> str:
        return "".join(t for k, t in self.spans if k == kind)

    @property
    def region(self) -> str:
        return self.part("region")

    @property
    def brand(self) -> str:
        return self.part("brand")

    @property
    def industry(self) -> str:
        return self.part("industry")

    @property
    def form(self) -> str:
        return self.part("form")

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.spans)


def _word_list(data: dict, key: str, path) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise DataFileError(path, key, "应为非空的词语列表")
    out = []
    for i, w in enumerate(value):
        if not isinstance(w, str) or len(w.strip()) < 2:
            raise DataFileError(path, f"{key}[{i}]", "应为至少两个字符的文本")
        out.append(w.strip())
    return tuple(dict.fromkeys(out))


def read_name_parts(path=None) -> dict:
    """name_parts.yaml read and validated: the word lists of _LIST_KEYS, the optional `trade_words` and
    `service_endings`, and the raw `chain_terms` list (checked against the chains by the matcher). A bad file raises
    DataFileError naming file and field."""
    path = Path(path) if path else NAME_PARTS_FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "(文件)", "顶层应为键值映射（forms、industry_words ……）")
    known = (*_LIST_KEYS, "trade_words", "service_endings", "chain_terms")
    unknown = sorted(set(map(str, data)) - set(known))
    if unknown:
        raise DataFileError(path, unknown[0], f"未知字段（可用：{'、'.join(known)}）")
    out = {k: _word_list(data, k, path) for k in _LIST_KEYS}
    for key in ("trade_words", "service_endings"):
        out[key] = _word_list(data, key, path) if data.get(key) is not None else ()
    terms = data.get("chain_terms", [])
    if not isinstance(terms, list):
        raise DataFileError(path, "chain_terms", "应为列表（每项含 chain、segment、strong、weak、hint）")
    checked = []
    for i, t in enumerate(terms):
        where = f"chain_terms[{i}]"
        if not isinstance(t, dict) or set(t) - {"chain", "segment", *TERM_LEVELS}:
            raise DataFileError(path, where, "应为含 chain、segment、strong、weak、hint 的映射")
        for key in ("chain", "segment"):
            if not isinstance(t.get(key), str) or not t[key]:
                raise DataFileError(path, f"{where}.{key}", "应为产业链或环节编号")
        lists = {}
        for key in TERM_LEVELS:
            words = t.get(key) or []
            if not isinstance(words, list) or not all(isinstance(w, str) and len(w.strip()) >= 2 for w in words):
                raise DataFileError(path, f"{where}.{key}", "应为至少两个字符的词语列表")
            lists[key] = tuple(w.strip() for w in words)
        checked.append({"chain": t["chain"], "segment": t["segment"], **lists})
    out["chain_terms"] = tuple(checked)
    return out


@lru_cache(maxsize=1)
def name_parts_data() -> dict:
    """The shipped name_parts.yaml, read once."""
    return read_name_parts()


@lru_cache(maxsize=1)
def division_names() -> tuple[str, ...]:
    """Province and prefecture names (data/reference/admin_divisions_prefecture.csv) and their short forms
    (江苏省 -> 江苏, 南京市 -> 南京, 广西壮族自治区 -> 广西)."""
    names = set()
    try:
        with open(DIVISIONS_FILE, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                n = (row.get("name") or "").strip()
                if not n:
                    continue
                names.add(n)
                short = _DIVISION_SUFFIX.sub("", n)
                if len(short) >= 2:
                    names.add(short)
    except OSError as e:
        raise DataFileError(DIVISIONS_FILE, "(文件)", f"无法读取：{e.strerror or e}") from None
    return tuple(sorted(names))


def _lengths(words) -> tuple[int, ...]:
    return tuple(sorted({len(w) for w in words}, reverse=True))


class NameParser:
    """Splits company names into region, 字号, industry part, form and branch (see the module docstring)."""

    def __init__(self, regions=(), forms=(), branches=(), industry_words=()):
        self.regions = frozenset(regions)
        self.forms = tuple(sorted(set(forms), key=len, reverse=True))
        self.branches = tuple(sorted(set(branches), key=len, reverse=True))
        self.industry = frozenset(w for w in industry_words if len(w) >= 2)
        self._region_lengths = _lengths(self.regions)
        self._industry_lengths = _lengths(self.industry)
        # a name whose next character starts no region (ends no industry word) needs no lookups there
        self._region_first = frozenset(w[0] for w in self.regions)
        self._industry_last = frozenset(w[-1] for w in self.industry)

    @classmethod
    def from_data(cls, extra_industry_words=()) -> NameParser:
        """The parser of the shipped data, with `extra_industry_words` (the chain vocabulary) as well."""
        d = name_parts_data()
        return cls(
            regions=division_names() + d["regions"],
            forms=d["forms"],
            branches=d["branches"],
            industry_words=d["industry_words"] + tuple(extra_industry_words),
        )

    # ----------------------------------------------------------------------------------------
    def parse(self, name) -> NameParts:
        """The parts of one name (see NameParts); never raises on text, an empty name has no spans."""
        if name is None or (isinstance(name, float) and pd.isna(name)):
            return NameParts(())
        s = str(name)
        former = _FORMER_RX.search(s)
        note = ""
        if former is not None and former.start() > 0:  # 宁波甲乙新能源汽车有限公司（原宁波甲乙汽车零部件有限公司）
            s, note = s[: former.start()], s[former.start() :]
        end, branch = self._branch(s)
        end, form = self._form(s, end)
        middle = self._middle(s[:end])
        spans = (*middle[0], ("form", form), ("branch", branch), ("other", note))
        return NameParts(tuple((k, t) for k, t in spans if t), middle[1])

    def _branch(self, s: str) -> tuple[int, str]:
        """(end of the name before a branch part, the branch part: 南京分公司)."""
        for b in self.branches:
            if s.endswith(b) and len(s) > len(b):
                head = s[: -len(b)]
                cut = max(head.rfind("公司"), head.rfind("集团"), head.rfind("厂"))
                if cut > 0:
                    at = cut + (1 if head[cut] == "厂" else 2)
                    return at, s[at:]
                break
        return len(s), ""

    def _form(self, s: str, end: int) -> tuple[int, str]:
        """(end of the name before its organisational form, the form with a bracketed part just before it:
        （集团）有限公司)."""
        for f in self.forms:
            if s.endswith(f, 0, end) and end - len(f) >= 1:
                start = end - len(f)
                if start > 0 and s[start - 1] in _CLOSE:  # …（集团）有限公司
                    opening = max(s.rfind("（", 0, start - 1), s.rfind("(", 0, start - 1))
                    inner = s[opening + 1 : start - 1] if opening >= 0 else ""
                    if opening > 0 and inner in ("集团", "控股", "股份"):
                        start = opening
                return start, s[start:end]
        for f in _SHORT_FORMS:  # 永昶开关厂: a factory's one-character form, after every listed one
            if s.endswith(f, 0, end) and end - len(f) >= 2:
                return end - len(f), f
        return end, ""

    def _middle(self, m: str) -> tuple[list, tuple]:
        """Spans of what stands before the form: bracketed parts, the region, the 字号 and the industry part."""
        pieces = []  # (is_bracket, text)
        depth, start = 0, 0
        bracketed = any(b in m for b in _OPEN + _CLOSE)
        for i, ch in enumerate(m if bracketed else ""):  # most names have no bracket: one piece
            if ch in _OPEN:
                if depth == 0 and i > start:
                    pieces.append((False, m[start:i]))
                    start = i
                depth += 1
            elif ch in _CLOSE and depth:
                depth -= 1
                if depth == 0:
                    pieces.append((True, m[start : i + 1]))
                    start = i + 1
        if start < len(m):
            pieces.append((depth > 0, m[start:]))  # an unclosed bracket runs to the end
        # the region: region names at the start of the first text piece
        region, first = "", 0
        while first < len(pieces) and pieces[first][0]:
            first += 1
        if first < len(pieces):
            text = pieces[first][1]
            cut = self._region_prefix(text)
            if cut:
                region = text[:cut]
                pieces[first] = (False, text[cut:])
        # the industry part: industry words at the end of the last text pieces (trailing brackets skipped)
        room = sum(len(t) for b, t in pieces if not b) - (0 if region else _MIN_BRAND)
        words: list[str] = []
        industry_at: dict[int, int] = {}  # piece index -> where its industry part starts
        for k in range(len(pieces) - 1, -1, -1):
            is_bracket, text = pieces[k]
            if is_bracket:
                if words:
                    break  # the industry part does not run across a bracket
                continue
            cut, found = self._industry_suffix(text, room)
            if found:
                words[:0] = found
                industry_at[k] = cut
                room -= len(text) - cut
            if cut > 0 or not found:
                break
        spans = [("region", region)] if region else []
        for k, (is_bracket, text) in enumerate(pieces):
            if is_bracket:
                inner = text[1:-1] if text[-1:] in _CLOSE else text[1:]
                spans.append(("region" if inner in self.regions else "other", text))
            elif k in industry_at:
                spans += [("brand", text[: industry_at[k]]), ("industry", text[industry_at[k] :])]
            else:
                spans.append(("brand", text))
        return [(kind, t) for kind, t in spans if t], tuple(words)

    def _region_prefix(self, text: str) -> int:
        """How many leading characters are region names (江苏省南京市 -> 6), leaving two characters."""
        ends = self.region_ends(text)
        return ends[-1] if ends else 0

    def region_ends(self, text: str) -> tuple[int, ...]:
        """Where each leading region name ends (江苏省南京市北方物流 -> (3, 6)): at most three, leaving two characters."""
        at, ends = 0, []
        for _ in range(3):
            if at >= len(text) or text[at] not in self._region_first:
                break
            for n in self._region_lengths:
                if len(text) - at - n >= _MIN_BRAND and text[at : at + n] in self.regions:
                    at += n
                    ends.append(at)
                    break
            else:
                break
        return tuple(ends)

    def _industry_suffix(self, text: str, room: int) -> tuple[int, list]:
        """(where the run of industry words ending `text` starts, the words): the longest run of at most
        `room` characters, in the fewest words where several reach as far (人工智能 + 科技, not 智能科技
        leaving 人工 to the 字号)."""
        end = len(text)
        reach = {end: []}  # start of a run ending the text -> its words
        for q in range(end, 0, -1):  # every way to reach q comes from a larger position
            if q not in reach or text[q - 1] not in self._industry_last:
                continue
            for n in self._industry_lengths:
                p = q - n
                if p >= 0 and end - p <= room and text[p:q] in self.industry:
                    words = [text[p:q], *reach[q]]
                    if p not in reach or len(words) < len(reach[p]):
                        reach[p] = words
        start = min(reach)
        return start, reach[start]


@lru_cache(maxsize=1)
def default_parser() -> NameParser:
    """The parser of the shipped name_parts.yaml (without the chain vocabulary)."""
    return NameParser.from_data()


def parse_name(name, parser: NameParser | None = None) -> NameParts:
    """The parts of one company name (default parser: the shipped data)."""
    return (parser or default_parser()).parse(name)


def industry_parts(names: pd.Series, parser: NameParser | None = None) -> pd.Series:
    """The industry part of every name ('' when a name has none, None when missing), once per distinct name."""
    parser = parser or default_parser()
    return map_distinct(names, lambda n: None if n is None else parser.parse(n).industry)
