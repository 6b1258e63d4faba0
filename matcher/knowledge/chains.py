"""Chain knowledge and zone gap profiles: load and validate `data/chains/*.yaml` and `data/zones/*.yaml`.

A `Chain` has segments (环节) placed 上游 / 中游 / 下游, each with vocabulary, exclusion words, GB/T
4754-2017 小类 codes and leader companies. A `Zone` gives each chain a priority and each segment a
status (优势 / 一般 / 薄弱 / 缺失) that maps to a gap weight. `zone_to_yaml` writes a zone back out. Loading checks every field and raises
`DataFileError` naming the file and the field, so an officer who edits a file knows what to fix. A segment
placed in several chains (工业软件 in 智能制造装备 and 软件和信息服务) is written once in `shared/NAME.yaml` beside
the chain files and placed with `- shared: NAME` (plus, optionally, its position in that chain).
`segment_table()` flattens chains and zone into one DataFrame the scorer works from.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import yaml

from ..errors import DataFileError
from .settings import CHAIN_IDS, CHAINS_DIR, DEFAULT_ZONE, REFERENCE_DIR

POSITIONS = ("上游", "中游", "下游")
STATUSES = ("优势", "一般", "薄弱", "缺失")


class StatusColour(NamedTuple):
    fill: str  # a cell's background (workbooks, reports)
    text: str  # the text on that background
    mark: str  # a strong colour for marks on a white page (map nodes, legends)


# how each gap status looks in every output (workbook, gap report, maps)
STATUS_COLOURS = {
    "优势": StatusColour("#E2EFDA", "#375623", "#2e7d32"),
    "一般": StatusColour("#FFF2CC", "#7F6000", "#f9a825"),  # yellow in every output (was grey on the map)
    "薄弱": StatusColour("#FCE4D6", "#C65911", "#ef6c00"),
    "缺失": StatusColour("#FFC7CE", "#9C0006", "#c62828"),
}
# computed status of a segment: coverage / target at or above STRONG_RATIO is 优势, at or above
# FAIR_RATIO 一般; any coverage > 0 is 薄弱, none 缺失
STRONG_RATIO = 1.0
FAIR_RATIO = 0.5
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Segment:
    id: str
    name: str
    position: str
    description: str
    keywords: tuple[str, ...]
    weak_keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    target_count: int = 3
    # a service to the chain (its construction, operation or distribution), not a product of it: its companies rank
    # after the chain's makers (the setting service_ceiling)
    serves: bool = False
    # trading the chain's products is this segment's business (药品批发): a leader's name on a trading arm
    # (阿斯利康（无锡）贸易) files the arm here, not in the leader's making segments (at most one per chain)
    trades: bool = False


@dataclass(frozen=True)
class Chain:
    id: str
    name: str
    description: str
    segments: tuple[Segment, ...]
    seed_focus: str = ""
    exclude: tuple[str, ...] = ()
    core_keywords: tuple[tuple[str, str], ...] = ()  # (word, segment id): the chain's own core words
    source: str = ""

    def segment(self, segment_id: str) -> Segment:
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(segment_id)


@dataclass(frozen=True)
class SegmentStatus:
    status: str
    assumed: bool = False
    note: str = ""
    target_count: int | None = None  # zone override of the chain data's Segment.target_count
    computed: bool = False  # computed from the zone's enterprise list (`matcher gaps`), not set by an officer


@dataclass(frozen=True)
class ZoneChain:
    priority: str
    leader: str = ""
    segments: dict = field(default_factory=dict)  # segment id -> SegmentStatus


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    province: str
    city: str
    lon: float | None
    lat: float | None
    priority_levels: dict  # level name -> weight
    status_weights: dict  # status -> gap weight
    chains: dict  # chain id -> ZoneChain
    default_status: str = "一般"
    source: str = ""

    def chain_priority(self, chain_id: str) -> tuple[str, float]:
        zc = self.chains.get(chain_id)
        if zc is None:
            return "未列入", 0.0
        return zc.priority, float(self.priority_levels[zc.priority])

    def segment_status(self, chain_id: str, segment_id: str) -> SegmentStatus:
        zc = self.chains.get(chain_id)
        if zc is None or segment_id not in zc.segments:
            return SegmentStatus(self.default_status, assumed=True, note="区域配置未列出，按默认")
        return zc.segments[segment_id]


# --------------------------------------------------------------------------------------------
# small validation helpers


def read_yaml(path: Path):
    """A data file's YAML; a missing, non-UTF-8 or malformed file raises DataFileError naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, "(文件)", "文件不存在") from None
    except UnicodeDecodeError:
        raise DataFileError(path, "(文件)", "不是 UTF-8 编码的文本") from None
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise DataFileError(path, "(YAML)", f"YAML 格式错误 {where}: {getattr(exc, 'problem', exc)}") from None


def _need(d: dict, key: str, kind, path, where: str):
    if not isinstance(d, dict) or key not in d or d[key] is None:
        raise DataFileError(path, f"{where}{key}", "缺少必填字段")
    value = d[key]
    if kind is str:
        if not isinstance(value, (str, int, float)) or not str(value).strip():
            raise DataFileError(path, f"{where}{key}", "应为非空文本")
        return str(value).strip()
    if not isinstance(value, kind):
        raise DataFileError(path, f"{where}{key}", f"类型应为 {kind.__name__}，实际为 {type(value).__name__}")
    return value


def _words(d: dict, key: str, path, where: str, required: bool = False) -> tuple[str, ...]:
    value = d.get(key)
    if value is None:
        if required:
            raise DataFileError(path, f"{where}{key}", "缺少必填字段")
        return ()
    if not isinstance(value, list):
        raise DataFileError(path, f"{where}{key}", "应为列表")
    out = []
    for i, w in enumerate(value):
        if not isinstance(w, (str, int)) or not str(w).strip():
            raise DataFileError(path, f"{where}{key}[{i}]", "应为非空文本")
        w = str(w).strip()
        if key != "leaders" and len(w) < 2:
            raise DataFileError(path, f"{where}{key}[{i}]", f"词汇“{w}”少于两个字符，容易误匹配")
        out.append(w)
    if required and not out:
        raise DataFileError(path, f"{where}{key}", "至少需要一个词")
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=1)
def industry_codes() -> dict[str, str]:
    """GB/T 4754-2017 code -> name, all levels (门类 letters, 2/3/4-digit codes)."""
    path = REFERENCE_DIR / "gbt4754_2017_codes.csv"
    with open(path, encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


# --------------------------------------------------------------------------------------------
# chains


SHARED_DIR = "shared"  # beside the chain files: segments placed in more than one chain
_SHARED_OVERRIDES = ("position", "target_count")  # what a chain may set for its placement of a shared segment


def _shared_segment(entry: dict, chain_file: Path, i: int) -> tuple[Path, dict]:
    """(file, segment mapping) of a `- shared: NAME` entry: the segment in shared/NAME.yaml beside the chain
    file, with the entry's position / target_count (where the segment sits in this chain) on top."""
    name = str(entry.get("shared") or "").strip()
    if not _ID_RE.match(name):
        raise DataFileError(
            chain_file, f"segments[{i}].shared", f"“{name}”应为共享环节文件名（小写英文字母、数字或下划线）"
        )
    extra = sorted(set(map(str, entry)) - {"shared", *_SHARED_OVERRIDES})
    if extra:
        raise DataFileError(
            chain_file,
            f"segments[{i}].{extra[0]}",
            f"共享环节只能在产业链中设置 {' / '.join(_SHARED_OVERRIDES)}，其余内容写在共享文件中",
        )
    shared = chain_file.parent / SHARED_DIR / f"{name}.yaml"
    if not shared.is_file():
        raise DataFileError(chain_file, f"segments[{i}].shared", f"共享环节文件 {shared} 不存在")
    data = read_yaml(shared)
    if not isinstance(data, dict):
        raise DataFileError(shared, "(文件)", "顶层应为一个环节的键值映射（id、name、keywords ……）")
    return shared, {**data, **{k: entry[k] for k in _SHARED_OVERRIDES if k in entry}}


def load_chain(path) -> Chain:
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "(文件)", "顶层应为键值映射（id、name、segments ……）")
    cid = _need(data, "id", str, path, "")
    if not _ID_RE.match(cid):
        raise DataFileError(path, "id", f"“{cid}”应为小写英文字母、数字或下划线")
    name = _need(data, "name", str, path, "")
    description = _need(data, "description", str, path, "")
    raw_segments = _need(data, "segments", list, path, "")
    codes = industry_codes()
    segments, seen = [], set()
    chain_file = path
    for i, s in enumerate(raw_segments):
        where = f"segments[{i}]."
        if not isinstance(s, dict):
            raise DataFileError(chain_file, f"segments[{i}]", "应为键值映射")
        path, shared = chain_file, "shared" in s
        if shared:  # a segment defined once under shared/ and placed in several chains
            path, s = _shared_segment(s, chain_file, i)
            where = ""
        sid = _need(s, "id", str, path, where)
        where = f"({sid})." if shared else f"segments[{i}]({sid})."  # a shared file holds one segment
        if not _ID_RE.match(sid):
            raise DataFileError(path, f"{where}id", f"“{sid}”应为小写英文字母、数字或下划线")
        if sid in seen:
            raise DataFileError(path, f"{where}id", f"环节 id “{sid}”重复")
        seen.add(sid)
        position = _need(s, "position", str, path, where)
        if position not in POSITIONS:
            raise DataFileError(path, f"{where}position", f"“{position}”应为 上游 / 中游 / 下游 之一")
        seg_codes = tuple(str(c).strip() for c in (s.get("industry_codes") or []))
        for c in seg_codes:
            if not (len(c) == 4 and c.isdigit() and c in codes):
                raise DataFileError(path, f"{where}industry_codes", f"“{c}”不是 GB/T 4754-2017 的小类代码")
        target = s.get("target_count", 3)
        if not isinstance(target, int) or target < 1:
            raise DataFileError(path, f"{where}target_count", "应为正整数")
        serves, trades = s.get("serves", False), s.get("trades", False)
        for key, value in (("serves", serves), ("trades", trades)):
            if not isinstance(value, bool):
                raise DataFileError(path, f"{where}{key}", "应为 true 或 false")
        if trades and any(x.trades for x in segments):
            raise DataFileError(path, f"{where}trades", "一条产业链至多一个流通环节")
        segments.append(
            Segment(
                id=sid,
                name=_need(s, "name", str, path, where),
                position=position,
                description=_need(s, "description", str, path, where),
                keywords=_words(s, "keywords", path, where, required=True),
                weak_keywords=_words(s, "weak_keywords", path, where),
                exclude=_words(s, "exclude", path, where),
                industry_codes=seg_codes,
                leaders=_words(s, "leaders", path, where),
                target_count=target,
                serves=serves,
                trades=trades,
            )
        )
    path = chain_file
    if not segments:
        raise DataFileError(path, "segments", "至少需要一个环节")
    core = data.get("core_keywords") or {}
    if not isinstance(core, dict):
        raise DataFileError(path, "core_keywords", "应为 词: 环节id 的映射")
    for word, sid in core.items():
        if not isinstance(word, str) or len(word.strip()) < 2:
            raise DataFileError(path, f"core_keywords.{word}", "词应为至少两个字符的文本")
        if sid not in seen:
            raise DataFileError(path, f"core_keywords.{word}", f"环节 id “{sid}”不存在")
    return Chain(
        id=cid,
        name=name,
        description=description,
        segments=tuple(segments),
        seed_focus=str(data.get("seed_focus") or "").strip(),
        exclude=_words(data, "exclude", path, ""),
        core_keywords=tuple((w.strip(), str(sid)) for w, sid in core.items()),
        source=str(path),
    )


def load_chains(directory=None) -> dict[str, Chain]:
    """Every `*.yaml` under the chains directory, keyed by chain id, in the plan's order."""
    directory = Path(directory) if directory else CHAINS_DIR
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DataFileError(directory, "(目录)", "没有找到任何产业链 YAML 文件")
    chains = {}
    for f in files:
        chain = load_chain(f)
        if chain.id in chains:
            raise DataFileError(f, "id", f"产业链 id “{chain.id}”与 {chains[chain.id].source} 重复")
        chains[chain.id] = chain
    order = {cid: i for i, cid in enumerate(CHAIN_IDS)}
    return dict(sorted(chains.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))


# --------------------------------------------------------------------------------------------
# zones


def _weight_table(data, key, path, allowed=None) -> dict:
    table = _need(data, key, dict, path, "")
    out = {}
    for k, v in table.items():
        if allowed and k not in allowed:
            raise DataFileError(path, f"{key}.{k}", f"未知取值，应为 {' / '.join(allowed)} 之一")
        if not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise DataFileError(path, f"{key}.{k}", "权重应为 0 到 1 之间的数字")
        out[str(k)] = float(v)
    return out


def load_zone(path=None, chains: dict[str, Chain] | None = None) -> Zone:
    """Load a zone profile; with `chains`, also check that every chain and segment id exists."""
    path = Path(path) if path else DEFAULT_ZONE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "(文件)", "顶层应为键值映射（id、name、chains ……）")
    priority_levels = _weight_table(data, "priority_levels", path)
    status_weights = _weight_table(data, "status_weights", path, allowed=STATUSES)
    missing = [s for s in STATUSES if s not in status_weights]
    if missing:
        raise DataFileError(path, "status_weights", f"缺少状态 {'、'.join(missing)} 的缺口权重")
    default_status = str(data.get("default_status", "一般"))
    if default_status not in STATUSES:
        raise DataFileError(path, "default_status", f"“{default_status}”应为 {' / '.join(STATUSES)} 之一")
    location = data.get("location") or {}
    lon, lat = location.get("lon"), location.get("lat")
    for key, v in (("lon", lon), ("lat", lat)):
        if v is not None and not isinstance(v, (int, float)):
            raise DataFileError(path, f"location.{key}", "应为数字（经纬度）")
    zone_chains = {}
    for cid, zc in (_need(data, "chains", dict, path, "") or {}).items():
        where = f"chains.{cid}."
        if chains is not None and cid not in chains:
            raise DataFileError(path, f"chains.{cid}", f"未知的产业链 id（可用：{', '.join(chains)}）")
        if not isinstance(zc, dict):
            raise DataFileError(path, f"chains.{cid}", "应为键值映射（priority、segments）")
        priority = _need(zc, "priority", str, path, where)
        if priority not in priority_levels:
            raise DataFileError(
                path, f"{where}priority", f"“{priority}”不在 priority_levels 中（{' / '.join(priority_levels)}）"
            )
        segs = {}
        for sid, st in (zc.get("segments") or {}).items():
            swhere = f"{where}segments.{sid}"
            if chains is not None and cid in chains and sid not in {s.id for s in chains[cid].segments}:
                raise DataFileError(path, swhere, f"产业链 {cid} 没有这个环节")
            if isinstance(st, str):
                st = {"status": st}
            if isinstance(st, dict) and "status" not in st and "target_count" in st:
                st = {**st, "status": default_status, "assumed": True}  # only the target is overridden
            if not isinstance(st, dict) or st.get("status") not in STATUSES:
                raise DataFileError(path, f"{swhere}.status", f"应为 {' / '.join(STATUSES)} 之一")
            target = st.get("target_count")
            if target is not None and (not isinstance(target, int) or isinstance(target, bool) or target < 1):
                raise DataFileError(path, f"{swhere}.target_count", "应为正整数")
            segs[str(sid)] = SegmentStatus(
                st["status"],
                bool(st.get("assumed", False)),
                str(st.get("note") or ""),
                target_count=target,
                computed=bool(st.get("computed", False)),
            )
        zone_chains[str(cid)] = ZoneChain(priority=priority, leader=str(zc.get("leader") or ""), segments=segs)
    return Zone(
        id=_need(data, "id", str, path, ""),
        name=_need(data, "name", str, path, ""),
        province=str(data.get("province") or ""),
        city=str(data.get("city") or ""),
        lon=lon,
        lat=lat,
        priority_levels=priority_levels,
        status_weights=status_weights,
        chains=zone_chains,
        default_status=default_status,
        source=str(path),
    )


def segment_table(chains: dict[str, Chain], zone: Zone) -> pd.DataFrame:
    """One row per segment: chain and segment ids/names, position, status, gap weight, priority."""
    rows = []
    for chain in chains.values():
        level, prio = zone.chain_priority(chain.id)
        for seg in chain.segments:
            st = zone.segment_status(chain.id, seg.id)
            rows.append(
                {
                    "chain_id": chain.id,
                    "chain_name": chain.name,
                    "segment_id": seg.id,
                    "segment_name": seg.name,
                    "position": seg.position,
                    "serves": seg.serves,
                    "status": st.status,
                    "assumed": st.assumed,
                    "gap_weight": zone.status_weights[st.status],
                    "priority_level": level,
                    "priority": prio,
                    "target_count": st.target_count or seg.target_count,
                    "computed": st.computed,
                }
            )
    return pd.DataFrame(rows)


def zone_to_yaml(
    zone: Zone, chains: dict[str, Chain] | None = None, title: str | None = None, header: list[str] | None = None
) -> str:
    """A zone profile as YAML text that `load_zone` reads back to an equal Zone (segments in the chain
    data's order when `chains` is given). `header` replaces the explanatory comment lines."""
    data = {"id": zone.id, "name": zone.name}
    if zone.province:
        data["province"] = zone.province
    if zone.city:
        data["city"] = zone.city
    if zone.lon is not None and zone.lat is not None:
        data["location"] = {"lon": zone.lon, "lat": zone.lat}
    data["priority_levels"] = dict(zone.priority_levels)
    data["status_weights"] = dict(zone.status_weights)
    data["default_status"] = zone.default_status
    out_chains = {}
    for cid, zc in zone.chains.items():
        order = [s.id for s in chains[cid].segments] if chains and cid in chains else []
        segs = {}
        for sid in order + [s for s in zc.segments if s not in order]:
            st = zc.segments.get(sid)
            if st is None:
                continue
            entry = {"status": st.status}
            if st.computed:
                entry["computed"] = True
            if st.assumed:
                entry["assumed"] = True
            if st.target_count is not None:
                entry["target_count"] = int(st.target_count)
            if st.note:
                entry["note"] = st.note
            segs[sid] = entry
        out_chains[cid] = {"priority": zc.priority, **({"leader": zc.leader} if zc.leader else {}), "segments": segs}
    data["chains"] = out_chains
    head = header or [
        f"# {title or zone.name + ' — 产业链缺口配置'}",
        "# 状态：优势 / 一般 / 薄弱 / 缺失；assumed: true = 待核实的假设，computed: true = 由园区企业库测算，",
        "# 两者都没有的是人工设定（测算时保留）。可用于 matcher score --zone 或在应用中上传。",
        "",
    ]
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return "\n".join(head) + body
