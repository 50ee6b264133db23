"""Outlet health and outage detection read a recent window of captures from one index that
holds what they need (time, article, outcome), instead of looking up each capture's row
(bench_scale, #17: at a year, the outlets page's 7-day window is 150,000 captures; fetching
their rows was 0.27 s of the page on SQLite, the index alone a few milliseconds).

It replaces ix_captures_fetched_at (0010), whose every use it serves.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ix_captures_fetched_at_article_id_outcome"


def upgrade() -> None:
    op.create_index(_NAME, "captures", ["fetched_at", "article_id", "outcome"])
    op.drop_index("ix_captures_fetched_at", table_name="captures")


def downgrade() -> None:
    op.create_index("ix_captures_fetched_at", "captures", ["fetched_at"])
    op.drop_index(_NAME, table_name="captures")
