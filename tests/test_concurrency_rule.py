"""One concurrency rule: no synchronous database call on the event loop (README, "How it is
built"). `loop_guard` (autouse, in conftest) watches it in every test; these tests show that
the guard catches a breach, and walk the whole async life of `run` against a loopback
outlet (watch, a pass with discovery, `run`'s loop, an alert round that reaches a webhook)
with no statement sent from the loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alert_support import WebhookReceiver
from articles import BYLINE, PARAGRAPHS, TITLE
from loop_guard import LoopGuard
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import AlertRule
from scrubwatch.runner import Runner
from scrubwatch.store import open_store


def test_the_guard_names_scrubwatch_code_that_queries_on_the_loop(
    tmp_path: Path, loop_guard: LoopGuard
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)

    async def breach() -> None:
        store.outlets()  # a test's own query on its loop: allowed
        Runner(settings, store)._due(False)  # scrubwatch code querying on the loop: not

    asyncio.run(breach())
    store.close()
    caught, loop_guard.calls[:] = list(loop_guard.calls), []
    assert caught, "the guard missed a store read made by the runner on the event loop"
    assert all(call.startswith("runner.py:") and " in _due: " in call for call in caught)


def test_a_run_with_discovery_and_alerts_never_queries_on_the_loop(
    tmp_path: Path, outlet: FakeOutlet, change_schema: dict[str, Any], loop_guard: LoopGuard
) -> None:
    outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    settings = Settings(data_dir=tmp_path / "data", discover_interval_minutes=0)
    store = open_store(settings)

    async def life(hook_url: str) -> int:
        async with Runner(settings, store, analysis_workers=0) as runner:
            await runner.watch(outlet.base_url)
            await runner.check_pass(all_articles=True)
            await asyncio.to_thread(
                store.add_alert_rule, AlertRule("desk", hook_url), datetime.now(UTC)
            )
            outlet.delete("aliyev-beijing")
            outlet.publish("baku-port", f"{TITLE}: the port", PARAGRAPHS, byline=BYLINE)
            stop = asyncio.Event()
            await runner.run_forever(stop, on_pass=lambda _report: stop.set())  # discovers
            await runner.check_pass(all_articles=True)  # sees the deletion
            return (await runner.alert()).sent

    with WebhookReceiver(change_schema) as hook:
        sent = asyncio.run(life(hook.url))
    assert loop_guard.calls == []
    # The run did what it says, so the statements it sent were sent from worker threads.
    assert sent == 1 and [r.payload["kind"] for r in hook.received] == ["deleted"]
    assert store.article(outlet.url("baku-port")) is not None
    store.close()
