"""worker leases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # A plain ADD COLUMN (no batch table copy on SQLite): existing rows get NULL, which recovery reads
    # as "claimed before leases existed", so whatever they were running is settled at the next start.
    op.add_column("operations", sa.Column("worker_id", sa.String(length=36), nullable=True))
    op.create_index("ix_operations_worker_id", "operations", ["worker_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_operations_worker_id", table_name="operations")
    with op.batch_alter_table("operations") as batch_op:
        batch_op.drop_column("worker_id")
    op.drop_table("workers")
