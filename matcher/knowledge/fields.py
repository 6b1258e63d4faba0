"""Per-field matching policy: how a company's name, 简介 and 经营范围 each count as evidence.

The policy is data (`data/reference/fields.yaml`): one row per text field naming its column, its
label in reasons, the setting that weighs it and which of the matcher's steps apply to it (clause
contexts, core phrase, non-target-business cue and damping, the name-only factor, exclusion words
that spread to later fields, leader names). `load_field_policies` validates the file and raises
`DataFileError` naming the file and the field; a factor names a MATCH-stage setting or is a number,
and `factor` turns it into its value under given `Settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import DataFileError
from .chains import _need, read_yaml
from .settings import MATCH, RANK, REFERENCE_DIR, Settings, stage_settings

FIELDS_FILE = REFERENCE_DIR / "fields.yaml"
CONTEXTS = ("head", "plain", "method", "application")  # clause contexts, in the matcher's index order
VERTICAL_CUES = ("all", "head", "none")
READS = ("text", "name", "scope")  # how a field is read: as plain text, as a company name, as a business scope
_OPTIONAL = {
    "read": "text",
    "main_items": None,
    "light_items": None,
    "trade_items": None,
    "stated_damp": None,
}  # keys a row may leave out
_KEYS = (
    "field",
    "column",
    "label",
    "weight",
    "clauses",
    "core_phrase",
    "vertical_cue",
    "vertical_damp",
    "alone",
    "exclusions_spread",
    "leaders",
)
_CLAUSE_KEYS = CONTEXTS + ("head_weak",)

Factor = str | float  # the name of a Settings field, or a constant


@dataclass(frozen=True)
class ClausePolicy:
    """Factors per clause context (in CONTEXTS order) and for weak keywords in a head clause."""

    contexts: tuple[Factor, ...]
    head_weak: Factor


@dataclass(frozen=True)
class FieldPolicy:
    """How one text field counts as evidence (see data/reference/fields.yaml for each key)."""

    field: str
    column: str
    label: str
    weight: Factor
    clauses: ClausePolicy | None
    core_phrase: Factor | None
    vertical_cue: str
    vertical_damp: Factor | None
    alone: Factor | None
    exclusions_spread: bool
    leaders: bool
    read: str = "text"  # text, name (keywords in the industry part only) or scope (items, main items weighted)
    main_items: Factor | None = None  # read: scope — evidence of the main items × this factor
    light_items: Factor | None = None  # read: scope — evidence of the light items × this factor
    trade_items: Factor | None = None  # read: scope — evidence of the items that only trade × this factor
    # evidence (and, for the 经营范围, the industry code's) × this factor where a description stated a non-target
    # business in the clause that states the firm's business (是一款面向中小学生的学习App)
    stated_damp: Factor | None = None


def factor(value: Factor | None, settings: Settings, absent: float | None = None) -> float | None:
    """A policy factor's value: the named setting's value, the number itself, or `absent` for None."""
    if value is None:
        return absent
    return getattr(settings, value) if isinstance(value, str) else value


def _factor(raw, path, where: str, optional: bool = False) -> Factor | None:
    names = stage_settings(MATCH)
    if raw is None and optional:
        return None
    if isinstance(raw, bool) or raw is None:
        raise DataFileError(path, where, "应为评分参数名或数字" + ("（不适用时写 null）" if optional else ""))
    if isinstance(raw, (int, float)):
        if raw < 0:
            raise DataFileError(path, where, f"系数 {raw} 不能为负数")
        return float(raw)
    if isinstance(raw, str) and raw in stage_settings(RANK):
        raise DataFileError(path, where, f"评分参数 {raw} 用于排序（rank 阶段），不能用于匹配")
    if not isinstance(raw, str) or raw not in names:
        raise DataFileError(path, where, f"未知的匹配参数 {raw!r}（可用：{', '.join(names)}）")
    return raw


def _flag(row: dict, key: str, path, where: str) -> bool:
    value = row.get(key)
    if not isinstance(value, bool):
        raise DataFileError(path, where + key, "应为 true 或 false")
    return value


def _clauses(raw, path, where: str) -> ClausePolicy | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != set(_CLAUSE_KEYS):
        got = ", ".join(map(str, raw)) if isinstance(raw, dict) else type(raw).__name__
        raise DataFileError(path, where, f"应为 null，或恰好含 {', '.join(_CLAUSE_KEYS)} 的映射（实际：{got}）")
    return ClausePolicy(
        tuple(_factor(raw[c], path, f"{where}.{c}") for c in CONTEXTS),
        _factor(raw["head_weak"], path, f"{where}.head_weak"),
    )


def _policy(row, i: int, path) -> FieldPolicy:
    where = f"fields[{i}]."
    if not isinstance(row, dict):
        raise DataFileError(path, f"fields[{i}]", "应为键值映射（field、column、weight ……）")
    unknown = [k for k in row if k not in _KEYS and k not in _OPTIONAL]
    if unknown:
        raise DataFileError(path, where + str(unknown[0]), f"未知的键（可用：{', '.join(_KEYS)}）")
    missing = [k for k in _KEYS if k not in row]
    if missing:
        raise DataFileError(path, where + missing[0], "缺少必填字段（不适用时写 null）")
    name = _need(row, "field", str, path, where)
    where = f"fields.{name}."
    clauses = _clauses(row["clauses"], path, where + "clauses")
    cue = row["vertical_cue"]
    if cue not in VERTICAL_CUES:
        raise DataFileError(path, where + "vertical_cue", f"应为 {' / '.join(VERTICAL_CUES)} 之一，实际为 {cue!r}")
    core = _factor(row["core_phrase"], path, where + "core_phrase", optional=True)
    if clauses is None and (cue == "head" or core is not None):
        key = "vertical_cue" if cue == "head" else "core_phrase"
        raise DataFileError(path, where + key, "需要分句语境（clauses 不能为 null）")
    read = row.get("read", _OPTIONAL["read"])
    if read not in READS:
        raise DataFileError(path, where + "read", f"应为 {' / '.join(READS)} 之一，实际为 {read!r}")
    items = {
        k: _factor(row.get(k), path, where + k, optional=True) for k in ("main_items", "light_items", "trade_items")
    }
    if read != "scope" and any(v is not None for v in items.values()):
        raise DataFileError(path, where + "main_items", "只用于按经营范围条目读取的字段（read: scope）")
    return FieldPolicy(
        field=name,
        column=_need(row, "column", str, path, where),
        label=_need(row, "label", str, path, where),
        weight=_factor(row["weight"], path, where + "weight"),
        clauses=clauses,
        core_phrase=core,
        vertical_cue=cue,
        vertical_damp=_factor(row["vertical_damp"], path, where + "vertical_damp", optional=True),
        alone=_factor(row["alone"], path, where + "alone", optional=True),
        exclusions_spread=_flag(row, "exclusions_spread", path, where),
        leaders=_flag(row, "leaders", path, where),
        read=read,
        stated_damp=_factor(row.get("stated_damp"), path, where + "stated_damp", optional=True),
        **items,
    )


def load_field_policies(path=FIELDS_FILE) -> tuple[FieldPolicy, ...]:
    """The per-field policy table of a fields YAML file, validated (DataFileError names file and field)."""
    path = Path(path)
    data = read_yaml(path)
    rows = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise DataFileError(path, "fields", "应为非空列表，每项说明一个文本字段")
    policies = tuple(_policy(row, i, path) for i, row in enumerate(rows))
    for key in ("field", "column"):
        seen: set[str] = set()
        for p in policies:
            value = getattr(p, key)
            if value in seen:
                raise DataFileError(path, f"fields.{p.field}.{key}", f"“{value}”重复出现")
            seen.add(value)
    return policies


@lru_cache(maxsize=1)
def field_policies() -> tuple[FieldPolicy, ...]:
    """The shipped per-field policy table (data/reference/fields.yaml), read once."""
    return load_field_policies(FIELDS_FILE)
