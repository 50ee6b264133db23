"""Each outlet keeps its number of articles and of changes, so the outlets page and
`outlets` read 50 rows instead of counting a year of articles and changes on every view
(bench/bench_scale.py, #17: at a tenth of a year the two grouped counts were most of the
page's time, and they grow with the history).

Triggers keep the counts, as triggers keep SQLite's search table (0002): every writer (the
runner, a worker, `import`, a bulk load) stays right without knowing about them. PostgreSQL
counts per statement (transition tables), so a bulk insert updates each outlet row once per
statement, not once per row. Articles and changes are never deleted today; the delete
triggers keep the counts right if they ever are.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ARTICLE_OUTLET = "(SELECT outlet_id FROM articles WHERE id = {row}.article_id)"
# (trigger name, event, table, count column, outlet id of the row, +1/-1)
_SQLITE_TRIGGERS = (
    ("outlet_articles_insert", "INSERT", "articles", "article_count", "new.outlet_id", "+"),
    ("outlet_articles_delete", "DELETE", "articles", "article_count", "old.outlet_id", "-"),
    ("outlet_changes_insert", "INSERT", "changes", "change_count", "new", "+"),
    ("outlet_changes_delete", "DELETE", "changes", "change_count", "old", "-"),
)
# (function and trigger name, event, table, transition table, count column, sign, outlet id)
_PG_TRIGGERS = (
    ("outlet_articles_insert", "INSERT", "articles", "NEW", "article_count", "+", "outlet_id"),
    ("outlet_articles_delete", "DELETE", "articles", "OLD", "article_count", "-", "outlet_id"),
    ("outlet_changes_insert", "INSERT", "changes", "NEW", "change_count", "+", "article_id"),
    ("outlet_changes_delete", "DELETE", "changes", "OLD", "change_count", "-", "article_id"),
)


def upgrade() -> None:
    op.add_column(
        "outlets", sa.Column("article_count", sa.Integer, nullable=False, server_default="0")
    )
    op.add_column(
        "outlets", sa.Column("change_count", sa.Integer, nullable=False, server_default="0")
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:  # no article or change may slip in between the count and its triggers
        op.execute("LOCK TABLE articles, changes IN SHARE ROW EXCLUSIVE MODE")
    op.execute(
        "UPDATE outlets SET "
        "article_count = (SELECT count(*) FROM articles WHERE outlet_id = outlets.id), "
        "change_count = (SELECT count(*) FROM changes JOIN articles "
        "ON articles.id = changes.article_id WHERE articles.outlet_id = outlets.id)"
    )
    if postgresql:
        for pg_trigger in _PG_TRIGGERS:
            _create_pg_trigger(*pg_trigger)
    else:
        for sqlite_trigger in _SQLITE_TRIGGERS:
            _create_sqlite_trigger(*sqlite_trigger)


def _create_sqlite_trigger(
    name: str, event: str, table: str, column: str, outlet: str, sign: str
) -> None:
    if table == "changes":
        outlet = _ARTICLE_OUTLET.format(row=outlet)
    op.execute(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
        f"UPDATE outlets SET {column} = {column} {sign} 1 WHERE id = {outlet}; END"
    )


def _create_pg_trigger(
    name: str, event: str, table: str, rows: str, column: str, sign: str, key: str
) -> None:
    if key == "outlet_id":
        grouped = f"SELECT outlet_id, count(*) AS n FROM {name}_rows GROUP BY outlet_id"
    else:  # changes: their outlet is their article's
        grouped = (
            f"SELECT a.outlet_id, count(*) AS n FROM {name}_rows AS r "
            "JOIN articles AS a ON a.id = r.article_id GROUP BY a.outlet_id"
        )
    op.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE outlets AS o SET {column} = o.{column} {sign} g.n FROM ({grouped}) AS g "
        "WHERE o.id = g.outlet_id; RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {name} AFTER {event} ON {table} "
        f"REFERENCING {rows} TABLE AS {name}_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, _event, table, *_rest in _PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    # Not batch mode: SQLite (3.35+) drops a column in place, where a batch copy of the
    # outlets table fails its articles' foreign keys.
    op.drop_column("outlets", "change_count")
    op.drop_column("outlets", "article_count")
