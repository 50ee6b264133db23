"""Outlets unreachable from here: the store's side of outage detection and its alerts.

A mixin of `SqlStore`. An outlet is unreachable from here when, since the last look at any
of its articles that got through (an article, a 404, a page too large: the site answered),
at least `min_checks` looks failed or met a wall, and they were looks at two articles or
more: one article that keeps failing is that article's problem (it may be gone), several
failing together is the outlet refusing us (a geo-block, a bot wall, a dead proxy).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, case, func, or_, select, update

from scrubwatch.model import CaptureOutcome
from scrubwatch.store import schema as t
from scrubwatch.store.records import Outage

_NO_ANSWER = (CaptureOutcome.FAILED.value, CaptureOutcome.BLOCKED.value)


class StoreOutages:
    """Outage queries and the record of which episode was alerted about."""

    engine: Engine
    reader: Engine

    def outlet_outages(self, min_checks: int, host: str | None = None) -> list[Outage]:
        """Every outlet unreachable from here now (or only `host`'s), by host."""
        query = _outage_query(min_checks)
        if host is not None:
            query = query.where(t.outlets.c.host == host)
        with self._read() as conn:
            return [
                Outage(
                    host=row.host,
                    since=row.since,
                    last_at=row.last_at,
                    checks=int(row.checks),
                    blocked=int(row.blocked or 0),
                    articles=int(row.articles),
                    told=row.unreachable_told,
                )
                for row in conn.execute(query)
            ]

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


def _outage_query(min_checks: int) -> Any:
    c, a = t.captures.c, t.articles.c
    looks = t.captures.join(t.articles, c.article_id == a.id)
    answered = (
        select(a.outlet_id, func.max(c.fetched_at).label("at"))
        .select_from(looks)
        .where(c.outcome.not_in(_NO_ANSWER))
        .group_by(a.outlet_id)
        .subquery()
    )
    checks = func.count(c.id)
    articles = func.count(func.distinct(c.article_id))
    failing = (
        select(
            a.outlet_id,
            checks.label("checks"),
            articles.label("articles"),
            func.min(c.fetched_at).label("since"),
            func.max(c.fetched_at).label("last_at"),
            func.sum(case((c.outcome == CaptureOutcome.BLOCKED.value, 1), else_=0)).label(
                "blocked"
            ),
        )
        .select_from(looks.outerjoin(answered, answered.c.outlet_id == a.outlet_id))
        .where(or_(answered.c.at.is_(None), c.fetched_at > answered.c.at))
        .group_by(a.outlet_id)
        .having(checks >= min_checks, articles >= 2)
        .subquery()
    )
    return (
        select(t.outlets.c.host, t.outlets.c.unreachable_told, failing)
        .join(failing, failing.c.outlet_id == t.outlets.c.id)
        .order_by(t.outlets.c.host)
    )
