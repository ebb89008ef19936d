"""chat interfaces: sessions, messages, links, link codes, inbound dedupe, progress followers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 10:00:00.000000
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        _ts("last_inbound_at", nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "chat_id", name="uq_chat_sessions_channel_chat"),
    )
    op.create_index(
        "ix_chat_sessions_user_channel_updated", "chat_sessions", ["user_id", "channel", "updated_at"]
    )
    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("operation_ids", sa.JSON(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["session_id"], ["chat_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_chat_messages_session_id", "chat_messages", ["session_id", "id"])
    op.create_table(
        "chat_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "chat_id", name="uq_chat_links_channel_chat"),
    )
    op.create_index("ix_chat_links_user_id", "chat_links", ["user_id"])
    op.create_table(
        "chat_link_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index("ix_chat_link_codes_user_id", "chat_link_codes", ["user_id"])
    op.create_table(
        "chat_inbound",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        _ts("received_at"),
        sa.PrimaryKeyConstraint("channel", "external_id"),
    )
    op.create_index("ix_chat_inbound_received_at", "chat_inbound", ["received_at"])
    op.create_table(
        "chat_followers",
        sa.Column("operation_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("message_ref", sa.String(length=100), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("stage_index", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        _ts("claimed_until", nullable=True),
        _ts("finished_at", nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["operation_id"], ["operations.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["chat_sessions.id"]),
        sa.PrimaryKeyConstraint("operation_id"),
    )
    op.create_index("ix_chat_followers_session_id", "chat_followers", ["session_id"])
    op.create_index("ix_chat_followers_finished_at", "chat_followers", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_chat_followers_finished_at", table_name="chat_followers")
    op.drop_index("ix_chat_followers_session_id", table_name="chat_followers")
    op.drop_table("chat_followers")
    op.drop_index("ix_chat_inbound_received_at", table_name="chat_inbound")
    op.drop_table("chat_inbound")
    op.drop_index("ix_chat_link_codes_user_id", table_name="chat_link_codes")
    op.drop_table("chat_link_codes")
    op.drop_index("ix_chat_links_user_id", table_name="chat_links")
    op.drop_table("chat_links")
    op.drop_index("ix_chat_messages_session_id", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_index("ix_chat_sessions_user_channel_updated", table_name="chat_sessions")
    op.drop_table("chat_sessions")
