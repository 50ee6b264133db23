"""PostgreSQL learns how often a term is in a change's summary, so the changes list filtered
by a common term walks the newest changes and stops at a page instead of reading and sorting
every match (bench_scale, #17: "changes, term" 80 ms -> 1 ms at a tenth of a year).

Without statistics on `lower(summary)` the planner guesses that a `LIKE '%term%'` keeps a
handful of rows, reads the whole changes table and sorts what matched; with them it knows a
term in 70% of the summaries and walks ix_changes_detected_at. Expression statistics need
PostgreSQL 14 or newer; older servers keep the old plan. SQLite has no such statistics (and
its plan already walks the index).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MIN_SERVER = 140000  # CREATE STATISTICS on an expression


def _applies() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return int(bind.exec_driver_sql("SHOW server_version_num").scalar() or 0) >= _MIN_SERVER


def upgrade() -> None:
    if not _applies():
        return
    op.execute("CREATE STATISTICS st_changes_lower_summary ON (lower(summary)) FROM changes")
    op.execute("ANALYZE changes")


def downgrade() -> None:
    if _applies():
        op.execute("DROP STATISTICS IF EXISTS st_changes_lower_summary")
