"""Changes filtered by a term that few changes have no longer read every change: a trigram
index finds the candidates (bench_scale, #17: at a year's 200,000 changes a term in none of
them read every summary and explained diff, 0.4 s on SQLite and 0.5 s on PostgreSQL).

PostgreSQL: GIN trigram indexes (pg_trgm) on the two expressions the filter tests,
`lower(summary)` and `lower(details::text)`; the planner picks them for a rare term and
keeps walking ix_changes_detected_at for a common one (statistics of 0015, and those
ANALYZE keeps for an indexed expression). pg_trgm is installed in `public` if it is not
there yet; where it cannot be (no right to), the indexes are skipped and the filter reads
every change as before.

SQLite: an FTS5 table with the trigram tokenizer over the same two columns, its content
read from `changes` (external content), kept in step by triggers as `versions_fts` is
(0002). The store asks it only when the newest changes do not fill a page
(`reads.change_page`), and keeps the exact LIKE conditions on what it finds.

Neither is in `store/schema.py` metadata: `store.search.include_name` hides them from
Alembic's comparison.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TERMS_TABLE = "changes_terms"
_PG_INDEXES = {
    "ix_changes_summary_trgm": "lower(summary)",
    "ix_changes_details_trgm": "lower(CAST(details AS TEXT))",
}
_INSERT = (
    f"INSERT INTO {TERMS_TABLE}(rowid, summary, details) VALUES (new.id, new.summary, new.details)"
)
_DELETE = (
    f"INSERT INTO {TERMS_TABLE}({TERMS_TABLE}, rowid, summary, details) "
    "VALUES ('delete', old.id, old.summary, old.details)"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = _trigram_schema(bind)
        if schema is None:
            return
        for name, expression in _PG_INDEXES.items():
            op.execute(
                f"CREATE INDEX {name} ON changes USING gin ({expression} {schema}.gin_trgm_ops)"
            )
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {TERMS_TABLE} USING fts5(summary, details, "
        "content='changes', content_rowid='id', tokenize='trigram')"
    )
    op.execute(f"CREATE TRIGGER {TERMS_TABLE}_insert AFTER INSERT ON changes BEGIN {_INSERT}; END")
    op.execute(f"CREATE TRIGGER {TERMS_TABLE}_delete AFTER DELETE ON changes BEGIN {_DELETE}; END")
    op.execute(
        f"CREATE TRIGGER {TERMS_TABLE}_update AFTER UPDATE ON changes BEGIN "
        f"{_DELETE}; {_INSERT}; END"
    )
    op.execute(f"INSERT INTO {TERMS_TABLE}({TERMS_TABLE}) VALUES ('rebuild')")


def _trigram_schema(bind: Connection) -> str | None:
    """The schema pg_trgm is installed in, installing it in `public` if it is missing;
    None where it cannot be installed."""
    find = "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    schema = bind.exec_driver_sql(find).scalar()
    if schema is not None:
        return str(schema)
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except DBAPIError:
        return None
    return "public"


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _PG_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {TERMS_TABLE}_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {TERMS_TABLE}")
