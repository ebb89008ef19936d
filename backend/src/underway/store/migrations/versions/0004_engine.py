"""per-user slot counts and the worker registry

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # How many operations each owner has running or cancelling, kept in step by every claim and
    # settlement in the same transaction: a claim checks the per-user limit against one row (locked
    # on PostgreSQL) instead of counting the owner's operations.
    op.create_table(
        "user_slots",
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("running", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("owner"),
    )
    op.execute(
        "INSERT INTO user_slots (owner, running) "
        "SELECT owner, SUM(CASE WHEN status IN ('running', 'cancelling') THEN 1 ELSE 0 END) "
        "FROM operations WHERE status IN ('queued', 'running', 'cancelling') GROUP BY owner"
    )
    # Admission counts an owner's queued operations; the claim reads the queue head per workflow.
    op.create_index("ix_operations_owner_status", "operations", ["owner", "status"], unique=False)

    # The worker registry: what each worker process is, can run, and is doing.
    op.add_column("workers", sa.Column("role", sa.String(length=20), nullable=False, server_default="all"))
    op.add_column("workers", sa.Column("version", sa.String(length=40), nullable=False, server_default=""))
    op.add_column("workers", sa.Column("capacity", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("workers", sa.Column("running", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("workers", sa.Column("workflows", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("workers", sa.Column("capabilities", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("workers", sa.Column("draining", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("workers", sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch_op:
        for column in (
            "stopped_at",
            "draining",
            "capabilities",
            "workflows",
            "running",
            "capacity",
            "version",
            "role",
        ):
            batch_op.drop_column(column)
    op.drop_index("ix_operations_owner_status", table_name="operations")
    op.drop_table("user_slots")
