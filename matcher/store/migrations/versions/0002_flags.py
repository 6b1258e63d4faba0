"""Flags fast on 100,000 leads: each company's status in its newest run kept on the company (filled
from the runs already recorded), and indexes for the 台账's filters (chain + stage, owner, stage
date for the 三类三色 colours, due date for overdue actions).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(sa.Column("last_run_id", sa.Integer))
        batch.add_column(sa.Column("last_status", sa.String))
        batch.add_column(sa.Column("last_status_raw", sa.String))
    # each company's newest recorded status
    op.execute(
        """
        UPDATE companies SET
          last_run_id = (SELECT MAX(r.run_id) FROM run_results r WHERE r.company_id = companies.id),
          last_status = (SELECT r.status FROM run_results r WHERE r.company_id = companies.id
                         ORDER BY r.run_id DESC, r.seq LIMIT 1),
          last_status_raw = (SELECT r.status_raw FROM run_results r WHERE r.company_id = companies.id
                             ORDER BY r.run_id DESC, r.seq LIMIT 1)
        """
    )
    op.create_index("ix_leads_chain_id_stage", "leads", ["chain_id", "stage"])
    op.create_index("ix_leads_owner", "leads", ["owner"])
    op.create_index("ix_leads_stage_since", "leads", ["stage_since"])
    op.create_index("ix_leads_due_date", "leads", ["due_date"])


def downgrade() -> None:
    for name in ("ix_leads_due_date", "ix_leads_stage_since", "ix_leads_owner", "ix_leads_chain_id_stage"):
        op.drop_index(name, table_name="leads")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("last_status_raw")
        batch.drop_column("last_status")
        batch.drop_column("last_run_id")
