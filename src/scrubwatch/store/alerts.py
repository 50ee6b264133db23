"""Storage of alert rules and their delivery queue (a mixin of `SqlStore`).

The queue lives in the database so an alert survives a crash or a channel outage: a delivery
is a row per (rule, change), unique, so no process can queue one twice. Sending is claimed
row by row with a lease (`next_attempt_at` pushed into the future in the same UPDATE that
checks it), so two processes delivering at once never both send the same row, and a process
that dies mid-send only delays the row until its lease runs out (at-least-once).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from scrubwatch.errors import UsageError
from scrubwatch.model import AlertRule
from scrubwatch.store import schema as t
from scrubwatch.store.alert_schema import (
    CURSOR,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    alert_cursor,
    alert_deliveries,
    alert_rules,
)
from scrubwatch.store.records import AlertCandidate, Delivery, QueuedDelivery, RuleStatus
from scrubwatch.store.rows import change_from_row, insert_ignore, last_seen_before
from scrubwatch.store.waves import wave_of_change


class StoreAlerts:
    """Alert rules and the delivery queue."""

    engine: Engine

    # -- rules -----------------------------------------------------------------------------

    def add_alert_rule(self, rule: AlertRule, now: datetime) -> AlertRule:
        """Save a new rule; UsageError when the name is taken."""
        with self._write() as conn:
            start = conn.execute(select(func.coalesce(func.max(t.changes.c.id), 0))).scalar_one()
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(alert_rules).values(
                            **_rule_values(rule), created_at=now, after_change_id=start
                        )
                    )
            except IntegrityError as exc:
                raise UsageError(f"an alert rule named {rule.name!r} exists already") from exc
        found = self.alert_rule(rule.name)
        assert found is not None
        return found

    def alert_rule(self, name: str) -> AlertRule | None:
        with self._read() as conn:
            row = conn.execute(select(alert_rules).where(alert_rules.c.name == name)).first()
        return _rule(row) if row else None

    def alert_rules(self) -> list[AlertRule]:
        with self._read() as conn:
            rows = conn.execute(select(alert_rules).order_by(alert_rules.c.name))
            return [_rule(r) for r in rows]

    def remove_alert_rule(self, name: str) -> bool:
        """Delete a rule and its queued and past deliveries; False when unknown."""
        with self._write() as conn:
            rule_id = conn.execute(
                select(alert_rules.c.id).where(alert_rules.c.name == name)
            ).scalar()
            if rule_id is None:
                return False
            conn.execute(delete(alert_deliveries).where(alert_deliveries.c.rule_id == rule_id))
            conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))
        return True

    def alert_status(self) -> list[RuleStatus]:
        """Every rule with its delivery counts and the error that last made one fail."""
        d = alert_deliveries
        counts = select(d.c.rule_id, d.c.status, func.count()).group_by(d.c.rule_id, d.c.status)
        errors = (
            select(d.c.rule_id, d.c.last_error)
            .where(d.c.last_error.is_not(None))
            .order_by(d.c.rule_id, d.c.id)
        )
        with self._read() as conn:
            by_rule: dict[tuple[int, str], int] = {
                (r[0], r[1]): int(r[2]) for r in conn.execute(counts)
            }
            last_error = {r.rule_id: r.last_error for r in conn.execute(errors)}
        return [
            RuleStatus(
                rule=rule,
                pending=by_rule.get((rule.id or 0, PENDING), 0)
                + by_rule.get((rule.id or 0, SENDING), 0),
                sent=by_rule.get((rule.id or 0, SENT), 0),
                failed=by_rule.get((rule.id or 0, FAILED), 0),
                last_error=last_error.get(rule.id or 0),
            )
            for rule in self.alert_rules()
        ]

    # -- queueing --------------------------------------------------------------------------

    def alert_cursor(self) -> int:
        """The highest change id already considered for alerts."""
        with self._read() as conn:
            return _cursor(conn)

    def alert_candidates(
        self,
        after_id: int,
        *,
        until_id: int | None = None,
        since: datetime | None = None,
        limit: int = 500,
    ) -> list[AlertCandidate]:
        """Changes with ids in (`after_id`, `until_id`], detected at or after `since`, by id."""
        conditions = [t.changes.c.id > after_id]
        if until_id is not None:
            conditions.append(t.changes.c.id <= until_id)
        if since is not None:
            conditions.append(t.changes.c.detected_at >= since)
        query = _candidate_query().where(*conditions).order_by(t.changes.c.id).limit(limit)
        with self._read() as conn:
            return [_candidate(r) for r in conn.execute(query)]

    def alert_candidate(self, change_id: int) -> AlertCandidate | None:
        with self._read() as conn:
            row = conn.execute(_candidate_query().where(t.changes.c.id == change_id)).first()
        return _candidate(row) if row else None

    def queue_alert_deliveries(
        self, queued: Sequence[QueuedDelivery], up_to: int, now: datetime
    ) -> int:
        """Queue deliveries and move the cursor to `up_to`, in one transaction.

        Pairs already queued are skipped (unique constraint), so this is safe to repeat and
        to run from several processes; returns how many were new.
        """
        with self._write() as conn:
            added = 0
            for item in queued:
                stmt = insert_ignore(conn.dialect.name, alert_deliveries).values(
                    rule_id=item.rule_id,
                    change_id=item.change_id,
                    status=PENDING,
                    queued_at=now,
                    next_attempt_at=item.due_at,
                    attempts=0,
                    matched=list(item.matched),
                    wave_id=item.wave_id,
                )
                # RETURNING tells a new row from a skipped one on both backends (rowcount
                # does not, once SQLAlchemy adds its own RETURNING on PostgreSQL).
                stmt = stmt.on_conflict_do_nothing().returning(alert_deliveries.c.id)
                added += len(conn.execute(stmt).all())
            stmt = insert_ignore(conn.dialect.name, alert_cursor).values(
                name=CURSOR, last_change_id=0
            )
            conn.execute(stmt.on_conflict_do_nothing())
            conn.execute(
                update(alert_cursor)
                .where(alert_cursor.c.name == CURSOR, alert_cursor.c.last_change_id < up_to)
                .values(last_change_id=up_to)
            )
        return added

    # -- delivering ------------------------------------------------------------------------

    def due_delivery_ids(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(delivery id, rule id) of deliveries due at `now` (or whose lease ran out), oldest
        first."""
        d = alert_deliveries
        query = (
            select(d.c.id, d.c.rule_id)
            .where(d.c.status.in_((PENDING, SENDING)), d.c.next_attempt_at <= now)
            .order_by(d.c.id)
            .limit(limit)
        )
        with self._read() as conn:
            return [(r.id, r.rule_id) for r in conn.execute(query)]

    def pending_delivery_ids(self, rule_id: int) -> list[int]:
        """Every pending delivery of a rule, due or not (a digest sends them together)."""
        d = alert_deliveries
        query = select(d.c.id).where(d.c.rule_id == rule_id, d.c.status == PENDING)
        with self._read() as conn:
            return list(conn.execute(query.order_by(d.c.id)).scalars())

    def claim_delivery(self, delivery_id: int, now: datetime, lease: timedelta) -> Delivery | None:
        """Take a delivery for one attempt; None when it is sent, failed, or another has it.

        A claimed row is `sending` until `now + lease`; if its process dies, it is due again
        after that, so nothing is lost and nothing is sent by two processes at once.
        """
        d = alert_deliveries
        with self._write() as conn:
            row = conn.execute(select(d).where(d.c.id == delivery_id)).first()
            free = row is not None and (
                row.status == PENDING or (row.status == SENDING and row.next_attempt_at <= now)
            )
            if row is None or not free:
                return None
            taken = conn.execute(
                update(d)
                .where(
                    d.c.id == delivery_id,
                    d.c.status == row.status,
                    d.c.next_attempt_at == row.next_attempt_at,
                )
                .values(status=SENDING, next_attempt_at=now + lease, attempts=d.c.attempts + 1)
            )
            if taken.rowcount != 1:
                return None
            rule = conn.execute(select(alert_rules).where(alert_rules.c.id == row.rule_id)).one()
            change = conn.execute(_candidate_query().where(t.changes.c.id == row.change_id)).one()
            wave = wave_of_change(conn, row.change_id) if row.wave_id is not None else None
        return Delivery(
            id=row.id,
            rule=_rule(rule),
            candidate=_candidate(change),
            matched=tuple(row.matched or ()),
            attempts=row.attempts + 1,
            wave=wave,
        )

    def mark_delivered(self, delivery_ids: Sequence[int], now: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                update(alert_deliveries)
                .where(alert_deliveries.c.id.in_(delivery_ids))
                .values(status=SENT, sent_at=now, last_error=None)
            )

    def mark_attempt_failed(
        self, delivery_ids: Sequence[int], error: str, retry_at: datetime | None
    ) -> None:
        """Record a failed attempt: retry at `retry_at`, or give up when it is None."""
        values: dict[str, Any] = {"last_error": error[:2000]}
        if retry_at is None:
            values["status"] = FAILED
        else:
            values.update(status=PENDING, next_attempt_at=retry_at)
        with self._write() as conn:
            conn.execute(
                update(alert_deliveries)
                .where(alert_deliveries.c.id.in_(delivery_ids))
                .values(**values)
            )

    def postpone_deliveries(
        self, delivery_ids: Sequence[int], error: str, until: datetime, now: datetime
    ) -> None:
        """Move due, unclaimed deliveries to `until` without counting an attempt."""
        d = alert_deliveries
        with self._write() as conn:
            conn.execute(
                update(d)
                .where(d.c.id.in_(delivery_ids), d.c.status == PENDING, d.c.next_attempt_at <= now)
                .values(next_attempt_at=until, last_error=error[:2000])
            )

    # Transactions come from SqlStore (SQLite writes take the lock up front there).
    def _write(self) -> Any: ...
    def _read(self) -> Any: ...


def _cursor(conn: Any) -> int:
    value = conn.execute(
        select(alert_cursor.c.last_change_id).where(alert_cursor.c.name == CURSOR)
    ).scalar()
    return int(value or 0)


def _rule_values(rule: AlertRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "target": rule.target,
        "terms": list(rule.terms),
        "outlets": list(rule.outlets),
        "kinds": list(rule.kinds),
        "severity": rule.severity,
        "secret": rule.secret,
        "digest_minutes": rule.digest_minutes,
        "web_added": rule.web_added,
    }


def _rule(row: Any) -> AlertRule:
    return AlertRule(
        name=row.name,
        target=row.target,
        terms=tuple(row.terms or ()),
        outlets=tuple(row.outlets or ()),
        kinds=tuple(row.kinds or ()),
        severity=row.severity,
        secret=row.secret,
        digest_minutes=row.digest_minutes,
        id=row.id,
        created_at=row.created_at,
        after_change_id=row.after_change_id,
        web_added=bool(row.web_added),
    )


def _candidate_query() -> Any:
    shown = func.coalesce(t.changes.c.to_version, t.changes.c.from_version)
    return (
        select(
            t.changes,
            t.articles.c.url,
            t.outlets.c.host,
            t.versions.c.title.label("version_title"),
            t.versions.c.language.label("version_language"),
            t.versions.c.paragraphs.label("version_paragraphs"),
            last_seen_before(),
        )
        .join(t.articles, t.changes.c.article_id == t.articles.c.id)
        .join(t.outlets, t.articles.c.outlet_id == t.outlets.c.id)
        .outerjoin(
            t.versions,
            (t.versions.c.article_id == t.changes.c.article_id) & (t.versions.c.number == shown),
        )
    )


def _candidate(row: Any) -> AlertCandidate:
    return AlertCandidate(
        change=change_from_row(row),
        article_id=row.article_id,
        headline=row.version_title,
        language=row.version_language,
        text="\n".join(row.version_paragraphs or ()),
    )
