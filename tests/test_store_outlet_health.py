"""Outlet health's recent looks and failures, on real SQLite and PostgreSQL: counted per
article and then per outlet (migration 0016's index), they must equal a count of the
window's captures one by one, whatever the outcomes and however the captures spread over
the window's edge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scrubwatch.model import FAILED_LOOKS, CaptureOutcome, Outlet
from scrubwatch.store import SqlStore
from scrubwatch.store import schema as t

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
OUTCOMES = list(CaptureOutcome)


def _watch(store: SqlStore) -> list[tuple[str, int, str]]:
    """Three outlets (one with no captures at all) of three articles each: (host, id, url)."""
    watched = []
    for host in ("a.example", "b.example", "idle.example"):
        store.upsert_outlet(Outlet(host=host, homepage=f"https://{host}/"), T0)
        urls = [f"https://{host}/n/{n}" for n in range(3)]
        watched += [(host, a.id, a.url) for a in store.add_articles(host, urls, "feed", T0)]
    return [(host, article_id, url) for host, article_id, url in watched if article_id]


def _capture(article_id: int, url: str, at: datetime, outcome: CaptureOutcome) -> dict[str, object]:
    return {
        "article_id": article_id,
        "fetched_at": at,
        "url": url,
        "outcome": outcome.value,
        "redirects": [],
        "headers": [],
        "body_size": 0,
    }


def test_recent_looks_and_failures_per_outlet(store: SqlStore) -> None:
    watched = _watch(store)
    rows, expected = [], {"a.example": [0, 0], "b.example": [0, 0], "idle.example": [0, 0]}
    for n in range(60):
        host, article_id, url = watched[(n * 7) % 6]  # the first two outlets only
        at = T0 + timedelta(hours=n - 20)  # a third of them before the window
        outcome = OUTCOMES[(n * 5) % len(OUTCOMES)]
        rows.append(_capture(article_id, url, at, outcome))
        if at >= T0:
            expected[host][0] += 1
            expected[host][1] += outcome in FAILED_LOOKS
    with store.engine.begin() as conn:
        conn.execute(t.captures.insert(), rows)
    health = {h.host: [h.recent_captures, h.recent_failures] for h in store.outlet_health(T0)}
    assert health == expected
    assert expected["a.example"][1] and expected["b.example"][1]  # failures on both


def test_no_captures_in_the_window(store: SqlStore) -> None:
    watched = _watch(store)
    _host, article_id, url = watched[0]
    with store.engine.begin() as conn:
        conn.execute(
            t.captures.insert(),
            [_capture(article_id, url, T0 - timedelta(days=8), CaptureOutcome.FAILED)],
        )
    health = store.outlet_health(T0)
    assert [(h.recent_captures, h.recent_failures) for h in health] == [(0, 0)] * 3
