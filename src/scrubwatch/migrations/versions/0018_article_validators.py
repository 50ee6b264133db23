"""Each article row keeps the ETag and Last-Modified of its latest 200 answer, written with
the check that received it, so that a re-check's conditional GET needs no read of the
captures first (one query and one thread hop of every re-check: bench_recheck, #17).

NULL means "not known from the row" (every article until its next 200 answer after this
migration): the check then reads them from the captures, as before.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("validators", sa.JSON(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of `articles` cannot drop the table
    # that captures, versions and changes refer to while foreign keys are enforced.
    op.drop_column("articles", "validators")
