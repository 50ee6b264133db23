"""The adaptive schedule: often while young, rarely when old, never past the horizon."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from scrubwatch.schedule import next_check, retry_after_failure

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)


def _gap(age: timedelta, **kw: object) -> timedelta:
    due = next_check(now=T0 + age, first_seen=T0, **kw)  # type: ignore[arg-type]
    assert due is not None
    return due - (T0 + age)


def test_young_articles_are_checked_often_and_old_ones_rarely() -> None:
    gaps = [_gap(timedelta(hours=h)) for h in (0, 5, 12, 48, 24 * 10, 24 * 30)]
    assert gaps[0] == timedelta(minutes=15)
    assert gaps == sorted(gaps)
    assert gaps[-1] == timedelta(days=1)


def test_a_recent_change_makes_an_old_article_hot_again() -> None:
    age = timedelta(days=20)
    assert _gap(age, last_change_at=T0 + age - timedelta(hours=1)) == timedelta(minutes=15)
    assert _gap(age, last_change_at=T0 + age - timedelta(days=2)) == timedelta(days=1)


def test_past_the_horizon_there_is_no_next_check() -> None:
    assert next_check(now=T0 + timedelta(days=61), first_seen=T0) is None
    assert next_check(now=T0 + timedelta(days=8), first_seen=T0, horizon=timedelta(days=7)) is None


def test_jitter_spreads_checks_within_ten_percent() -> None:
    rng = random.Random(1)
    gaps = {_gap(timedelta(0), rng=rng) for _ in range(50)}
    assert len(gaps) > 1
    assert all(timedelta(minutes=13.5) <= g <= timedelta(minutes=16.5) for g in gaps)


def test_failures_back_off_exponentially_up_to_six_hours() -> None:
    delays = [retry_after_failure(now=T0, consecutive_failures=n) - T0 for n in (1, 2, 3, 30)]
    assert delays[:3] == [timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=20)]
    assert delays[3] == timedelta(hours=6)


def test_per_outlet_scale_shrinks_or_stretches_intervals() -> None:
    assert _gap(timedelta(0), scale=0.5) == timedelta(minutes=7.5)
    assert _gap(timedelta(days=20), scale=2.0) == timedelta(days=2)


def test_failure_retries_are_jittered() -> None:
    rng = random.Random(3)
    delays = {retry_after_failure(now=T0, consecutive_failures=2, rng=rng) - T0 for _ in range(20)}
    assert len(delays) > 1
    assert all(timedelta(minutes=9) <= d <= timedelta(minutes=11) for d in delays)
