"""Learning or forgetting an outlet's chrome never shows up as an edit: the same article text
is never a change, and a real edit is reported without the blocks learned in between."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from articles import BYLINE, PARAGRAPHS, TITLE
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import Change
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store

APPEAL = (
    "The Ledger is published by Ledger Media Group from its newsroom on Fountain Square, and "
    "its reporters follow the editorial code of the Azerbaijan Press Council."
)


def _pass(settings: Settings, store: SqlStore, clock: ManualClock) -> list[Change]:
    """One `check --all` in a fresh process's Runner (chrome loaded from the store)."""

    async def go() -> list[Change]:
        async with Runner(settings, store, clock=clock, analysis_workers=0) as runner:
            return (await runner.check_pass(all_articles=True)).changes

    clock.advance(timedelta(hours=1))
    return asyncio.run(go())


def test_learning_and_forgetting_chrome_never_reports_a_change(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    clock = ManualClock(datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)
    story = (*PARAGRAPHS, APPEAL)
    outlet.publish("aliyev-beijing", TITLE, story, byline=BYLINE)
    asyncio.run(_watch(settings, store, clock, outlet))
    assert _pass(settings, store, clock) == []  # the first version, with the appeal in it
    host = outlet.base_url.split("/")[2]
    for n in range(8):  # the appeal is on every story: the outlet's chrome
        own = tuple(f"Story {n}: {paragraph}" for paragraph in PARAGRAPHS[:3])
        outlet.publish(f"story-{n}", f"Story {n} of the day", (*own, APPEAL), byline=BYLINE)
    asyncio.run(_watch(settings, store, clock, outlet))
    assert _pass(settings, store, clock) == []
    outlet_row = store.outlet(host)
    assert outlet_row is not None and outlet_row.chrome and outlet_row.chrome["learned"]
    assert _pass(settings, store, clock) == []  # same text, the block now learned

    store.update_chrome(host, lambda _stored: {})  # forgotten (a reset, a new install)
    assert _pass(settings, store, clock) == []  # same text, the block no longer known

    edited = (*PARAGRAPHS[:-1], APPEAL)  # the article's last paragraph removed
    outlet.publish("aliyev-beijing", TITLE, edited, byline=BYLINE)
    changes = _pass(settings, store, clock)
    assert [c.url for c in changes] == [outlet.url("aliyev-beijing")]
    (change,) = changes
    assert change.diff is not None
    removed = " ".join(change.diff.sentences_removed)
    assert "Press Council" not in removed and "Press Council" not in change.summary
    assert change.diff.sentences_removed and not change.diff.sentences_added
    store.close()


async def _watch(
    settings: Settings, store: SqlStore, clock: ManualClock, outlet: FakeOutlet
) -> None:
    async with Runner(settings, store, clock=clock, analysis_workers=0) as runner:
        await runner.watch(outlet.base_url)
