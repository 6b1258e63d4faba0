"""Opening the 招商台账: which database, the engine, SQLite's pragmas, migrations to head, backup.

`open_store(url)` takes a SQLite file path, a `sqlite:///…` URL or a `postgresql://…` URL (driven by
psycopg 3); without one it uses the CHAINMATCH_DB environment variable, else a SQLite file in the
user's data folder (`matcher.knowledge.settings.default_db_path`). A new or old database is upgraded
to the newest schema on open (the Alembic migrations ship in `matcher/store/migrations`). SQLite runs
with WAL, foreign keys on and transactions that begin at BEGIN (so every write of one call is one
transaction, reads included).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from ..errors import MatcherError
from ..knowledge.settings import DB_ENV, TRACK_DEFAULTS, TrackSettings, default_db_path
from ..knowledge.stages import Stages, load_stages

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(MatcherError):
    """The 台账 database cannot be opened, read or written as asked (a message for the officer)."""


@dataclass
class Store:
    """An open 台账: the engine plus the lead stages and the 台账 settings its flags use."""

    engine: Engine
    stages: Stages
    settings: TrackSettings = field(default_factory=lambda: TRACK_DEFAULTS)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name  # "sqlite" or "postgresql"

    @property
    def label(self) -> str:
        """The database as an officer may see it (no password)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def resolve_url(url=None) -> str:
    """A SQLAlchemy URL for `url` (a path, a sqlite: or postgresql: URL), CHAINMATCH_DB, or the default file."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=False)
    if url is None or str(url).strip() == "":
        url = os.environ.get(DB_ENV) or default_db_path()
    text_url = str(url).strip()
    if text_url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text_url.split("://", 1)[1]
    if text_url.startswith(("postgresql+", "sqlite:")):
        return text_url
    if "://" in text_url:
        raise StoreError(
            f"不支持的数据库地址“{text_url.split('://', 1)[0]}://…”（支持 SQLite 文件路径或 postgresql:// 连接串）"
        )
    path = Path(text_url).expanduser()
    return f"sqlite:///{path.resolve()}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (pysqlite's own handling skips reads)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MB of pages: bulk inserts into the indexes of a large run
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # a write takes SQLite's write lock at once (BEGIN IMMEDIATE), so two writers queue (busy_timeout)
        # instead of one failing when both first read and then write
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN")


def make_engine(url=None, **kwargs) -> Engine:
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        raise StoreError(f"无法识别的数据库地址：{url}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建台账数据库所在的文件夹 {folder}：{exc.strerror or exc}") from None
        engine = create_engine(parsed, **kwargs)
        _sqlite_setup(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


@contextmanager
def writing(store: Store):
    """A connection in one write transaction (committed at the end, rolled back on any error)."""
    with store.engine.connect() as conn:
        conn.execution_options(writing=True)
        with conn.begin():
            yield conn


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (default: the newest schema), in one transaction."""
    from alembic import command

    with engine.connect() as conn:
        conn.execution_options(writing=True)
        with conn.begin():
            command.upgrade(_alembic_config(conn), revision)


_CAUSES = [  # what a driver's message means, in the officer's words
    ("password authentication failed", "用户名或密码错误"),
    ("Connection refused", "数据库服务器没有运行或拒绝连接"),
    ("does not exist", "数据库或用户不存在"),
    ("timeout expired", "连接超时"),
    ("could not translate host name", "找不到数据库服务器"),
    ("unable to open database file", "无法打开数据库文件（文件夹不存在或没有权限）"),
    ("file is not a database", "这个文件不是台账数据库"),
    ("database is locked", "数据库正被其他程序占用，请稍后再试"),
]


def _unreachable(label: str, exc: Exception) -> StoreError:
    text = str(getattr(exc, "orig", exc)).strip()
    cause = next((words for key, words in _CAUSES if key in text), None)
    if cause is None:
        cause = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"无法打开台账数据库 {label}：{cause}")


def open_store(
    url=None, *, settings: TrackSettings | None = None, stages: Stages | None = None, migrate: bool = True
) -> Store:
    """Open (and create) the 台账 at `url` — a SQLite path, `sqlite:///…` or `postgresql://…`; default
    CHAINMATCH_DB, else ~/.local/share/chainmatch/chainmatch.db — upgraded to the newest schema unless
    migrate=False. `settings`: the 台账 thresholds (三类三色 days); `stages`: the lead stages (default
    data/leads/stages.yaml)."""
    engine = make_engine(url)
    store = Store(engine, stages or load_stages(), settings or TRACK_DEFAULTS)
    try:
        if migrate and current_revision(engine) != head_revision():
            upgrade(engine)
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise _unreachable(store.label, exc) from None
    except Exception:
        engine.dispose()
        raise
    return store


def table_names(store: Store) -> list[str]:
    return sorted(inspect(store.engine).get_table_names())


def backup(store: Store, out) -> Path:
    """Copy a SQLite 台账 to `out` while it stays in use (SQLite's online backup API); the copy is a
    complete database that opens on its own. A PostgreSQL 台账 is backed up with pg_dump."""
    import sqlite3

    if store.dialect != "sqlite":
        raise StoreError("PostgreSQL 台账请用数据库自带的 pg_dump 备份（如 pg_dump -Fc 库名 > 备份文件）")
    out = Path(out)
    if out.exists() and out.is_dir():
        raise StoreError(f"{out}：是一个文件夹，请给出备份文件名")
    if out.resolve() == Path(str(store.engine.url.database)).resolve():
        raise StoreError(f"{out}：备份文件不能是台账数据库本身")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{out}：无法写入（{exc.strerror or exc}）") from None
    tmp = out.with_name(out.name + ".part")
    raw = store.engine.raw_connection()
    try:
        source = raw.driver_connection
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
        os.replace(tmp, out)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{out}：备份失败（{exc}）") from None
    finally:
        raw.close()
    return out


_LOCKS = {"runs": 0x636D0001, "leads": 0x636D0002}


def serialize(conn, what: str) -> None:
    """Let one writer at a time record runs (what="runs") or create leads ("leads") until the
    transaction ends, so two people doing it at the same moment never add the same company or lead
    twice. PostgreSQL: a transaction-level advisory lock; SQLite serialises writers by itself."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCKS[what]})


def ping(store: Store) -> None:
    with store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
