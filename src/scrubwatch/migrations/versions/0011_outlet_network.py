"""Outlets remember the proxy given to `watch --proxy` and the unreachable episode last
alerted about (issue #20).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outlets") as batch:
        batch.add_column(sa.Column("proxy", sa.Text(), nullable=True))
        batch.add_column(sa.Column("unreachable_told", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outlets") as batch:
        batch.drop_column("unreachable_told")
        batch.drop_column("proxy")
