"""The stages a 招商线索 (lead) moves through, as data: `data/leads/stages.yaml`.

Each stage has a name officers use (线索 / 已接洽 / 已考察 / 洽谈中 / 已签约 / 已落地 / 暂缓 / 已放弃 by
default), a kind (active / won / paused / lost), whether the 三类三色 colours and overdue flags apply to
it (`timed`), the other words officers write for it in the workbook's 跟进状态 column (`aliases`) and a
help text. The file is validated on load; an error names the file and the field. The store (leads),
the workbook (its 跟进状态 choices) and the app read the stages from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import DataFileError, MatcherError
from .chains import read_yaml
from .settings import DATA_DIR

STAGES_FILE = DATA_DIR / "leads" / "stages.yaml"
KINDS = ("active", "won", "paused", "lost")
# how officers name the 三类三色 colours of a lead and the directions of a change between two runs
COLOUR_LABELS = {"green": "绿", "yellow": "黄", "red": "红"}
CHANGE_LABELS = {"up": "升级", "down": "降级", "better": "缺口缓解", "worse": "缺口加剧"}


@dataclass(frozen=True)
class Stage:
    name: str
    kind: str
    timed: bool
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Stages:
    stages: tuple[Stage, ...]
    source: str = ""

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    @property
    def first(self) -> str:
        return self.stages[0].name

    def timed(self) -> list[str]:
        """Stages the 三类三色 colours and overdue next actions apply to."""
        return [s.name for s in self.stages if s.timed]

    def of_kind(self, *kinds: str) -> list[str]:
        return [s.name for s in self.stages if s.kind in kinds]

    def get(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)

    def order(self, name: str) -> int:
        return self.names.index(name)

    def resolve(self, text) -> str | None:
        """The stage an officer's word names (the stage itself or one of its aliases; spaces ignored),
        or None when the text is empty. Unknown words raise MatcherError listing the stages."""
        if text is None:
            return None
        word = "".join(str(text).split())
        if not word or word.lower() == "nan":
            return None
        for s in self.stages:
            if word == s.name or word in s.aliases:
                return s.name
        raise MatcherError(f"“{text}”不是可用的跟进阶段（可用：{'、'.join(self.names)}）")


def _text_list(value, path, where) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(path, where, "应为非空文本的列表")
    return tuple(v.strip() for v in value)


def load_stages(path=None) -> Stages:
    """The lead stages from `path` (default data/leads/stages.yaml), validated."""
    path = Path(path) if path is not None else STAGES_FILE
    if path == STAGES_FILE:
        return _shipped()
    return _load(path)


@lru_cache(maxsize=1)
def _shipped() -> Stages:
    return _load(STAGES_FILE)


def _load(path: Path) -> Stages:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list) or not data["stages"]:
        raise DataFileError(path, "stages", "应为非空的阶段列表")
    out, seen = [], set()
    for i, entry in enumerate(data["stages"]):
        where = f"stages[{i}]."
        if not isinstance(entry, dict):
            raise DataFileError(path, f"stages[{i}]", "每个阶段应为一个映射（name、kind、timed …）")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataFileError(path, where + "name", "缺少阶段名称")
        name = name.strip()
        kind = entry.get("kind")
        if kind not in KINDS:
            raise DataFileError(path, where + "kind", f"应为 {' / '.join(KINDS)} 之一，实际为 {kind!r}")
        timed = entry.get("timed", kind == "active")
        if not isinstance(timed, bool):
            raise DataFileError(path, where + "timed", "应为 true 或 false")
        aliases = _text_list(entry.get("aliases"), path, where + "aliases")
        for word in (name, *aliases):
            if word in seen:
                raise DataFileError(path, where + "aliases", f"“{word}”在多个阶段中重复出现")
            seen.add(word)
        help_text = entry.get("help", "")
        if not isinstance(help_text, str):
            raise DataFileError(path, where + "help", "应为文本")
        out.append(Stage(name, kind, timed, aliases, help_text.strip()))
    if out[0].kind != "active":
        raise DataFileError(path, "stages[0].kind", "第一个阶段（新线索的起点）应为 active")
    return Stages(tuple(out), str(path))
