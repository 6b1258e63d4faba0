"""The 招商台账's tables, as SQLAlchemy Core: one definition for SQLite and PostgreSQL.

Core rather than the ORM: a run of 100,000 companies is written as a few bulk statements and leads
are read back as DataFrames with flag columns computed in SQL; an identity map of 100,000 objects
would cost time and give nothing. This file is the head of the migrations in `migrations/versions`
(a test compares the two); change both together.

- companies     one row per company ever scored; merge rule: credit code, else normalised name
                (`matcher.ingest.dedupe`). `last_*`: its status in the newest run that scored it.
- runs          one row per recorded scoring run: date, inputs (file names + SHA-256), zone snapshot
                (YAML), settings snapshot, row counts.
- run_results   each company's chain, segment, component scores, score, tier, status and the gap
                status of its segment, per run (primary key run id + rank).
- run_gaps      the zone's gap status per chain segment, per run.
- leads         company × chain × segment under follow-up: stage, owner, next action, due date,
                expected investment (万元), notes, `version` (optimistic concurrency).
- lead_history  append-only: every change of a lead (who, when, field, from → to, source).
- users         accounts: role, chains, Argon2 password hash, lock-out state (matcher.accounts).
- audit_log     append-only: logins, lead changes, exports, reports (triggers refuse UPDATE/DELETE).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("run_date", Date, nullable=False),  # the day the scores were measured at
    Column("created_by", String),
    Column("note", Text),
    Column("zone_id", String),
    Column("zone_name", String),
    Column("zone_snapshot", Text),  # the zone profile as YAML
    Column("settings", JSON),  # Settings.as_dict()
    Column("inputs", JSON),  # [{"file": name, "sha256": …, "bytes": …}]
    Column("counts", JSON),  # read / scored / merged / rejected
    Column("per_chain", Boolean, nullable=False),
    Column("n_results", Integer, nullable=False),
)

companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("credit_code", String),
    Column("name_key", String, nullable=False),
    Column("name", String, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_run_id", Integer),  # the run the status below was taken from (a cache of run_results)
    Column("last_status", String),  # active / inactive / unknown in the newest run that scored it
    Column("last_status_raw", String),  # as the register words it (存续, 注销, 吊销 …)
    Index(
        "ix_companies_credit_code",
        "credit_code",
        unique=True,
        sqlite_where=text("credit_code IS NOT NULL"),
        postgresql_where=text("credit_code IS NOT NULL"),
    ),
    Index("ix_companies_name_key", "name_key"),
)

RESULT_FLOATS = (
    "relevance",
    "gap_weight",
    "priority",
    "fit",
    "strength",
    "s_capital",
    "s_employees",
    "s_age",
    "s_tags",
    "distance_km",
    "proximity",
    "risk",
    "score",
)
RESULT_TEXTS = (
    "company_name",
    "credit_code",
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "position",
    "gap_status",
    "tier",
    "status",
    "status_raw",
)
run_results = Table(
    "run_results",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),  # 1-based rank in the run's table
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    *(Column(c, String) for c in RESULT_TEXTS),
    *(Column(c, Float) for c in RESULT_FLOATS),
    PrimaryKeyConstraint("run_id", "seq"),
    Index("ix_run_results_company_id_run_id", "company_id", "run_id"),
)

run_gaps = Table(
    "run_gaps",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("chain_id", String, nullable=False),
    Column("segment_id", String, nullable=False),
    Column("chain_name", String),
    Column("segment_name", String),
    Column("position", String),
    Column("status", String),
    Column("gap_weight", Float),
    Column("assumed", Boolean),
    Column("computed", Boolean),
    PrimaryKeyConstraint("run_id", "chain_id", "segment_id"),
)

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("chain_id", String, nullable=False),
    Column("chain_name", String),
    Column("segment_id", String, nullable=False),
    Column("segment_name", String),
    Column("stage", String, nullable=False),
    Column("owner", String),
    Column("next_action", Text),
    Column("due_date", Date),
    Column("amount_wan", Float),  # expected investment, 万元
    Column("notes", Text),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String),
    Column("updated_at", DateTime, nullable=False),
    Column("stage_since", DateTime, nullable=False),  # when the lead entered its stage (三类三色)
    Column("source_run_id", Integer, ForeignKey("runs.id", ondelete="SET NULL")),
    UniqueConstraint("company_id", "chain_id", "segment_id"),
    Index("ix_leads_chain_id_stage", "chain_id", "stage"),
    Index("ix_leads_owner", "owner"),
    Index("ix_leads_stage_since", "stage_since"),
    Index("ix_leads_due_date", "due_date"),
)

lead_history = Table(
    "lead_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("by_user", String),
    Column("source", String, nullable=False),  # cli / app / workbook / api
    Column("field", String, nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("version", Integer, nullable=False),  # the lead's version after the change
    Index("ix_lead_history_lead_id_id", "lead_id", "id"),
)


def sa_count():
    """COUNT(*) (for row counts in tests and reports)."""
    from sqlalchemy import func

    return func.count()


# Accounts and the audit trail (issue 17; used by `matcher.accounts`). Passwords only as Argon2 hashes.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String, nullable=False, unique=True),
    Column("display_name", String, nullable=False),
    Column("role", String, nullable=False),  # a role of data/accounts/roles.yaml
    Column("chains", JSON, nullable=False),  # chain ids the user works on
    Column("password_hash", String, nullable=False),  # Argon2id, never the password
    Column("active", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),  # failures since the last success (lock-out)
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("username", String),  # who (None: someone unknown, e.g. a login with a wrong name)
    Column("action", String, nullable=False),  # login / login_failed / lead_change / export / report / …
    Column("target", Text),  # what: a lead id, a file name, a user name
    Column("detail", Text),
    Column("n_rows", Integer),
    Column("source", String, nullable=False),  # cli / app / api
    Index("ix_audit_log_at", "at"),
)
