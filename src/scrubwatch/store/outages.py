"""Outlets unreachable from here: the store's side of outage detection and its alerts.

A mixin of `SqlStore`. An outlet is unreachable from here when, since the last look at any
of its articles that got through (an article, a 404, a page too large: the site answered),
at least `min_checks` looks failed or met a wall, and they were looks at two articles or
more: one article that keeps failing is that article's problem (it may be gone), several
failing together is the outlet refusing us (a geo-block, a bot wall, a dead proxy).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, func, or_, select, update

from scrubwatch.model import CaptureOutcome
from scrubwatch.store import schema as t
from scrubwatch.store.records import Outage
from scrubwatch.store.rows import outlet_of, selective_since

_NO_ANSWER = (CaptureOutcome.FAILED.value, CaptureOutcome.BLOCKED.value)
_RECENT = timedelta(days=2)  # an outlet that answered within this is judged from it alone


class StoreOutages:
    """Outage queries and the record of which episode was alerted about."""

    engine: Engine
    reader: Engine

    def outlet_outages(self, min_checks: int, host: str | None = None) -> list[Outage]:
        """Every outlet unreachable from here now (or only `host`'s), by host.

        Runs on every pass, so it must not read a year of captures: an outlet that answered
        in the last two days (of the newest capture) is judged from those days alone, through
        ix_captures_fetched_at_article_id_outcome; only the others (down, or idle) are read in full.
        """
        outlets = select(t.outlets.c.id)
        if host is not None:
            outlets = outlets.where(t.outlets.c.host == host)
        with self._read() as conn:
            newest = conn.execute(select(func.max(t.captures.c.fetched_at))).scalar()
            if newest is None:
                return []
            start = newest - _RECENT
            recent = _answered(self.engine.dialect.name, start)
            answered = {row[0]: row[1] for row in conn.execute(recent)}
            wanted = {row[0] for row in conn.execute(outlets)}
            queries = []
            if wanted & answered.keys():
                ids = sorted(wanted & answered.keys())
                queries.append(
                    _outage_query(
                        min_checks, recent.subquery(), ids, start, self.engine.dialect.name
                    )
                )
            others = sorted(wanted - answered.keys())
            if others:
                everything = _answered(self.engine.dialect.name, None, others).subquery()
                queries.append(_outage_query(min_checks, everything, others))
            rows = [row for query in queries for row in conn.execute(query)]
        return sorted((_outage(row) for row in rows), key=lambda outage: outage.host)

    def told_outages(self) -> dict[str, datetime]:
        """Outlets with an alerted episode on record: host -> that episode's start."""
        query = select(t.outlets.c.host, t.outlets.c.unreachable_told).where(
            t.outlets.c.unreachable_told.is_not(None)
        )
        with self._read() as conn:
            return {row.host: row.unreachable_told for row in conn.execute(query)}

    def mark_outage_told(
        self, host: str, since: datetime | None, previous: datetime | None
    ) -> bool:
        """Record `since` as the episode alerted about, if the record still says `previous`:
        of two processes that saw the same episode, one alerts."""
        told = t.outlets.c.unreachable_told
        unchanged = told.is_(None) if previous is None else told == previous
        with self._write() as conn:
            result = conn.execute(
                update(t.outlets)
                .where(t.outlets.c.host == host, unchanged)
                .values(unreachable_told=since)
            )
        return bool(result.rowcount)

    # Transactions come from SqlStore (SQLite writes take the lock up front there).
    def _write(self) -> Any: ...
    def _read(self) -> Any: ...


def _outage(row: Any) -> Outage:
    return Outage(
        host=row.host,
        since=row.since,
        last_at=row.last_at,
        checks=int(row.checks),
        blocked=int(row.blocked or 0),
        articles=int(row.articles),
        told=row.unreachable_told,
    )


def _answered(dialect: str, start: datetime | None, outlet_ids: list[int] | None = None) -> Any:
    """Per outlet, the time of its newest look that got through (since `start`, if given;
    of `outlet_ids` only, if given)."""
    looks = _looks(dialect, start, outlet_ids)
    return (
        select(looks.c.outlet_id, func.max(looks.c.fetched_at).label("at"))
        .where(looks.c.outcome.not_in(_NO_ANSWER))
        .group_by(looks.c.outlet_id)
    )


def _looks(dialect: str, start: datetime | None, outlet_ids: list[int] | None = None) -> Any:
    """Captures with their outlet: those since `start` (each finds its outlet by its
    article's key: see `outlet_of`), or the whole history of `outlet_ids` (joined)."""
    c, a = t.captures.c, t.articles.c
    if start is not None:
        query = select(c.id, c.article_id, c.fetched_at, c.outcome, outlet_of(c.article_id))
        return query.where(selective_since(c.fetched_at, start, dialect)).subquery()
    query = select(c.id, c.article_id, c.fetched_at, c.outcome, a.outlet_id).join_from(
        t.captures, t.articles, c.article_id == a.id
    )
    if outlet_ids is not None:
        query = query.where(a.outlet_id.in_(outlet_ids))
    return query.subquery()


def _outage_query(
    min_checks: int,
    answered: Any,
    outlet_ids: list[int],
    start: datetime | None = None,
    dialect: str = "",
) -> Any:
    """The outages of `outlet_ids`: their looks after `answered.at` (or all, for an outlet
    that never got through), if enough and at two articles or more. With `start`, every
    outlet answered after it, so only captures since `start` are read."""
    looks = _looks(dialect, start, outlet_ids)
    c = looks.c
    checks = func.count(c.id)
    articles = func.count(func.distinct(c.article_id))
    failing = (
        select(
            c.outlet_id,
            checks.label("checks"),
            articles.label("articles"),
            func.min(c.fetched_at).label("since"),
            func.max(c.fetched_at).label("last_at"),
            func.sum(case((c.outcome == CaptureOutcome.BLOCKED.value, 1), else_=0)).label(
                "blocked"
            ),
        )
        .select_from(looks.outerjoin(answered, answered.c.outlet_id == c.outlet_id))
        .where(or_(answered.c.at.is_(None), c.fetched_at > answered.c.at))
        .where(c.outlet_id.in_(outlet_ids))
        .group_by(c.outlet_id)
        .having(checks >= min_checks, articles >= 2)
    )
    failing_rows = failing.subquery()
    return select(t.outlets.c.host, t.outlets.c.unreachable_told, failing_rows).join(
        failing_rows, failing_rows.c.outlet_id == t.outlets.c.id
    )
