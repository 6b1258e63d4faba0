"""The roles of ChainMatch accounts, as data: `data/accounts/roles.yaml`.

Each role says which chains' data it reads (`read`: all / chains), which leads it may change (`leads`:
none / own / chains / all) and its further rights (`may`: users, profile, settings, reports, export,
audit, runs). Validated on load; an error names the file and the field. `matcher.accounts` enforces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import DataFileError, MatcherError
from .chains import read_yaml
from .settings import DATA_DIR

ROLES_FILE = DATA_DIR / "accounts" / "roles.yaml"
READS = ("all", "chains")
LEAD_RIGHTS = ("none", "own", "chains", "all")
RIGHTS = ("users", "profile", "settings", "reports", "export", "audit", "runs")


@dataclass(frozen=True)
class Role:
    name: str
    read: str
    leads: str
    may: frozenset[str]
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Roles:
    roles: tuple[Role, ...]
    source: str = ""

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.roles]

    def admin(self) -> Role:
        """The role that manages accounts (the first administrator gets it)."""
        return next(r for r in self.roles if "users" in r.may)

    def resolve(self, text) -> Role:
        word = "".join(str(text or "").split())
        for r in self.roles:
            if word == r.name or word in r.aliases:
                return r
        raise MatcherError(f"“{text}”不是可用的角色（可用：{'、'.join(self.names)}）")


def load_roles(path=None) -> Roles:
    """The roles from `path` (default data/accounts/roles.yaml), validated."""
    path = Path(path) if path is not None else ROLES_FILE
    return _shipped() if path == ROLES_FILE else _load(path)


@lru_cache(maxsize=1)
def _shipped() -> Roles:
    return _load(ROLES_FILE)


def _load(path: Path) -> Roles:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("roles"), list) or not data["roles"]:
        raise DataFileError(path, "roles", "应为非空的角色列表")
    out, seen = [], set()
    for i, entry in enumerate(data["roles"]):
        where = f"roles[{i}]."
        if not isinstance(entry, dict):
            raise DataFileError(path, f"roles[{i}]", "每个角色应为一个映射（name、read、leads、may）")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataFileError(path, where + "name", "缺少角色名称")
        read = entry.get("read")
        if read not in READS:
            raise DataFileError(path, where + "read", f"应为 {' / '.join(READS)} 之一，实际为 {read!r}")
        leads = entry.get("leads")
        if leads not in LEAD_RIGHTS:
            raise DataFileError(path, where + "leads", f"应为 {' / '.join(LEAD_RIGHTS)} 之一，实际为 {leads!r}")
        may = entry.get("may") or []
        if not isinstance(may, list) or any(m not in RIGHTS for m in may):
            raise DataFileError(path, where + "may", f"应为以下权利的列表：{'、'.join(RIGHTS)}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise DataFileError(path, where + "aliases", "应为非空文本的列表")
        for word in (name.strip(), *aliases):
            if word in seen:
                raise DataFileError(path, where + "aliases", f"“{word}”在多个角色中重复出现")
            seen.add(word)
        help_text = entry.get("help", "")
        if not isinstance(help_text, str):
            raise DataFileError(path, where + "help", "应为文本")
        out.append(Role(name.strip(), read, leads, frozenset(may), tuple(a.strip() for a in aliases), help_text))
    if not any("users" in r.may for r in out):
        raise DataFileError(path, "roles", "至少要有一个可管理账号（may: users）的角色")
    return Roles(tuple(out), str(path))
