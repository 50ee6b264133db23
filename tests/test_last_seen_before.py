"""When a change happened, as far as the captures tell: `last_seen_before` (the last good
capture before the change) beside `detected_at`, in the JSON contract, `changes`, the web UI
and alert messages. A failed look in between saw nothing, so it does not narrow the window.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema

from articles import BYLINE, PARAGRAPHS, SCRUBBED, TITLE
from conftest import Cli
from scrubwatch.alerts.message import format_change
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.runner import Runner
from scrubwatch.serialize import change_to_json
from scrubwatch.store import SqlStore, open_store
from scrubwatch.web import create_app
from web_support import Client

T0 = datetime(2026, 5, 1, 14, 2, tzinfo=UTC)
CHALLENGE = (
    "<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>"
)


def _history(settings: Settings, store: SqlStore, outlet: FakeOutlet) -> None:
    """Seen at 14:02; a 500 at 14:10; a bot challenge at 14:17; scrubbed, seen at 14:25."""
    clock = ManualClock(T0)
    url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)

    async def go() -> None:
        async with Runner(settings, store, clock=clock) as runner:
            await runner.watch(url)
            await runner.check_pass(all_articles=True)
            clock.advance(timedelta(minutes=8))
            outlet.set_failing("aliyev-beijing", 500)
            await runner.check_pass(all_articles=True)
            clock.advance(timedelta(minutes=7))
            outlet.set_failing("aliyev-beijing", None)
            outlet.serve_instead("aliyev-beijing", CHALLENGE, status=403)
            await runner.check_pass(all_articles=True)
            clock.advance(timedelta(minutes=8))
            outlet.serve_instead("aliyev-beijing", None)
            outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
            await runner.check_pass(all_articles=True)

    asyncio.run(go())


def test_a_change_carries_when_it_was_last_seen_before(
    tmp_path: Path, outlet: FakeOutlet, change_schema: dict[str, Any]
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)
    _history(settings, store, outlet)
    (change,) = store.changes()
    assert change.last_seen_before == T0  # the failed looks do not count
    assert change.detected_at == T0 + timedelta(minutes=23)
    data = change_to_json(change)
    jsonschema.validate(data, change_schema)
    assert data["last_seen_before"] == "2026-05-01T14:02:00+00:00"

    page = Client(create_app(settings, store=store)).get("/").text
    assert "between 2026-05-01 14:02 and 14:25 UTC" in page
    candidate = store.alert_candidate(change.id or 0)
    assert candidate is not None and candidate.change.last_seen_before == T0
    message = format_change(candidate.change, link=None)
    assert "When: between 2026-05-01 14:02 and 14:25 UTC" in message.body
    store.close()


def test_changes_prints_the_window(tmp_path: Path, outlet: FakeOutlet, capsys: Any) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)
    _history(settings, store, outlet)
    store.close()
    printed = Cli(settings.data_dir, capsys)("changes")
    assert printed.code == 0
    assert re.search(r"between 2026-05-01 14:02 and\s+14:25 UTC", printed.stdout), printed.stdout
