"""indexes for the activity charts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 05:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The charts aggregate operations that finished in the last day or week: a range on
    # finished_at, everyone's (administrators) or one owner's.
    op.create_index("ix_operations_finished", "operations", ["finished_at"], unique=False)
    op.create_index("ix_operations_owner_finished", "operations", ["owner", "finished_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_operations_owner_finished", table_name="operations")
    op.drop_index("ix_operations_finished", table_name="operations")
