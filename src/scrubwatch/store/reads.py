"""Read-only queries for the faces (web UI, JSON API): listings, filters, search.

A mixin of `SqlStore`: methods here read through `self.reader` (see
`engine.reading_engine`) and return domain objects or small result dataclasses, never rows.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    text,
)

from scrubwatch.model import FAILED_LOOKS, Article, Change, ChangeKind
from scrubwatch.store import schema as t
from scrubwatch.store.records import ArticleSummary, ChangeFilter, OutletHealth, PageKey
from scrubwatch.store.rows import (
    article_from_row,
    article_query,
    change_from_row,
    change_query,
    outlet_of,
    selective_since,
)
from scrubwatch.store.search import TERMS_TABLE, SearchReads

# How many of the newest changes a term is looked for in first (see `_termed_page`):
# _NEWEST, and on SQLite _NEWEST_PER_ROW per row up to the page's end if more (a deep page
# of a common term stays a walk of the newest changes, as it was).
_NEWEST = 2000
_NEWEST_PER_ROW = 40


class StoreReads(SearchReads):
    """Queries used by the web UI and the JSON API."""

    engine: Engine
    reader: Engine  # for reads: see `engine.reading_engine`

    def article_by_id(self, article_id: int) -> Article | None:
        """The article with this id."""
        query = article_query().where(t.articles.c.id == article_id)
        with self.reader.connect() as conn:
            row = conn.execute(query).first()
        return article_from_row(row) if row else None

    def change_page(
        self,
        filters: ChangeFilter,
        *,
        limit: int = 50,
        offset: int = 0,
        after: PageKey | None = None,
    ) -> list[Change]:
        """Changes matching `filters`, newest first, one page: from the top, or from the
        change after `after` (`PageKey.of_change`), and `offset` more down."""
        position = [] if after is None else [_after_change(after)]
        conditions = [*_change_conditions(filters), *position]
        with self.reader.connect() as conn:
            if len(filters.term or "") >= 3:
                term = filters.term or ""
                return _termed_page(conn, term, conditions, limit, offset, position)
            return _change_rows(conn, conditions, limit, offset)

    def change_titles(self, change_ids: list[int]) -> dict[int, str | None]:
        """The headline each change is about: for a deletion the title of what was deleted
        (its last version), otherwise of the version it led to."""
        if not change_ids:
            return {}
        c = t.changes.c
        shown = case(
            (c.kind == ChangeKind.DELETED.value, c.from_version),
            else_=func.coalesce(c.to_version, c.from_version),
        )
        query = (
            select(c.id, t.versions.c.title)
            .outerjoin(
                t.versions,
                (t.versions.c.article_id == c.article_id) & (t.versions.c.number == shown),
            )
            .where(c.id.in_(change_ids))
        )
        with self.reader.connect() as conn:
            return {row.id: row.title for row in conn.execute(query)}

    def article_page(
        self, *, outlet: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[ArticleSummary]:
        """Articles, most recently changed first (then the newest never changed), with their
        latest title.

        Read in two index-ordered parts, changed articles then the others, so that a page
        never sorts a year's articles (a million rows) to show its first fifty.
        """
        changed = _article_summaries(outlet).where(t.articles.c.last_change_at.is_not(None))
        changed = changed.order_by(
            t.articles.c.last_change_at.desc(), t.articles.c.id.desc()
        ).limit(limit + offset)
        with self.reader.connect() as conn:
            rows = conn.execute(changed).all()
            found = list(rows[offset:])
            if len(found) < limit:  # every changed article is in `rows`: the others follow
                never = (
                    _article_summaries(outlet)
                    .where(t.articles.c.last_change_at.is_(None))
                    .order_by(t.articles.c.id.desc())
                    .limit(limit - len(found))
                    .offset(max(0, offset - len(rows)))
                )
                found += conn.execute(never).all()
        return [ArticleSummary(article_from_row(r), r.title, r.change_count) for r in found]

    def outlet_health(self, since: datetime) -> list[OutletHealth]:
        """Every outlet with its counts; failure rate over captures made at or after `since`.

        The article and change counts are kept on the outlet rows (migration 0014), an
        outlet's last check is one descent of ix_articles_outlet_id_last_checked_at per
        outlet. Of the captures (ten million after a year) only those since `since` are read,
        from ix_captures_fetched_at_article_id_outcome alone (0016), counted per article, and
        each article's outlet looked up once (a week of a year's watching: 150,000 captures
        of 20,000 articles); that window is what still grows with the watching.
        """
        failures = [outcome.value for outcome in FAILED_LOOKS]
        cap, art = t.captures.c, t.articles.c
        in_window = selective_since(cap.fetched_at, since, self.engine.dialect.name)
        failed = case((cap.outcome.in_(failures), 1), else_=0)
        per_article = (
            select(cap.article_id, func.count().label("looks"), func.sum(failed).label("failed"))
            .where(in_window)
            .group_by(cap.article_id)
            .subquery()
        )
        window = select(
            outlet_of(per_article.c.article_id), per_article.c.looks, per_article.c.failed
        ).subquery()
        recent = select(
            window.c.outlet_id, func.sum(window.c.looks), func.sum(window.c.failed)
        ).group_by(window.c.outlet_id)
        last_check = (
            select(func.max(art.last_checked_at))
            .where(art.outlet_id == t.outlets.c.id)
            .scalar_subquery()
        )
        outlets = select(t.outlets, last_check.label("last_checked_at")).order_by(t.outlets.c.host)
        with self.reader.connect() as conn:
            rows = conn.execute(outlets).all()
            looks = {row[0]: (int(row[1]), int(row[2] or 0)) for row in conn.execute(recent)}
        return [_health(row, looks.get(row.id, (0, 0))) for row in rows]


def _change_rows(conn: Connection, conditions: list[Any], limit: int, offset: int) -> list[Change]:
    query = change_query(*conditions).limit(limit).offset(offset)
    return [change_from_row(r) for r in conn.execute(query)]


def _after_change(key: PageKey) -> Any:
    """Changes after `key` in the list's order (detected newest first, then highest id)."""
    c = t.changes.c
    if key.at is None:  # every change has a time: none comes after one without
        return and_(c.detected_at.is_(None), c.id < key.id)
    return and_(c.detected_at <= key.at, or_(c.detected_at < key.at, c.id < key.id))


def _termed_page(
    conn: Connection,
    term: str,
    conditions: list[Any],
    limit: int,
    offset: int,
    position: list[Any],
) -> list[Change]:
    """A page of changes with `term`: first among the newest changes (a common term fills
    the page there, walking ix_changes_detected_at), and only when they do not fill it
    among all, where the trigram indexes of migration 0017 find a rare term's few.

    SQLite cannot tell a rare term from a common one, so it is told which to do: its
    second step asks the trigram table for candidates, the LIKE conditions kept on them
    (the table only narrows: its case folding is wider than SQLite's `lower`). PostgreSQL
    knows for a term in the summaries (0015's statistics), but not for one common in the
    explained diffs only (ANALYZE leaves values over 1 kB out): it took a trigram index
    and sorted 140,000 matches (1 s) where the newest fifty changes had the page.

    The newest changes are a prefix of the page order, so a page they fill is the page;
    after a page key (`position`), the newest changes after it.
    """
    sqlite = conn.dialect.name == "sqlite"
    # SQLite's second step is slow for a common term, so a deep page looks deeper first;
    # PostgreSQL plans a deep page of a common term well (0015's statistics).
    newest = max(_NEWEST, _NEWEST_PER_ROW * (offset + limit)) if sqlite else _NEWEST
    since = conn.execute(
        select(t.changes.c.detected_at)
        .where(*position)
        .order_by(t.changes.c.detected_at.desc())
        .limit(1)
        .offset(newest - 1)
    ).scalar()
    if since is None:  # fewer changes than that: reading them all is cheap
        return _change_rows(conn, conditions, limit, offset)
    recent = t.changes.c.detected_at >= since
    page = _change_rows(conn, [*conditions, recent], limit, offset)
    if len(page) == limit:
        return page
    if not sqlite:
        return _change_rows(conn, conditions, limit, offset)
    found = text(f"SELECT rowid FROM {TERMS_TABLE} WHERE {TERMS_TABLE} MATCH :terms")
    candidates = t.changes.c.id.in_(found.bindparams(terms=_terms_match(term)))
    return _change_rows(conn, [*conditions, candidates], limit, offset)


def _terms_match(term: str) -> str:
    """The FTS5 query for `term` in the trigram table: in the summary as typed, in the
    explained diff in its JSON-escaped form (see `_change_conditions`)."""
    lowered = term.lower()
    summary, details = lowered, json.dumps(lowered)[1:-1]
    return f"summary : {_fts_string(summary)} OR details : {_fts_string(details)}"


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _change_conditions(f: ChangeFilter) -> list[Any]:
    conditions: list[Any] = []
    if f.outlet is not None:
        conditions.append(t.outlets.c.host == f.outlet)
    if f.kind is not None:
        conditions.append(t.changes.c.kind == f.kind.value)
    if f.severity is not None:
        conditions.append(t.changes.c.severity == f.severity.value)
    if f.since is not None:
        conditions.append(t.changes.c.detected_at >= f.since)
    if f.until is not None:
        conditions.append(t.changes.c.detected_at < f.until)
    if f.url is not None:
        conditions.append(t.articles.c.url == f.url)
    if f.article_id is not None:
        conditions.append(t.articles.c.id == f.article_id)
    if f.term:
        term = f.term.lower()
        # Details are stored as JSON with non-ASCII escaped: look for the escaped form there.
        escaped = json.dumps(term)[1:-1]
        conditions.append(
            or_(
                _contains(func.lower(t.changes.c.summary), term),
                _contains(func.lower(cast(t.changes.c.details, Text)), escaped),
            )
        )
    return conditions


def _contains(expression: Any, value: str) -> Any:
    """`expression LIKE '%value%'` (value escaped), the pattern written into the statement.

    How a term is best found depends on how common it is (PostgreSQL: a trigram index or
    the newest changes first), so it must not share a plan with another term: as a bound
    parameter, PostgreSQL's generic plan for one prepared statement served every term and
    took 0.25 s for a common term that its own plan finds in 1 ms (bench_scale, #17)."""
    pattern = "%" + value.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    return expression.like(bindparam(None, pattern, literal_execute=True), escape="/")


def _article_summaries(outlet: str | None) -> Any:
    """Articles with their latest title and their number of changes, of one outlet or all."""
    title = (
        select(t.versions.c.title)
        .where(
            t.versions.c.article_id == t.articles.c.id,
            t.versions.c.number == t.articles.c.latest_version,
        )
        .scalar_subquery()
    )
    count = (
        select(func.count(t.changes.c.id))
        .where(t.changes.c.article_id == t.articles.c.id)
        .scalar_subquery()
    )
    query = article_query().add_columns(title.label("title"), count.label("change_count"))
    return query if outlet is None else query.where(t.outlets.c.host == outlet)


def _health(row: Row[Any], looks: tuple[int, int]) -> OutletHealth:
    """One outlet's health from its row (with its last check) and its recent (captures,
    failures)."""
    return OutletHealth(
        host=row.host,
        homepage=row.homepage,
        sources=(1 if row.homepage else 0) + len(row.feeds or ()) + len(row.sitemaps or ()),
        last_discovered_at=row.last_discovered_at,
        last_checked_at=row.last_checked_at,
        articles=row.article_count,
        changes=row.change_count,
        recent_captures=looks[0],
        recent_failures=looks[1],
    )
