"""Migration 0008 and the `web_added` flag of outlets and alert rules, on real SQLite and
PostgreSQL: rows from before the upgrade keep today's behaviour, and an outlet once added
from the web stays guarded whoever adds it again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

import scrubwatch.migrations
from databases import database_url
from scrubwatch.alerts.define import new_rule
from scrubwatch.model import Outlet
from scrubwatch.store import SqlStore

T0 = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)


def test_the_flag_round_trips_and_sticks(store: SqlStore) -> None:
    store.upsert_outlet(Outlet(host="web.example", web_added=True), T0)
    store.upsert_outlet(Outlet(host="cli.example"), T0)
    store.add_articles("web.example", ["https://web.example/a"], "feed", T0)
    store.add_articles("cli.example", ["https://cli.example/a"], "feed", T0)
    again = store.upsert_outlet(Outlet(host="web.example", feeds=("https://web.example/rss",)), T0)
    assert again.web_added  # a later command-line add does not lift the guard
    assert store.upsert_outlet(Outlet(host="cli.example", web_added=True), T0).web_added
    flags = {a.url: a.web_added for a in store.articles()}
    assert flags == {"https://web.example/a": True, "https://cli.example/a": True}
    leased = store.lease_due(T0, T0, 10)  # what scale-out workers check carries it too
    assert len(leased) == 2 and all(a.web_added for a in leased)
    store.add_alert_rule(
        replace(new_rule(name="web", target="https://h.example/"), web_added=True), T0
    )
    store.add_alert_rule(new_rule(name="cli", target="https://h.example/"), T0)
    assert {r.name: r.web_added for r in store.alert_rules()} == {"web": True, "cli": False}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


def _upgrade(url: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(scrubwatch.migrations.__file__).parent))
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_rows_from_before_0008_are_not_flagged(url: str) -> None:
    _upgrade(url, "0007")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outlets (host, feeds, sitemaps, added_at) "
                "VALUES ('old.example', '[]', '[]', '2025-01-01 00:00:00')"
            )
        )
    engine.dispose()
    store = SqlStore.open(url)  # migrates to the newest revision
    try:
        outlet = store.outlet("old.example")
        assert outlet is not None and outlet.web_added is False
    finally:
        store.close()
