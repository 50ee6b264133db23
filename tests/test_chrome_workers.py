"""Two processes (workers) learning one outlet's chrome: each save merges, none is lost."""

from __future__ import annotations

from datetime import UTC, datetime

from scrubwatch.model import Document, Outlet
from scrubwatch.pipeline.chrome import ChromeModels
from scrubwatch.store import SqlStore

HOST = "ledger.example"
APPEAL = "Our journalism is funded by readers like you. Support the Ledger today."
BRIEFING = "Sign up for the Ledger's morning briefing, sent every weekday at seven."


def _learn(models: ChromeModels, block: str, first: int) -> None:
    for n in range(first, first + 5):
        paragraphs = (f"Story {n} has a sentence of its own, number {n * 13}.", block)
        models.observe(HOST, f"https://{HOST}/news/{n}", Document(paragraphs=paragraphs))


def test_blocks_learned_by_two_workers_both_survive_their_saves(store: SqlStore) -> None:
    store.upsert_outlet(Outlet(host=HOST, homepage=f"https://{HOST}/"), datetime.now(UTC))
    first, second = ChromeModels(store), ChromeModels(store)
    _learn(first, APPEAL, 0)
    _learn(second, BRIEFING, 100)
    first.flush()
    second.flush()  # saved last: before, it replaced what the first had learned
    assert second.for_host(HOST).is_chrome(APPEAL)  # it took the first's blocks on saving
    restarted = ChromeModels(store).for_host(HOST)
    assert restarted.is_chrome(APPEAL) and restarted.is_chrome(BRIEFING)
    assert not restarted.is_chrome("Story 3 has a sentence of its own, number 39.")
