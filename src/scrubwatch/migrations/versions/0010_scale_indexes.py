"""Indexes for a year of data: outlet health reads recent captures and per-outlet article
counts, and the article list its most recently changed articles, from indexes instead of
the whole history (bench/bench_scale.py, #17).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_captures_fetched_at", "captures", ["fetched_at"])
    op.create_index(
        "ix_articles_outlet_id_last_checked_at", "articles", ["outlet_id", "last_checked_at"]
    )
    op.create_index("ix_articles_last_change_at", "articles", ["last_change_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_last_change_at", table_name="articles")
    op.drop_index("ix_articles_outlet_id_last_checked_at", table_name="articles")
    op.drop_index("ix_captures_fetched_at", table_name="captures")
