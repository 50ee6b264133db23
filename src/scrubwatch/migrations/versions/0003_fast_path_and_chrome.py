"""Remember each article's fast re-check hint and each outlet's learned page chrome.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outlets") as batch:
        batch.add_column(sa.Column("chrome", sa.JSON(), nullable=True))
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("fast_hint", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("fast_hint")
    with op.batch_alter_table("outlets") as batch:
        batch.drop_column("chrome")
