"""Archive watches: a web archive's index watched for captures that vanish, and the change
kind archive_removed (15 characters: the kind column widens to 20 on PostgreSQL; SQLite
does not enforce lengths).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "changes", "kind", type_=sa.String(length=20), existing_type=sa.String(length=10)
        )
    op.create_table(
        "archive_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cdx_url", sa.Text(), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_check_at", sa.DateTime(), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("listed", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_watches")),
        sa.UniqueConstraint("cdx_url", "pattern", name="uq_archive_watches_cdx_url_pattern"),
    )
    op.create_table(
        "archive_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.String(length=14), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("digest", sa.String(length=100), nullable=True),
        sa.Column("first_listed_at", sa.DateTime(), nullable=False),
        sa.Column("last_listed_at", sa.DateTime(), nullable=False),
        sa.Column("missing_since", sa.DateTime(), nullable=True),
        sa.Column("removed_change_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["archive_watches.id"],
            name=op.f("fk_archive_listings_watch_id_archive_watches"),
        ),
        sa.ForeignKeyConstraint(
            ["removed_change_id"],
            ["changes.id"],
            name=op.f("fk_archive_listings_removed_change_id_changes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_listings")),
        sa.UniqueConstraint("watch_id", "url", "timestamp", name="uq_archive_listings_capture"),
    )
    op.create_index(
        "ix_archive_listings_watch_id_missing_since",
        "archive_listings",
        ["watch_id", "missing_since"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_archive_listings_watch_id_missing_since", table_name="archive_listings")
    op.drop_table("archive_listings")
    op.drop_table("archive_watches")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "changes", "kind", type_=sa.String(length=10), existing_type=sa.String(length=20)
        )
