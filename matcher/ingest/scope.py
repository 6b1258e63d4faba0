"""A registered business scope (经营范围) read as a scope: its items, without the boilerplate, with codes.

A scope is written from the registration catalogue's standard wordings: items separated by ；;。 (older
scopes also by 、), section headers (许可项目： / 一般项目：), approval notes (（依法须经批准的项目，经相关
部门批准后方可开展经营活动）, 除依法须经批准的项目外…) and items nearly every company registers (技术服务、
技术开发…, 货物进出口, 房屋租赁). `parse_scope` splits a scope into items, drops that boilerplate — listed as
data in `data/reference/scope_boilerplate.yaml`, validated on load — marks the first kept items of each
section (the whole scope, or 许可项目 and 一般项目 each) as the main business and maps every item that is a
GB/T 4754-2017 小类 name (锂离子电池制造, 集成电路设计, 变压器、整流器和电感器制造 — with or without a trailing
及销售) to its code.

Every item is a substring of the scope it came from (`ScopeItem.start` is its offset). `parse_scopes` and
`scope_columns` parse a column once per distinct text, as long lists repeat their scopes.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs
import numpy as np
import pandas as pd

from ..distinct import map_distinct
from ..errors import DataFileError
from ..knowledge.chains import industry_codes, read_yaml
from ..knowledge.settings import REFERENCE_DIR
from ..knowledge.words import venue_words

BOILERPLATE_FILE = REFERENCE_DIR / "scope_boilerplate.yaml"
ITEM_JOIN = "；"  # joins items in the text columns of scope_columns
_LIST_KEYS = ("headers", "notes", "generic_items", "generic_contains", "activities")
# may be absent (an older or an officer's file)
_OPTIONAL_LISTS = (
    "light_items",
    "trade_activities",
    "making_activities",
    "maker_activities",
    "service_items",
    "operated_activities",
)
_OPTIONAL_MAPS = ("name_endings", "object_aliases")  # may be absent too
_LIGHT_RUN_KEYS = ("light_fields", "light_run")  # optional, together: see light_run_items
_TRADE_CODES = "trade_codes"  # optional: 大类 / 中类 of trade and services (see scope_boilerplate.yaml)
_OPEN, _CLOSE = "（([【", "）)]】"
_TRIM = " \t\u3000，,、：:；;。.·*-—"
_SPAN_CACHE_SIZE = 200_000
_UNCLOSED = re.compile(r"[（(\[【][^）)\]】]*$")
_ENUMERATOR = re.compile(r"(?:[（(]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)、.．]|[①-⑳])\s*")
# what a bracket after an item qualifies it with, as registrations word it (（不含危险化学品）, （除依法须经批准…）, （仅销售预包装
# 食品）, （限分支机构经营）, （凭许可证经营）, （象牙及其制品除外）): any other bracket names the item's product
# (电子专用材料制造（半导体用高纯湿电子化学品）) and is read with the item as main business (main_spans)
_QUALIFICATION_RX = re.compile("[不除仅限凭须需非含外按]|依法|许可|审批|国家|法律|具体|经营|涉及|取得|预包装")
_PRODUCT_BRACKET_LONGEST = 40
_BRACKET_STOPS = frozenset(_OPEN + "；;。\n\r：:")  # no nested bracket, no cut or header inside a product bracket


@dataclass(frozen=True)
class ScopeItem:
    """One kept item of a scope: its text (a substring of the scope at `start`), whether it is among the
    first items (the main business) and the GB/T 4754 小类 code it names, if any."""

    text: str
    start: int
    main: bool
    code: str | None = None


@dataclass(frozen=True)
class ParsedScope:
    items: tuple[ScopeItem, ...]  # kept, in order
    dropped: tuple[str, ...] = ()  # boilerplate items removed (headers and bracketed notes not listed)

    @property
    def codes(self) -> tuple[str, ...]:
        """Distinct industry codes named by the items, in order."""
        return tuple(dict.fromkeys(i.code for i in self.items if i.code))


EMPTY = ParsedScope(())


@dataclass(frozen=True)
class Boilerplate:
    """The rules of scope_boilerplate.yaml, compiled."""

    headers: tuple[str, ...]
    notes: tuple[str, ...]
    generic_items: frozenset
    generic_contains: tuple[str, ...]
    activities: tuple[str, ...]
    main_items: int
    light_items: frozenset  # kept items every kind of company registers (人工智能应用软件开发): light evidence
    light_groups: tuple  # (field word, its light items) of light_fields: see light_run_items
    light_run: int  # how many distinct light items of one field make a run (0: none do)
    trade_activities: tuple[str, ...]  # activities of trade (销售, 批发 …): see trade_spans
    making_activities: tuple[str, ...]  # activities of making (制造, 研发 …): an item with one does not only trade
    maker_activities: tuple[str, ...]  # activities that make the named product (制造, 研发; not 加工): see match.py
    service_items: frozenset  # generic items that register a service business (物业管理): see scope_serves_only
    operated_activities: tuple[str, ...]  # a strong keyword ending in one names an operated business (地铁运营)
    trade_codes: tuple[str, ...]  # 国标行业 大类 / 中类 of trade, repair, services …: see SegmentMatcher._trade_coded
    trade_rx: TradeReader | None  # see trade_byte_spans
    making_rx: re.Pattern | None  # a making activity an item names as its own: see names_making
    trade_led: tuple | None  # an old-style item led by its trade (销售：钢轨、道岔): (text pattern, byte pattern)
    venues: tuple[str, ...]  # a park, fair or fund (产业园, 博览会, 基金: verticals.yaml venues): see item_codes
    name_endings: dict  # ending of a 小类 name (制造, 设计 …) -> the item activities that mean it (生产, 研发 …)
    object_aliases: dict  # an object as registered items name it (集成电路芯片) -> as 小类 names do (集成电路)
    cuts: re.Pattern  # separators, bracketed notes and headers: where items end
    splitter: re.Pattern  # the cuts in one capturing group, for re.split
    header: re.Pattern  # a cut that is a section header: the main items are counted again after it
    note: re.Pattern  # a note phrase outside brackets
    bare: re.Pattern  # a part that is nothing but activities (制造、修理及销售)
    ends_active: re.Pattern  # a part that ends with an activity
    activity_tail: re.Pattern  # what may follow an industry name in an item (及销售, 、研发与销售)
    activity_head: re.Pattern  # activities an old-style item starts with (生产…, 销售…)
    activity_word: re.Pattern  # one activity word
    span_cache: dict = field(default_factory=dict, compare=False, repr=False)  # see _span_items
    code_cache: dict = field(default_factory=dict, compare=False, repr=False)  # see item_codes


def alternation(words) -> str:
    """A regex alternation of the words, longest first (so a longer word wins where a shorter one starts it)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


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


def load_boilerplate(path=None) -> Boilerplate:
    """Read and validate a boilerplate file (default: data/reference/scope_boilerplate.yaml); a bad file
    raises DataFileError naming the file and the field."""
    path = Path(path) if path else BOILERPLATE_FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "(文件)", "顶层应为键值映射（headers、notes ……）")
    known = (*_LIST_KEYS, *_OPTIONAL_LISTS, *_OPTIONAL_MAPS, *_LIGHT_RUN_KEYS, _TRADE_CODES, "main_items")
    unknown = sorted(set(map(str, data)) - set(known))
    if unknown:
        raise DataFileError(path, unknown[0], f"未知字段（可用：{'、'.join(known)}）")
    lists = {k: _word_list(data, k, path) for k in _LIST_KEYS}
    light = _word_list(data, "light_items", path) if data.get("light_items") is not None else ()
    trade, making, maker, service, operated = (
        _word_list(data, k, path) if data.get(k) is not None else () for k in _OPTIONAL_LISTS[1:]
    )
    for key, words in (
        ("trade_activities", trade),
        ("making_activities", making),
        ("maker_activities", maker),
        ("operated_activities", operated),
    ):
        odd = sorted(set(words) - set(lists["activities"]))
        if odd:
            raise DataFileError(path, key, f"“{odd[0]}”不在 activities 中")
    odd = sorted(set(service) - set(lists["generic_items"]))
    if odd:
        raise DataFileError(path, "service_items", f"“{odd[0]}”不在 generic_items 中")
    trade_codes = _trade_codes(data, path)
    endings = _endings(data, path)
    aliases = _aliases(data, path)
    groups, run = _light_runs(data, light, path)
    main = data.get("main_items")
    if not isinstance(main, int) or isinstance(main, bool) or main < 1:
        raise DataFileError(path, "main_items", "应为正整数")
    notes = alternation(lists["notes"])
    acts = alternation(lists["activities"])
    cuts = re.compile(
        r"[；;。\n\r]+"
        rf"|[（(][^（()）]*(?:{notes})[^（()）]*(?:[）)]|$)"  # a bracketed note (or one cut off at the end)
        rf"|(?:{alternation(lists['headers'])})(?:是|为|包括)?\s*[：:]"
    )
    return Boilerplate(
        headers=lists["headers"],
        notes=lists["notes"],
        generic_items=frozenset(lists["generic_items"]),
        generic_contains=lists["generic_contains"],
        activities=lists["activities"],
        main_items=main,
        light_items=frozenset(light),
        light_groups=groups,
        light_run=run,
        trade_activities=trade,
        making_activities=making,
        maker_activities=maker,
        service_items=frozenset(service),
        operated_activities=operated,
        trade_codes=trade_codes,
        trade_rx=_trade_rx(trade, making),
        making_rx=_making_rx(trade, making),
        trade_led=_trade_led_rx(trade),
        venues=venue_words(),
        name_endings=endings,
        object_aliases=aliases,
        cuts=cuts,
        splitter=re.compile(f"({cuts.pattern})"),
        header=re.compile(rf"(?:{alternation(lists['headers'])})(?:是|为|包括)?\s*[：:]"),
        note=re.compile(notes),
        bare=re.compile(rf"^(?:(?:{acts})[及和与或、/]?)+$"),
        ends_active=re.compile(rf"(?:{acts})$"),
        activity_tail=re.compile(rf"(?:[及和与或、，,]?(?:{acts}))+$"),
        activity_head=re.compile(rf"^(?:(?:{acts})[及和与或、/]?)+"),
        activity_word=re.compile(acts),
    )


def _light_runs(data: dict, light: tuple, path) -> tuple[tuple, int]:
    """(light_groups, light_run) of light_fields and light_run (optional, together): each field word with the
    light items that begin with it (at least light_run of them, or no scope could make a run)."""
    if data.get("light_fields") is None and data.get("light_run") is None:
        return (), 0
    run = data.get("light_run")
    if not isinstance(run, int) or isinstance(run, bool) or run < 2:
        raise DataFileError(path, "light_run", "应为不小于 2 的整数（与 light_fields 一起填写）")
    groups = []
    for i, field_word in enumerate(_word_list(data, "light_fields", path)):
        items = tuple(sorted(item for item in light if item.startswith(field_word)))
        if len(items) < run:
            raise DataFileError(
                path, f"light_fields[{i}]", f"以“{field_word}”开头的 light_items 不足 {run} 条，构不成连续登记"
            )
        groups.append((field_word, items))
    return tuple(groups), run


def light_run_items(text: str, rules: Boilerplate) -> frozenset:
    """The light items of a scope that stand in a run: at least light_run distinct light items of one field
    (light_fields of scope_boilerplate.yaml: 人工智能基础软件开发；人工智能理论与算法软件开发；人工智能通用应用系统 …),
    no fewer than the scope's other items that are not light. A company that registers a field's catalogue at
    length, and little else, works in it: those items are read as any other (main when they come first). One or
    two of them, or a run among more unrelated items (日用百货销售；服装服饰零售 …), stay light: a shell's
    fashionable items."""
    if not rules.light_run or not text:
        return frozenset()
    runs = [
        found
        for field_word, items in rules.light_groups
        if text.count(field_word) >= rules.light_run  # most scopes: a C-level count decides (no item is read)
        and len(found := [i for i in items if i in text]) >= rules.light_run
    ]
    if not runs:  # most scopes: no field's items often enough to read further
        return frozenset()
    other = sum(
        item not in rules.light_items
        for k, part in enumerate(rules.splitter.split(text))
        if k % 2 == 0 and part
        for _, item, _ in _span_items(part, rules)[0]
    )
    return frozenset(item for found in runs if len(found) >= other for item in found)


def _trade_codes(data: dict, path) -> tuple[str, ...]:
    """The optional trade_codes: GB/T 4754 大类 (two digits) or 中类 (three digits), as text."""
    value = data.get(_TRADE_CODES)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DataFileError(path, _TRADE_CODES, '应为行业大类或中类代码列表（两位或三位数字，如 "51"、"728"）')
    for i, code in enumerate(value):
        if not (isinstance(code, str) and len(code) in (2, 3) and code.isdigit()):
            raise DataFileError(
                path, f"{_TRADE_CODES}[{i}]", '应为两位数字的行业大类或三位数字的中类代码（加引号，如 "51"、"728"）'
            )
    return tuple(dict.fromkeys(value))


def _endings(data: dict, path) -> dict:
    """name_endings: {ending: [activity, …]} (optional; none: an item's activities do not choose among
    the 小类 names it may mean)."""
    value = data.get("name_endings")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataFileError(path, "name_endings", "应为“名称结尾: [经营活动词, …]”的映射")
    out = {}
    for ending, words in value.items():
        if not isinstance(ending, str) or len(ending.strip()) < 2:
            raise DataFileError(path, f"name_endings.{ending}", "名称结尾应为至少两个字符的文本")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and len(w) >= 2 for w in words):
            raise DataFileError(path, f"name_endings.{ending}", "应为非空的经营活动词列表（每个至少两个字符）")
        out[ending.strip()] = frozenset(w.strip() for w in words)
    return out


def _aliases(data: dict, path) -> dict:
    """object_aliases: {object as registered items write it: object as a 小类 name writes it} (optional)."""
    value = data.get("object_aliases")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataFileError(path, "object_aliases", "应为“登记用语: 国标小类名称中的对象”的映射")
    out = {}
    for alias, target in value.items():
        if not isinstance(alias, str) or len(alias.strip()) < 2:
            raise DataFileError(path, f"object_aliases.{alias}", "登记用语应为至少两个字符的文本")
        if not isinstance(target, str) or len(target.strip()) < 2:
            raise DataFileError(path, f"object_aliases.{alias}", "应为国标小类名称中的对象（至少两个字符）")
        out[alias.strip()] = target.strip()
    return out


@lru_cache(maxsize=1)
def boilerplate() -> Boilerplate:
    """The shipped rules, loaded once."""
    return load_boilerplate()


@lru_cache(maxsize=1)
def industry_name_codes() -> dict[str, str]:
    """GB/T 4754-2017 小类 name -> code: the name as the standard has it (a note the extraction glued on
    after spaces dropped, a name cut after 制 completed to 制造) and without a trailing bracket
    (门诊部（所） -> 门诊部)."""
    out: dict[str, str] = {}
    for code, raw in industry_codes().items():
        if not (len(code) == 4 and code.isdigit()):
            continue
        name = raw.split()[0] if raw.split() else ""
        if name.endswith("制"):
            name += "造"
        for key in (name, re.sub(r"[（(][^（()）]*[）)]$", "", name)):
            if len(key) >= 2:
                out.setdefault(key, code)
    return out


def industry_code_of(item: str, rules: Boilerplate | None = None) -> str | None:
    """The 小类 code an item names: the item is a 小类 name, or one followed only by activities
    (锂离子电池制造及销售)."""
    names = industry_name_codes()
    code = names.get(item)
    if code is not None:
        return code
    rules = rules or boilerplate()
    tail = rules.activity_tail.search(item)  # the longest run of activities ending the item
    if tail is None:
        return None
    for k in range(tail.start(), len(item)):  # the name ends where the run of what follows it begins
        if k >= 2 and rules.activity_tail.match(item, k):
            code = names.get(item[:k])
            if code is not None:
                return code
    return None


@lru_cache(maxsize=1)
def _cores_for(endings: tuple[str, ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    """What a 小类 name names without its ending activity -> ((code, ending), …), for the endings given:
    锂离子电池制造 -> 锂离子电池 (3841, 制造); 集成电路设计 and 集成电路制造 both -> 集成电路. Names that start
    with 其他 (其他电子设备制造) name no object of their own and are left out, as are objects of one character."""
    out: dict[str, list] = {}
    for name, code in industry_name_codes().items():
        if name.startswith("其他"):
            continue
        for ending in sorted(endings, key=len, reverse=True):
            if name.endswith(ending) and len(name) - len(ending) >= 2:
                out.setdefault(name[: -len(ending)], []).append((code, ending))
                break
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def name_cores(rules: Boilerplate | None = None) -> dict[str, tuple[tuple[str, str], ...]]:
    """The objects the GB/T 小类 names name (see _cores_for), for the endings of name_endings."""
    rules = rules or boilerplate()
    return _cores_for(tuple(sorted(rules.name_endings)))


_MEMBER_SPLIT = re.compile(r"[、，,/]")
_JOINERS = re.compile(r"[及和与]")


def item_codes(item: str, rules: Boilerplate | None = None) -> tuple[str, ...]:
    """Every GB/T 4754 小类 code an item names: the item is a 小类 name (industry_code_of), or, read as
    objects and activities, names objects of 小类 names — activities before the objects (生产半导体材料)
    or after them (锂离子电池的研发、生产与销售, 集成电路设计及服务), objects listed with 、 (each read on
    its own) or 及/和/与 (read apart when the whole names nothing). Where one object names several 小类
    (集成电路: 设计 6520, 制造 3973) the item's activities choose by name_endings (研发 -> 设计); when none of
    them does (销售), all count; an item whose activities are none that name_endings lists (租赁, 运输) names
    none, nor does one that names a park, fair or fund (集成电路产业园的开发与运营: `venues`). Once per distinct item."""
    rules = rules or boilerplate()
    cache = rules.code_cache
    out = cache.get(item)
    if out is None:
        if len(cache) >= _SPAN_CACHE_SIZE:
            cache.clear()
        out = cache[item] = _item_codes(item, rules)
    return out


def _item_codes(item: str, rules: Boilerplate) -> tuple[str, ...]:
    code = industry_code_of(item, rules)
    if code is not None:
        return (code,)
    if any(v in item for v in rules.venues):  # 集成电路、生物医药产业园区运营: the objects are a park's theme
        return ()
    # activities before the objects (生产半导体材料、稀土材料): an activity word may also begin an object
    # (生产集成电路: 集成 is an activity too), so every place the leading run of activities could end is tried
    heads = [0]
    run = rules.activity_head.match(item)
    if run:
        heads += [m.end() for m in rules.activity_word.finditer(run.group())]
    for k in heads:
        if len(item) - k < 2:
            break
        found = _object_codes(item[k:], rules.activity_word.findall(item[:k]), rules)
        if found:
            return found
    return ()


def _object_codes(obj: str, acts: list, rules: Boilerplate) -> tuple[str, ...]:
    """The codes an item names once the activities before its objects are taken off (see _item_codes)."""
    k = obj.rfind("的")
    if k >= 2 and rules.bare.match(obj[k + 1 :]):  # …的设计、制造、修理及销售
        acts += rules.activity_word.findall(obj[k + 1 :])
        obj = obj[:k]
    else:
        tail = rules.activity_tail.search(obj)
        if tail and tail.start() >= 2:
            acts += rules.activity_word.findall(tail.group())
            obj = obj[: tail.start()]
    cores = name_cores(rules)
    found: list[str] = []
    for member in _MEMBER_SPLIT.split(obj):
        hits = _member_codes(member.strip(_TRIM), acts, cores, rules)
        if not hits and _JOINERS.search(member):
            for part in _JOINERS.split(member):
                hits += _member_codes(part.strip(_TRIM), acts, cores, rules)
        found += hits
    return tuple(dict.fromkeys(found))


def _member_codes(member: str, acts: list, cores: dict, rules: Boilerplate) -> list[str]:
    """The codes one listed object names (a 小类 name itself, or a name's object; an object with its own
    activities after it is read without them)."""
    if len(member) < 2:
        return []
    code = industry_name_codes().get(member)
    if code is not None:
        return [code]
    aliases = rules.object_aliases
    entries = cores.get(aliases.get(member, member))
    if not entries:
        tail = rules.activity_tail.search(member)
        if tail is None or tail.start() < 2:
            return []
        acts = acts + rules.activity_word.findall(tail.group())
        obj = member[: tail.start()]
        entries = cores.get(aliases.get(obj, obj))
        if not entries:
            return []
    said = set(acts)
    if said and rules.name_endings and not said & frozenset().union(*rules.name_endings.values()):
        return []  # only activities that say nothing of the trade (矿山机械租赁 is no 矿山机械制造)
    chosen = [c for c, ending in entries if said & rules.name_endings.get(ending, frozenset((ending,)))]
    if not chosen and said <= set(rules.trade_activities):
        return []  # only sold (集成电路销售): the object is traded, not made or designed — a reseller's item
    return chosen or [c for c, _ in entries]


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """(a, b) narrowed past separators, spaces and enumerators at both ends, and past brackets that
    end the item (qualifications such as （不含危险化学品） or an unclosed bracket)."""
    while True:
        while a < b and text[a] in _TRIM:
            a += 1
        while b > a and text[b - 1] in _TRIM:
            b -= 1
        m = _ENUMERATOR.match(text, a, b)
        if m and m.end() > a:
            a = m.end()
            continue
        if b > a and text[b - 1] in _CLOSE:  # a closing bracket at the end: drop its group
            depth, i = 0, b - 1
            while i >= a:
                if text[i] in _CLOSE:
                    depth += 1
                elif text[i] in _OPEN:
                    depth -= 1
                    if depth == 0:
                        break
                i -= 1
            if i > a:
                b = i
                continue
            if i == a:  # the whole item is one bracketed group: keep its inside
                a, b = a + 1, b - 1
                continue
        unclosed = _UNCLOSED.search(text, a, b)
        if unclosed:  # an unclosed bracket: what follows it is a qualification cut off
            b = unclosed.start()
            continue
        return a, b


def _pieces(text: str, a: int, b: int, rules: Boilerplate) -> list[tuple[int, int]]:
    """An item split at 、 when every part stands alone (names an object and ends with an activity, or
    is a generic item), else the item whole. An item that is an industry name stays whole."""
    item = text[a:b]
    if "、" not in item or industry_code_of(item, rules):
        return [(a, b)]
    parts, start = [], a
    for m in re.finditer("、", item):
        parts.append((start, a + m.start()))
        start = a + m.end()
    parts.append((start, b))
    for pa, pb in parts:
        part = text[pa:pb].strip()
        if part in rules.generic_items:
            continue
        if not rules.ends_active.search(part) or rules.bare.match(part):
            return [(a, b)]
    return [_trimmed(text, pa, pb) for pa, pb in parts]


def _is_generic(item: str, rules: Boilerplate) -> bool:
    return item in rules.generic_items or any(w in item for w in rules.generic_contains)


def _span_items(span: str, rules: Boilerplate) -> tuple[tuple, tuple]:
    """(kept (offset, text, code) triples, dropped texts) of one text between cuts, offsets relative to
    the span. Spans repeat across scopes (the catalogue's standard wordings): each is read once."""
    cache = rules.span_cache
    out = cache.get(span)
    if out is not None:
        return out
    a, b = 0, len(span)
    note = rules.note.search(span)
    if note:  # 除依法须经批准的项目外，凭营业执照…: only what stands before the note is an item
        b = note.start()
    a, b = _trimmed(span, a, b)
    kept, dropped = [], []
    if b - a >= 2:
        for pa, pb in _pieces(span, a, b, rules):
            if pb - pa < 2:
                continue
            item = span[pa:pb]
            if _is_generic(item, rules):
                dropped.append(item)
            else:
                kept.append((pa, item, industry_code_of(item, rules)))
    if len(cache) >= _SPAN_CACHE_SIZE:
        cache.clear()
    out = cache[span] = (tuple(kept), tuple(dropped))
    return out


def _kept(text: str, rules: Boilerplate) -> tuple[list, list]:
    """(kept (offset, item, code, main, light) tuples, dropped texts) of one scope: split at the cuts in C (re.split
    with the cuts captured, so offsets are running lengths), each span read once (see _span_items). An item is
    main when fewer than main_items kept items precede it in its section (a header starts a new one); light
    items (_light) are never main and take no main place."""
    kept: list[tuple[int, str, str | None, bool, bool]] = []
    dropped: list[str] = []
    pos = rank = 0
    run = light_run_items(text, rules)
    for k, part in enumerate(rules.splitter.split(text)):
        if k % 2 == 0:  # even parts are the spans between cuts
            if part:
                items, gone = _span_items(part, rules)
                for off, item, code in items:
                    light = _light(item, part, len(part), off, rules, run)  # neither main nor taking a main place
                    kept.append((pos + off, item, code, not light and rank < rules.main_items, light))
                    rank += not light
                if gone:
                    dropped.extend(gone)
        elif rank and rules.header.search(part):
            rank = 0
        pos += len(part)
    return kept, dropped


def main_code(text, rules: Boilerplate | None = None) -> str | None:
    """The GB/T 小类 code of the first main item that names one (scope_columns' `scope_main_code`), reading
    the scope only as far as that needs: it stops at the first such item, and once a section's main items
    are read without one it goes on only if a section header follows."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    text = str(text)
    rules = rules or boilerplate()
    pos = rank = 0
    run = light_run_items(text, rules)
    while (cut := rules.cuts.search(text, pos)) is not None:
        code, rank = _main_code_in(text[pos : cut.start()], rank, rules, run)
        if code is not None:
            return code
        pos = cut.end()
        if rank and rules.header.search(cut.group()):
            rank = 0
        elif rank >= rules.main_items:  # past this section's main items: only a later section can have more
            header = rules.header.search(text, pos)
            if header is None:
                return None
            pos, rank = header.end(), 0
    return _main_code_in(text[pos:], rank, rules, run)[0]


def _main_code_in(span: str, rank: int, rules: Boilerplate, run: frozenset) -> tuple[str | None, int]:
    """(code of the first main item of a span between cuts that names a 小类, items read so far); light items
    (物联网技术服务, registered by companies of every kind) are neither main nor take a main place, as in
    main_spans."""
    if span:
        for off, item, code in _span_items(span, rules)[0]:
            if _light(item, span, len(span), off, rules, run):
                continue
            if rank < rules.main_items and code is not None:
                return code, rank + 1
            rank += 1
    return None, rank


def main_codes(values: pd.Series) -> pd.Series:
    """main_code for a column, once per distinct text (None where a scope names no code among its main
    items or is missing)."""
    rules = boilerplate()
    return map_distinct(values, lambda t: main_code(t, rules))


def parse_scope(text, rules: Boilerplate | None = None) -> ParsedScope:
    """The items of one scope, boilerplate dropped (see the module docstring). Never raises on text."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return EMPTY
    rules = rules or boilerplate()
    kept, dropped = _kept(str(text), rules)
    items = tuple(ScopeItem(item, off, main, code) for off, item, code, main, _ in kept)
    return ParsedScope(items, tuple(dropped))


def scope_item_codes(text, rules: Boilerplate | None = None, at=None) -> dict[str, bool]:
    """{code: named by a main item} for every GB/T 小类 code the kept items of a scope name (item_codes); light
    items (registered by companies of every kind) name none; main items as main_spans reads them. What
    matching reads as the 经营范围 items' industry evidence (SegmentMatcher.scope_code_support).

    With `at` (character offsets) only the items between the cuts around those places are read — matching
    passes where a 小类 name or object occurs, so most of a long scope is skipped; for the codes whose items
    hold one of the places the result is the plain reading's (a test checks)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return {}
    text = str(text)
    rules = rules or boilerplate()
    if at is None:
        items = [(item, main, light) for _, item, _, main, light in _kept(text, rules)[0]]
    else:
        items = _items_at(text, at, rules)
    out: dict[str, bool] = {}
    for item, is_main, light in items:
        if light:
            continue
        for code in item_codes(item, rules):
            out[code] = out.get(code, False) or is_main
    return out


def _items_at(text: str, at, rules: Boilerplate) -> list[tuple[str, bool, bool]]:
    """(item, main, light) for the kept items of the spans between cuts that hold one of the offsets `at`; main
    counted as main_spans does (the first main_items kept items of each section, light items apart), over
    the spans up to the last one read."""
    cuts = list(rules.cuts.finditer(text))  # the cuts _kept splits at
    starts = [0] + [m.end() for m in cuts]
    ends = [m.start() for m in cuts] + [len(text)]
    wanted = set()
    for p in at:
        k = bisect.bisect_right(starts, p) - 1
        if k >= 0 and p < ends[k]:  # not inside a cut (a bracketed note)
            wanted.add(k)
    out: list[tuple[str, bool, bool]] = []
    rank = 0
    run = light_run_items(text, rules)
    for k in range(max(wanted) + 1 if wanted else 0):
        if k and rank and _is_header(cuts[k - 1].group(), rules):
            rank = 0
        if ends[k] <= starts[k]:
            continue
        span = text[starts[k] : ends[k]]
        for off, item, _ in _span_items(span, rules)[0]:
            if _light(item, span, len(span), off, rules, run):
                if k in wanted:
                    out.append((item, False, True))
                continue
            if k in wanted:
                out.append((item, rank < rules.main_items, False))
            rank += 1
    return out


def _is_header(cut: str, rules: Boilerplate) -> bool:
    """Whether a cut is a section header (once per distinct cut text)."""
    cache = rules.span_cache
    key = ("header", cut)
    found = cache.get(key)
    if found is None:
        found = cache[key] = rules.header.search(cut) is not None
    return found


def parse_scopes(values: pd.Series) -> pd.Series:
    """parse_scope for a column, once per distinct text (missing texts parse to no items)."""
    rules = boilerplate()
    return map_distinct(values, lambda t: parse_scope(t, rules) if t is not None else EMPTY)


SCOPE_COLUMNS = ("scope_main", "scope_items", "scope_codes", "scope_main_code")


def _row(text, rules: Boilerplate) -> tuple:
    if text is None:
        return (None,) * 4
    kept, _ = _kept(str(text), rules)
    main = [k for k in kept if k[3]]
    codes = list(dict.fromkeys(k[2] for k in kept if k[2]))
    main_codes = [k[2] for k in main if k[2]]
    return (
        ITEM_JOIN.join(k[1] for k in main) or None,
        ITEM_JOIN.join(k[1] for k in kept) or None,
        ";".join(codes) or None,
        main_codes[0] if main_codes else None,
    )


def scope_columns(values: pd.Series) -> pd.DataFrame:
    """Per row: the main items and all kept items (joined by ；), the industry codes the items name
    (joined by ;) and the first code among the main items — None where there is none. Once per distinct
    text."""
    rules = boilerplate()
    rows = map_distinct(values, lambda t: _row(t, rules))
    return (
        pd.DataFrame(rows.tolist(), index=values.index, columns=list(SCOPE_COLUMNS))
        if len(values)
        else pd.DataFrame(columns=list(SCOPE_COLUMNS), index=values.index)
    )


def trade_spans(text, rules: Boilerplate | None = None) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets of the items that only trade: the item ends with a trade activity and
    holds no making activity (工业机器人销售, 电线、电缆经营, 工业机器人安装、维修; not 锂电池的研发、生产与销售). A company that registers
    what it sells and nothing that makes it resells it (matcher/engine/match.py weighs such items less)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ()
    rules = rules or boilerplate()
    if not rules.trade_activities:
        return ()
    text = str(text)
    return _trade_spans_of(text, _kept(text, rules)[0], rules)


def _trade_spans_of(text: str, kept: list, rules: Boilerplate) -> tuple[tuple[int, int], ...]:
    """trade_spans of a scope whose kept items (_kept) are read already."""
    out = []
    for off, item, _, _, _ in kept:
        if names_making(item, rules):
            continue
        end = _trade_end(item, rules.trade_activities)
        if end == len(item):  # a bracket naming the goods is traded too
            out.append((off, product_bracket_end(text, off + len(item), len(text))))
        elif end is not None:  # 工控产品的销售及技术服务
            out.append((off, off + end))
        elif rules.trade_led is not None and rules.trade_led[0].match(item):  # 销售：钢轨、道岔
            out.append((off, off + len(item)))
    return tuple(out)


def _business_items(text, rules: Boilerplate) -> tuple[list[str], tuple[str, ...]]:
    """(the kept items that are not light ones, the dropped texts) of a scope; none for a missing one."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return [], ()
    kept, dropped = _kept(str(text), rules)
    return _not_light(kept), tuple(dropped)


def _not_light(kept: list) -> list[str]:
    """The items of _kept's kept tuples that are not light ones."""
    return [item for _, item, _, _, light in kept if not light]


def _makes(items: list[str], rules: Boilerplate) -> bool:
    return any(names_making(item, rules) for item in items)


def scope_makes(text, rules: Boilerplate | None = None) -> bool:
    """Whether a scope registers something the company makes or develops: a kept item, not a light one, with a
    making activity (锂电池的研发、生产与销售, 软件开发, 电池制造). A scope without one only sells, leases or serves
    (工业机器人销售；机械设备租赁；设备维修): what it names is a reseller's goods (matcher/engine/match.py)."""
    rules = rules or boilerplate()
    return _makes(_business_items(text, rules)[0], rules)


def scope_serves_only(text, rules: Boilerplate | None = None) -> bool:
    """Whether a scope registers a business and none of it makes or develops anything: a kept item that is not a
    light one or a service item (service_items of scope_boilerplate.yaml: 物业管理, 会议及展览服务), and no making
    activity in any kept item but the light ones (变压器销售；电气设备销售 / 物业管理；停车场服务). The technology
    boilerplate alone (技术开发、技术服务…) registers no business: False."""
    rules = rules or boilerplate()
    return _serves_only(*_business_items(text, rules), rules)


def _serves_only(items: list[str], dropped: tuple[str, ...], rules: Boilerplate) -> bool:
    if not items and not rules.service_items.intersection(dropped):
        return False
    return not _makes(items, rules)


def scope_sells_only(text, rules: Boilerplate | None = None) -> bool:
    """Whether a scope makes nothing (scope_serves_only) and registers an item that only trades (trade_spans:
    配电开关控制设备销售；电气设备销售; not 新能源技术推广 or 物业管理 alone): a seller's. One read of the items."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return False
    rules = rules or boilerplate()
    text = str(text)
    kept, dropped = _kept(text, rules)
    return _serves_only(_not_light(kept), tuple(dropped), rules) and bool(
        rules.trade_activities and _trade_spans_of(text, kept, rules)
    )


# where an item ends in texts as matching reads them (NFKC: ；： are ;: there), SEPARATOR included
_CUTS = (";", ":", "\n", "\r", "\x00", "。")


def trade_byte_spans(data: bytes, rules: Boilerplate | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) byte offsets of the items that only trade in texts as matching reads them (UTF-8,
    NFKC, joined by NUL): a run between cuts that ends with a trade activity (a bracketed qualification may
    follow) and holds no making activity. What trade_spans finds, for all texts at once: three automaton
    passes and sorted-array lookups instead of a parse per scope (a test checks they agree)."""
    rules = rules or boilerplate()
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if rules.trade_rx is None or not data:
        return none
    rx = rules.trade_rx
    cut_ac, end_ac, make_ac, tails, opens, colon = rx.cuts, rx.ends, rx.made, rx.tails, rx.opens, rx.colon
    cuts, found = (automaton_matches(a, data) for a in (cut_ac, end_ac))
    colons = found[colon[found[:, 0]]][:, 1:]  # 销售: — where an old-style item led by its trade may end its run
    ends = found[:, 2] - tails[found[:, 0]]  # where the trade activity ends (before the cut or the bracket)
    bracket = opens[found[:, 0]]  # "销售(": a qualification follows; it must close right before a cut
    reach = ends.copy()  # where each item's span ends: its trade activity, or a bracket naming its goods
    if bracket.any():
        close = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord(")")) + 1
        k = np.minimum(np.searchsorted(close, ends[bracket]), max(len(close) - 1, 0))
        closing = close[k] if len(close) else np.full(int(bracket.sum()), -1)
        at = np.minimum(np.searchsorted(cuts[:, 1], closing), max(len(cuts) - 1, 0))  # cuts are sorted by start
        ok = ((cuts[at, 1] == closing) if len(cuts) else False) | (closing == len(data))
        keep = ~bracket
        keep[np.flatnonzero(bracket)[ok]] = True
        # a bracket that names the goods (（代理西门子PLC产品）) is traded with its item, as main_spans reads it with a
        # main one (product_bracket_end); a qualification (（不含危险化学品）) is not
        opened = np.flatnonzero(bracket)
        for j in np.flatnonzero(ok).tolist():
            a, b = int(ends[opened[j]]), int(closing[j])
            if _names_goods(data[a + 1 : b - 1].decode("utf-8", errors="replace")):
                reach[opened[j]] = b
        ends, reach = ends[keep], reach[keep]
    # the last text's last item ends with the data
    tail = next((t for t in _SERVICE_TAILS if data.endswith(t.encode("utf-8"))), "")
    ending = data[: len(data) - len(tail.encode("utf-8"))]
    last = [len(ending)] if ending.endswith(tuple(w.encode("utf-8") for w in rules.trade_activities)) else []
    ends = np.concatenate([ends, np.array(last, dtype=np.int64)])
    reach = np.concatenate([reach, np.array(last, dtype=np.int64)])
    order = np.argsort(ends, kind="stable")
    ends, reach = ends[order], reach[order]
    if not len(ends):
        return none
    after = np.concatenate([[0], np.sort(cuts[:, 2])])  # an item starts at the data's start or after a cut
    starts = after[np.searchsorted(after, ends, side="right") - 1]
    made = automaton_matches(make_ac, data, overlapping=True)
    made = made[np.argsort(made[:, 1], kind="stable")]
    # a making activity that starts inside the item (at or after its start, before its end) and is the item's own
    # (names_making); the few items with one inside are read one by one
    lo, hi = np.searchsorted(made[:, 1], starts, side="left"), np.searchsorted(made[:, 1], ends, side="left")
    has_make = np.zeros(len(starts), dtype=bool)
    followers = rx.followers
    for i in np.flatnonzero(hi > lo).tolist():
        a, b = int(starts[i]), int(ends[i])
        has_make[i] = any(s == a or data.startswith(followers, e, b) for s, e in made[lo[i] : hi[i], 1:].tolist())
    return _with_trade_led(data, starts[~has_make], reach[~has_make], rules, colons, cuts)


def _with_trade_led(data: bytes, starts: np.ndarray, ends: np.ndarray, rules: Boilerplate, colons, cuts):
    """The trade spans with the old-style items led by their trade (销售:钢轨、道岔) added, each from its item's start
    to the next cut or bracket, in place of the bare activity before its colon (a run of its own between cuts);
    sorted, not overlapping. `colons`: (start of the trade activity, end of its colon) of each trade activity the
    automaton found right before a colon — the only places such an item can be; `cuts`: the cut matches."""
    if rules.trade_led is None or not len(colons):
        return starts, ends
    cut_starts, cut_ends = np.sort(cuts[:, 1]), np.sort(cuts[:, 2])
    led = []
    for act, colon in colons.tolist():
        k = np.searchsorted(cut_ends, act, side="right")
        a = int(cut_ends[k - 1]) if k else 0  # the item starts after the last cut before the activity
        nxt = np.searchsorted(cut_starts, colon, side="left")
        b = int(cut_starts[nxt]) if nxt < len(cut_starts) else len(data)
        bracket = data.find(b"(", colon, b)
        b = bracket if bracket >= 0 else b
        if b > colon and rules.trade_led[1].fullmatch(data, a, colon):
            if not names_making(data[a:b].decode("utf-8", errors="replace"), rules):
                led.append((a, b))
    if not led:
        return starts, ends
    a, b = np.array(led, dtype=np.int64).T
    covered = inside(starts, a, b)
    starts = np.concatenate([starts[~covered], a])
    ends = np.concatenate([ends[~covered], b])
    order = np.argsort(starts, kind="stable")
    return starts[order], ends[order]


def inside(pos: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether each position lies in one of the spans [starts, ends) (sorted by start, not overlapping)."""
    if not len(starts):
        return np.zeros(len(pos), dtype=bool)
    j = np.searchsorted(starts, pos, side="right") - 1
    return (j >= 0) & (pos < ends[np.maximum(j, 0)])


def automaton_matches(automaton, data: bytes, overlapping: bool = False) -> np.ndarray:
    """(pattern, start, end) rows of a byte automaton's matches in `data`, straight into one flat int64 buffer
    from the automaton's tuples: no per-match Python objects kept."""
    found = automaton.find_matches_as_indexes(data, overlapping=overlapping) if automaton and data else []
    return np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found)).reshape(-1, 3)


class TradeReader(NamedTuple):
    """What trade_byte_spans reads with (see _trade_rx)."""

    cuts: object  # byte automaton of the cuts
    ends: object  # byte automaton of a trade activity followed by a cut or an opening bracket
    made: object  # byte automaton of the making activities (overlapping matches)
    tails: np.ndarray  # per `ends` pattern: its length after the activity
    opens: np.ndarray  # per `ends` pattern: whether it ends with the opening bracket
    followers: tuple  # what may follow a making activity that an item names as its own (names_making)
    colon: np.ndarray  # per `ends` pattern: whether it ends with a colon (an old-style item led by its trade)


def _trade_rx(trade: tuple[str, ...], making: tuple[str, ...]) -> TradeReader | None:
    """What trade_byte_spans reads with — byte automatons of the cuts, of a trade activity followed by a cut
    or an opening bracket (with each pattern's length after the activity, and whether it is the bracket)
    and of the making activities — built once when the rules are read (None: no trade activities)."""
    if not trade:
        return None
    kind = ahocorasick_rs.MatchKind.LeftmostLongest
    ends = [(w + c, len(c.encode("utf-8"))) for w in trade for c in (*_CUTS, "(")]
    # 工控产品的销售及技术服务: the service of what is sold ends the item; the span ends with the trade activity
    ends += [(w + t + c, len((t + c).encode("utf-8"))) for w in trade for t in _SERVICE_TAILS for c in _CUTS]

    def automaton(words):
        return ahocorasick_rs.BytesAhoCorasick([w.encode("utf-8") for w in words], matchkind=kind) if words else None

    tails = np.array([t for _, t in ends], dtype=np.int64)
    opens = np.array([w.endswith("(") for w, _ in ends], dtype=bool)
    # every making activity, overlapping ones too (names_making reads each place); what may follow one of the item's own
    made = ahocorasick_rs.BytesAhoCorasick([w.encode("utf-8") for w in making]) if making else None
    followers = tuple(w.encode("utf-8") for w in (*making, *trade, *_MAKING_FOLLOWERS, *_MAKING_JOINERS))
    colon = np.array([w.endswith(":") for w, _ in ends], dtype=bool)
    return TradeReader(automaton(_CUTS), automaton([w for w, _ in ends]), made, tails, opens, followers, colon)


# the service that may follow a trade activity at an item's end (工业机器人的销售及技术服务, 电气设备销售与售后服务): the item
# still only trades
_SERVICE_TAILS = tuple(j + w for j in ("及", "和", "与", "、", "并提供") for w in ("技术服务", "售后服务", "技术支持"))


def _trade_end(item: str, trade: tuple[str, ...]) -> int | None:
    """Where the trade activity an item ends with ends — before a service of what it sells (_SERVICE_TAILS) that
    may follow it —, or None when the item does not end with one."""
    end = len(item) - next((len(t) for t in _SERVICE_TAILS if item.endswith(t)), 0)
    return end if item[:end].endswith(trade) else None


# what may follow a making activity that an item names as its own (研发、生产与销售 / 电池制造销售 / 软件开发服务): the
# item's end, a joiner or another activity; a making word followed by the goods' noun is part of their name
# (智能基础制造装备销售, 电池生产设备销售, 塑料加工专用设备销售: goods sold, not made)
_MAKING_JOINERS = "、和与及并或/，,（(等的"
_MAKING_FOLLOWERS = ("服务", "业务", "咨询", "推广", "转让", "交流")


def _making_rx(trade: tuple[str, ...], making: tuple[str, ...]) -> re.Pattern | None:
    """A making activity an item names as its own: one that opens the item (生产电池并销售) or is followed by the
    item's end, a joiner or another activity (see names_making); None without making activities."""
    if not making:
        return None
    words = alternation(making)
    after = alternation((*making, *trade, *_MAKING_FOLLOWERS))
    return re.compile(rf"^(?:{words})|(?:{words})(?=$|[{re.escape(_MAKING_JOINERS)}]|{after})")


def _trade_led_rx(trade: tuple[str, ...]) -> tuple | None:
    """An old-style item led by its trade and a colon (销售：钢轨、道岔、轨道配件 / 批发、零售：电子元器件): as a scope item,
    and as the run of a text as matching reads it (NFKC: the colon is ASCII) from an item's start to the colon. None
    without trade activities."""
    if not trade:
        return None
    run = rf"(?:{alternation(trade)})(?:(?:、|和|及|与|或|/)?(?:{alternation(trade)}))*"  # no class: bytes
    return re.compile(f"^{run}[：:]"), re.compile(f"{run}:".encode())


def names_making(item: str, rules: Boilerplate) -> bool:
    """Whether a scope item names a making activity as its own (锂电池的研发、生产与销售, 生产电池并销售, 软件开发), not
    only inside the name of goods it trades (智能基础制造装备销售: 制造 names the goods)."""
    return rules.making_rx is not None and rules.making_rx.search(item) is not None


# a bracket that excludes what it names (（不含职业中介活动、劳务派遣服务）, （不得从事…）, （象牙及其制品除外）): its words are
# what the company does not do, as texts read in matching (NFKC: brackets are ASCII)
_NEGATED_BRACKET_RX = re.compile(
    "\\((?:不含|不包括|不包含|不得|不从事|不涉及|不经营|除)[^()]*\\)|\\([^()]*除外\\)".encode()
)


def negated_byte_spans(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) byte offsets of the brackets that exclude what they name in texts as matching reads them
    (UTF-8, NFKC): a keyword or an exclusion word inside one says nothing of the company's business."""
    found = [m.span() for m in _NEGATED_BRACKET_RX.finditer(data)]
    spans = np.array(found, dtype=np.int64).reshape(-1, 2)
    return spans[:, 0], spans[:, 1]


def _light(item: str, text: str, end: int, at: int, rules: Boilerplate, run: frozenset) -> bool:
    """Whether the item at `at` of `text` is a light one (light_items, registered by companies of every kind) — not
    when a bracket after it names its goods (人工智能应用软件开发（光学字符识别、自然语言处理）): the firm's own words,
    an item as any other; nor when it stands in a run of its field (`run`: light_run_items of the whole scope)."""
    return (
        item in rules.light_items
        and item not in run
        and product_bracket_end(text, at + len(item), end) == at + len(item)
    )


def product_bracket_end(text: str, at: int, end: int) -> int:
    """Where an item that ends at `at` ends with the bracket right after it that names its product (not a
    qualification: _QUALIFICATION_RX), within its span (up to `end`); else `at`."""
    if at >= end or text[at] not in _OPEN:
        return at
    close = next((i for i in range(at + 1, min(end, at + _PRODUCT_BRACKET_LONGEST + 2)) if text[i] in _CLOSE), None)
    if close is None or close < at + 3:  # no closing bracket near, or one character or none inside
        return at
    return close + 1 if _names_goods(text[at + 1 : close]) else at


def _names_goods(inner: str) -> bool:
    """Whether the text inside a bracket after an item names its goods: two to _PRODUCT_BRACKET_LONGEST characters,
    no qualification (_QUALIFICATION_RX), no cut, header or nested bracket."""
    return (
        2 <= len(inner) <= _PRODUCT_BRACKET_LONGEST
        and not _QUALIFICATION_RX.search(inner)
        and not _BRACKET_STOPS.intersection(inner)
    )


def main_spans(text, rules: Boilerplate | None = None) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets of the main items of a scope — the first main_items kept items of
    each section, light items (light_items, registered by companies of every kind) neither main nor taking
    a main place unless a bracket after one names its goods or it stands in a run of its field (_light) — read
    only as far as that needs (like main_code). What matching weighs as the main business
    (matcher/engine/match.py)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ()
    text = str(text)
    rules = rules or boilerplate()
    out: list[tuple[int, int]] = []
    pos = rank = 0
    run = light_run_items(text, rules)
    cuts = rules.cuts.finditer(text)  # lazily: most scopes are read only as far as their first items
    while pos <= len(text):
        cut = next(cuts, None)
        end = cut.start() if cut else len(text)
        if end > pos:
            for off, item, _ in _span_items(text[pos:end], rules)[0]:
                if _light(item, text, end, pos + off, rules, run):
                    continue
                if rank < rules.main_items:
                    out.append((pos + off, product_bracket_end(text, pos + off + len(item), end)))
                rank += 1
        if cut is None:
            break
        pos = cut.end()
        if rank and rules.header.search(cut.group()):
            rank = 0
        elif rank >= rules.main_items:  # past this section's main items: only a later section has more
            header = rules.header.search(text, pos)
            if header is None:
                break
            cuts = rules.cuts.finditer(text, header.start())  # the header is a cut: go on from it
            pos = header.start()
    return tuple(out)


# a 经营范围 copied into a 简介: 企查查 writes "…成立于…，法定代表人为…。经营范围包括一般项目：…" for a company
# without a description. The marker is the word with a colon or a verb; "经营范围正不断扩展" is prose.
_COPIED_MARKER = re.compile(r"经营范围(?:主要)?(?:包括|包含|涵盖|为|是)\s*[：:]?|经营范围\s*[：:]")
# the registration's own notes (a description may say 以上项目 or 国家禁止的除外, never these)
_REGISTRATION_NOTE = re.compile(r"依法[须需]经批准|凭营业执照依法自主开展经营活动")
_COPIED_HINT = r"经营范围|项目\s*(?:是|为|包括)?\s*[：:]|依法[须需]经批准|凭营业执照"  # what copied_scope needs


def copied_scope(text, rules: Boilerplate | None = None) -> tuple[int, int] | None:
    """(where the 简介's own text ends, where the 经营范围 it holds starts), character offsets, or None: around
    its marker (经营范围包括… / 经营范围：), or (0, 0) for a text that opens with a section header (一般项目：) or
    carries the registration's own note (依法须经批准的项目, 凭营业执照依法自主开展经营活动) — written from the
    registration, not as a description."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    text = str(text)
    marker = _COPIED_MARKER.search(text)
    if marker is not None:
        return marker.start(), marker.end()
    rules = rules or boilerplate()
    header = rules.header.match(text.lstrip())  # a registration section (一般项目：), not 主营： of a description
    if (header is not None and "项目" in header.group()) or _REGISTRATION_NOTE.search(text):
        return 0, 0
    return None


def split_copied_scopes(intro: pd.Series, scope: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(intro, scope) with every 简介 that holds a copied 经营范围 split at copied_scope: the text before the
    marker stays the 简介 (None where nothing is left), the copy becomes the row's 经营范围 where it has none
    (where it has one, the copy repeats it and is dropped). Texts are read once each; rows without a hint
    of one pass untouched (one Arrow regex pass first)."""
    text = intro.astype("string[pyarrow]")
    maybe = text.str.contains(_COPIED_HINT, regex=True).fillna(False).to_numpy(dtype=bool)
    if not maybe.any():
        return intro, scope
    rules = boilerplate()
    pos = np.flatnonzero(maybe)
    starts = map_distinct(intro.iloc[pos], lambda t: copied_scope(t, rules)).to_numpy(dtype=object)
    found = np.array([k is not None for k in starts], dtype=bool)
    if not found.any():
        return intro, scope
    intro, scope = intro.astype(object).copy(), scope.astype(object).copy()
    for i, (end, k) in zip(pos[found].tolist(), starts[found].tolist(), strict=True):
        t = str(intro.iloc[i])
        before, copy = t[:end].strip(" ，,。"), t[k:].strip()
        intro.iloc[i] = before or None
        if pd.isna(scope.iloc[i]) and copy:
            scope.iloc[i] = copy
    return intro, scope
