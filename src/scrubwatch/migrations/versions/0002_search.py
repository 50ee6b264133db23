"""Full-text search over every version: SQLite FTS5, PostgreSQL tsvector.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00

SQLite: an FTS5 table `versions_fts` whose rowid is `versions.id`, filled by triggers so every
writer (the local runner, a CLI, a future worker) keeps it in step without knowing about it.
Versions are never updated in place, but an update trigger keeps the index right if one is.
The table stores its own copy of the text so `snippet()` can show matches in context.

PostgreSQL: no extra table; a GIN index over the same `to_tsvector` expression the store
queries with, so the planner uses it.

These objects are not in `store/schema.py` metadata on purpose (SQLAlchemy Core cannot
describe a virtual table); `scrubwatch.store.search.include_name` hides them from Alembic's
comparison.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The body as one text: paragraphs joined by newlines, in order.
_BODY = "(SELECT group_concat(value, char(10)) FROM json_each({row}.paragraphs))"
_INSERT = (
    "INSERT INTO versions_fts(rowid, title, byline, body) "
    "VALUES ({row}.id, coalesce({row}.title, ''), coalesce({row}.byline, ''), "
    "coalesce(" + _BODY + ", ''))"
)
_DELETE = "DELETE FROM versions_fts WHERE rowid = old.id"

PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(byline, '') || ' ' "
    "|| coalesce(paragraphs::jsonb::text, ''))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_versions_search ON versions USING GIN ({PG_DOCUMENT})")
        return
    op.execute(
        "CREATE VIRTUAL TABLE versions_fts USING fts5("
        "title, byline, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN "
        + _INSERT.format(row="new")
        + "; END"
    )
    op.execute(
        "CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN " + _DELETE + "; END"
    )
    op.execute(
        "CREATE TRIGGER versions_fts_update AFTER UPDATE ON versions BEGIN "
        + _DELETE
        + "; "
        + _INSERT.format(row="new")
        + "; END"
    )
    # Versions stored before this migration.
    op.execute(
        "INSERT INTO versions_fts(rowid, title, byline, body) "
        "SELECT v.id, coalesce(v.title, ''), coalesce(v.byline, ''), coalesce("
        + _BODY.format(row="v")
        + ", '') FROM versions AS v"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_versions_search")
        return
    for trigger in ("versions_fts_insert", "versions_fts_delete", "versions_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS versions_fts")
