"""The first schema of the 招商台账: runs, companies, run results and gaps, leads and their history.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("run_date", sa.Date, nullable=False),
        sa.Column("created_by", sa.String),
        sa.Column("note", sa.Text),
        sa.Column("zone_id", sa.String),
        sa.Column("zone_name", sa.String),
        sa.Column("zone_snapshot", sa.Text),
        sa.Column("settings", sa.JSON),
        sa.Column("inputs", sa.JSON),
        sa.Column("counts", sa.JSON),
        sa.Column("per_chain", sa.Boolean, nullable=False),
        sa.Column("n_results", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("credit_code", sa.String),
        sa.Column("name_key", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_companies"),
    )
    op.create_index(
        "ix_companies_credit_code",
        "companies",
        ["credit_code"],
        unique=True,
        sqlite_where=sa.text("credit_code IS NOT NULL"),
        postgresql_where=sa.text("credit_code IS NOT NULL"),
    )
    op.create_index("ix_companies_name_key", "companies", ["name_key"])
    floats = ["relevance", "gap_weight", "priority", "fit", "strength", "s_capital", "s_employees", "s_age"]
    floats += ["s_tags", "distance_km", "proximity", "risk", "score"]
    texts = ["company_name", "credit_code", "chain_id", "chain_name", "segment_id", "segment_name", "position"]
    texts += ["gap_status", "tier", "status", "status_raw"]
    op.create_table(
        "run_results",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("company_id", sa.Integer, nullable=False),
        *(sa.Column(c, sa.String) for c in texts),
        *(sa.Column(c, sa.Float) for c in floats),
        sa.PrimaryKeyConstraint("run_id", "seq", name="pk_run_results"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_run_results_run_id_runs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name="fk_run_results_company_id_companies"),
    )
    op.create_index("ix_run_results_company_id_run_id", "run_results", ["company_id", "run_id"])
    op.create_table(
        "run_gaps",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("chain_id", sa.String, nullable=False),
        sa.Column("segment_id", sa.String, nullable=False),
        sa.Column("chain_name", sa.String),
        sa.Column("segment_name", sa.String),
        sa.Column("position", sa.String),
        sa.Column("status", sa.String),
        sa.Column("gap_weight", sa.Float),
        sa.Column("assumed", sa.Boolean),
        sa.Column("computed", sa.Boolean),
        sa.PrimaryKeyConstraint("run_id", "chain_id", "segment_id", name="pk_run_gaps"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_run_gaps_run_id_runs", ondelete="CASCADE"),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("company_id", sa.Integer, nullable=False),
        sa.Column("chain_id", sa.String, nullable=False),
        sa.Column("chain_name", sa.String),
        sa.Column("segment_id", sa.String, nullable=False),
        sa.Column("segment_name", sa.String),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("owner", sa.String),
        sa.Column("next_action", sa.Text),
        sa.Column("due_date", sa.Date),
        sa.Column("amount_wan", sa.Float),
        sa.Column("notes", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("stage_since", sa.DateTime, nullable=False),
        sa.Column("source_run_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], name="fk_leads_company_id_companies"),
        sa.ForeignKeyConstraint(
            ["source_run_id"], ["runs.id"], name="fk_leads_source_run_id_runs", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("company_id", "chain_id", "segment_id", name="uq_leads_company_id_chain_id_segment_id"),
    )
    op.create_table(
        "lead_history",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("lead_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by_user", sa.String),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("field", sa.String, nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lead_history"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_lead_history_lead_id_leads"),
    )
    op.create_index("ix_lead_history_lead_id_id", "lead_history", ["lead_id", "id"])


def downgrade() -> None:
    for table in ("lead_history", "leads", "run_gaps", "run_results", "companies", "runs"):
        op.drop_table(table)
