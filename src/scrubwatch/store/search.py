"""Full-text search over every version, and the question no other tool answers: which
articles stopped saying something they used to say.

SQLite uses the FTS5 table `versions_fts` (migration 0002, kept in step by triggers);
PostgreSQL keeps `to_tsvector` of the same columns in a stored column (0012) with a GIN
index. User input never reaches the query language raw: `match_query` turns it into quoted
FTS5 strings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, TextClause, bindparam, text

from scrubwatch.store.records import MARK_END, MARK_START, PageKey, RemovedHit, SearchHit
from scrubwatch.store.schema import UTCDateTime

SEARCH_TABLE = "versions_fts"  # SQLite
# Changes by a term (migration 0017): SQLite's trigram FTS5 table, PostgreSQL's indexes.
TERMS_TABLE = "changes_terms"
TERM_INDEXES = ("ix_changes_summary_trgm", "ix_changes_details_trgm")
# PostgreSQL: each version's tsvector, stored (generated column, migration 0012) so that a
# phrase or a ranking reads it instead of rebuilding it from the JSON of every candidate.
SEARCH_INDEX = "ix_versions_search_doc"
SEARCH_COLUMN = "search_doc"
_PG_DOCUMENT = f"v.{SEARCH_COLUMN}"
# The versions that hold a phrase (`:q`): SQLite's FTS5 query, PostgreSQL's phrase.
_SQLITE_HITS = (
    f"SELECT v.article_id, v.number FROM {SEARCH_TABLE} "
    f"JOIN versions AS v ON v.id = {SEARCH_TABLE}.rowid WHERE {SEARCH_TABLE} MATCH :q"
)
_PG_HITS = (
    "SELECT v.article_id, v.number FROM versions AS v "
    f"WHERE {_PG_DOCUMENT} @@ phraseto_tsquery('simple', :q)"
)
# How many changed articles a removed-text page walks before it asks the whole question
# instead (see `_removed_walk`).
_WALKED = 1000
# Below this many candidate versions the whole removed-text question is cheaper than a walk:
# SQLite finds a phrase's versions in its index (~5,000 in 20-50 ms at a year's data),
# PostgreSQL checks each candidate's stored tsvector (~1,000 in 50 ms).
_FEW = {"sqlite": 5_000, "postgresql": 1_000}
# Columns of a removed-text hit: the article `{a}`'s latest title, and when the version
# after the last one with the phrase (`{w}.last_with`) was first seen.
_HIT_COLUMNS = (
    "(SELECT title FROM versions WHERE article_id = {a}.id "
    "AND number = {a}.latest_version) AS title, "
    "(SELECT min(first_seen) FROM versions WHERE article_id = {a}.id "
    "AND number > {w}.last_with) AS removed_at"
)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic name filter: the search objects of migrations 0002, 0012 and 0017 (SQLite's
    FTS5 tables and their shadow tables, PostgreSQL's stored tsvector and its index, the
    trigram indexes of changes) are not schema drift."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith((SEARCH_TABLE, TERMS_TABLE))
    if type_ == "column":
        return name != SEARCH_COLUMN
    return not (type_ == "index" and name in (SEARCH_INDEX, *TERM_INDEXES))


def match_query(user_text: str, *, phrase: bool) -> str | None:
    """An FTS5 query that means what the user typed: every word, or the exact phrase.

    Each word is quoted, so FTS5 operators (`OR`, `NEAR`, `*`, `:`) typed by a user are
    searched for as words instead of being interpreted. None when nothing is searchable.
    """
    words = re.findall(r"\w+", user_text)
    if not words:
        return None
    if phrase or (user_text.strip().startswith('"') and user_text.strip().endswith('"')):
        return '"' + " ".join(words) + '"'
    return " ".join(f'"{w}"' for w in words)


class SearchReads:
    """Search queries, mixed into `SqlStore` through `StoreReads`."""

    engine: Engine
    reader: Engine  # for reads: see `engine.reading_engine`

    def search_versions(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """Versions matching every word of `query` (or the quoted phrase), best first."""
        if self.engine.dialect.name == "postgresql":
            return self._search_postgresql(query, limit, offset)
        fts = match_query(query, phrase=False)
        if fts is None:
            return []
        sql = text(
            f"SELECT v.article_id, a.url, o.host, v.number, a.latest_version, v.first_seen, "
            f"v.title, snippet({SEARCH_TABLE}, 2, :start, :end, '…', 16) AS snippet "
            f"FROM {SEARCH_TABLE} JOIN versions AS v ON v.id = {SEARCH_TABLE}.rowid "
            "JOIN articles AS a ON a.id = v.article_id JOIN outlets AS o ON o.id = a.outlet_id "
            f"WHERE {SEARCH_TABLE} MATCH :q ORDER BY bm25({SEARCH_TABLE}), v.article_id, "
            "v.number DESC LIMIT :limit OFFSET :offset"
        )
        params = {"q": fts, "start": MARK_START, "end": MARK_END, "limit": limit}
        with self.reader.connect() as conn:
            rows = conn.execute(sql, {**params, "offset": offset}).all()
        return [_hit(r) for r in rows]

    def removed_text(
        self, phrase: str, *, limit: int = 20, offset: int = 0, after: PageKey | None = None
    ) -> list[RemovedHit]:
        """Articles where `phrase` was in an earlier version and is not in the latest one,
        or whose page is gone altogether; most recently changed first (articles that never
        changed, if any is a hit, last). `after` starts the list after that hit's key, so
        that a deep page costs what a first page costs; `offset` then skips from there."""
        postgresql = self.engine.dialect.name == "postgresql"
        q = phrase if postgresql else match_query(phrase, phrase=True)
        if q is None:
            return []
        changed_after = after is None or after.at is not None
        if offset + limit <= _WALKED // 4 and changed_after:
            page = self._removed_walk(q, limit, offset, after)
            if page is not None:
                return page  # every hit of the page was among the first changed articles
        sql = text(
            f"WITH hits AS ({_PG_HITS if postgresql else _SQLITE_HITS}), "
            "per AS (SELECT article_id, max(number) AS last_with FROM hits GROUP BY article_id) "
            "SELECT a.id, a.url, o.host, a.state, a.latest_version, a.last_change_at, "
            "p.last_with, "
            + _HIT_COLUMNS.format(a="a", w="p")
            + " FROM per AS p JOIN articles AS a ON a.id = p.article_id "
            "JOIN outlets AS o ON o.id = a.outlet_id "
            "WHERE (a.state = 'gone' OR NOT EXISTS (SELECT 1 FROM hits AS h "
            " WHERE h.article_id = a.id AND h.number = a.latest_version)) "
            f"{_after_condition(after)}"
            "ORDER BY a.last_change_at DESC NULLS LAST, a.id DESC LIMIT :limit OFFSET :offset"
        )
        params = {"q": q, "limit": limit, "offset": offset, **_after_params(after)}
        with self.reader.connect() as conn:
            rows = conn.execute(_typed_at(sql, after), params).all()
        return [_removed(r) for r in rows]

    def _removed_walk(
        self, q: str, limit: int, offset: int, after: PageKey | None
    ) -> list[RemovedHit] | None:
        """A page of `removed_text`, found by walking the changed articles in page order
        (from `after`, if given) and checking only their versions for the phrase; None
        when the first `_WALKED` of them do not fill the page (the caller then asks the
        whole question).

        A phrase is removed only where an article changed, and the whole question reads
        every version with the phrase first: after a year, 300,000 versions of a story
        many outlets carried (bench_scale, #17), seconds on either database, to show
        twenty. The walk reads the changed articles newest first (their index) in growing
        chunks, and checks each one's two or three versions by the search index: SQLite
        seeks FTS5's phrase to the version's rowid, PostgreSQL reads the stored tsvector.
        Hits so found are a prefix of all hits after `after`, so a full page is the page.
        A first chunk that does not fill the page asks how many versions could have the
        phrase, once: for a rare one the whole question is cheaper than walking on."""
        wanted = offset + limit
        hits: list[tuple[Any, int]] = []  # (article row, last version with the phrase)
        walked, chunk = 0, max(2 * wanted, 32)
        with self.reader.connect() as conn:
            while walked < _WALKED and len(hits) < wanted:
                size = min(chunk, _WALKED - walked)
                found = conn.execute(*self._walk_chunk(q, after, size)).all()
                hits += [(row, last) for row in found if (last := _last_with(row)) is not None]
                if len(found) < size:
                    break  # every changed article walked: never-changed ones would follow
                if walked == 0 and len(hits) < wanted and self._few_candidates(q):
                    return None  # a rare phrase: the whole question is the cheaper one
                walked, chunk = walked + len(found), 2 * chunk
                after = PageKey(_moment(found[-1].last_change_at), found[-1].id)
            if len(hits) < wanted:
                return None
            return _hit_page(conn, hits[offset:wanted])

    def _few_candidates(self, q: str) -> bool:
        """Whether fewer than `_FEW` versions could have the phrase `q` (SQLite: have it;
        PostgreSQL: have all its words, from the index alone): then the whole question
        reads only those, and is cheaper than a walk that a rare phrase cannot fill."""
        if self.engine.dialect.name == "postgresql":
            some = (
                f"SELECT 1 FROM versions AS v WHERE {_PG_DOCUMENT} @@ plainto_tsquery('simple', :q)"
            )
        else:
            some = f"SELECT 1 FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q"
        few = _FEW[self.engine.dialect.name]
        sql = text(f"SELECT count(*) FROM ({some} LIMIT :few) AS candidates")
        with self.reader.connect() as conn:
            found = conn.execute(sql, {"q": q, "few": few}).scalar()
        return int(found or 0) < few

    def _walk_chunk(self, q: str, after: PageKey | None, size: int) -> tuple[Any, ...]:
        """The next `size` changed articles after `after` (a changed article's key), each
        with the numbers of its versions that have the phrase `q`."""
        if self.engine.dialect.name == "postgresql":
            numbers = (
                "ARRAY(SELECT v.number FROM versions AS v WHERE v.article_id = a.id "
                f"AND {_PG_DOCUMENT} @@ phraseto_tsquery('simple', :q))"
            )
        else:
            numbers = (
                f"(SELECT group_concat(v.number) FROM versions AS v, {SEARCH_TABLE} "
                f"WHERE v.article_id = a.id AND {SEARCH_TABLE}.rowid = v.id "
                f"AND {SEARCH_TABLE} MATCH :q)"
            )
        later = "" if after is None else "AND (a.last_change_at, a.id) < (:at, :after_id) "
        sql = text(
            f"SELECT a.id, a.state, a.latest_version, a.last_change_at, {numbers} AS numbers "
            f"FROM articles AS a WHERE a.last_change_at IS NOT NULL {later}"
            "ORDER BY a.last_change_at DESC, a.id DESC LIMIT :size"
        )
        return _typed_at(sql, after), {"q": q, "size": size, **_after_params(after)}

    def _search_postgresql(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        body = "coalesce(v.paragraphs::jsonb::text, '')"
        sql = text(
            "SELECT v.article_id, a.url, o.host, v.number, a.latest_version, v.first_seen, "
            f"v.title, ts_headline('simple', {body}, websearch_to_tsquery('simple', :q), "
            "'StartSel=' || :start || ', StopSel=' || :end) AS snippet "
            "FROM versions AS v JOIN articles AS a ON a.id = v.article_id "
            "JOIN outlets AS o ON o.id = a.outlet_id "
            f"WHERE {_PG_DOCUMENT} @@ websearch_to_tsquery('simple', :q) "
            f"ORDER BY ts_rank({_PG_DOCUMENT}, websearch_to_tsquery('simple', :q)) DESC, "
            "v.article_id, v.number DESC LIMIT :limit OFFSET :offset"
        )
        params = {"q": query, "start": MARK_START, "end": MARK_END}
        with self.reader.connect() as conn:
            rows = conn.execute(sql, {**params, "limit": limit, "offset": offset}).all()
        return [_hit(r) for r in rows]


def _moment(value: Any) -> datetime | None:
    """Raw SQL skips the UTCDateTime type: SQLite hands back text, PostgreSQL datetimes."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _hit(row: Any) -> SearchHit:
    first_seen = _moment(row.first_seen)
    assert first_seen is not None
    return SearchHit(
        article_id=row.article_id,
        url=row.url,
        outlet=row.host,
        version=row.number,
        latest_version=row.latest_version,
        first_seen=first_seen,
        title=row.title,
        snippet=row.snippet or "",
    )


def _typed_at(sql: TextClause, after: PageKey | None) -> TextClause:
    """`sql` with the `:at` of `after` (its time), if it has one, bound as the column it is
    compared with is kept: SQLite keeps text, which must be written the same way."""
    if after is None or after.at is None:
        return sql
    return sql.bindparams(bindparam("at", type_=UTCDateTime()))


def _after_condition(after: PageKey | None) -> str:
    """`AND ...`: the rows after `after` in the removed-text order (NULLS LAST, then id)."""
    if after is None:
        return ""
    if after.at is None:
        return "AND a.last_change_at IS NULL AND a.id < :after_id "
    return (
        "AND (a.last_change_at < :at OR (a.last_change_at = :at AND a.id < :after_id) "
        "OR a.last_change_at IS NULL) "
    )


def _after_params(after: PageKey | None) -> dict[str, Any]:
    if after is None:
        return {}
    return {"at": after.at, "after_id": after.id}


def _removed(row: Any) -> RemovedHit:
    gone = row.state == "gone"
    return RemovedHit(
        article_id=row.id,
        url=row.url,
        outlet=row.host,
        title=row.title,
        last_with=row.last_with,
        latest_version=row.latest_version,
        gone=gone,
        removed_at=_moment(row.removed_at),
        changed_at=_moment(row.last_change_at),
    )


def _last_with(row: Any) -> int | None:
    """The newest version of a walked article that has the phrase, if the article is a hit:
    the phrase is in an earlier version and not in the latest, or the page is gone."""
    numbers = row.numbers
    if isinstance(numbers, str):  # SQLite's group_concat
        numbers = [int(n) for n in numbers.split(",")]
    if not numbers:
        return None
    if row.state != "gone" and row.latest_version in numbers:
        return None
    return int(max(numbers))


def _hit_page(conn: Any, hits: list[tuple[Any, int]]) -> list[RemovedHit]:
    """The walk's hits as `RemovedHit`s, in walk order: each article with the last version
    the walk found the phrase in, its other columns read as the whole question reads them
    (`_HIT_COLUMNS`)."""
    if not hits:
        return []
    found = ", ".join(f"(:id{n}, :last{n})" for n in range(len(hits)))
    params = {}
    for n, (row, last) in enumerate(hits):
        params[f"id{n}"], params[f"last{n}"] = row.id, last
    sql = text(
        f"WITH w(id, last_with) AS (VALUES {found}) "
        "SELECT a.id, a.url, o.host, a.state, a.latest_version, a.last_change_at, w.last_with, "
        + _HIT_COLUMNS.format(a="a", w="w")
        + " FROM w JOIN articles AS a ON a.id = w.id JOIN outlets AS o ON o.id = a.outlet_id"
    )
    removed = {row.id: _removed(row) for row in conn.execute(sql, params)}
    return [removed[row.id] for row, _last in hits]
