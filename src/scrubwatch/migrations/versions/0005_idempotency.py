"""Idempotency keys on captures, so a retried worker task never records a check twice.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=100), nullable=True))
        batch.create_unique_constraint(op.f("uq_captures_idempotency_key"), ["idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("captures") as batch:
        batch.drop_constraint(op.f("uq_captures_idempotency_key"), type_="unique")
        batch.drop_column("idempotency_key")
